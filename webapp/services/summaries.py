"""The client relationship summary: one read of everything an account manager needs before a
meeting with a client. Reference 002's ``relationship-summary``; the client page shows the same.

Every part is one query, so the summary costs the same few queries for a client of five people or
five hundred. The people and the events are read as plain rows, not ORM objects: building objects
was most of the summary's time. Each statement is built once, with the client's id as a bound
parameter, and kept: building them and their cache keys took 2 ms of every summary
(docs/performance.md, "Expressions built once").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, exists, func, select, union_all
from sqlalchemy.orm import joinedload

from webapp import access
from webapp.extensions import db
from webapp.models import (
    Company,
    Contact,
    ContactCompanyLink,
    LifeEvent,
    Message,
    RelationshipProfile,
    User,
    full_name_of,
)
from webapp.services import calendar, partners
from webapp.services.action_queries import ActionFilters, actions_in_scope, count_in_scope
from webapp.services.action_rows import ActionRow, rows_in_scope, rows_of
from webapp.services.auto_actions import occurrence_of
from webapp.services.contact_columns import first_email, first_phone, name_and_title
from webapp.services.life_events import on_month_days

if TYPE_CHECKING:
    from sqlalchemy import BindParameter, Row, Select

    from webapp.access import Actor
    from webapp.models import Partner, RelationshipAction

# Upcoming means from today through this many days ahead, both ends included.
UPCOMING_DAYS = 90
RECENT_MESSAGES = 10


@dataclass(frozen=True)
class UpcomingEvent:
    """A life event on the day it next happens. ``event`` is a row of the event's columns with
    its contact's ``first_name`` and ``last_name`` (plain rows: a client's 90 days can hold
    hundreds of events; docs/performance.md)."""

    event: Row
    occurs_on: date

    @property
    def contact_name(self) -> str:
        return full_name_of(self.event.first_name, self.event.last_name)

    def days_away(self, today: date) -> int:
        return (self.occurs_on - today).days


@dataclass(frozen=True, slots=True)
class KeyPerson:
    """One of the client's people as the summary shows them: their link's role at the client,
    their first email and phone (as ``Contact.primary_email`` and ``primary_phone``), their
    owner, and how they like to be contacted (their relationship profile's fields, ``None``
    without a profile). Plain columns, not objects (docs/performance.md)."""

    id: int
    first_name: str
    last_name: str
    title: str | None
    role: str | None  # their link's role at the client
    primary_here: bool  # the client is their primary company
    email: str | None
    phone: str | None
    owner_id: int | None
    owner_name: str | None
    last_touch_on: date | None
    communication_preference: str | None
    communication_notes: str | None
    preferred_name: str | None
    phone_number: str | None
    whatsapp_number: str | None
    twilio_opt_in: bool | None
    assistant_name: str | None
    assistant_email: str | None
    dietary_requirements: str | None
    interests: list[str] | None

    @property
    def full_name(self) -> str:
        return full_name_of(self.first_name, self.last_name)

    @property
    def role_or_title(self) -> str | None:
        """What they do at the client: their link's role, else their job title."""
        return self.role or self.title


@dataclass(frozen=True)
class Shown:
    """How much of a long part a summary reads: the client page's first screen shows the first
    people and the soonest actions, and counts the rest (docs/performance.md)."""

    people: int
    actions: int | None  # None: every pending action


@dataclass(frozen=True)
class ClientSummary:
    company: Company
    today: date
    people: list[KeyPerson]  # by name; with ``Shown``, the first few, primary people first
    events: list[UpcomingEvent]
    actions: list[RelationshipAction] | list[ActionRow]  # rows for the API's summary
    partners: list[Partner]
    messages: list[Message]
    people_count: int  # every live person at the client, listed or not
    pending_count: int  # every pending action the actor may see, listed or not

    @property
    def window_ends_on(self) -> date:
        return self.today + timedelta(days=UPCOMING_DAYS)


def works_at(company_id: int):
    """SQL: the contact (``Contact``) is a live contact linked to the company."""
    return Contact.archived_at.is_(None) & exists().where(
        ContactCompanyLink.contact_id == Contact.id, ContactCompanyLink.company_id == company_id
    )


PROFILE_FIELDS = (
    "communication_preference",
    "communication_notes",
    "preferred_name",
    "phone_number",
    "whatsapp_number",
    "twilio_opt_in",
    "assistant_name",
    "assistant_email",
    "dietary_requirements",
    "interests",
)


def people_query(company_id: int, *, primary_first: bool = False) -> Select:
    """The client's live people as ``KeyPerson`` columns, by name; ``primary_first``: those
    whose primary company it is first. One row each: a contact has one link to a company."""
    link, profile = ContactCompanyLink, RelationshipProfile
    stmt = (
        select(
            *name_and_title(),
            link.role,
            link.is_primary.label("primary_here"),
            first_email().label("email"),
            first_phone().label("phone"),
            Contact.owner_id,
            User.name.label("owner_name"),
            Contact.last_touch_on,
            *(getattr(profile, name) for name in PROFILE_FIELDS),
        )
        .join(link, (link.contact_id == Contact.id) & (link.company_id == company_id))
        .outerjoin(User, User.id == Contact.owner_id)
        .outerjoin(profile, profile.contact_id == Contact.id)
        .where(Contact.archived_at.is_(None))
    )
    first = (link.is_primary.desc(),) if primary_first else ()
    return stmt.order_by(*first, Contact.last_name, Contact.first_name, Contact.id)


def _company_id():
    return bindparam("company_id", type_=db.Integer)


def key_people(stmt: Select, company_id: int) -> list[KeyPerson]:
    """``KeyPerson`` of each row of a statement of ``people_query`` for ``company_id``: its
    columns come in the dataclass's field order (a test holds them to it)."""
    return [KeyPerson(*row) for row in db.session.execute(stmt, {"company_id": company_id})]


@functools.cache
def people_statement(*, primary_first: bool = False, limit: int | None = None) -> Select:
    """``people_query`` for a client given as the bound parameter ``company_id``, built once."""
    stmt = people_query(_company_id(), primary_first=primary_first)
    return stmt if limit is None else stmt.limit(limit)


@functools.cache
def _people_count() -> Select:
    return select(func.count(Contact.id)).where(works_at(_company_id()))


def first_people(company_id: int, shown: int) -> tuple[list[KeyPerson], int]:
    """The client's first ``shown`` people to read (those whose primary company it is, then by
    name), and how many live people the client has."""
    people = key_people(people_statement(primary_first=True, limit=shown), company_id)
    count = db.session.scalar(_people_count(), {"company_id": company_id})
    return people, count or 0


@functools.lru_cache(maxsize=8)  # a statement for each of the last few days asked about
def _events_statement(near: frozenset[tuple[int, int]]) -> Select:
    company_id = _company_id()
    people = select(Contact.id).where(works_at(company_id))
    in_window = on_month_days(near)
    # Two indexed look-ups rather than an OR, which would read every life event of the firm;
    # the days in each, so that the index by contact and day answers the first alone.
    theirs = union_all(
        select(LifeEvent.id).where(LifeEvent.contact_id.in_(people), in_window),
        select(LifeEvent.id).where(LifeEvent.company_id == company_id, in_window),
    )
    return (
        select(*LifeEvent.__table__.columns, Contact.first_name, Contact.last_name)
        .join(Contact, Contact.id == LifeEvent.contact_id)
        .where(LifeEvent.id.in_(theirs), Contact.archived_at.is_(None))
    )


def upcoming_events(company_id: int, today: date) -> list[UpcomingEvent]:
    """Events of the client's people (or filed under the client) that next happen from today
    through ``UPCOMING_DAYS`` ahead, soonest first: one-off events dated in that window, and
    recurring (or year-unknown) events whose next occurrence falls in it."""
    near = frozenset(calendar.month_days(today, UPCOMING_DAYS + 1))
    stmt = _events_statement(near)
    last_day = today + timedelta(days=UPCOMING_DAYS)
    found = []
    for event in db.session.execute(stmt, {"company_id": company_id}):
        occurs_on = occurrence_of(event, today)
        if occurs_on is not None and occurs_on <= last_day:
            found.append(UpcomingEvent(event, occurs_on))
    return sorted(found, key=lambda up: (up.occurs_on, up.event.title, up.event.id))


def _pending_filters(company_id: int | BindParameter) -> ActionFilters:
    """The client's pending actions; ``company_id`` may be the bound parameter of a kept
    statement."""
    return ActionFilters(statuses=("pending",), client_company_id=company_id)


@functools.lru_cache(maxsize=512)
def _pending_statements(scope: access.ActionScope, shown: int | None) -> tuple[Select, Select]:
    """The client's pending actions in ``scope`` (the ``shown`` soonest, or all) and their
    count, for the client given as ``company_id``: built once per scope, as a contact's
    history is (``contact_history``)."""
    filters = _pending_filters(_company_id())
    return actions_in_scope(scope, filters).limit(shown), count_in_scope(scope, filters)


@functools.lru_cache(maxsize=512)
def _pending_rows(scope: access.ActionScope) -> Select:
    """Every pending action of the client given as ``company_id`` in ``scope``, as the API's
    rows (``action_rows``), built once per scope."""
    return rows_in_scope(scope, _pending_filters(_company_id()))


def soonest_pending_actions(
    actor: Actor, company_id: int, shown: int | None, *, for_api: bool = False
) -> tuple[list[RelationshipAction] | list[ActionRow], int]:
    """The client's ``shown`` soonest pending actions the actor may see (every one for
    ``None``), and how many there are in all (always counted, so the page costs the same
    queries for any client). ``for_api``: every one, as rows with what the API's summary
    names of each (``action_rows``)."""
    if for_api:
        rows = rows_of(_pending_rows(access.action_scope(actor)), {"company_id": company_id})
        return rows, len(rows)
    listed, counted = _pending_statements(access.action_scope(actor), shown)
    params = {"company_id": company_id}
    actions = list(db.session.scalars(listed, params))
    if shown is None:
        return actions, len(actions)
    return actions, db.session.scalar(counted, params) or 0


@functools.cache
def _recent_messages() -> Select:
    people = select(Contact.id).where(works_at(_company_id()))
    return (
        select(Message)
        .where(Message.contact_id.in_(people))
        .options(joinedload(Message.sent_by), joinedload(Message.contact))
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(RECENT_MESSAGES)
    )


def recent_messages(company_id: int) -> list[Message]:
    """The latest messages with the client's people, newest first."""
    return list(db.session.scalars(_recent_messages(), {"company_id": company_id}))


def client_summary(actor: Actor, company_id: int, shown: Shown | None = None) -> ClientSummary:
    """Everything about a client that matters before a meeting, as the actor may see it; with
    ``shown`` (the page), the first people and the soonest pending actions only, with their
    counts; without (the API's summary), everything, with what the API's JSON names."""
    company = partners.client_company(actor, company_id, access.RELATIONSHIPS_VIEW)
    today = calendar.today_in(actor.user.timezone)
    if shown is None:
        people = key_people(people_statement(), company.id)
        people_count = len(people)
    else:
        people, people_count = first_people(company.id, shown.people)
    actions, pending_count = soonest_pending_actions(
        actor, company.id, None if shown is None else shown.actions, for_api=shown is None
    )
    return ClientSummary(
        company=company,
        today=today,
        people=people,
        events=upcoming_events(company.id, today),
        actions=actions,
        partners=partners.client_partners(company.id),
        messages=recent_messages(company.id),
        people_count=people_count,
        pending_count=pending_count,
    )
