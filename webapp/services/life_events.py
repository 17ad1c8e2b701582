"""Life events: the dates that matter to a contact, each with its auto-action."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, false, or_, select

from webapp import access
from webapp.extensions import db
from webapp.models import Company, Contact, LifeEvent, RelationshipProfile
from webapp.services import auto_actions, field_rules, profiles
from webapp.services.audit import apply_changes, record_event
from webapp.services.errors import NotFound
from webapp.services.life_event_types import LIFE_EVENT_TYPES, life_event_type
from webapp.services.validation import FieldErrors

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy import ColumnElement, Select

    from webapp.access import Actor

MAX_DAYS_BEFORE = 365
BIRTHDAY = "birthday"

RULES = {
    "event_type": lambda v: field_rules.choice(v, LIFE_EVENT_TYPES, required=True),
    "title": lambda v: field_rules.required_text(v, 200),
    "event_date": field_rules.calendar_day,
    "recurs_annually": field_rules.flag,
    "description": lambda v: field_rules.text(v, 5000),
    "auto_action_enabled": field_rules.flag,
    "auto_action_days_before": lambda v: field_rules.whole_number(v, 0, MAX_DAYS_BEFORE),
    "company_id": field_rules.record_id,
}
CREATE_FIELDS = tuple(RULES)
UPDATE_FIELDS = tuple(name for name in RULES if name != "company_id")
# Changing these moves the pending auto-action (or makes or dismisses one).
SCHEDULE_COLUMNS = {
    "event_type",
    "title",
    "event_month",
    "event_day",
    "event_year",
    "recurs_annually",
    "auto_action_enabled",
    "auto_action_days_before",
}


def on_month_days(pairs: Iterable[tuple[int, int]]) -> ColumnElement[bool]:
    """SQL: the event falls on one of these (month, day) pairs (see ``calendar.month_days``).

    Runs of days in a month become one range each, so the 91 days ahead are four conditions on
    ``ix_life_events_month_day``, not 91 (which SQLAlchemy built and compiled on every request).
    """
    runs: list[list[int]] = []  # [month, first day, last day]
    for month, day in sorted(pairs):
        if runs and runs[-1][0] == month and runs[-1][2] == day - 1:
            runs[-1][2] = day
        else:
            runs.append([month, day, day])
    if not runs:
        return false()
    return or_(
        *(
            and_(LifeEvent.event_month == month, LifeEvent.event_day.between(first, last))
            for month, first, last in runs
        )
    )


def owned_events_on(owner_ids: Iterable[int], pairs: Iterable[tuple[int, int]]) -> Select:
    """The life events of these owners' current contacts on these (month, day) pairs, as rows of
    the columns Today and the digests list (an owner of hundreds of contacts has hundreds of
    events in a fortnight: columns, not ORM objects)."""
    return (
        select(
            LifeEvent.id,
            LifeEvent.title,
            LifeEvent.event_type,
            LifeEvent.event_month,
            LifeEvent.event_day,
            LifeEvent.event_year,
            LifeEvent.recurs_annually,
            Contact.id.label("contact_id"),
            Contact.first_name,
            Contact.last_name,
            Contact.owner_id,
        )
        .join(Contact, Contact.id == LifeEvent.contact_id)
        .where(
            Contact.owner_id.in_(list(owner_ids)),
            Contact.archived_at.is_(None),
            on_month_days(pairs),
        )
    )


def events_query(contact_id: int):
    """A contact's events, latest date first; events without a date last."""
    return (
        select(LifeEvent)
        .where(LifeEvent.contact_id == contact_id)
        .order_by(
            LifeEvent.event_month.is_(None),
            LifeEvent.event_year.is_(None),
            LifeEvent.event_year.desc(),
            LifeEvent.event_month.desc(),
            LifeEvent.event_day.desc(),
            LifeEvent.id.desc(),
        )
    )


def contact_events(contact_id: int) -> list[LifeEvent]:
    """The contact's events in the order of ``events_query``: one statement, built once with
    the contact's id bound (the contact page reads them on every view)."""
    return list(db.session.scalars(_contact_events(), {"contact_id": contact_id}))


@functools.cache
def _contact_events():
    return events_query(bindparam("contact_id", type_=db.Integer))


def list_events(actor: Actor, contact_id: int) -> list[LifeEvent]:
    contact = access.get_or_404(actor, Contact, contact_id, access.RELATIONSHIPS_VIEW)
    return contact_events(contact.id)


def _columns(values: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """Read each given field by its rule into column values; report every problem at once."""
    errors = FieldErrors()
    columns = errors.read_fields(values, {name: RULES[name] for name in allowed})
    if "event_date" in columns:
        month, day, year = columns.pop("event_date") or (None, None, None)
        columns |= {"event_month": month, "event_day": day, "event_year": year}
    company_id = columns.get("company_id")
    if company_id is not None and db.session.get(Company, company_id) is None:
        errors.add("company_id", f"There is no company with id {company_id}.")
    errors.raise_if_any()
    return columns


def create_event(actor: Actor, contact_id: int, values: dict[str, Any]) -> LifeEvent:
    """Add a life event and, unless ``auto_action_enabled`` is false, its auto-action."""
    contact = access.get_or_404(actor, Contact, contact_id, access.RELATIONSHIPS_UPDATE)
    missing = {name: None for name in ("event_type", "title") if name not in values}
    columns = _columns(missing | values, CREATE_FIELDS)
    columns.setdefault("recurs_annually", life_event_type(columns["event_type"]).recurs_annually)
    columns.setdefault("auto_action_enabled", True)
    event = _add(actor, contact, columns)
    _profile_follows(actor, event)
    return event


def _add(actor: Actor, contact: Contact, columns: dict[str, Any]) -> LifeEvent:
    """Insert an event, audit it, and give it its auto-action."""
    event = LifeEvent(contact=contact, created_by_id=actor.user_id, **columns)
    db.session.add(event)
    db.session.flush()
    snapshot = {name: {"before": None, "after": value} for name, value in columns.items()}
    record_event(actor, "create", "life_event", event.id, snapshot)
    auto_actions.sync_auto_action(actor, event)
    return event


def _profile_follows(actor: Actor, event: LifeEvent) -> None:
    if event.event_type == BIRTHDAY and event.has_date:
        profiles.follow_birthday_event(actor, event)


BIRTHDAY_DAY = ("event_month", "event_day", "event_year")


def birthday_columns(month: int, day: int, year: int | None) -> dict[str, Any]:
    """A new birthday life event's columns (the one a profile's birthday makes)."""
    return {
        "event_type": BIRTHDAY,
        "title": "Birthday",
        "recurs_annually": True,
        "event_month": month,
        "event_day": day,
        "event_year": year,
        "auto_action_enabled": True,
    }


def follow_profile_birthday(actor: Actor, profile: RelationshipProfile) -> LifeEvent | None:
    """The profile's birthday changed: the contact's birthday life event follows, made if none,
    removed if the birthday was cleared.

    Its auto-action is created or moved like any event's.
    """
    stmt = events_query(profile.contact_id).where(LifeEvent.event_type == BIRTHDAY)
    event = db.session.scalars(stmt.order_by(None).order_by(LifeEvent.id)).first()
    if profile.birthday_month is None:
        return _forget_birthday(actor, event)
    columns = birthday_columns(profile.birthday_month, profile.birthday_day, profile.birthday_year)
    if event is None:
        return _add(actor, profile.contact, columns)
    changes = apply_changes(event, {name: columns[name] for name in BIRTHDAY_DAY})
    if changes:
        db.session.flush()
        record_event(actor, "update", "life_event", event.id, changes)
        auto_actions.sync_auto_action(actor, event)
    return event


def _forget_birthday(actor: Actor, event: LifeEvent | None) -> None:
    """The profile's birthday was cleared: its life event goes too (done actions stay)."""
    if event is None:
        return None
    auto_actions.dismiss_pending(actor, event)
    record_event(actor, "delete", "life_event", event.id, {"title": {"before": event.title}})
    db.session.delete(event)
    db.session.flush()
    return None


def event_of_contact(actor: Actor, contact_id: int, event_id: int, permission: str) -> LifeEvent:
    """One of the contact's life events; another contact's is ``NotFound``."""
    access.get_or_404(actor, Contact, contact_id, permission)
    event = access.get_or_404(actor, LifeEvent, event_id, permission)
    if event.contact_id != contact_id:
        raise NotFound(f"No life event with id {event_id} for contact {contact_id}.")
    return event


def update_event(actor: Actor, contact_id: int, event_id: int, values: dict[str, Any]) -> LifeEvent:
    """Change an event; a new date or lead time moves its still-pending auto-action."""
    event = event_of_contact(actor, contact_id, event_id, access.RELATIONSHIPS_UPDATE)
    for required in ("event_type", "title"):
        if required in values and values[required] is None:
            values = {**values, required: ""}  # null cannot clear a required field
    changes = apply_changes(event, _columns(values, UPDATE_FIELDS))
    if changes:
        db.session.flush()
        record_event(actor, "update", "life_event", event.id, changes)
        if changes.keys() & SCHEDULE_COLUMNS:
            switched_on = changes.get("auto_action_enabled", {}).get("after") is True
            auto_actions.sync_auto_action(actor, event, reopen=switched_on)
        _profile_follows(actor, event)
    return event


def delete_event(actor: Actor, contact_id: int, event_id: int) -> None:
    """Delete an event and dismiss its pending auto-action; done actions keep their history."""
    event = event_of_contact(actor, contact_id, event_id, access.RELATIONSHIPS_MANAGE)
    auto_actions.dismiss_pending(actor, event)
    snapshot = {"title": {"before": event.title, "after": None}}
    record_event(actor, "delete", "life_event", event.id, snapshot)
    db.session.delete(event)
    db.session.flush()
