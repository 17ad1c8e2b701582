"""A contact's recent history: the latest audit events of the contact and of what is theirs.

The contact page shows it on its first screen. Its query is a union of index look-ups, one per
kind of record a contact owns, and building that statement (and its cache key) cost more than
running it. So it is built once per action scope (``access.ActionScope``: the one part that
depends on the viewer) with the contact's id as a bound parameter, and kept; each page view only
runs it. The events come back as plain rows with the names the page shows (docs/performance.md,
"Plain rows for what a page lists").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select, union_all

from webapp import access
from webapp.extensions import db
from webapp.models import (
    ApiKey,
    AuditEvent,
    Contact,
    ContactRelationship,
    Interaction,
    LifeEvent,
    Message,
    RelationshipAction,
    RelationshipProfile,
    User,
)
from webapp.services.merging_common import merged_ids_of

if TYPE_CHECKING:
    from sqlalchemy import Select

    from webapp.access import Actor

LENGTH = 10
# Of a message's events, those a person notices; delivery callbacks would crowd out the rest.
MESSAGE_ACTIONS = ("create", "receive", "failed", "retry")


@dataclass(frozen=True)
class HistoryEvent:
    """One line of the history: what happened to which record, who did it, and when."""

    id: int
    object_type: str
    object_id: int | None
    action: str
    changes: dict[str, Any]
    created_at: datetime
    user_name: str | None  # none: the system did it
    api_key_name: str | None  # the key it came through, if any


def recent_history(actor: Actor, contact_id: int) -> list[HistoryEvent]:
    """The latest events of the contact (and the contacts merged into it), its profile, life
    events, interactions, messages, links to people and the actions on it the actor may see,
    newest first. One query."""
    stmt = _statement(access.action_scope(actor))
    rows = db.session.execute(stmt, {"contact_id": contact_id})
    return [HistoryEvent(*row) for row in rows]


@lru_cache(maxsize=512)
def _statement(scope: access.ActionScope) -> Select:
    contact_id = bindparam("contact_id", type_=db.Integer)
    # The contacts merged into this one keep their own history, read here too.
    with_merged = union_all(
        select(Contact.id).where(Contact.id == contact_id), merged_ids_of(Contact, contact_id)
    )
    actions = select(RelationshipAction.id).where(RelationshipAction.contact_id == contact_id)
    owned_by_contact = {
        "contact": with_merged,
        "relationship_profile": select(RelationshipProfile.id).where(
            RelationshipProfile.contact_id.in_(with_merged)
        ),
        "life_event": select(LifeEvent.id).where(LifeEvent.contact_id == contact_id),
        "interaction": select(Interaction.id).where(Interaction.contact_id == contact_id),
        # Actions outside the viewer's scope stay out, as everywhere else.
        "relationship_action": access.scope_to(scope, actions, RelationshipAction.assigned_to_id),
        # The links this person is on now (a removed link takes its history with it).
        "contact_relationship": union_all(
            select(ContactRelationship.id).where(ContactRelationship.contact_is_id == contact_id),
            select(ContactRelationship.id).where(ContactRelationship.of_contact_id == contact_id),
        ),
    }
    message_events = (
        (AuditEvent.object_type == "message")
        & AuditEvent.action.in_(MESSAGE_ACTIONS)
        & AuditEvent.object_id.in_(select(Message.id).where(Message.contact_id == contact_id))
    )
    # One IN over a union of index look-ups (object type, then id), not an OR of them: an OR
    # reads the whole audit log, which grows with every write (docs/performance.md).
    events = union_all(
        *(
            select(AuditEvent.id).where(
                AuditEvent.object_type == kind, AuditEvent.object_id.in_(ids)
            )
            for kind, ids in owned_by_contact.items()
        ),
        select(AuditEvent.id).where(message_events),
    )
    return (
        select(
            AuditEvent.id,
            AuditEvent.object_type,
            AuditEvent.object_id,
            AuditEvent.action,
            AuditEvent.changes,
            AuditEvent.created_at,
            User.name,
            ApiKey.name,
        )
        .outerjoin(User, User.id == AuditEvent.user_id)
        .outerjoin(ApiKey, ApiKey.id == AuditEvent.api_key_id)
        .where(AuditEvent.id.in_(events))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(LENGTH)
    )
