"""Profile fields for many contacts at once (an import's batch), with their birthdays.

What ``profiles.update_profile`` does, in a fixed number of statements for the whole set: a
profile where the contact has none (with the contact's phone number, as a first read makes it),
the fields given, a new birthday's life event and that event's auto-action, each audited as the
one-by-one services audit it. A contact who already has a birthday life event is not for this
module: moving that event (and its actions) is ``update_profile``'s, one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from webapp import access
from webapp.extensions import db
from webapp.models import LifeEvent, RelationshipProfile, User
from webapp.services import auto_actions, generated_actions
from webapp.services.audit import apply_changes, event_values, record_events
from webapp.services.bulk import insert_returning_ids
from webapp.services.calendar import next_occurrence, today_in
from webapp.services.life_event_types import life_event_type
from webapp.services.life_events import BIRTHDAY, birthday_columns
from webapp.services.profiles import BIRTHDAY_COLUMNS, profile_columns

if TYPE_CHECKING:
    from webapp.access import Actor


@dataclass
class NewProfile:
    """A new contact's profile: who they are, and the profile columns to set."""

    contact_id: int
    first_name: str
    last_name: str
    owner_id: int | None
    company_id: int | None  # the contact's primary company, which their actions are for
    phone_number: str | None  # the contact's first phone, which a new profile starts with
    columns: dict[str, Any]
    preferred_name: str | None = None  # how their birthday action names them, if the profile says


def read_new(values: dict[str, Any], profile: RelationshipProfile | None = None) -> dict[str, Any]:
    """The columns ``values`` set on ``profile`` (or a new one), read by ``update_profile``'s
    rules (raises ``ValidationFailed`` naming every problem)."""
    return profile_columns(profile or RelationshipProfile(), values)


def with_birthday_events(contact_ids: set[int]) -> set[int]:
    """Of ``contact_ids``, those who have a birthday life event."""
    if not contact_ids:
        return set()
    stmt = select(LifeEvent.contact_id).where(
        LifeEvent.contact_id.in_(contact_ids), LifeEvent.event_type == BIRTHDAY
    )
    return set(db.session.scalars(stmt))


def existing_profiles(contact_ids: set[int]) -> dict[int, RelationshipProfile]:
    """The profiles of ``contact_ids`` that have one, by contact id."""
    if not contact_ids:
        return {}
    stmt = select(RelationshipProfile).where(RelationshipProfile.contact_id.in_(contact_ids))
    return {profile.contact_id: profile for profile in db.session.scalars(stmt)}


def write(
    actor: Actor,
    profiles: list[NewProfile],
    existing: dict[int, RelationshipProfile],
    permission: str = access.RELATIONSHIPS_UPDATE,
) -> None:
    """Set each one's columns: on its profile in ``existing``, else on a new profile; a birthday
    set where there was none gets its life event and auto-action. None of these contacts may
    have a birthday life event already (see ``with_birthday_events``)."""
    access.require(actor, permission)
    insert_new(actor, [p for p in profiles if p.contact_id not in existing], permission)
    events, birthdays = [], []
    for given in profiles:
        profile = existing.get(given.contact_id)
        if profile is None:
            continue
        changes = apply_changes(profile, given.columns)
        if changes:
            events.append(
                event_values(actor, "update", "relationship_profile", profile.id, changes)
            )
        if changes.keys() & BIRTHDAY_COLUMNS and profile.birthday_month is not None:
            birthdays.append(given)
    db.session.flush()
    record_events(events)
    _add_birthdays(actor, birthdays)


def insert_new(
    actor: Actor, profiles: list[NewProfile], permission: str = access.RELATIONSHIPS_UPDATE
) -> None:
    """Create the profiles, then the birthdays' life events and their auto-actions."""
    access.require(actor, permission)
    if not profiles:
        return
    rows = [
        {"contact_id": p.contact_id, "phone_number": p.phone_number} | p.columns for p in profiles
    ]
    ids = insert_returning_ids(RelationshipProfile.__table__, rows)
    events = []
    for profile_id, profile in zip(ids, profiles, strict=True):
        first_read = {"phone_number": {"before": None, "after": profile.phone_number}}
        events.append(event_values(actor, "create", "relationship_profile", profile_id, first_read))
        given = {
            k: {"before": None, "after": v} for k, v in profile.columns.items() if v is not None
        }
        if given:
            events.append(event_values(actor, "update", "relationship_profile", profile_id, given))
    record_events(events)
    _add_birthdays(actor, [p for p in profiles if p.columns.get("birthday_month") is not None])


def _add_birthdays(actor: Actor, profiles: list[NewProfile]) -> None:
    """Each birthday's life event, as ``life_events.follow_profile_birthday`` makes one."""
    if not profiles:
        return
    made = [
        birthday_columns(
            p.columns["birthday_month"], p.columns["birthday_day"], p.columns.get("birthday_year")
        )
        for p in profiles
    ]
    rows = [
        columns | {"contact_id": p.contact_id, "created_by_id": actor.user_id}
        for p, columns in zip(profiles, made, strict=True)
    ]
    ids = insert_returning_ids(LifeEvent.__table__, rows)
    record_events(
        [
            event_values(
                actor,
                "create",
                "life_event",
                event_id,
                {k: {"before": None, "after": v} for k, v in columns.items()},
            )
            for event_id, columns in zip(ids, made, strict=True)
        ]
    )
    actions = [
        action
        for event_id, profile in zip(ids, profiles, strict=True)
        if (action := _birthday_action(actor, event_id, profile)) is not None
    ]
    generated_actions.open_generated("life_event", actions, actor)


def _birthday_action(actor: Actor, event_id: int, profile: NewProfile) -> dict[str, Any] | None:
    """The columns of the birthday's first auto-action, as ``auto_actions.sync_auto_action``
    opens it for a new event; ``None`` when nobody could be given it."""
    owner = db.session.get(User, profile.owner_id) if profile.owner_id else None
    assignee = auto_actions.assignee_of(owner, actor)
    if assignee is None:
        return None
    today = today_in(assignee.timezone)
    columns = profile.columns
    occurrence = next_occurrence(
        columns["birthday_month"],
        columns["birthday_day"],
        columns.get("birthday_year"),
        True,
        today,
    )
    if occurrence is None:
        return None
    rules = life_event_type(BIRTHDAY)
    name = auto_actions.person_name(profile.first_name, profile.last_name, profile.preferred_name)
    return {
        "contact_id": profile.contact_id,
        "company_id": profile.company_id,
        "title": auto_actions.action_title(BIRTHDAY, "Birthday", name, occurrence),
        "action_type": rules.action_type,
        "assigned_to_id": assignee.id,
        "due_on": auto_actions.due_on(occurrence, rules.days_before, today),
        "life_event_id": event_id,
        "occurrence_on": occurrence,
        "created_by_id": actor.user_id,
    }
