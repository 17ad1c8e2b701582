"""Running an import as the scheduler would, for the service tests."""

from __future__ import annotations

from sqlalchemy import select

from webapp import access
from webapp.extensions import db
from webapp.models import Contact, Import
from webapp.services import calendar
from webapp.services.imports import running, uploads


def preview(actor, content: bytes, filename: str = "contacts.csv", **choices) -> Import:
    record = uploads.start_import(actor, filename, content, **choices)
    db.session.commit()
    return record


def run(actor, record: Import) -> Import:
    """Queue ``record`` and let the import poller finish it."""
    running.queue_import(actor, record.id)
    db.session.commit()
    running.run_pending(calendar.now())
    return db.session.get(Import, record.id, populate_existing=True)


def imported(actor, content: bytes, filename: str = "contacts.csv", **choices) -> Import:
    return run(actor, preview(actor, content, filename, **choices))


def contact_named(first_name: str) -> Contact:
    return db.session.scalars(select(Contact).where(Contact.first_name == first_name)).one()


def contacts_count() -> int:
    return len(db.session.scalars(select(Contact.id)).all())


def actor_of(user):
    return access.actor_for_user(user)
