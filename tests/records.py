"""Reading back what a service wrote: the record as stored, and its audit trail."""

from __future__ import annotations

from sqlalchemy import select

from webapp.models import AuditEvent


def reload(db, record):
    """The record as the database has it after the service's writes."""
    db.session.flush()
    db.session.expire_all()
    return db.session.get(type(record), record.id)


def events_for(db, record) -> list[AuditEvent]:
    """The record's audit events, oldest first (object type is the model's name, lower case)."""
    stmt = select(AuditEvent).where(
        AuditEvent.object_type == type(record).__name__.lower(),
        AuditEvent.object_id == record.id,
    )
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))
