"""Surgical updates of a relation or user attribute (reference 003): ``add`` and ``remove`` ids,
leaving every other linked id as it was. The result is written as a whole-list patch, through
the record type's own store, so the same rules and audit events apply."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from webapp import access
from webapp.services.errors import (
    BadRequest,
    FieldNotUpdatable,
    FieldValueInvalid,
    UnknownField,
)
from webapp.services.records.attributes import check_attributes
from webapp.services.records.records import load, reloaded
from webapp.services.records.registry import record_type
from webapp.services.records.values import read_item
from webapp.services.validation import FieldErrors

if TYPE_CHECKING:
    from webapp.access import Actor
    from webapp.services.records.schema import FieldSpec, RecordType

LINKING_TYPES = ("relation", "user")


def update_relation(actor: Actor, type_name: str, record_id: int, body: dict[str, Any]) -> Any:
    """Add and remove ids on one relation or user attribute; adding a linked id or removing an
    unlinked one changes nothing and is not an error."""
    access.require(actor, access.CRM_WRITE)
    record_kind = record_type(type_name)
    spec = _linking_field(record_kind, body.get("attribute"))
    add, remove = _ids(spec, body, "add"), _ids(spec, body, "remove")
    _check_change(add, remove)
    record = load(record_kind, record_id, include_archived=False, actor=actor)
    current = _linked_ids(spec, record)
    after = [i for i in current if i not in remove] + [i for i in add if i not in current]
    if after == current:
        return record
    if not spec.multiple and len(after) > 1:
        raise FieldValueInvalid(
            f"{spec.api_name} holds one id: remove the linked one in the same request.",
            fields={spec.api_name: ["This attribute links one record at most."]},
        )
    value = [str(i) for i in after] if spec.multiple else (str(after[0]) if after else None)
    values = check_attributes(record_kind, {spec.api_name: value}, creating=False)
    record_kind.store.update(actor, record, values)
    return reloaded(record_kind, record_id)


def _linking_field(record_kind: RecordType, name: Any) -> FieldSpec:
    if not isinstance(name, str) or not name:
        raise BadRequest(
            "Name the relation or user attribute to change in attribute.",
            fields={"attribute": ["This is required."]},
            code="invalid_json",
        )
    spec = record_kind.field(name)
    if spec is None:
        raise UnknownField(
            f"{record_kind.api_name} has no attribute {name!r}. "
            f"See GET /api/v2/_schema/{record_kind.api_name}.",
            fields={name: ["This field is not declared for this record type."]},
        )
    if spec.value_type not in LINKING_TYPES:
        raise BadRequest(
            f"{name} is a {spec.value_type} attribute: only relation and user attributes take "
            f"add and remove. Set it with PATCH /api/v2/{record_kind.api_name}/{{id}}.",
            fields={name: ["Not a relation or user attribute."]},
            code="attribute_not_relation",
        )
    if not spec.updatable:
        raise FieldNotUpdatable(
            f"{name} cannot be changed.", fields={name: ["This field cannot be changed."]}
        )
    return spec


def _ids(spec: FieldSpec, body: dict[str, Any], key: str) -> list[int]:
    raw = body.get(key, [])
    if not isinstance(raw, list):
        raise BadRequest(
            f"Send {key} as a list of ids.", fields={key: ["Send a list."]}, code="invalid_json"
        )
    errors = FieldErrors()
    read = [errors.read(key, lambda v: read_item(spec, v), item) for item in raw]
    if errors.fields:
        raise FieldValueInvalid("Some ids could not be read.", fields=errors.fields)
    return list(dict.fromkeys(read))


def _check_change(add: list[int], remove: list[int]) -> None:
    if not add and not remove:
        raise BadRequest(
            "Send at least one id in add or remove.",
            fields={"add": ["Both lists are empty."], "remove": ["Both lists are empty."]},
            code="invalid_json",
        )
    both = sorted(set(add) & set(remove))
    if both:
        listed = ", ".join(str(i) for i in both)
        raise BadRequest(
            f"An id cannot be added and removed at once: {listed}.",
            fields={"add": [f"Also in remove: {listed}."]},
            code="invalid_json",
        )


def _linked_ids(spec: FieldSpec, record: Any) -> list[int]:
    linked = spec.read(record)
    if linked is None:
        return []
    return [int(i) for i in (linked if spec.multiple else [linked])]
