"""Merging contacts: one person kept, up to ten others folded into them, in one transaction.

The person merging picks the record to keep and, field by field, which value wins (a field
empty on the kept record takes another's by default). Everything else is carried over and
nothing is lost: emails, phones, companies and tags are added, life events, actions and tasks,
messages, interactions, links to other people, opportunities, partners' contacts and custom
records' relations move (``CONTACT_MOVERS``: every table that refers to a contact is named
there, and a test holds it to the schema). The merged records are archived with
``merged_into_id``; one ``merge`` event on the kept record names them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from webapp import access
from webapp.extensions import db
from webapp.models import (
    Contact,
    ContactCompanyLink,
    ContactRelationship,
    Interaction,
    LifeEvent,
    Message,
    OpportunityContact,
    Partner,
    RelationshipAction,
    RelationshipProfile,
    Task,
)
from webapp.services import life_events, merging_links, merging_rows, profiles, touches
from webapp.services.audit import apply_changes, record_event
from webapp.services.calendar import format_calendar_day, parse_calendar_day
from webapp.services.merging_common import (
    FieldChoice,
    FieldOptions,
    MergeContext,
    chosen_values,
    field_options,
    flatten_chain,
    id_given,
    load_for_merge,
    mark_merged,
    run_movers,
    text_given,
)
from webapp.services.validation import format_phone

if TYPE_CHECKING:
    from collections.abc import Callable

    from webapp.access import Actor


@dataclass(frozen=True)
class ContactSide:
    """A contact as a merge reads it: the contact and its relationship profile, if any."""

    contact: Contact
    profile: RelationshipProfile | None

    @property
    def id(self) -> int:
        return self.contact.id

    def of_profile(self, name: str) -> Any:
        return getattr(self.profile, name) if self.profile is not None else None


def _birthday(side: ContactSide) -> str | None:
    profile = side.profile
    if profile is None:
        return None
    return format_calendar_day(profile.birthday_month, profile.birthday_day, profile.birthday_year)


def _birthday_shown(side: ContactSide) -> str:
    """ "14 March 1980", or "14 March" when the year is unknown."""
    profile = side.profile
    day = date(2000, profile.birthday_month, profile.birthday_day)  # 2000: 29 February exists
    year = f" {profile.birthday_year}" if profile.birthday_year else ""
    return f"{day.day} {day:%B}{year}"


def _birthday_given(value: Any) -> str | None:
    text = text_given(value)
    return format_calendar_day(*parse_calendar_day(text)) if text else None


def _flag_given(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("Send true or false.")
    return value


def _days_given(value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError("Send a whole number of days, or null.")
    return value


def _profile_text(name: str, label: str, **more: Any) -> FieldChoice:
    return FieldChoice(name, label, lambda side: side.of_profile(name) or None, text_given, **more)


def _phone_shown(name: str) -> Callable[[ContactSide], str]:
    return lambda side: format_phone(side.of_profile(name))


def _owner(side: ContactSide) -> str | None:
    return str(side.contact.owner_id) if side.contact.owner_id else None


CONTACT_FIELDS = (
    FieldChoice(
        "first_name", "First name", lambda s: s.contact.first_name, text_given, may_empty=False
    ),
    FieldChoice("last_name", "Last name", lambda s: s.contact.last_name or None, text_given),
    FieldChoice("title", "Job title", lambda s: s.contact.title, text_given),
    FieldChoice(
        "stage",
        "Stage",
        lambda s: s.contact.stage,
        text_given,
        show=lambda s: s.contact.stage.capitalize(),
        may_empty=False,
    ),
    FieldChoice("owner", "Owner", _owner, id_given, show=lambda s: s.contact.owner.name),
    FieldChoice("linkedin_url", "LinkedIn", lambda s: s.contact.linkedin_url, text_given),
)
PROFILE_FIELDS = (
    _profile_text("preferred_name", "Preferred name"),
    _profile_text("communication_preference", "Prefers to be contacted by"),
    _profile_text("communication_notes", "Communication notes"),
    _profile_text("personal_notes", "Personal notes"),
    FieldChoice(
        "birthday", "Birthday", _birthday, _birthday_given, show=_birthday_shown, may_empty=False
    ),
    _profile_text("home_address", "Home address"),
    _profile_text("dietary_requirements", "Dietary requirements"),
    _profile_text("assistant_name", "Assistant"),
    _profile_text("assistant_email", "Assistant's email"),
    _profile_text("phone_number", "Phone (profile)", show=_phone_shown("phone_number")),
    _profile_text("whatsapp_number", "WhatsApp", show=_phone_shown("whatsapp_number")),
    FieldChoice(
        "twilio_opt_in",
        "Opted in to text messages",
        lambda s: bool(s.of_profile("twilio_opt_in")),
        _flag_given,
        show=lambda s: "Yes" if s.of_profile("twilio_opt_in") else "No",
    ),
    FieldChoice(
        "cadence_days",
        "Keep in touch every",
        lambda s: s.of_profile("cadence_days"),
        _days_given,
        show=lambda s: _cadence_shown(s.of_profile("cadence_days")),
    ),
)
CHOICES = CONTACT_FIELDS + PROFILE_FIELDS
CONTACT_COLUMNS = {"first_name", "last_name", "title", "stage", "linkedin_url"}


def _cadence_shown(days: int) -> str:
    return "No reminders" if days == 0 else f"{days} days"


# --- writing the chosen values ---


def _contact_values(context: MergeContext) -> dict:
    """The kept contact's chosen fields; a LinkedIn address taken from a merged record leaves
    it first (it is unique)."""
    chosen, kept = context.chosen, context.kept
    url = chosen["linkedin_url"]
    for record in context.merged:
        if url is not None and record.linkedin_url == url:
            record.linkedin_url = None
            changes = {"linkedin_url": {"before": url, "after": None}}
            record_event(context.actor, "update", "contact", record.id, changes)
    db.session.flush()
    values = {name: chosen[name] for name in CONTACT_COLUMNS}
    values["last_name"] = values["last_name"] or ""
    values["owner_id"] = int(chosen["owner"]) if chosen["owner"] else None
    return apply_changes(kept, values)


def relationship_profile(context: MergeContext) -> None:
    """The kept profile takes the chosen values and every interest; its birthday and its
    birthday life event stay one fact. The merged records keep their own profiles."""
    profile = profiles.profile_of(context.actor, context.kept)
    chosen = context.chosen
    columns = {f.name: chosen[f.name] for f in PROFILE_FIELDS if f.name != "birthday"}
    columns["twilio_opt_in"] = bool(columns["twilio_opt_in"])
    month, day, year = parse_calendar_day(chosen["birthday"]) if chosen["birthday"] else (None,) * 3
    columns |= {"birthday_month": month, "birthday_day": day, "birthday_year": year}
    columns["interests"] = _all_interests(profile, context.merged_ids)
    changes = apply_changes(profile, columns)
    if changes:
        db.session.flush()
        record_event(context.actor, "update", "relationship_profile", profile.id, changes)
    if profile.birthday_month is not None:
        life_events.follow_profile_birthday(context.actor, profile)
        return
    dated = select(LifeEvent).where(
        LifeEvent.contact_id == context.kept.id,
        LifeEvent.event_type == life_events.BIRTHDAY,
        LifeEvent.event_month.is_not(None),
    )
    event = db.session.scalars(dated.order_by(LifeEvent.id)).first()
    if event is not None:
        profiles.follow_birthday_event(context.actor, event)


def _all_interests(profile: RelationshipProfile, merged_ids: list[int]) -> list[str]:
    stmt = select(RelationshipProfile.interests).where(
        RelationshipProfile.contact_id.in_(merged_ids)
    )
    interests = list(profile.interests or [])
    held = {interest.casefold() for interest in interests}
    for others in db.session.scalars(stmt.order_by(RelationshipProfile.contact_id)):
        for interest in others or []:
            if interest.casefold() not in held:
                held.add(interest.casefold())
                interests.append(interest)
    return interests


# Every column that refers to a contact, and what a merge does with its rows; run in this order
# (life events before the profile: the birthday is folded first, then follows the profile).
CONTACT_MOVERS: dict[tuple[str, str], Callable[[MergeContext], None]] = {
    ("contacts", "merged_into_id"): partial(flatten_chain, Contact),
    ("contact_emails", "contact_id"): merging_rows.emails,
    ("contact_phones", "contact_id"): merging_rows.phones,
    ("contact_company_links", "contact_id"): merging_rows.company_links,
    ("contact_tags", "contact_id"): merging_rows.tags,
    ("life_events", "contact_id"): merging_rows.life_events,
    ("relationship_profiles", "contact_id"): relationship_profile,
    ("relationship_actions", "contact_id"): merging_rows.relationship_actions,
    ("tasks", "contact_id"): merging_rows.tasks,
    ("messages", "contact_id"): merging_rows.messages,
    ("interactions", "contact_id"): merging_rows.interactions,
    ("contact_relationships", "contact_is_id"): merging_links.contact_relationships,
    ("contact_relationships", "of_contact_id"): merging_links.contact_relationships,
    ("opportunity_contacts", "contact_id"): merging_links.opportunity_contacts,
    ("partners", "contact_id"): merging_rows.partners,
    ("import_rows", "contact_id"): merging_rows.import_rows,
    # Not a foreign key: a custom object's relation attribute holds contact ids.
    ("custom_record_links", "target_id"): partial(
        merging_links.custom_relations, target_type="contact"
    ),
}


# --- the merge ---


def _sides(contacts: list[Contact]) -> list[ContactSide]:
    """The contacts with their profiles, the kept one first."""
    ids = [contact.id for contact in contacts]
    found = db.session.scalars(
        select(RelationshipProfile).where(RelationshipProfile.contact_id.in_(ids))
    )
    by_contact = {profile.contact_id: profile for profile in found}
    return [ContactSide(contact, by_contact.get(contact.id)) for contact in contacts]


@dataclass(frozen=True)
class ContactMerge:
    """What merged: the kept contact, the merged ones, and how many of each thing moved."""

    kept: Contact
    merged: list[Contact]
    moved: dict[str, int]


def merge_contacts(
    actor: Actor,
    kept_id: int,
    merged_ids: list[int],
    values: Any = None,
    *,
    sources: dict[str, int] | None = None,
    permission: str = access.RELATIONSHIPS_UPDATE,
) -> ContactMerge:
    """Fold ``merged_ids`` into ``kept_id``. ``values`` names the value each field keeps (one of
    the records'), or ``sources`` the record each takes it from; the rest keep the kept
    record's value, or another's where it is empty. All of it or none of it is written."""
    kept, merged = load_for_merge(actor, Contact, kept_id, merged_ids, permission, lock=True)
    context = MergeContext(actor, kept, merged)
    context.chosen = chosen_values(CHOICES, _sides([kept, *merged]), values, sources)
    with db.session.begin_nested():
        for record in [kept, *merged]:  # their lists as stored now, not as loaded earlier
            db.session.expire(record, ["emails", "phones", "company_links", "tags"])
        changes = _contact_values(context)
        run_movers(context, CONTACT_MOVERS)
        touches.refresh(kept)
        mark_merged(context, "contact", changes)
    return ContactMerge(kept, merged, {k: v for k, v in context.moved.items() if v})


# --- the merge page: the fields to choose and what would move ---


@dataclass(frozen=True)
class ContactMergePlan:
    kept: Contact
    merged: list[Contact]
    fields: list[FieldOptions]
    moving: dict[str, int]

    @property
    def records(self) -> list[Contact]:
        return [self.kept, *self.merged]


def contact_merge_plan(
    actor: Actor, kept_id: int, merged_ids: list[int], permission: str
) -> ContactMergePlan:
    """What merging would do: each field's values (the merge page shows those that differ)
    and how many of each thing would move to the kept contact."""
    kept, merged = load_for_merge(actor, Contact, kept_id, merged_ids, permission)
    ids = [kept.id, *(record.id for record in merged)]
    db.session.scalars(
        select(Contact)
        .where(Contact.id.in_(ids))
        .options(
            joinedload(Contact.owner),
            selectinload(Contact.emails),
            selectinload(Contact.phones),
            selectinload(Contact.tags),
            selectinload(Contact.company_links).joinedload(ContactCompanyLink.company),
        )
    ).all()
    sides = _sides([kept, *merged])
    moving = moving_counts([record.id for record in merged])
    return ContactMergePlan(kept, merged, field_options(CHOICES, sides), moving)


def moving_counts(merged_ids: list[int]) -> dict[str, int]:
    """How many of each thing the merged contacts have: one count query per kind of thing."""
    either_end = or_(
        ContactRelationship.contact_is_id.in_(merged_ids),
        ContactRelationship.of_contact_id.in_(merged_ids),
    )
    counted = {
        "actions": (RelationshipAction.id, RelationshipAction.contact_id.in_(merged_ids)),
        "tasks": (Task.id, Task.contact_id.in_(merged_ids) & Task.relationship_action_id.is_(None)),
        "messages": (Message.id, Message.contact_id.in_(merged_ids)),
        "interactions": (Interaction.id, Interaction.contact_id.in_(merged_ids)),
        "life events": (LifeEvent.id, LifeEvent.contact_id.in_(merged_ids)),
        "links to people": (ContactRelationship.id, either_end),
        "opportunities": (OpportunityContact.id, OpportunityContact.contact_id.in_(merged_ids)),
        "partners": (Partner.id, Partner.contact_id.in_(merged_ids)),
    }
    found = {}
    for noun, (column, where) in counted.items():
        total = db.session.scalar(select(func.count(column)).where(where)) or 0
        if total:
            found[noun] = total
    return found
