"""Relationship profiles: how a person likes to be contacted and what matters to them."""

from __future__ import annotations

from calendar import isleap
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp import access
from webapp.extensions import db
from webapp.models import COMMUNICATION_CHANNELS, Contact, LifeEvent, RelationshipProfile

# A contact has one birthday: the profile's and the birthday life event's follow each other.
# The two modules call each other's follow_* functions, which never call back.
from webapp.services import field_rules, life_events
from webapp.services.audit import apply_changes, record_event
from webapp.services.validation import FieldErrors

if TYPE_CHECKING:
    from collections.abc import Callable

    from webapp.access import Actor

TEXT_LIMITS = {
    "communication_notes": 2000,
    "personal_notes": 5000,
    "home_address": 500,
    "dietary_requirements": 500,
    "preferred_name": 120,
    "assistant_name": 200,
}

FIELD_READERS: dict[str, Callable[[Any], Any]] = {
    **{name: (lambda v, n=limit: field_rules.text(v, n)) for name, limit in TEXT_LIMITS.items()},
    "communication_preference": lambda v: field_rules.choice(v, COMMUNICATION_CHANNELS),
    "assistant_email": field_rules.email,
    "phone_number": field_rules.phone,
    "whatsapp_number": field_rules.phone,
    "interests": field_rules.interests,
    "twilio_opt_in": field_rules.flag,
    "birthday": field_rules.calendar_day,
    "birthday_year": field_rules.birth_year,
}
PROFILE_FIELDS = tuple(FIELD_READERS)
BIRTHDAY_COLUMNS = {"birthday_month", "birthday_day", "birthday_year"}


def find_profile(contact_id: int) -> RelationshipProfile | None:
    return db.session.scalar(
        select(RelationshipProfile).where(RelationshipProfile.contact_id == contact_id)
    )


def _create(actor: Actor | None, contact: Contact) -> RelationshipProfile:
    """A new profile with the contact's phone number, safe against a concurrent first read."""
    profile = RelationshipProfile(contact_id=contact.id, phone_number=contact.primary_phone)
    try:
        with db.session.begin_nested():
            db.session.add(profile)
    except IntegrityError:
        return find_profile(contact.id)  # someone else created it a moment ago
    record_event(
        actor,
        "create",
        "relationship_profile",
        profile.id,
        {"phone_number": {"before": None, "after": profile.phone_number}},
    )
    return profile


def profile_of(actor: Actor | None, contact: Contact) -> RelationshipProfile:
    """The contact's profile, created (with their phone number) if they have none yet."""
    return find_profile(contact.id) or _create(actor, contact)


def profile_for(
    actor: Actor, contact_id: int, permission: str = access.RELATIONSHIPS_VIEW
) -> RelationshipProfile:
    """The contact's profile, created on first read (reference 002)."""
    contact = access.get_or_404(actor, Contact, contact_id, permission)
    return profile_of(actor, contact)


def _read_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Each given field read by its rule; every problem is reported at once."""
    errors = FieldErrors()
    cleaned = errors.read_fields(values, FIELD_READERS, "This is not a profile field.")
    errors.raise_if_any()
    return cleaned


def _birthday_columns(profile: RelationshipProfile, cleaned: dict[str, Any]) -> dict[str, Any]:
    """Turn ``birthday``/``birthday_year`` into columns; a year-unknown birthday stays so."""
    if "birthday" not in cleaned and "birthday_year" not in cleaned:
        return {}
    errors = FieldErrors()
    if "birthday" in cleaned:
        day = cleaned["birthday"]
        month, day_of_month, year = day if day else (None, None, None)
        given_year = cleaned.get("birthday_year")
        if year is not None and given_year is not None and given_year != year:
            errors.add("birthday_year", "This does not match the year of the birthday.")
        year = year if year is not None else given_year
    else:
        month, day_of_month = profile.birthday_month, profile.birthday_day
        year = cleaned["birthday_year"]
    if month is None and year is not None:
        errors.add("birthday_year", "Give the birthday's month and day too.")
    if year is not None and month == 2 and day_of_month == 29 and not isleap(year):
        errors.add("birthday", f"{year} had no 29 February.")
    errors.raise_if_any()
    return {"birthday_month": month, "birthday_day": day_of_month, "birthday_year": year}


def profile_columns(profile: RelationshipProfile, values: dict[str, Any]) -> dict[str, Any]:
    """The columns ``values`` set on ``profile``, each field read by its rule (every problem at
    once); ``birthday``/``birthday_year`` become the three birthday columns."""
    cleaned = _read_fields(values)
    columns = {k: v for k, v in cleaned.items() if k not in ("birthday", "birthday_year")}
    return columns | _birthday_columns(profile, cleaned)


def update_profile(
    actor: Actor,
    contact_id: int,
    values: dict[str, Any],
    permission: str = access.RELATIONSHIPS_UPDATE,
) -> RelationshipProfile:
    """Set the given fields (all optional), creating the profile if needed; audited.

    ``permission`` is the caller's channel's: the pages' ``relationships:update``, or an import's
    ``crm:write``.
    """
    profile = profile_for(actor, contact_id, permission)
    changes = apply_changes(profile, profile_columns(profile, values))
    if changes:
        db.session.flush()
        record_event(actor, "update", "relationship_profile", profile.id, changes)
    if changes.keys() & BIRTHDAY_COLUMNS:
        life_events.follow_profile_birthday(actor, profile)
    return profile


def follow_birthday_event(actor: Actor, event: LifeEvent) -> None:
    """A birthday life event was saved with a date: the profile's birthday becomes that date."""
    profile = profile_of(actor, event.contact)
    day = {
        "birthday_month": event.event_month,
        "birthday_day": event.event_day,
        "birthday_year": event.event_year,
    }
    changes = apply_changes(profile, day)
    if changes:
        db.session.flush()
        record_event(actor, "update", "relationship_profile", profile.id, changes)
