"""Audit events: every write records who did what to which object, with before and after."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from webapp.extensions import db
from webapp.models import AuditEvent
from webapp.models.base import utcnow
from webapp.services.bulk import copy_rows

if TYPE_CHECKING:
    from webapp.access import Actor


PLAIN = (str, int, float, type(None))  # JSON as they are: most values, so tested first


def json_safe(value: Any) -> Any:
    """A JSON-safe form of a column value."""
    if isinstance(value, PLAIN):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [v if type(v) in PLAIN else json_safe(v) for v in value]
    if isinstance(value, dict):  # plain values kept without a call: 100,000 events in a tick
        return {str(k): v if type(v) in PLAIN else json_safe(v) for k, v in value.items()}
    return value


def apply_changes(record: Any, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Set ``values`` on ``record``; return the real changes as ``{field: {"before", "after"}}``."""
    changes = {}
    for name, new in values.items():
        old = getattr(record, name)
        if old != new:
            changes[name] = {"before": json_safe(old), "after": json_safe(new)}
            setattr(record, name, new)
    return changes


def actor_columns(actor: Actor | None) -> dict[str, int | None]:
    """Who an audit event names: the user, their API key, the import they are running."""
    return {
        "user_id": actor.user.id if actor else None,
        "api_key_id": actor.api_key.id if actor and actor.api_key else None,
        "import_id": actor.import_id if actor else None,
    }


def event_values(
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: int | None,
    changes: dict | None = None,
) -> dict[str, Any]:
    """The columns of one audit event, for ``record_event`` and for inserting many at once."""
    return {
        **actor_columns(actor),
        "object_type": object_type,
        "object_id": object_id,
        "action": action,
        "changes": json_safe(changes or {}),
    }


def created_event(
    who: dict[str, int | None], object_type: str, object_id: int, values: dict[str, Any]
) -> dict[str, Any]:
    """``event_values`` of a "create" whose changes are ``values`` (each before ``None``), for
    writes of thousands: ``who`` from ``actor_columns`` once, and each value made JSON-safe
    alone instead of walking the nested changes (the scheduler's first tick audits 100,000)."""
    changes = {
        name: {"before": None, "after": value if type(value) in PLAIN else json_safe(value)}
        for name, value in values.items()
    }
    return {
        **who,
        "object_type": object_type,
        "object_id": object_id,
        "action": "create",
        "changes": changes,
    }


def record_event(
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: int | None,
    changes: dict | None = None,
) -> AuditEvent:
    """Add an audit event to the session (the caller's transaction commits it)."""
    event = AuditEvent(**event_values(actor, action, object_type, object_id, changes))
    db.session.add(event)
    return event


def record_events(events: list[dict[str, Any]]) -> None:
    """Insert many audit events (each from ``event_values``) at once (``bulk.copy_rows``), for
    set-based writes such as an import's batch or the scheduler's generated actions."""
    now = utcnow()  # written out: ``copy_rows`` applies no Python-side default
    copy_rows(AuditEvent.__table__, [{**event, "created_at": now} for event in events])
