"""The client page, shared by its routes: the summary laid out, and its two live sections.

``clients.py`` serves the page and the Pending actions section, ``client_partners.py`` the
Partners section; both render the whole page (a plain request with a form open) from here.

The page's first screen stays cheap however big the client (docs/performance.md, "The client
page"): it lists the soonest pending actions and upcoming events, each card with a "Show all"
link (``?actions=all``, ``?events=all``), and the relationship map below it loads when it is
scrolled into view (``?open=relationship-map`` shows it in place without JavaScript). The print
layout and the summary API keep everything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import render_template
from sqlalchemy import select

from webapp import access
from webapp.extensions import db
from webapp.models import RelationshipAction
from webapp.services import partners, relationship_map, summaries
from webapp.services.action_queries import filed_company_id
from webapp.services.calendar import today_in
from webapp.services.errors import NotFound

if TYPE_CHECKING:
    from datetime import date

    from webapp.access import Actor
    from webapp.models import Company, Partner
    from webapp.web.forms.partners import PartnerForm

KEY_PEOPLE_SHOWN = 50
ACTIONS_SHOWN = 10  # the soonest pending actions; "Show all" (?actions=all) lists every one
EVENTS_SHOWN = 12  # the soonest upcoming events; "Show all" (?events=all)
ACTIONS_ANCHOR = "client-actions"
PARTNERS_ANCHOR = "client-partners"
MAP_SECTION = "relationship-map"


def deal_size(amount: Decimal | None, empty: str = "—") -> str:
    """Money as it reads in a table: "1,250,000" or "1,250,000.50"; no currency is known."""
    if amount is None:
        return empty
    if amount == amount.to_integral_value():
        return f"{amount:,.0f}"
    return f"{amount:,.2f}"


@dataclass(frozen=True)
class PartnersSection:
    """The Partners card: the list and its total, with at most one form or confirm step open."""

    company: Company
    partners: list[Partner]
    form: PartnerForm | None = None
    editing_id: int | None = None  # the partner whose row is a form (None with a form: adding)
    deleting_id: int | None = None  # the partner whose deletion awaits confirmation
    notice: str | None = None  # what a write just did, where the keyboard lands
    focus: str | None = None

    @property
    def total(self) -> Decimal:
        return partners.total_deal_size(self.partners)

    @property
    def suggested_types(self) -> tuple[str, ...]:
        return partners.SUGGESTED_TYPES

    @property
    def adding(self) -> bool:
        return self.form is not None and self.editing_id is None


@dataclass(frozen=True)
class ActionsSection:
    """The Pending actions card: the client's pending actions the viewer may see, the soonest
    ``ACTIONS_SHOWN`` of them unless ``every`` one is asked for."""

    company: Company
    actions: list[RelationshipAction]
    today: date
    total: int  # how many pending actions the viewer may see, shown or not
    every: bool = False
    notice: str | None = None
    focus: str | None = None

    @property
    def more(self) -> int:
        """How many pending actions the card leaves out."""
        return self.total - len(self.actions)


def partners_section(actor: Actor, company_id: int, permission: str, **shown: Any):
    """The Partners card for the client, read with ``permission``."""
    company = partners.client_company(actor, company_id, permission)
    found = partners.client_partners(company.id)
    return PartnersSection(company=company, partners=found, **shown)


def actions_section(
    actor: Actor, company_id: int, every: bool = False, **shown: Any
) -> ActionsSection:
    """The Pending actions card for the client: the soonest, or ``every`` pending action."""
    company = partners.client_company(actor, company_id, access.RELATIONSHIPS_VIEW)
    limit = None if every else ACTIONS_SHOWN
    actions, total = summaries.soonest_pending_actions(actor, company.id, limit)
    return ActionsSection(
        company=company,
        actions=actions,
        today=today_in(actor.user.timezone),
        total=total,
        every=every,
        **shown,
    )


def check_filed_under(action_id: int, company_id: int) -> None:
    """An action filed under another company is not this client's: ``NotFound``."""
    stmt = select(filed_company_id()).where(RelationshipAction.id == action_id)
    if db.session.scalar(stmt) != company_id:
        raise NotFound(f"No relationship action with id {action_id} for client {company_id}.")


@dataclass(frozen=True)
class PageView:
    """What the page shows of its longer cards, from the request's query."""

    printing: bool = False  # the print layout: everything, no map
    every_action: bool = False  # ?actions=all
    every_event: bool = False  # ?events=all
    open_map: bool = False  # ?open=relationship-map: the map in place (no JavaScript)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> PageView:
        return cls(
            printing=args.get("print") == "1",
            every_action=args.get("actions") == "all",
            every_event=args.get("events") == "all",
            open_map=args.get("open") == MAP_SECTION,
        )


def render_client_page(
    actor: Actor,
    company_id: int,
    view: PageView = PageView(),
    *,
    partners_card: PartnersSection | None = None,
    actions_card: ActionsSection | None = None,
) -> str:
    """The whole client page (or its print layout), with any section given as shown."""
    whole = view.printing or view.every_action
    shown = summaries.Shown(people=KEY_PEOPLE_SHOWN, actions=None if whole else ACTIONS_SHOWN)
    summary = summaries.client_summary(actor, company_id, shown)
    events = summary.events if view.printing or view.every_event else summary.events[:EVENTS_SHOWN]
    context = {
        "summary": summary,
        "company": summary.company,
        "profile": summary.company.client_profile,
        "people": summary.people,  # primary people first
        "people_count": summary.people_count,
        "upcoming_days": summaries.UPCOMING_DAYS,
        "events_shown": events,
        "printing": view.printing,
        "partners_card": partners_card
        or PartnersSection(company=summary.company, partners=summary.partners),
        "actions_card": actions_card
        or ActionsSection(
            company=summary.company,
            actions=summary.actions,
            today=summary.today,
            total=summary.pending_count,
            every=whole,
        ),
        "map_section": MAP_SECTION,
    }
    if view.open_map:  # the printed page has no map; the page loads it when scrolled to
        context["rmap"] = relationship_map.client_map(actor, company_id)
    template = "clients/print.html" if view.printing else "clients/show.html"
    return render_template(template, **context)
