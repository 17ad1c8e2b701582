"""Archiving and restoring any record that has an ``archived_at``: hidden from lists, kept with
its history, and brought back unchanged. Each change is audited; doing it twice is harmless."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from webapp.models.base import utcnow
from webapp.services.audit import record_event

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
