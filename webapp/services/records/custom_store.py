"""Writing custom records: values, links and unique values, with an audit event per change.

Attributes arrive checked against the fields (``check_attributes``); this module adds the rules
a field cannot say alone: a required list is never empty, a relation points at live records of
its target type, and a unique value belongs to one record of the object (409 otherwise, from
the database itself when two writes race).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp import access
from webapp.extensions import db
from webapp.models.base import utcnow
from webapp.models.custom_objects import CustomRecord, CustomRecordLink, CustomUniqueValue
from webapp.services import archiving
from webapp.services.audit import record_event
from webapp.services.errors import Conflict, FieldValueInvalid
from webapp.services.records import registry
from webapp.services.records.custom_kinds import stored, unique_key

if TYPE_CHECKING:
    from webapp.access import Actor
    from webapp.services.records.custom_kinds import Attribute, CustomKind


def create(kind: CustomKind, actor: Actor, values: dict[str, Any]) -> CustomRecord:
    """A new record of ``kind`` with ``values``."""
    access.require(actor, access.CRM_WRITE)
    _check_required(kind, values)
    _check_targets(kind, values, None)
    _check_unique_free(kind, values, None)
    record = CustomRecord(object_id=kind.object_id, values={}, created_by_id=actor.user_id)
    _guarded(kind, values, lambda: _write(kind, record, values, creating=True))
    given = {slug: value for slug, value in values.items() if _given(value)}
    record_event(actor, "create", kind.audit_type, record.id, _as_changes(kind, {}, given))
    return record


def update(kind: CustomKind, actor: Actor, record: CustomRecord, values: dict[str, Any]) -> Any:
    """``values`` laid over the record: omitted attributes stay, null or [] clears."""
    access.require(actor, access.CRM_WRITE)
    _check_required(kind, values)
    _check_targets(kind, values, record)
    _check_unique_free(kind, values, record.id)
    before = current_values(kind, record)
    changed = {
        slug: value
        for slug, value in values.items()
        if _comparable(kind, slug, value) != before[slug]
    }
    if not changed:
        return record
    _guarded(kind, changed, lambda: _write(kind, record, changed, creating=False))
    record_event(actor, "update", kind.audit_type, record.id, _as_changes(kind, before, changed))
    return record


def archive(kind: CustomKind, actor: Actor, record_id: int) -> None:
    """Hide the record from lists; archiving an archived record changes nothing."""
    _set_archived(kind, actor, record_id, archived=True)


def restore(kind: CustomKind, actor: Actor, record_id: int) -> None:
    _set_archived(kind, actor, record_id, archived=False)


def current_values(kind: CustomKind, record: CustomRecord) -> dict[str, Any]:
    """Every attribute's value as stored: scalars as in ``values``, links as lists of ids."""
    shown = {}
    for attribute in kind.attributes:
        if attribute.linked:
            shown[attribute.slug] = record.linked_ids(attribute.slug)
        else:
            empty = [] if attribute.multiple else None
            shown[attribute.slug] = record.values.get(attribute.slug, empty)
    return shown


# --- the checks a field cannot make alone ---


def _check_required(kind: CustomKind, values: dict[str, Any]) -> None:
    emptied = [
        slug
        for slug, value in values.items()
        if kind.attribute(slug).required and not _given(value)
    ]
    if emptied:
        raise FieldValueInvalid(
            f"These fields are required and cannot be emptied: {', '.join(emptied)}.",
            fields={slug: ["This field is required; give it a value."] for slug in emptied},
        )


def _given(value: Any) -> bool:
    return value is not None and value != []


def _ids(value: Any) -> list[int]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _check_targets(kind: CustomKind, values: dict[str, Any], record: CustomRecord | None) -> None:
    """New relation targets must be live records of the attribute's target type."""
    errors: dict[str, list[str]] = {}
    for slug, value in values.items():
        attribute = kind.attribute(slug)
        if attribute.value_type != "relation":
            continue
        already = set(record.linked_ids(slug)) if record is not None else set()
        added = [target for target in _ids(value) if target not in already]
        missing = _missing_targets(attribute.target, added)
        if missing:
            listed = ", ".join(str(target) for target in missing)
            errors[slug] = [f"No live {attribute.target} with id {listed}."]
    if errors:
        raise FieldValueInvalid("Some relations point at records that do not exist.", fields=errors)


def _missing_targets(target_type: str, ids: list[int]) -> list[int]:
    if not ids:
        return []
    store = registry.record_type(target_type).store
    live = db.session.scalars(
        select(store.model.id).where(store.model.id.in_(ids), store.archived_column.is_(None))
    )
    found = set(live)
    return [target for target in ids if target not in found]


def _check_unique_free(kind: CustomKind, values: dict[str, Any], record_id: int | None) -> None:
    """Refuse (409) a unique value another record of the object already holds."""
    for slug, value in values.items():
        if not kind.attribute(slug).unique or value is None:
            continue
        holder = db.session.scalar(
            select(CustomUniqueValue.record_id).where(
                CustomUniqueValue.object_id == kind.object_id,
                CustomUniqueValue.attribute == slug,
                CustomUniqueValue.value == unique_key(value),
            )
        )
        if holder is not None and holder != record_id:
            raise _taken(kind, slug, value)


def _taken(kind: CustomKind, slug: str, value: Any) -> Conflict:
    message = f"{value} is already the {slug} of another {kind.slug}."
    return Conflict(message, details={"field": slug, "fields": {slug: [message]}})


def _guarded(kind: CustomKind, values: dict[str, Any], write) -> None:
    """Run ``write`` in a savepoint: a unique value taken meanwhile is a 409, not a 500."""
    try:
        with db.session.begin_nested():
            write()
    except IntegrityError:
        unique = [(slug, value) for slug, value in values.items() if kind.attribute(slug).unique]
        if unique:
            raise _taken(kind, *unique[0]) from None
        raise Conflict(
            f"Someone else changed this {kind.slug} at the same moment; read it and try again."
        ) from None


# --- writing ---


def _write(kind: CustomKind, record: CustomRecord, values: dict[str, Any], creating: bool) -> None:
    scalars = dict(record.values)
    for slug, value in values.items():
        attribute = kind.attribute(slug)
        if attribute.linked:
            _relink(record, slug, _ids(value))
        elif _given(value):
            scalars[slug] = [stored(v) for v in value] if attribute.multiple else stored(value)
        else:
            scalars.pop(slug, None)
    record.values = scalars  # a new dict, so the JSON column is written
    if creating:
        db.session.add(record)
    else:
        record.updated_at = utcnow()  # links and values alike make the record updated
    db.session.flush()
    _hold_unique_values(kind, record, values)


def _relink(record: CustomRecord, slug: str, ids: list[int]) -> None:
    """The attribute's links become ``ids`` in that order; links kept stay the same rows."""
    kept = {link.target_id: link for link in record.links if link.attribute == slug}
    for target, link in kept.items():
        if target not in ids:
            record.links.remove(link)
    for position, target in enumerate(ids):
        link = kept.get(target)
        if link is None:
            record.links.append(CustomRecordLink(attribute=slug, target_id=target))
            link = record.links[-1]
        link.position = position


def _hold_unique_values(kind: CustomKind, record: CustomRecord, values: dict[str, Any]) -> None:
    for slug, value in values.items():
        if not kind.attribute(slug).unique:
            continue
        held = db.session.scalar(
            select(CustomUniqueValue).where(
                CustomUniqueValue.record_id == record.id, CustomUniqueValue.attribute == slug
            )
        )
        if held is not None:
            db.session.delete(held)
            db.session.flush()
        if value is not None:
            db.session.add(
                CustomUniqueValue(
                    object_id=kind.object_id,
                    attribute=slug,
                    value=unique_key(value),
                    record_id=record.id,
                )
            )
    db.session.flush()


def _set_archived(kind: CustomKind, actor: Actor, record_id: int, *, archived: bool) -> None:
    access.require(actor, access.CRM_WRITE)
    record = db.session.get(CustomRecord, record_id)
    (archiving.archive if archived else archiving.restore)(actor, record, kind.audit_type)
    db.session.flush()


# --- what changed ---


def _comparable(kind: CustomKind, slug: str, value: Any) -> Any:
    """A checked value in the form ``current_values`` gives, to see whether it changes."""
    attribute: Attribute = kind.attribute(slug)
    if attribute.linked:
        return _ids(value)
    if attribute.multiple:
        return [stored(v) for v in value or []]
    return stored(value)


def _as_changes(kind: CustomKind, before: dict[str, Any], values: dict[str, Any]) -> dict:
    return {
        slug: {"before": before.get(slug), "after": _comparable(kind, slug, value)}
        for slug, value in values.items()
    }
