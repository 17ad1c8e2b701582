"""Builders for the scheduler's tests: owners in time zones, contacts, raw life events, ticks."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from tests.factories import ContactFactory, UserFactory
from webapp.extensions import db
from webapp.jobs import cadence, due_actions
from webapp.jobs.base import Clock, JobResult
from webapp.models import AuditEvent, Contact, LifeEvent, RelationshipAction, Task, User


def owner(timezone: str = "UTC", **fields: Any) -> User:
    return UserFactory(role="member", timezone=timezone, **fields)


def contact_of(person: User | None, first_name: str = "Ada", last_name: str = "Lovelace", **fields):
    return ContactFactory(first_name=first_name, last_name=last_name, owner=person, **fields)


def raw_event(
    contact: Contact,
    month: int,
    day: int,
    year: int | None = None,
    *,
    recurs: bool = True,
    lead: int | None = None,
    event_type: str = "birthday",
    title: str = "Birthday",
    enabled: bool = True,
) -> LifeEvent:
    """A life event stored directly, as an import would: no action is made for it on the way in."""
    event = LifeEvent(
        contact_id=contact.id,
        event_type=event_type,
        title=title,
        event_month=month,
        event_day=day,
        event_year=year,
        recurs_annually=recurs,
        auto_action_enabled=enabled,
        auto_action_days_before=lead,
    )
    db.session.add(event)
    db.session.flush()
    return event


def run_due_actions(day: date | None = None) -> JobResult:
    return due_actions.run(Clock(fixed_day=day))


def run_cadence(day: date | None = None) -> JobResult:
    return cadence.run(Clock(fixed_day=day))


def actions_for(event: LifeEvent) -> list[RelationshipAction]:
    db.session.expire_all()
    stmt = select(RelationshipAction).where(RelationshipAction.life_event_id == event.id)
    return list(db.session.scalars(stmt.order_by(RelationshipAction.occurrence_on)))


def occurrences_of(event: LifeEvent) -> list[date]:
    return [action.occurrence_on for action in actions_for(event)]


def check_ins_of(contact: Contact) -> list[RelationshipAction]:
    db.session.expire_all()
    stmt = select(RelationshipAction).where(
        RelationshipAction.contact_id == contact.id, RelationshipAction.source == "cadence"
    )
    return list(db.session.scalars(stmt.order_by(RelationshipAction.cadence_period)))


def row_counts() -> tuple[int, int, int]:
    """How many actions, tasks and audit events are stored: a tick that did nothing adds none."""
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (RelationshipAction, Task, AuditEvent)
    )


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
