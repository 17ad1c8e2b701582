"""The action a life event asks for: due ``days_before`` its next occurrence, one per occurrence."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import LifeEvent, RelationshipAction, User
from webapp.services import actions
from webapp.services.calendar import next_occurrence, today_in
from webapp.services.life_event_types import life_event_type

if TYPE_CHECKING:
    from webapp.access import Actor


def days_before(event: LifeEvent) -> int:
    """The event's own lead time, or its type's default."""
    if event.auto_action_days_before is not None:
        return event.auto_action_days_before
    return life_event_type(event.event_type).days_before


def assignee_for(actor: Actor | None, event: LifeEvent) -> User | None:
    """The contact's owner; if they have left (or there is none), whoever is acting."""
    return assignee_of(event.contact.owner, actor)


def assignee_of(owner: User | None, actor: Actor | None) -> User | None:
    """The owner while they are active, else whoever is acting (the scheduler: nobody)."""
    if owner is not None and owner.active:
        return owner
    return actor.user if actor else None


def occurrence_of(event: LifeEvent, today: date) -> date | None:
    return next_occurrence(
        event.event_month, event.event_day, event.event_year, event.recurs_annually, today
    )


def company_id_for(event: LifeEvent) -> int | None:
    """The event's company, else the contact's primary company."""
    if event.company_id is not None:
        return event.company_id
    return event.contact.primary_company_id


def due_on(occurrence: date, lead_days: int, today: date) -> date:
    """``lead_days`` before the occurrence, but never in the past: late notice is due today."""
    return max(occurrence - timedelta(days=lead_days), today)


def title_for(event: LifeEvent, occurrence: date) -> str:
    """Names the person and the event: "Send a card to Ada Lovelace: Birthday (14 March)"."""
    profile = getattr(event.contact, "relationship_profile", None)
    preferred = profile.preferred_name if profile is not None else None
    name = person_name(event.contact.first_name, event.contact.last_name, preferred)
    return action_title(event.event_type, event.title, name, occurrence)


def person_name(first_name: str, last_name: str, preferred_name: str | None) -> str:
    """How an action names someone: their preferred first name when they have one."""
    return f"{preferred_name or first_name} {last_name}".strip()


def action_title(event_type: str, event_title: str, name: str, occurrence: date) -> str:
    """The auto-action's title, from plain values (the scheduler has no ORM objects)."""
    verb = life_event_type(event_type).verb
    return f"{verb} {name}: {event_title} ({occurrence.day} {occurrence:%B})"[:200]


def _pending_for(event: LifeEvent) -> list[RelationshipAction]:
    stmt = select(RelationshipAction).where(
        RelationshipAction.life_event_id == event.id,
        RelationshipAction.source == "life_event",
        RelationshipAction.status == "pending",
    )
    return list(db.session.scalars(stmt.order_by(RelationshipAction.id)))


def _for_occurrence(event: LifeEvent, occurrence: date) -> RelationshipAction | None:
    stmt = select(RelationshipAction).where(
        RelationshipAction.life_event_id == event.id,
        RelationshipAction.occurrence_on == occurrence,
    )
    return db.session.scalar(stmt)


def dismiss_pending(actor: Actor | None, event: LifeEvent) -> int:
    """Dismiss the event's pending auto-actions (the event is gone, or wants none)."""
    pending = _pending_for(event)
    for action in pending:
        actions.close_action(actor, action, "dismissed")
    return len(pending)


def sync_auto_action(
    actor: Actor | None, event: LifeEvent, *, reopen: bool = False
) -> RelationshipAction | None:
    """Make the event's pending auto-action match the event as it is now.

    Creates it, moves it (new date or lead time), or dismisses it (disabled, or no occurrence
    ahead). An occurrence that already has an action, done or not, never gets a second one;
    with ``reopen`` (auto-actions just switched back on) a dismissed one becomes pending again.
    """
    assignee = assignee_for(actor, event)
    today = today_in(assignee.timezone if assignee else None)
    occurrence = occurrence_of(event, today) if event.auto_action_enabled else None
    if occurrence is None or assignee is None:
        dismiss_pending(actor, event)
        return None
    rules = life_event_type(event.event_type)
    wanted = {
        "title": title_for(event, occurrence),
        "action_type": rules.action_type,
        "due_on": due_on(occurrence, days_before(event), today),
        "occurrence_on": occurrence,
        "company_id": company_id_for(event),
    }
    existing = _for_occurrence(event, occurrence)
    pending = [a for a in _pending_for(event) if a is not existing]
    if existing is not None:
        for stale in pending:
            actions.close_action(actor, stale, "dismissed")
        if reopen and existing.status == "dismissed":
            actions.reopen_action(actor, existing)
        if existing.is_pending:
            actions.revise_action(actor, existing, wanted)
        return existing
    if pending:
        kept, *stale = pending
        for action in stale:
            actions.close_action(actor, action, "dismissed")
        actions.revise_action(actor, kept, wanted)
        return kept
    new = actions.NewAction(
        contact=event.contact,
        assigned_to=assignee,
        source="life_event",
        life_event_id=event.id,
        title=wanted["title"],
        action_type=wanted["action_type"],
        due_on=wanted["due_on"],
        occurrence_on=occurrence,
        company_id=wanted["company_id"],
    )
    return actions.open_action(actor, new)
