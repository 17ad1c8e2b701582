"""Relationships between records (reference 000): read, add by id or by a unique-field match,
patch a typed edge, remove. What each type supports comes from its relationship specs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from webapp import access
from webapp.extensions import db
from webapp.services.errors import (
    BadRequest,
    FieldNotUpdatable,
    NotFound,
    OperationNotSupported,
    TargetRecordNotFound,
    UnknownRelationship,
)
from webapp.services.paging import paginate
from webapp.services.records.attributes import check_attributes
from webapp.services.records.matching import find_matches, read_match
from webapp.services.records.records import load
from webapp.services.records.registry import record_type
from webapp.services.validation import MAX_ID

if TYPE_CHECKING:
    from webapp.access import Actor
    from webapp.services.records.schema import RecordType, RelationshipSpec


@dataclass(frozen=True)
class Related:
    """One related record and, for a typed relationship, its edge attributes."""

    record: Any
    edge: dict[str, Any] | None


@dataclass(frozen=True)
class RelatedPage:
    parent_type: str
    parent_id: int
    relationship: RelationshipSpec
    items: list[Related]
    page: int
    per_page: int
    total: int
    has_next: bool
    has_prev: bool


@dataclass(frozen=True)
class Linked:
    related: Related
    created: bool


def relationship_of(type_name: str, api_name: str) -> tuple[RecordType, RelationshipSpec]:
    """The record type and its relationship ``api_name``, or ``UnknownRelationship`` (404)."""
    parent_kind = record_type(type_name)
    spec = parent_kind.relationship(api_name)
    if spec is None:
        declared = ", ".join(r.api_name for r in parent_kind.relationships) or "none"
        raise UnknownRelationship(
            f"{type_name} has no relationship called {api_name!r}. Its relationships: "
            f"{declared}. See GET /api/v2/_schema/{type_name}.",
            details={"record_type": type_name, "relationship": api_name},
        )
    return parent_kind, spec


def list_related(
    actor: Actor,
    type_name: str,
    record_id: int,
    api_name: str,
    *,
    page: int,
    per_page: int,
    include_archived: bool,
) -> RelatedPage:
    access.require(actor, access.CRM_READ)
    parent_kind, spec = relationship_of(type_name, api_name)
    load(parent_kind, record_id, include_archived=include_archived, actor=actor)
    stmt = spec.store.links(record_id)
    if not include_archived and spec.store.target_archived_column is not None:
        stmt = stmt.where(spec.store.target_archived_column.is_(None))
    result = paginate(stmt, page, per_page)
    items = [_related(spec, edge) for edge in result.items]
    return RelatedPage(
        type_name,
        record_id,
        spec,
        items,
        page,
        per_page,
        result.total or 0,
        result.has_next,
        result.has_prev,
    )


def add_related(
    actor: Actor, type_name: str, record_id: int, api_name: str, body: dict[str, Any]
) -> Linked:
    """Link the record to a target named by ``related_record_id`` or ``related_record_match``;
    a typed relationship takes its edge attributes beside them. Linking twice changes only the
    edge attributes given, and is not an error."""
    parent_kind, spec = _writable(actor, type_name, api_name)
    load(parent_kind, record_id, include_archived=False, actor=actor)
    edge_given = {k: v for k, v in body.items() if k not in TARGET_KEYS}
    target_id = _target_id(spec, body)
    values = check_attributes(spec.edge_schema(type_name), edge_given, creating=True)
    existed = spec.store.find(record_id, target_id) is not None
    spec.store.add(actor, record_id, target_id, values)
    return Linked(_current(spec, record_id, target_id), created=not existed)


def update_edge(
    actor: Actor,
    type_name: str,
    record_id: int,
    api_name: str,
    target_id: int,
    attributes: Any,
) -> Related:
    """Change a typed edge's attributes; bare (generic) links have none to change."""
    parent_kind, spec = _writable(actor, type_name, api_name)
    if not spec.typed:
        raise OperationNotSupported(
            f"{api_name} links have no attributes of their own, so they cannot be patched; "
            "delete the link and add it again instead.",
            details={"relationship": api_name},
        )
    load(parent_kind, record_id, include_archived=False, actor=actor)
    _linked_or_404(spec, record_id, target_id)
    values = check_attributes(spec.edge_schema(type_name), attributes, creating=False)
    spec.store.update_edge(actor, record_id, target_id, values)
    return _current(spec, record_id, target_id)


def remove_related(
    actor: Actor, type_name: str, record_id: int, api_name: str, target_id: int
) -> None:
    parent_kind, spec = _writable(actor, type_name, api_name)
    load(parent_kind, record_id, include_archived=False, actor=actor)
    _linked_or_404(spec, record_id, target_id)
    spec.store.remove(actor, record_id, target_id)


TARGET_KEYS = ("related_record_id", "related_record_match")


def _writable(actor: Actor, type_name: str, api_name: str) -> tuple[RecordType, Any]:
    access.require(actor, access.CRM_WRITE)
    parent_kind, spec = relationship_of(type_name, api_name)
    if not spec.writable:
        raise FieldNotUpdatable(
            spec.read_only_reason,
            fields={api_name: ["This relationship cannot be changed through this path."]},
        )
    return parent_kind, spec


def _target_id(spec: RelationshipSpec, body: dict[str, Any]) -> int:
    given = [key for key in TARGET_KEYS if key in body]
    if len(given) != 1:
        raise BadRequest(
            "Name the target with related_record_id or with related_record_match (not both).",
            fields={key: ["Send exactly one of these."] for key in TARGET_KEYS},
            code="invalid_json",
        )
    target_kind = record_type(spec.target)
    if given[0] == "related_record_id":
        target_id = _id_from(body["related_record_id"])
    else:
        target_id = find_matches(target_kind, read_match(target_kind, body["related_record_match"]))
    if target_id is None or not _is_live(target_kind, target_id):
        raise TargetRecordNotFound(
            f"No live {spec.target} matches; re-query, or create the {spec.target} first.",
            details={"target_record_type": spec.target},
        )
    return target_id


def _id_from(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and raw.isascii() and raw.isdigit():
        raw = int(raw)
    if isinstance(raw, int) and 0 < raw <= MAX_ID:
        return raw
    return None


def _is_live(target_kind: RecordType, target_id: int) -> bool:
    try:
        load(target_kind, target_id, include_archived=False)
    except NotFound:
        return False
    return True


def _linked_or_404(spec: RelationshipSpec, record_id: int, target_id: int) -> None:
    if spec.store.find(record_id, target_id) is None:
        raise TargetRecordNotFound(
            f"This record is not linked to {spec.target} {target_id}.",
            details={"target_record_id": str(target_id)},
        )


def _current(spec: RelationshipSpec, record_id: int, target_id: int) -> Related:
    """The edge as written (the service replaced the contact's links wholesale)."""
    db.session.flush()
    db.session.expire_all()
    edge = spec.store.find(record_id, target_id)
    if edge is None:
        raise TargetRecordNotFound(f"This record is not linked to {spec.target} {target_id}.")
    return _related(spec, edge)


def _related(spec: RelationshipSpec, edge: Any) -> Related:
    return Related(spec.store.target_of(edge), spec.store.edge_json(edge) if spec.typed else None)
