"""Record types for custom objects, built from their definitions on each use.

Every custom object's records share one table; each type reads them through an alias of that
table restricted to its own object, so reads, lists (with their counts), filters and sorts never
see another object's records. Scalar values sort by JSON extraction, which SQLite and
PostgreSQL both do; unique text and relation or user attributes filter through indexed tables.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from flask import has_app_context
from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from webapp.extensions import db
from webapp.models.custom_objects import (
    CustomObject,
    CustomRecord,
    CustomRecordLink,
    CustomUniqueValue,
)
from webapp.services.records import custom_links, custom_store, registry
from webapp.services.records.custom_kinds import (
    TEXT_LENGTH,
    UNIQUE_TEXT_LENGTH,
    kind_of,
    unique_key,
)
from webapp.services.records.custom_sorting import sort_expression, sort_key
from webapp.services.records.fields import id_field, timestamp_fields
from webapp.services.records.schema import FieldSpec, RecordStore, RecordType

if TYPE_CHECKING:
    from webapp.services.records.custom_kinds import Attribute, CustomKind


def custom_record_types() -> list[RecordType]:
    """Every custom object's record type, oldest first. Outside an app (while tests are being
    collected, say) there is no database to ask, so none."""
    if not has_app_context():
        return []
    stmt = (
        select(CustomObject)
        .options(selectinload(CustomObject.attributes))
        .order_by(CustomObject.id)
    )
    return [_record_type(kind_of(found)) for found in db.session.scalars(stmt)]


def custom_record_type(slug: str) -> RecordType | None:
    """The custom object ``slug``'s record type, or ``None`` if no object has that slug."""
    if not has_app_context():
        return None
    stmt = (
        select(CustomObject)
        .where(CustomObject.slug == slug)
        .options(selectinload(CustomObject.attributes))
    )
    found = db.session.scalar(stmt)
    return _record_type(kind_of(found)) if found is not None else None


def records_of(object_filter: Any, name: str) -> Any:
    """``CustomRecord`` restricted to the records ``object_filter`` picks, as an aliased entity."""
    restricted = select(CustomRecord).where(object_filter).subquery(name)
    return aliased(CustomRecord, restricted, name=name)


def _record_type(kind: CustomKind) -> RecordType:
    model = records_of(CustomRecord.object_id == kind.object_id, f"records_of_{kind.slug}")
    fields = tuple(_field(kind, attribute, model) for attribute in kind.attributes)
    return RecordType(
        api_name=kind.slug,
        label=kind.name,
        description=kind.description or f"{kind.name}: a custom object.",
        fields=(id_field(model), *fields, *timestamp_fields(model)),
        store=RecordStore(
            model=model,
            load_options=lambda: (selectinload(model.links),),
            create=partial(custom_store.create, kind),
            update=partial(custom_store.update, kind),
            archive=partial(custom_store.archive, kind),
            restore=partial(custom_store.restore, kind),
            archived_column=model.archived_at,
        ),
        relationships=tuple(
            _relationship(kind, attribute)
            for attribute in kind.attributes
            if attribute.value_type == "relation"
        ),
        assertable=False,
        relationship_support="generic",
        custom=True,
    )


def _field(kind: CustomKind, attribute: Attribute, model: Any) -> FieldSpec:
    common = {
        "label": attribute.name,
        "required": attribute.required,
        "nullable": not attribute.required,
        "multiple": attribute.multiple,
        "unique": attribute.unique,
    }
    if attribute.linked:
        return FieldSpec(
            attribute.slug,
            attribute.value_type,
            read=_linked_reader(attribute),
            target=attribute.target,
            where=_linked_to(model, attribute.slug),
            **common,
        )
    return FieldSpec(
        attribute.slug,
        attribute.value_type,
        read=_value_reader(attribute),
        options=attribute.options,
        max_length=_max_length(attribute),
        where=_holding(kind, model, attribute.slug) if attribute.unique else None,
        order_by=sort_expression(model, attribute),
        sort_key=sort_key(attribute),
        **common,
    )


def _max_length(attribute: Attribute) -> int | None:
    if attribute.value_type != "text":
        return None
    return UNIQUE_TEXT_LENGTH if attribute.unique else TEXT_LENGTH


def _value_reader(attribute: Attribute):
    slug, empty = attribute.slug, [] if attribute.multiple else None
    return lambda record: record.values.get(slug, empty)


def _linked_reader(attribute: Attribute):
    slug = attribute.slug
    if attribute.multiple:
        return lambda record: [str(target) for target in record.linked_ids(slug)]

    def first(record: CustomRecord) -> str | None:
        linked = record.linked_ids(slug)
        return str(linked[0]) if linked else None

    return first


def _holding(kind: CustomKind, model: Any, slug: str):
    """A filter on a unique attribute: the record holding the value, through its index."""

    def where(value: Any):
        held = select(CustomUniqueValue.record_id).where(
            CustomUniqueValue.object_id == kind.object_id,
            CustomUniqueValue.attribute == slug,
            CustomUniqueValue.value == unique_key(value),
        )
        return model.id.in_(held)

    return where


def _linked_to(model: Any, slug: str):
    """A filter on a relation or user attribute: records linking to that id."""

    def where(target_id: int):
        linking = select(CustomRecordLink.record_id).where(
            CustomRecordLink.attribute == slug, CustomRecordLink.target_id == target_id
        )
        return model.id.in_(linking)

    return where


def _relationship(kind: CustomKind, attribute: Attribute):
    """The relation attribute as a generic relationship to its target type's records."""
    built_in = registry.BUILT_IN.get(attribute.target)
    if built_in is not None:
        target = built_in.store
        return custom_links.relationship(
            kind, attribute, target.model, target.load_options, target.archived_column
        )
    target_id = select(CustomObject.id).where(CustomObject.slug == attribute.target)
    model = records_of(
        CustomRecord.object_id == target_id.scalar_subquery(), f"records_of_{attribute.target}"
    )
    return custom_links.relationship(
        kind, attribute, model, lambda: (selectinload(model.links),), model.archived_at
    )
