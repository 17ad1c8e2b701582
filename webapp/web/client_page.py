"""The client page, shared by its routes: the summary laid out, and its two live sections.

``clients.py`` serves the page and the Pending actions section, ``client_partners.py`` the
Partners section; both render the whole page (a plain request with a form open) from here.
"""

from __future__ import annotations

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
    from webapp.models import Company, Contact, Partner
    from webapp.services.summaries import ClientSummary
    from webapp.web.forms.partners import PartnerForm

KEY_PEOPLE_SHOWN = 50
ACTIONS_ANCHOR = "client-actions"
PARTNERS_ANCHOR = "client-partners"


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
    """The Pending actions card: the client's pending actions the viewer may see."""

    company: Company
    actions: list[RelationshipAction]
    today: date
    notice: str | None = None
    focus: str | None = None


def partners_section(actor: Actor, company_id: int, permission: str, **shown: Any):
    """The Partners card for the client, read with ``permission``."""
    company = partners.client_company(actor, company_id, permission)
    found = list(db.session.scalars(partners.partners_query(company.id)))
    return PartnersSection(company=company, partners=found, **shown)


def actions_section(actor: Actor, company_id: int, **shown: Any) -> ActionsSection:
    company = partners.client_company(actor, company_id, access.RELATIONSHIPS_VIEW)
    return ActionsSection(
        company=company,
        actions=summaries.pending_actions(actor, company.id),
        today=today_in(actor.user.timezone),
        **shown,
    )


def check_filed_under(action_id: int, company_id: int) -> None:
    """An action filed under another company is not this client's: ``NotFound``."""
    stmt = select(filed_company_id()).where(RelationshipAction.id == action_id)
    if db.session.scalar(stmt) != company_id:
        raise NotFound(f"No relationship action with id {action_id} for client {company_id}.")


def key_people(summary: ClientSummary) -> list[Contact]:
    """The people to read first: those whose primary company is the client, then by name."""
    company_id = summary.company.id

    def is_primary_here(contact: Contact) -> bool:
        return any(
            link.company_id == company_id and link.is_primary for link in contact.company_links
        )

    return sorted(summary.contacts, key=lambda contact: not is_primary_here(contact))


def role_at(contact: Contact, company_id: int) -> str | None:
    """The contact's role at the company (from their link), else their job title."""
    for link in contact.company_links:
        if link.company_id == company_id and link.role:
            return link.role
    return contact.title


def render_client_page(
    actor: Actor,
    company_id: int,
    *,
    printing: bool = False,
    partners_card: PartnersSection | None = None,
    actions_card: ActionsSection | None = None,
) -> str:
    """The whole client page (or its print layout), with any section given as shown."""
    summary = summaries.client_summary(actor, company_id)
    people = key_people(summary)
    context = {
        "summary": summary,
        "company": summary.company,
        "profile": summary.company.client_profile,
        "people": people[:KEY_PEOPLE_SHOWN],
        "people_count": len(people),
        "upcoming_days": summaries.UPCOMING_DAYS,
        "role_at": role_at,
        "printing": printing,
        "partners_card": partners_card
        or PartnersSection(company=summary.company, partners=summary.partners),
        "actions_card": actions_card
        or ActionsSection(company=summary.company, actions=summary.actions, today=summary.today),
    }
    if not printing:  # the printed page has no map
        context["rmap"] = relationship_map.client_map(actor, company_id)
    template = "clients/print.html" if printing else "clients/show.html"
    return render_template(template, **context)
