"""Records of any type: create, read, patch, archive, restore, and create-or-update (``_assert``).

Each function checks the actor's ``crm:read`` or ``crm:write`` here, then hands the checked
attributes to the type's store, which calls the same service the pages call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp import access
from webapp.extensions import db
from webapp.services.errors import Conflict, NotFound, OperationNotSupported
from webapp.services.merging_common import refuse_merged
from webapp.services.records.attributes import check_attributes
from webapp.services.records.matching import find_matches, merged_for_create, read_match
from webapp.services.records.registry import record_type

if TYPE_CHECKING:
    from webapp.access import Actor
    from webapp.services.records.schema import RecordType


@dataclass(frozen=True)
class Asserted:
    record: Any
    created: bool


def load(
    record_kind: RecordType,
    record_id: int,
    *,
    include_archived: bool,
    actor: Actor | None = None,
) -> Any:
    """One record with what its JSON shows loaded; ``NotFound`` if missing or archived, or, for
    a scoped type read on an ``actor``'s behalf, outside what they may see."""
    store = record_kind.store
    options = (store.record_options or store.load_options)()
    stmt = (
        select(store.model)
        .where(store.model.id == record_id)
        .options(*options)
        .execution_options(populate_existing=True)
    )
    if actor is not None and store.scope is not None:
        stmt = store.scope(actor, stmt)
    record = db.session.execute(stmt).unique().scalar_one_or_none()
    label = record_kind.api_name
    if record is None:
        raise NotFound(f"No {label} with id {record_id}.", details={"record_id": str(record_id)})
    if getattr(record, "merged_into_id", None) is not None:
        refuse_merged(store.model, record, label)  # 410, naming where it went
    if record.archived_at is not None and not include_archived:
        raise NotFound(
            f"The {label} with id {record_id} is archived. Restore it with "
            f"POST /api/v2/{label}/{record_id}/_restore, or read it with include_archived=true.",
            details={"record_id": str(record_id), "archived": True},
        )
    return record


def get_record(actor: Actor, type_name: str, record_id: int, *, include_archived: bool) -> Any:
    access.require(actor, access.CRM_READ)
    return load(record_type(type_name), record_id, include_archived=include_archived, actor=actor)


def create_record(actor: Actor, type_name: str, attributes: Any) -> Any:
    """A new record from ``attributes``; every field rule is checked before anything is written."""
    access.require(actor, access.CRM_WRITE)
    record_kind = record_type(type_name)
    values = check_attributes(record_kind, attributes, creating=True)
    created = record_kind.store.create(actor, values)
    return reloaded(record_kind, created.id)


def patch_record(actor: Actor, type_name: str, record_id: int, attributes: Any) -> Any:
    """Omitted fields stay; a value sets; null clears (if nullable); an array replaces."""
    access.require(actor, access.CRM_WRITE)
    record_kind = record_type(type_name)
    record = load(record_kind, record_id, include_archived=False, actor=actor)
    values = check_attributes(record_kind, attributes, creating=False)
    record_kind.store.update(actor, record, values)
    return reloaded(record_kind, record_id)


def archive_record(actor: Actor, type_name: str, record_id: int) -> None:
    """Archive: hidden from lists, kept with its history. Archiving twice is harmless."""
    access.require(actor, access.CRM_WRITE)
    record_kind = record_type(type_name)
    load(record_kind, record_id, include_archived=True, actor=actor)
    record_kind.store.archive(actor, record_id)


def restore_record(actor: Actor, type_name: str, record_id: int) -> Any:
    access.require(actor, access.CRM_WRITE)
    record_kind = record_type(type_name)
    load(record_kind, record_id, include_archived=True, actor=actor)
    record_kind.store.restore(actor, record_id)
    return reloaded(record_kind, record_id)


def assert_record(actor: Actor, type_name: str, match: Any, attributes: Any) -> Asserted:
    """Create-or-update by unique fields: the one record ``match`` finds is patched, or a new one
    is made with the match's values. Two callers racing with the same match make one record:
    the loser's insert breaks the unique index, and it updates the winner's record instead."""
    access.require(actor, access.CRM_WRITE)
    record_kind = record_type(type_name)
    if not record_kind.assertable:
        raise OperationNotSupported(
            f"_assert is available for contact and account only, not {type_name}.",
            details={"record_type": type_name},
        )
    wanted = read_match(record_kind, match)
    found = find_matches(record_kind, wanted)
    if found is not None:
        return Asserted(_update_matched(actor, record_kind, found, attributes), created=False)
    values = check_attributes(
        record_kind, merged_for_create(record_kind, wanted, attributes), creating=True
    )
    try:
        with db.session.begin_nested():
            created = record_kind.store.create(actor, values)
    except (IntegrityError, Conflict):
        # A rival created the record after our lookup: its insert won, so update what it made.
        found = find_matches(record_kind, wanted)
        if found is None:
            raise
        return Asserted(_update_matched(actor, record_kind, found, attributes), created=False)
    return Asserted(reloaded(record_kind, created.id), created=True)


def _update_matched(actor: Actor, record_kind: RecordType, record_id: int, attributes: Any):
    values = check_attributes(record_kind, attributes, creating=False)
    record = load(record_kind, record_id, include_archived=True)
    record_kind.store.update(actor, record, values)
    return reloaded(record_kind, record_id)


def reloaded(record_kind: RecordType, record_id: int) -> Any:
    """The record as it now stands, with what its JSON shows (not stale collections)."""
    db.session.flush()
    return load(record_kind, record_id, include_archived=True)
