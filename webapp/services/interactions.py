"""Interactions: calls, meetings, emails and notes logged on a contact, each a keep-in-touch touch.

Every write recomputes the contact's last touch (``touches.refresh``) in the same transaction,
so editing, archiving or deleting an interaction can move it back as well as forward. An archived
interaction is kept, but is off the timeline and no longer a touch.

Each write takes the ``permission`` its caller's channel needs: the pages'
``relationships:update`` by default, or the records API's ``crm:write``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from webapp import access
from webapp.extensions import db
from webapp.models import INTERACTION_KINDS, Contact, Interaction, User
from webapp.services import archiving, field_rules, touches
from webapp.services.audit import apply_changes, record_event
from webapp.services.calendar import today_in
from webapp.services.errors import Conflict, NotFound, PermissionDenied
from webapp.services.validation import FieldErrors

if TYPE_CHECKING:
    from webapp.access import Actor

MAX_SUMMARY = 5000
FIELDS = ("kind", "occurred_on", "summary", "user_id")
REQUIRED = ("kind", "occurred_on", "summary")
KIND_LABELS = {"call": "Call", "meeting": "Meeting", "email": "Email", "note": "Note"}


def _occurred_on(value: object, today: date) -> date:
    """A full past or present day (the actor's today at the latest), from 1900 on."""
    day = field_rules.iso_date(value)
    if day is None:
        raise ValueError("This is required.")
    if day > today:
        raise ValueError("That day has not come yet: log what has happened.")
    return day


def _who(value: object, actor: Actor, keep_id: int | None) -> int:
    """Who had the interaction: an active user (``keep_id`` stays allowed); empty is the actor."""
    user_id = field_rules.record_id(value)
    if user_id is None:
        return actor.user_id
    if user_id == keep_id:
        return user_id
    active = db.session.scalar(select(User.active).where(User.id == user_id))
    if not active:
        raise ValueError("Choose someone active at the firm.")
    return user_id


def _columns(
    actor: Actor, values: dict[str, Any], current: Interaction | None = None
) -> dict[str, Any]:
    """Read each given field by its rule; report every problem at once."""
    errors = FieldErrors()
    today = today_in(actor.user.timezone)
    keep_id = current.user_id if current is not None else None
    rules = {
        "kind": lambda v: field_rules.choice(v, INTERACTION_KINDS, required=True),
        "occurred_on": lambda v: _occurred_on(v, today),
        "summary": lambda v: field_rules.required_text(v, MAX_SUMMARY),
        "user_id": lambda v: _who(v, actor, keep_id),
    }
    columns = errors.read_fields(values, rules)
    errors.raise_if_any()
    return columns


def refuse_archived(contact: Contact) -> None:
    """An archived contact's record is closed: restore them first."""
    if contact.is_archived:
        raise Conflict(
            f"{contact.full_name} is archived: restore them to log or change interactions.",
            code="contact_archived",
        )


def log_interaction(
    actor: Actor,
    contact_id: int,
    values: dict[str, Any],
    *,
    permission: str = access.RELATIONSHIPS_UPDATE,
) -> Interaction:
    """Log a call, meeting, email or note; ``user_id`` (who had it) defaults to the actor.

    Needs ``permission``; an archived contact is refused (``contact_archived``).
    """
    contact = access.get_or_404(actor, Contact, contact_id, permission)
    refuse_archived(contact)
    missing = {name: None for name in FIELDS if name not in values}
    columns = _columns(actor, missing | values)
    interaction = Interaction(contact=contact, created_by_id=actor.user_id, **columns)
    db.session.add(interaction)
    db.session.flush()
    created = columns | {"contact_id": contact.id}
    snapshot = {name: {"before": None, "after": value} for name, value in created.items()}
    record_event(actor, "create", "interaction", interaction.id, snapshot)
    touches.refresh(contact)
    return interaction


def changeable_interaction(
    actor: Actor,
    interaction_id: int,
    contact_id: int | None = None,
    *,
    permission: str = access.RELATIONSHIPS_UPDATE,
    include_archived: bool = False,
) -> Interaction:
    """An interaction the actor may edit or delete: they logged it, or hold manage.

    With ``contact_id``, another contact's interaction is ``NotFound``; so is an archived one,
    unless ``include_archived`` (archiving and restoring reach those).
    """
    interaction = access.get_or_404(actor, Interaction, interaction_id, permission)
    if contact_id is not None and interaction.contact_id != contact_id:
        raise NotFound(f"No interaction with id {interaction_id} for contact {contact_id}.")
    if interaction.archived_at is not None and not include_archived:
        raise NotFound(f"The interaction with id {interaction_id} is archived.")
    if not access.may_change_logged_entry(actor, interaction.created_by_id, permission):
        raise PermissionDenied(
            "Only the person who logged this interaction, or someone with the "
            f"{access.RELATIONSHIPS_MANAGE} permission, can change it.",
            details={"permission": access.RELATIONSHIPS_MANAGE},
        )
    refuse_archived(interaction.contact)
    return interaction


def update_interaction(
    actor: Actor,
    interaction_id: int,
    values: dict[str, Any],
    *,
    contact_id: int | None = None,
    permission: str = access.RELATIONSHIPS_UPDATE,
) -> Interaction:
    """Change the given fields (an empty ``user_id`` means the actor); a new day can move the
    last touch. The one who logged it, or someone with ``relationships:manage``, may."""
    interaction = changeable_interaction(actor, interaction_id, contact_id, permission=permission)
    # null cannot clear a required field
    values = {k: ("" if k in REQUIRED and v is None else v) for k, v in values.items()}
    changes = apply_changes(interaction, _columns(actor, values, interaction))
    if changes:
        db.session.flush()
        record_event(actor, "update", "interaction", interaction.id, changes)
        touches.refresh(interaction.contact)
    return interaction


def delete_interaction(
    actor: Actor, interaction_id: int, *, contact_id: int | None = None
) -> Contact:
    """Delete an interaction; the contact's last touch falls back to the latest one left."""
    interaction = changeable_interaction(actor, interaction_id, contact_id)
    contact = interaction.contact
    # The contact is kept in the event: the interaction it names will be gone.
    kept = ("contact_id", "kind", "occurred_on", "summary", "user_id")
    snapshot = {name: {"before": getattr(interaction, name), "after": None} for name in kept}
    record_event(actor, "delete", "interaction", interaction.id, snapshot)
    db.session.delete(interaction)
    touches.refresh(contact)
    return contact


def archive_interaction(
    actor: Actor, interaction_id: int, *, permission: str = access.RELATIONSHIPS_UPDATE
) -> Interaction:
    """Archive: off the timeline and no longer a touch, so the last touch may fall back; kept
    with its history. Archiving twice is harmless. Who may: as for ``update_interaction``."""
    interaction = changeable_interaction(
        actor, interaction_id, permission=permission, include_archived=True
    )
    if archiving.archive(actor, interaction, "interaction"):
        touches.refresh(interaction.contact)
    return interaction


def restore_interaction(
    actor: Actor, interaction_id: int, *, permission: str = access.RELATIONSHIPS_UPDATE
) -> Interaction:
    """Bring an archived interaction back: on the timeline, and a touch again."""
    interaction = changeable_interaction(
        actor, interaction_id, permission=permission, include_archived=True
    )
    if archiving.restore(actor, interaction, "interaction"):
        touches.refresh(interaction.contact)
    return interaction
