"""Keep in touch: how often a contact should hear from us, and where they stand today.

The cadence lives on the relationship profile (``cadence_days``): ``None`` follows the client
tier's default, ``0`` switches reminders off, any other number is days between touches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from webapp import access
from webapp.models import Contact
from webapp.services import field_rules, profiles, touches
from webapp.services.audit import apply_changes, record_event
from webapp.services.errors import ValidationFailed
from webapp.services.interactions import refuse_archived

if TYPE_CHECKING:
    from webapp.access import Actor
    from webapp.models import RelationshipProfile

CADENCE_FIELD = "cadence_days"


def read_cadence(raw: object) -> int | None:
    """``""``/``None``: the tier default (``None``); ``0``: off; else 1..MAX_CADENCE_DAYS days."""
    try:
        return field_rules.whole_number(raw, 0, touches.MAX_CADENCE_DAYS)
    except ValueError:
        message = (
            f"Choose a number of days from 1 to {touches.MAX_CADENCE_DAYS}, 0 to switch "
            "reminders off, or nothing to follow the client tier."
        )
        raise ValidationFailed(fields={CADENCE_FIELD: [message]}) from None


def set_cadence(actor: Actor, contact_id: int, raw: object) -> RelationshipProfile:
    """Set how often the contact should hear from us (see ``read_cadence``); audited."""
    contact = access.get_or_404(actor, Contact, contact_id, access.RELATIONSHIPS_UPDATE)
    refuse_archived(contact)
    days = read_cadence(raw)
    profile = profiles.profile_of(actor, contact)
    changes = apply_changes(profile, {CADENCE_FIELD: days})
    if changes:
        record_event(actor, "update", "relationship_profile", profile.id, changes)
    return profile


@dataclass(frozen=True)
class KeepInTouch:
    """Where a contact stands, for the viewer's ``today``.

    ``source`` says where the cadence comes from: ``"profile"`` (set for this contact),
    ``"tier"`` (the client tier's default, ``tier`` names it) or ``"none"`` (no reminders:
    switched off, or a tier default with no client tier).
    """

    last_touch_on: date | None
    next_due_on: date | None
    cadence_days: int | None
    chosen_days: int | None
    source: str
    tier: str | None
    today: date

    @property
    def days_since_touch(self) -> int | None:
        return (self.today - self.last_touch_on).days if self.last_touch_on else None

    @property
    def days_until_due(self) -> int | None:
        return (self.next_due_on - self.today).days if self.next_due_on else None

    @property
    def is_overdue(self) -> bool:
        return self.next_due_on is not None and self.next_due_on < self.today

    @property
    def tier_days(self) -> int | None:
        return touches.tier_cadence(self.tier)


def standing(contact: Contact, profile: RelationshipProfile | None, today: date) -> KeepInTouch:
    """The contact's last touch, next due day and cadence (no query beyond the client tier)."""
    chosen = profile.cadence_days if profile is not None else None
    tier = touches.client_tier(contact)
    days = touches.cadence_for(contact, profile)
    if chosen is not None:
        source = "profile" if chosen else "none"
    else:
        source = "tier" if days else "none"
    return KeepInTouch(
        last_touch_on=contact.last_touch_on,
        next_due_on=touches.next_touch_due(contact, profile),
        cadence_days=days,
        chosen_days=chosen,
        source=source,
        tier=tier,
        today=today,
    )
