"""Today: the first page after sign-in. What is due this week, whose day is coming, my clients."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import contains_eager, load_only

from webapp import access
from webapp.extensions import db
from webapp.guards import permission_required, signed_in_actor
from webapp.models import ClientProfile, Company, Contact, full_name_of
from webapp.services import actions as action_service
from webapp.services import count_cache
from webapp.services.action_queries import own_pending_due_by
from webapp.services.calendar import month_days, next_occurrence, today_in
from webapp.services.contact_columns import first_company_name, first_email, name_and_title
from webapp.services.life_event_types import life_event_type
from webapp.services.life_events import owned_events_on
from webapp.web.listing import wants_fragment

if TYPE_CHECKING:
    from sqlalchemy import Select
    from werkzeug.wrappers import Response

    from webapp.access import Actor

bp = Blueprint("today", __name__)

RECENT_CONTACTS = 8
DUE_SOON_DAYS = 7  # today and the six days after: "this week"
DUE_SOON_SHOWN = 10
UPCOMING_DAYS = 14  # today and the thirteen days after
UPCOMING_SHOWN = 12  # the soonest; "Show all" (?events=all) lists the whole fortnight


def _my_clients(user_id: int) -> list[Company]:
    return list(db.session.scalars(_my_clients_statement(), {"user_id": user_id}))


@functools.cache
def _my_clients_statement() -> Select:
    """The clients the user manages, by name, with what the card shows (name, tier): built
    once, with the user bound (docs/performance.md, "Expressions built once")."""
    return (
        select(Company)
        .join(ClientProfile)
        .where(
            ClientProfile.account_manager_id == bindparam("user_id", type_=db.Integer),
            Company.archived_at.is_(None),
        )
        .options(
            load_only(Company.name),
            contains_eager(Company.client_profile).load_only(ClientProfile.tier),
        )
        .order_by(Company.name)
    )


@dataclass(frozen=True, slots=True)
class RecentContact:
    """One of my recently updated contacts, as the card shows them: plain columns."""

    id: int
    first_name: str
    last_name: str
    title: str | None
    company_name: str | None  # their primary company's (``Contact.primary_company``)
    email: str | None  # their first (``Contact.primary_email``)

    @property
    def full_name(self) -> str:
        return full_name_of(self.first_name, self.last_name)


def _my_recent_contacts(user_id: int) -> list[RecentContact]:
    stmt = (
        select(
            *name_and_title(),
            first_company_name().label("company_name"),
            first_email().label("email"),
        )
        .where(Contact.owner_id == user_id, Contact.archived_at.is_(None))
        .order_by(Contact.updated_at.desc(), Contact.id.desc())
        .limit(RECENT_CONTACTS)
    )
    return [RecentContact(**row._mapping) for row in db.session.execute(stmt)]


def _my_contact_count(user_id: int) -> int:
    stmt = select(func.count(Contact.id)).where(
        Contact.owner_id == user_id, Contact.archived_at.is_(None)
    )
    return db.session.scalar(stmt) or 0


# --- my actions due this week ---------------------------------------------------------------------


def due_soon(actor: Actor) -> dict[str, Any]:
    """My pending actions due by the end of this week (overdue first), and how many in all."""
    today = today_in(actor.user.timezone)
    due_by = today + timedelta(days=DUE_SOON_DAYS - 1)
    shown, total = own_pending_due_by(actor, due_by, DUE_SOON_SHOWN)
    return {"due_actions": shown, "due_total": total, "today": today}


# --- upcoming life events of my contacts ----------------------------------------------------------


@dataclass(frozen=True)
class UpcomingEvent:
    """A life event of one of my contacts, on the day it next happens."""

    event_id: int
    contact_id: int
    contact_name: str
    title: str
    event_type: str
    occurs_on: date
    days_away: int

    @property
    def type_label(self) -> str:
        return life_event_type(self.event_type).label


def upcoming_events(owner_id: int, today: date) -> list[UpcomingEvent]:
    """Life events of the owner's current contacts in the next ``UPCOMING_DAYS``, in one query.

    SQL narrows to the month-days in the window; the next occurrence (one-off events, a year
    not reached yet, 29 February) is worked out in Python. Rows of columns, not ORM objects: an
    owner of hundreds of contacts has hundreds of events in a fortnight.
    """
    stmt = owned_events_on([owner_id], month_days(today, UPCOMING_DAYS))
    last = today + timedelta(days=UPCOMING_DAYS - 1)
    rows = []
    for row in db.session.execute(stmt):
        occurs_on = next_occurrence(
            row.event_month, row.event_day, row.event_year, row.recurs_annually, today
        )
        if occurs_on is None or occurs_on > last:
            continue
        name = full_name_of(row.first_name, row.last_name)
        days_away = (occurs_on - today).days
        rows.append(
            UpcomingEvent(
                row.id, row.contact_id, name, row.title, row.event_type, occurs_on, days_away
            )
        )
    rows.sort(key=lambda row: (row.occurs_on, row.contact_name, row.event_id))
    return rows


# --- the page -------------------------------------------------------------------------------------


def _relationship_context(actor: Actor) -> dict[str, Any]:
    """The actions and life events sections, for those who may see relationships."""
    if not access.can(actor, access.RELATIONSHIPS_VIEW):
        return {"shows_relationships": False}
    context = due_soon(actor)
    today = context["today"]
    upcoming = count_cache.remember(  # kept a minute unless an event or a contact changes
        "events", ("today", actor.user_id, today), lambda: upcoming_events(actor.user_id, today)
    )
    every_event = request.args.get("events") == "all"
    context["upcoming_events"] = upcoming if every_event else upcoming[:UPCOMING_SHOWN]
    context["upcoming_total"] = len(upcoming)
    return {"shows_relationships": True, **context}


@bp.get("/")
@permission_required()
def index():
    actor = signed_in_actor()
    user = actor.user
    return render_template(
        "today/index.html",
        clients=_my_clients(user.id),
        recent_contacts=_my_recent_contacts(user.id),
        contact_count=_my_contact_count(user.id),
        can_update=access.can(actor, access.RELATIONSHIPS_UPDATE),
        **_relationship_context(actor),
    )


@bp.post("/today/actions/<int:action_id>/done")
@permission_required(access.RELATIONSHIPS_UPDATE)
def complete_action(action_id: int) -> Response:
    """Mark one of my actions done from Today; htmx gets the section back, updated."""
    actor = signed_in_actor()
    action = action_service.set_status(actor, action_id, "done")
    notice = f"“{action.title}” marked done."
    if not wants_fragment():
        flash(notice, "success")
        return redirect(url_for("today.index"), 303)
    section = render_template(
        "actions/_due_soon.html", notice=notice, can_update=True, **due_soon(actor)
    )
    response = make_response(section)
    response.vary.add("HX-Request")
    return response
