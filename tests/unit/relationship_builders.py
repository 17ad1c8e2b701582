"""Builders shared by the relationship service tests: a frozen clock, contacts, events, actions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text

from tests.factories import ContactFactory, UserFactory
from webapp import access
from webapp.models import Contact, LifeEvent, RelationshipAction, Task, User
from webapp.services import life_events

if TYPE_CHECKING:
    import pytest


def freeze_time(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Make ``calendar.now()`` (the clock behind every "today") return ``moment``."""
    fixed = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    monkeypatch.setattr("webapp.services.calendar.now", lambda: fixed)


def at_noon_utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def user(role: str = "member", **fields: Any) -> User:
    return UserFactory(role=role, **fields)


def actor_of(person: User) -> access.Actor:
    return access.actor_for_user(person)


def contact_of(owner: User | None, first_name: str = "Ada", last_name: str = "Lovelace") -> Contact:
    """A contact owned by ``owner`` (or by nobody)."""
    return ContactFactory(first_name=first_name, last_name=last_name, owner=owner)


def add_event(
    actor: access.Actor, contact: Contact, event_date: str | None, **values: Any
) -> LifeEvent:
    """A life event through the service; a birthday unless ``event_type`` says otherwise."""
    given = {"event_type": "birthday", "title": "Birthday", "event_date": event_date, **values}
    return life_events.create_event(actor, contact.id, given)


def actions_of(db, event_id: int) -> list[RelationshipAction]:
    """Every action generated for the event, as stored, oldest first."""
    db.session.flush()
    db.session.expire_all()
    stmt = select(RelationshipAction).where(RelationshipAction.life_event_id == event_id)
    return list(db.session.scalars(stmt.order_by(RelationshipAction.id)))


def pending_of(db, event_id: int) -> list[RelationshipAction]:
    return [action for action in actions_of(db, event_id) if action.status == "pending"]


def only_pending(db, event_id: int) -> RelationshipAction:
    """The event's one pending auto-action (fails the test if there is not exactly one)."""
    pending = pending_of(db, event_id)
    assert len(pending) == 1, f"expected one pending auto-action, found {len(pending)}"
    return pending[0]


def stored_status(db, table: str, row_id: int) -> str:
    """A row's status read straight from the database, without flushing the session first."""
    query = text(f"SELECT status FROM {table} WHERE id = :id")  # noqa: S608 - fixed table names
    return db.session.connection().execute(query, {"id": row_id}).scalar_one()


def task_of(db, action: RelationshipAction) -> Task:
    """The action centre's task for ``action``, as stored; fails unless there is exactly one."""
    stmt = select(Task).where(Task.relationship_action_id == action.id)
    tasks = list(db.session.scalars(stmt))
    assert len(tasks) == 1, f"expected one task for action {action.id}, found {len(tasks)}"
    return tasks[0]
