"""Reading back what a service wrote: the record as stored, and its audit trail."""

from __future__ import annotations

import re

from sqlalchemy import select

from webapp.models import AuditEvent


def reload(db, record):
    """The record as the database has it after the service's writes."""
    db.session.flush()
    db.session.expire_all()
    return db.session.get(type(record), record.id)


def object_type(record) -> str:
    """``RelationshipAction`` -> ``relationship_action``: the audit trail's name for a model."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(record).__name__).lower()


def events_for(db, record) -> list[AuditEvent]:
    """The record's audit events, oldest first (object type is the model's name in snake case)."""
    stmt = select(AuditEvent).where(
        AuditEvent.object_type == object_type(record),
        AuditEvent.object_id == record.id,
    )
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))
