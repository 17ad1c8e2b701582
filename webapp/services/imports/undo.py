"""Undoing an import within seven days: what it created is archived, what it changed is put back.

A contact or company edited by anyone since the import (an audit event not written by the
import) is kept as it is and listed, and so is a field whose value is no longer the one the
import wrote: undo never throws away someone's later work.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from webapp import access
from webapp.extensions import db
from webapp.models import AuditEvent, Company, Contact, ImportRow, RelationshipProfile
from webapp.models.base import utcnow
from webapp.services import archiving, contacts, profiles
from webapp.services.audit import record_event
from webapp.services.contacts import CompanyLinkInput, ContactInput
from webapp.services.errors import ImportStateConflict
from webapp.services.imports.planning import CONTACT_FIELDS
from webapp.services.imports.uploads import get_import
from webapp.services.imports.writing import profile_text

if TYPE_CHECKING:
    from webapp.access import Actor
    from webapp.models import Import

UNDO_WINDOW = timedelta(days=7)
CHUNK = 500


def undo_deadline(record: Import):
    return record.finished_at + UNDO_WINDOW if record.finished_at else None


def may_undo(record: Import) -> bool:
    deadline = undo_deadline(record)
    return record.status in ("done", "failed") and deadline is not None and utcnow() < deadline


def _edited_since(record: Import, object_type: str, ids: set[int]) -> set[int]:
    """Of ``ids``, those with an audit event after the import began that it did not write."""
    edited: set[int] = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        stmt = select(AuditEvent.object_id).where(
            AuditEvent.object_type == object_type,
            AuditEvent.object_id.in_(ordered[start : start + CHUNK]),
            AuditEvent.created_at >= record.started_at,
            or_(AuditEvent.import_id.is_(None), AuditEvent.import_id != record.id),
        )
        edited.update(db.session.scalars(stmt))
    return edited


def _profile_contacts(contact_ids: set[int]) -> dict[int, int]:
    """Profile id -> contact id, for the contacts given."""
    stmt = select(RelationshipProfile.id, RelationshipProfile.contact_id).where(
        RelationshipProfile.contact_id.in_(contact_ids)
    )
    return dict(db.session.execute(stmt).all())


def _touched_contacts(record: Import, rows: list[ImportRow]) -> set[int]:
    ids = {row.contact_id for row in rows if row.contact_id}
    profile_owners = _profile_contacts(ids) if ids else {}
    edited = _edited_since(record, "contact", ids)
    edited |= {
        profile_owners[p]
        for p in _edited_since(record, "relationship_profile", set(profile_owners))
    }
    return edited


def _kept(kind: str, record_id: int, name: str, fields: list[str]) -> dict:
    return {"type": kind, "id": record_id, "name": name, "fields": fields}


def _restore_contact(actor: Actor, contact: Contact, changes: dict) -> list[str]:
    """Put back each field the import changed and nobody changed since; the others' names."""
    now = ContactInput.of(contact)
    restored, kept = {}, []
    for name, change in changes.items():
        if name in CONTACT_FIELDS:
            if getattr(now, name) == change["after"]:
                restored[name] = change["before"]
            else:
                kept.append(name)
    links = [link.company_id for link in now.company_links]
    if "company_ids" in changes:
        if links == changes["company_ids"]["after"]:
            keep = set(changes["company_ids"]["before"])
            restored["company_links"] = [
                CompanyLinkInput(link.company_id, link.role, link.is_primary)
                for link in now.company_links
                if link.company_id in keep
            ]
        else:
            kept.append("companies")
    if restored:
        contacts.update_contact(actor, contact.id, replace(now, **restored), access.CRM_WRITE)
    if "archived" in changes and not contact.is_archived:
        archiving.archive(actor, contact, "contact")
    return kept + _restore_profile(actor, contact, changes)


def _restore_profile(actor: Actor, contact: Contact, changes: dict) -> list[str]:
    profile = profiles.find_profile(contact.id)
    values, kept = {}, []
    for name in ("birthday", "personal_notes"):
        change = changes.get(f"profile.{name}")
        if change is None or profile is None:
            continue
        if profile_text(profile, name) == change["after"]:
            values[name] = change["before"]
        else:
            kept.append(name)
    if values:
        profiles.update_profile(actor, contact.id, values, access.CRM_WRITE)
    return kept


def _names(ids: set[int]) -> dict[int, str]:
    stmt = select(Contact.id, Contact.first_name, Contact.last_name).where(Contact.id.in_(ids))
    return {i: f"{first} {last}".strip() for i, first, last in db.session.execute(stmt)}


def _undo_rows(actor: Actor, record: Import, rows: list[ImportRow]) -> list[dict]:
    """Created contacts archived together; changed ones put back one by one."""
    edited = _touched_contacts(record, rows)
    names = _names(edited) if edited else {}
    kept = [_kept("contact", i, names[i], ["edited since"]) for i in sorted(edited) if i in names]
    created = [r.contact_id for r in rows if r.outcome == "create" and r.contact_id]
    archiving.archive_many(actor, Contact, [i for i in created if i not in edited], "contact")
    for row in rows:
        if row.outcome != "update" or not row.contact_id or row.contact_id in edited:
            continue
        contact = db.session.get(Contact, row.contact_id)
        fields = _restore_contact(actor, contact, row.changes) if contact else []
        if fields:
            kept.append(_kept("contact", contact.id, contact.full_name, fields))
    return kept


def _undo_companies(actor: Actor, record: Import, rows: list[ImportRow]) -> list[dict]:
    ids = {row.created_company_id for row in rows if row.created_company_id}
    edited = _edited_since(record, "company", ids)
    archiving.archive_many(actor, Company, sorted(ids - edited), "company")
    stmt = select(Company.id, Company.name).where(Company.id.in_(edited))
    return [_kept("company", i, name, ["edited since"]) for i, name in db.session.execute(stmt)]


def undo_import(actor: Actor, import_id: int) -> Import:
    """Undo an import that ran, within seven days of its end; one transaction."""
    record = get_import(actor, import_id)
    if not may_undo(record):
        raise ImportStateConflict(_why_not(record), code="undo_not_possible")
    actor = replace(actor, import_id=record.id)
    rows = list(
        db.session.scalars(
            select(ImportRow)
            .where(ImportRow.import_id == record.id, ImportRow.outcome.in_(("create", "update")))
            .order_by(ImportRow.row_number)
        )
    )
    kept = _undo_rows(actor, record, rows) + _undo_companies(actor, record, rows)
    record.status, record.undone_at, record.undo_kept = "undone", utcnow(), kept
    record_event(actor, "undo", "import", record.id, {"kept": {"after": len(kept)}})
    return record


def _why_not(record: Import) -> str:
    if record.status == "undone":
        return "This import has already been undone."
    if record.status in ("previewed", "queued", "running"):
        return "Only an import that has run can be undone."
    return "An import can be undone for seven days after it ran; this one is older."
