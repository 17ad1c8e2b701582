"""Lists of records: filters on unique and indexed fields, a sort, and page or cursor paging.

A cursor is a keyset position (the sort value and id of the last record given), so a list read
page after page neither skips nor repeats records while others are added.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select

from webapp import access
from webapp.extensions import db
from webapp.services.errors import BadRequest, UnknownField
from webapp.services.paging import paginate
from webapp.services.records.registry import record_type
from webapp.services.records.values import read_item

if TYPE_CHECKING:
    from webapp.access import Actor
    from webapp.services.records.schema import FieldSpec, RecordType

# Query-string names that are not filters.
RESERVED = frozenset({"page", "per_page", "cursor", "sort", "include_archived"})


@dataclass(frozen=True)
class ListQuery:
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "id"
    include_archived: bool = False
    page: int = 1
    per_page: int = 25
    cursor: str | None = None


@dataclass(frozen=True)
class RecordList:
    records: list
    per_page: int
    page: int | None = None  # page paging only
    total: int | None = None
    has_prev: bool = False
    next_cursor: str | None = None  # set while more records follow

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def list_records(actor: Actor, type_name: str, query: ListQuery) -> RecordList:
    access.require(actor, access.CRM_READ)
    record_kind = record_type(type_name)
    model = record_kind.store.model
    stmt = select(model).options(*record_kind.store.load_options())
    if record_kind.store.scope is not None:
        stmt = record_kind.store.scope(actor, stmt)
    if not query.include_archived:
        stmt = stmt.where(record_kind.store.archived_column.is_(None))
    for name, raw in query.filters.items():
        spec = _filterable(record_kind, name)
        stmt = stmt.where(spec.where(_query_value(spec, name, raw)))
    sort_spec, descending = _sort(record_kind, query.sort)
    if query.cursor is not None:
        return _cursor_page(stmt, model, sort_spec, descending, query)
    ordered = stmt.order_by(*_order(sort_spec, model, descending))
    result = paginate(ordered, query.page, query.per_page)
    records = list(result.items)
    more = result.has_next and records
    return RecordList(
        records,
        query.per_page,
        page=query.page,
        total=result.total,
        has_prev=result.has_prev,
        next_cursor=_encode(query.sort, sort_spec, records[-1]) if more else None,
    )


def _filterable(record_kind: RecordType, name: str) -> FieldSpec:
    spec = record_kind.field(name)
    if spec is None:
        raise UnknownField(
            f"Unknown filter {name!r}: not a field of {record_kind.api_name}.",
            fields={name: ["This field is not declared for this record type."]},
        )
    if not spec.filterable:
        filterable = ", ".join(s.api_name for s in record_kind.fields if s.filterable)
        raise BadRequest(
            f"Filter by a unique or indexed field: {filterable}.",
            fields={name: ["This field cannot be filtered on."]},
            code="field_not_filterable",
        )
    return spec


def _query_value(spec: FieldSpec, name: str, raw: str) -> Any:
    """A filter's value from the query string, read by the field's own rules."""
    if "\x00" in raw:  # no stored value holds one, and PostgreSQL refuses them in a query
        message = "Remove the NUL character."
        raise BadRequest(
            f"Check the filter {name}: {message}", fields={name: [message]}, code="invalid_filter"
        )
    value: Any = raw
    if spec.value_type == "boolean":
        value = {"true": True, "false": False}.get(raw.strip().lower(), raw)
    try:
        return read_item(spec, value)
    except ValueError as exc:
        raise BadRequest(
            f"Check the filter {name}: {exc}", fields={name: [str(exc)]}, code="invalid_filter"
        ) from None


def _sort(record_kind: RecordType, raw: str) -> tuple[FieldSpec, bool]:
    descending = raw.startswith("-")
    spec = record_kind.field(raw.removeprefix("-"))
    if spec is None or not spec.sortable:
        sortable = ", ".join(s.api_name for s in record_kind.fields if s.sortable)
        raise BadRequest(
            f"Sort by one of: {sortable} (prefix - for descending).",
            fields={"sort": ["This is not a field you can sort by."]},
            code="invalid_sort",
        )
    return spec, descending


def _order(spec: FieldSpec, model: Any, descending: bool) -> tuple:
    columns = (spec.order_by, model.id) if spec.order_by is not model.id else (model.id,)
    return tuple(column.desc() if descending else column.asc() for column in columns)


def _cursor_page(stmt, model, spec: FieldSpec, descending: bool, query: ListQuery) -> RecordList:
    if query.cursor:
        sort_value, last_id = _decode(query.cursor, query.sort, spec)
        stmt = stmt.where(_after(spec, model, descending, sort_value, last_id))
    stmt = stmt.order_by(*_order(spec, model, descending)).limit(query.per_page + 1)
    records = list(db.session.scalars(stmt).unique())
    more = len(records) > query.per_page
    records = records[: query.per_page]
    next_cursor = _encode(query.sort, spec, records[-1]) if more else None
    return RecordList(records, query.per_page, next_cursor=next_cursor)


def _after(spec: FieldSpec, model: Any, descending: bool, sort_value: Any, last_id: int):
    beyond = (lambda column, value: column < value) if descending else (lambda c, v: c > v)
    if spec.order_by is model.id:
        return beyond(model.id, last_id)
    column = spec.order_by
    return or_(beyond(column, sort_value), and_(column == sort_value, beyond(model.id, last_id)))


def _sort_value(spec: FieldSpec, record: Any) -> Any:
    if spec.sort_key is not None:
        return spec.sort_key(record)
    value = record.id if spec.api_name == "id" else getattr(record, spec.order_by.key)
    return value.isoformat() if isinstance(value, date | datetime) else value


def _encode(sort: str, spec: FieldSpec, record: Any) -> str:
    position = json.dumps([sort, _sort_value(spec, record), record.id])
    return base64.urlsafe_b64encode(position.encode()).decode().rstrip("=")


def _decode(cursor: str, sort: str, spec: FieldSpec) -> tuple[Any, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        given_sort, value, last_id = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(value, int if spec.value_type == "id" else str):
            raise ValueError("the sort value does not fit the sort field")
        if spec.value_type == "datetime":
            value = datetime.fromisoformat(value)
        elif spec.value_type == "date":
            value = date.fromisoformat(value)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _bad_cursor("This cursor was not given by Rapport.") from None
    if given_sort != sort or isinstance(last_id, bool) or not isinstance(last_id, int):
        raise _bad_cursor("Use the cursor with the sort it was given for.")
    return value, last_id


def _bad_cursor(message: str) -> BadRequest:
    return BadRequest(message, fields={"cursor": [message]}, code="invalid_cursor")
