"""What a record type is made of: its fields and relationships, as data.

One registry of these drives validation, the ``_schema`` responses, the filters and sorts a list
accepts, the error codes and the OpenAPI document. Nothing about a type is written twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

    from webapp.access import Actor

VALUE_TYPES = (
    "id",
    "text",
    "email",
    "phone",
    "domain",
    "number",
    "date",
    "datetime",
    "boolean",
    "select",
    "user",
    "relation",
)


@dataclass(frozen=True)
class FieldSpec:
    """One attribute of a record type, as the API names and checks it."""

    api_name: str
    value_type: str
    read: Callable[[Any], Any]
    label: str = ""
    unique: bool = False
    required: bool = False
    nullable: bool = True
    creatable: bool = True
    updatable: bool = True
    multiple: bool = False
    options: tuple[str, ...] = ()
    max_length: int | None = None
    target: str | None = None  # the record type a relation points at
    # Filterable fields (unique or indexed) say how to match one value; sortable ones a column.
    where: Callable[[Any], ColumnElement] | None = None
    order_by: Any = None
    # A record's position in this sort as a cursor carries it, where it is not a plain column.
    sort_key: Callable[[Any], Any] | None = None
    # Never cleared with null, yet read as null where it does not apply (a non-client's tier).
    reads_null: bool = False

    @property
    def filterable(self) -> bool:
        return self.where is not None

    @property
    def sortable(self) -> bool:
        return self.order_by is not None

    @property
    def system(self) -> bool:
        """Kept by Rapport alone: neither creatable nor updatable."""
        return not self.creatable and not self.updatable


@dataclass(frozen=True)
class LinkStore:
    """How one relationship's links are kept, seen from the parent record.

    ``links(parent_id)`` selects the edges (each with its target loaded); ``find`` gives one edge
    or ``None``; the writes take edge values already checked against the edge fields.
    """

    links: Callable[[int], Any]
    target_of: Callable[[Any], Any]
    edge_json: Callable[[Any], dict[str, Any] | None]
    find: Callable[[int, int], Any]
    # Read-only relationships (``RelationshipSpec.writable`` false) have no writes.
    add: Callable[[Actor, int, int, dict[str, Any]], Any] | None = None
    update_edge: Callable[[Actor, int, int, dict[str, Any]], Any] | None = None
    remove: Callable[[Actor, int, int], Any] | None = None
    target_archived_column: Any = None


@dataclass(frozen=True)
class RelationshipSpec:
    """A named link from one record type to another.

    Typed relationships have edge attributes of their own (a contact's ``role`` at an account);
    generic ones are bare links. ``writable`` is false where the reference makes links read-only.
    """

    api_name: str
    target: str
    cardinality: str  # "many_to_many" or "one_to_many" or "many_to_one"
    store: LinkStore
    edge_fields: tuple[FieldSpec, ...] = ()
    writable: bool = True
    label: str = ""
    read_only_reason: str = "These links are read-only through the API."

    @property
    def typed(self) -> bool:
        return bool(self.edge_fields)

    def edge_schema(self, parent_type: str) -> EdgeFields:
        return EdgeFields(parent_type, self.edge_fields)


@dataclass(frozen=True)
class EdgeFields:
    """A relationship's edge attributes, checked as a record's attributes are."""

    api_name: str  # the parent's record type, whose ``_schema`` describes them
    fields: tuple[FieldSpec, ...]

    def field(self, api_name: str) -> FieldSpec | None:
        return next((spec for spec in self.fields if spec.api_name == api_name), None)


@dataclass(frozen=True)
class RecordStore:
    """How a record type's records are kept: the model, and the service calls that write it.

    ``create`` and ``update`` take attributes already checked against the fields, by api name.
    """

    model: type
    load_options: Callable[[], tuple]
    create: Callable[[Actor, dict[str, Any]], Any]
    update: Callable[[Actor, Any, dict[str, Any]], Any]
    archive: Callable[[Actor, int], Any]
    restore: Callable[[Actor, int], Any]
    archived_column: Any
    # Personal work (tasks) is scoped: ``scope(actor, select)`` keeps what the actor may see.
    scope: Callable[[Actor, Any], Any] | None = None
    # When ``archive`` may refuse with a 409 (a ``Conflict``), why: the OpenAPI document says so.
    archive_conflict: str | None = None
    # What reading one record loads with it, where that differs from a list's ``load_options``:
    # joined in the record's own query, where a page of records selects them in afterwards.
    record_options: Callable[[], tuple] | None = None


@dataclass(frozen=True)
class RecordType:
    api_name: str
    label: str
    description: str
    fields: tuple[FieldSpec, ...]
    store: RecordStore
    relationships: tuple[RelationshipSpec, ...] = ()
    assertable: bool = False
    relationship_support: str = "generic"  # "typed_and_generic", "generic", "read_only", "none"
    custom: bool = False
    _by_name: dict[str, FieldSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({spec.api_name: spec for spec in self.fields})

    def field(self, api_name: str) -> FieldSpec | None:
        return self._by_name.get(api_name)

    def relationship(self, api_name: str) -> RelationshipSpec | None:
        return next((r for r in self.relationships if r.api_name == api_name), None)

    @property
    def unique_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(spec for spec in self.fields if spec.unique)


def field_json(spec: FieldSpec) -> dict[str, Any]:
    """A field as ``_schema`` describes it."""
    described = {
        "api_name": spec.api_name,
        "label": spec.label,
        "value_type": spec.value_type,
        "is_array": spec.multiple,
        "unique": spec.unique,
        "required": spec.required,
        "nullable": spec.nullable,
        "creatable": spec.creatable,
        "updatable": spec.updatable,
        "filterable": spec.filterable,
        "sortable": spec.sortable,
    }
    if spec.options:
        described["options"] = list(spec.options)
    if spec.max_length is not None:
        described["max_length"] = spec.max_length
    if spec.target is not None:
        described["target_record_type"] = spec.target
    return described


def relationship_json(spec: RelationshipSpec) -> dict[str, Any]:
    return {
        "api_name": spec.api_name,
        "label": spec.label,
        "target_record_type": spec.target,
        "cardinality": spec.cardinality,
        "kind": "typed" if spec.typed else "generic",
        "writable": spec.writable,
        "edge_attributes": [field_json(edge) for edge in spec.edge_fields],
    }


def type_json(record_type: RecordType) -> dict[str, Any]:
    """A record type as ``GET /api/v2/_schema/{record_type}`` describes it."""
    return {
        "api_name": record_type.api_name,
        "label": record_type.label,
        "description": record_type.description,
        "custom": record_type.custom,
        "supports_assert": record_type.assertable,
        "relationship_support": record_type.relationship_support,
        "fields": [field_json(spec) for spec in record_type.fields],
        "relationships": [relationship_json(spec) for spec in record_type.relationships],
    }
