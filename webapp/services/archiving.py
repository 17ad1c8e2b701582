"""Archiving and restoring any record that has an ``archived_at``: hidden from lists, kept with
its history, and brought back unchanged. Each change is audited; doing it twice is harmless."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, update

from webapp.extensions import db
from webapp.models import AuditEvent
from webapp.models.base import utcnow
from webapp.services.audit import json_safe, record_event

if TYPE_CHECKING:
    from webapp.access import Actor


def archive(actor: Actor, record: Any, object_type: str) -> bool:
    """Archive ``record``; ``False`` if it already was."""
    if record.archived_at is not None:
        return False
    record.archived_at = utcnow()
    changes = {"archived_at": {"before": None, "after": record.archived_at}}
    record_event(actor, "archive", object_type, record.id, changes)
    return True


def restore(actor: Actor, record: Any, object_type: str) -> bool:
    """Bring ``record`` back; ``False`` if it was not archived."""
    if record.archived_at is None:
        return False
    changes = {"archived_at": {"before": record.archived_at, "after": None}}
    record.archived_at = None
    record_event(actor, "restore", object_type, record.id, changes)
    return True


CHUNK = 500


def archive_many(actor: Actor, model: type, ids: list[int], object_type: str) -> list[int]:
    """Archive the records of ``model`` with ``ids`` (those not archived yet), each audited as
    ``archive`` does, in a few statements however many there are; the ids it archived."""
    when, archived = utcnow(), []
    for start in range(0, len(ids), CHUNK):
        stmt = (
            update(model)
            .where(model.id.in_(ids[start : start + CHUNK]), model.archived_at.is_(None))
            .values(archived_at=when)
            .returning(model.id)
            .execution_options(synchronize_session=False)
        )
        archived.extend(db.session.scalars(stmt))
    if archived:
        changes = json_safe({"archived_at": {"before": None, "after": when}})
        db.session.execute(
            insert(AuditEvent),
            [_event_row(actor, object_type, record_id, changes, when) for record_id in archived],
        )
    return archived


def _event_row(actor: Actor, object_type: str, record_id: int, changes: dict, when) -> dict:
    return {
        "user_id": actor.user.id,
        "api_key_id": actor.api_key.id if actor.api_key else None,
        "import_id": actor.import_id,
        "object_type": object_type,
        "object_id": record_id,
        "action": "archive",
        "changes": changes,
        "created_at": when,
    }
