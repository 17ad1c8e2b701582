"""The client relationship summary: one read of everything an account manager needs before a
meeting with a client. Reference 002's ``relationship-summary``; the client page shows the same.

Every part is one query (with its eager loads), so the summary costs the same few queries for a
client of five people or five hundred.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import exists, select, union_all
from sqlalchemy.orm import joinedload

from webapp import access
from webapp.extensions import db
from webapp.models import Company, Contact, ContactCompanyLink, LifeEvent, Message
from webapp.services import calendar, partners
from webapp.services.action_queries import ActionFilters, actions_query
from webapp.services.auto_actions import occurrence_of
from webapp.services.life_events import on_month_days

if TYPE_CHECKING:
    from webapp.access import Actor
    from webapp.models import Partner, RelationshipAction

# Upcoming means from today through this many days ahead, both ends included.
UPCOMING_DAYS = 90
RECENT_MESSAGES = 10


@dataclass(frozen=True)
class UpcomingEvent:
    event: LifeEvent
    occurs_on: date

    def days_away(self, today: date) -> int:
        return (self.occurs_on - today).days


@dataclass(frozen=True)
class ClientSummary:
    company: Company
    today: date
    contacts: list[Contact]
    events: list[UpcomingEvent]
    actions: list[RelationshipAction]
    partners: list[Partner]
    messages: list[Message]

    @property
    def window_ends_on(self) -> date:
        return self.today + timedelta(days=UPCOMING_DAYS)


def works_at(company_id: int):
    """SQL: the contact (``Contact``) is a live contact linked to the company."""
    return Contact.archived_at.is_(None) & exists().where(
        ContactCompanyLink.contact_id == Contact.id, ContactCompanyLink.company_id == company_id
    )


def people_query(company_id: int):
    """The client's live contacts with their relationship profiles, by name."""
    return (
        select(Contact)
        .where(works_at(company_id))
        .options(
            # Joined, not select-in: select-in loads in batches of 500, one query each.
            joinedload(Contact.relationship_profile),
            joinedload(Contact.emails),
            joinedload(Contact.phones),
            joinedload(Contact.company_links),
            joinedload(Contact.owner),
        )
        .order_by(Contact.last_name, Contact.first_name, Contact.id)
    )


def upcoming_events(company_id: int, today: date) -> list[UpcomingEvent]:
    """Events of the client's people (or filed under the client) that next happen from today
    through ``UPCOMING_DAYS`` ahead, soonest first: one-off events dated in that window, and
    recurring (or year-unknown) events whose next occurrence falls in it."""
    near = calendar.month_days(today, UPCOMING_DAYS + 1)
    people = select(Contact.id).where(works_at(company_id))
    # Two indexed look-ups rather than an OR, which would read every life event of the firm.
    theirs = union_all(
        select(LifeEvent.id).where(LifeEvent.contact_id.in_(people)),
        select(LifeEvent.id).where(LifeEvent.company_id == company_id),
    )
    stmt = (
        select(LifeEvent)
        .where(
            LifeEvent.id.in_(theirs),
            LifeEvent.contact.has(Contact.archived_at.is_(None)),
            on_month_days(near),
        )
        .options(joinedload(LifeEvent.contact))
    )
    last_day = today + timedelta(days=UPCOMING_DAYS)
    found = []
    for event in db.session.scalars(stmt):
        occurs_on = occurrence_of(event, today)
        if occurs_on is not None and occurs_on <= last_day:
            found.append(UpcomingEvent(event, occurs_on))
    return sorted(found, key=lambda up: (up.occurs_on, up.event.title, up.event.id))


def pending_actions(actor: Actor, company_id: int) -> list[RelationshipAction]:
    """The client's pending actions that the actor may see, soonest due first."""
    filters = ActionFilters(statuses=("pending",), client_company_id=company_id)
    return list(db.session.scalars(actions_query(actor, filters, unpaged=True)).unique())


def recent_messages(company_id: int) -> list[Message]:
    """The latest messages with the client's people, newest first."""
    people = select(Contact.id).where(works_at(company_id))
    stmt = (
        select(Message)
        .where(Message.contact_id.in_(people))
        .options(joinedload(Message.sent_by), joinedload(Message.contact))
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(RECENT_MESSAGES)
    )
    return list(db.session.scalars(stmt))


def client_summary(actor: Actor, company_id: int) -> ClientSummary:
    """Everything about a client that matters before a meeting, as the actor may see it."""
    company = partners.client_company(actor, company_id, access.RELATIONSHIPS_VIEW)
    today = calendar.today_in(actor.user.timezone)
    return ClientSummary(
        company=company,
        today=today,
        contacts=list(db.session.scalars(people_query(company.id)).unique()),
        events=upcoming_events(company.id, today),
        actions=pending_actions(actor, company.id),
        partners=list(db.session.scalars(partners.partners_query(company.id))),
        messages=recent_messages(company.id),
    )
