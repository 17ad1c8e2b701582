"""Finding a record by its unique fields: ``_assert``'s ``match`` and a relationship's
``related_record_match``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from webapp.extensions import db
from webapp.services.errors import (
    AmbiguousMatch,
    BadRequest,
    FieldValueInvalid,
    InvalidMatchingField,
    NotFound,
)
from webapp.services.records.values import read_item
from webapp.services.validation import FieldErrors

if TYPE_CHECKING:
    from webapp.services.records.schema import RecordType


def read_match(record_kind: RecordType, match: Any) -> dict[str, list]:
    """``{field: [values]}`` from a match object of unique fields (one value or a list each)."""
    if not isinstance(match, dict) or not match:
        raise BadRequest(
            "Send match as an object of one or more unique fields, like "
            '{"contact_emails": "ada@example.com"}.',
            code="invalid_json",
        )
    unique = [spec.api_name for spec in record_kind.unique_fields]
    refused = sorted(name for name in match if name not in unique)
    if refused:
        raise InvalidMatchingField(
            f"Match by a unique field of {record_kind.api_name}: {', '.join(unique)}.",
            fields={name: ["This is not a unique field of this record type."] for name in refused},
        )
    errors = FieldErrors()
    wanted: dict[str, list] = {}
    for name, raw in match.items():
        spec = record_kind.field(name)
        values = raw if isinstance(raw, list) else [raw]
        read = [errors.read(name, lambda value, s=spec: read_item(s, value), v) for v in values]
        wanted[name] = [value for value in read if value is not None]
        if not values:
            errors.add(name, "Give at least one value to match.")
    if errors.fields:
        raise FieldValueInvalid("Some match values could not be read.", fields=errors.fields)
    return wanted


def find_matches(record_kind: RecordType, wanted: dict[str, list]) -> int | None:
    """The id of the one record any of the wanted values finds; ``None`` if none does;
    ``AmbiguousMatch`` if they find several."""
    model = record_kind.store.model
    clauses = [
        record_kind.field(name).where(value) for name, values in wanted.items() for value in values
    ]
    found = sorted(set(db.session.scalars(select(model.id).where(or_(*clauses)))))
    if len(found) > 1:
        raise AmbiguousMatch(
            f"The match found {len(found)} {record_kind.api_name} records; match by one value "
            "that identifies a single record.",
            details={"record_ids": [str(record_id) for record_id in found]},
        )
    return found[0] if found else None


def merged_for_create(record_kind: RecordType, wanted: dict[str, list], attributes: Any) -> Any:
    """The attributes of a record ``_assert`` creates: the match's values join the attributes
    (a matched email becomes one of the new contact's emails). A match by a field nobody can set,
    like ``id``, finds an existing record or nothing: it cannot make one."""
    if not isinstance(attributes, dict):
        return attributes
    merged = dict(attributes)
    for name, values in wanted.items():
        spec = record_kind.field(name)
        if not spec.creatable:
            raise NotFound(
                f"No {record_kind.api_name} matches that {name}; a match by {name} can only "
                "update a record, never create one.",
                details={"match": name},
            )
        if spec.multiple:
            given = merged.get(name) if isinstance(merged.get(name), list) else []
            merged[name] = [*given, *(v for v in values if v not in given)]
        elif name not in merged:
            merged[name] = values[0]
    return merged
