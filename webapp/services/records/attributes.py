"""Checking a body's ``attributes`` against a record type's fields, with reference 001's codes.

The order of the checks is the order an integrator fixes them in: names first (unknown, then
not creatable or not updatable), then what is missing, then the values themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from webapp.services.errors import (
    BadRequest,
    Conflict,
    FieldNotCreatable,
    FieldNotUpdatable,
    FieldRequiredMissing,
    FieldValueInvalid,
    UnknownField,
    ValidationFailed,
)
from webapp.services.records.values import missing_users, read_value
from webapp.services.validation import FieldErrors

if TYPE_CHECKING:
    from webapp.services.records.schema import RecordType


def _named(names: list[str], message: str) -> dict[str, list[str]]:
    return {name: [message] for name in names}


def check_attributes(record_type: RecordType, attributes: Any, *, creating: bool) -> dict:
    """The attributes read into stored values, by api name; every problem of one kind at once."""
    if not isinstance(attributes, dict):
        raise BadRequest("Send attributes as a JSON object.", code="invalid_json")
    schema_hint = f"See GET /api/v2/_schema/{record_type.api_name}."
    unknown = sorted(name for name in attributes if record_type.field(name) is None)
    if unknown:
        raise UnknownField(
            f"Unknown field for {record_type.api_name}: {', '.join(unknown)}. {schema_hint}",
            fields=_named(unknown, "This field is not declared for this record type."),
        )
    _refuse_read_only(record_type, attributes, creating)
    if creating:
        missing = [
            spec.api_name
            for spec in record_type.fields
            if spec.required and spec.api_name not in attributes
        ]
        if missing:
            raise FieldRequiredMissing(
                f"Missing required field: {', '.join(missing)}.",
                fields=_named(missing, "This field is required."),
            )
    return _read_values(record_type, attributes)


def _refuse_read_only(record_type: RecordType, attributes: dict, creating: bool) -> None:
    if creating:
        refused = sorted(n for n in attributes if not record_type.field(n).creatable)
        if refused:
            raise FieldNotCreatable(
                f"These fields cannot be set on create: {', '.join(refused)}.",
                fields=_named(refused, "Rapport sets this field; remove it from POST bodies."),
            )
        return
    refused = sorted(n for n in attributes if not record_type.field(n).updatable)
    if refused:
        raise FieldNotUpdatable(
            f"These fields cannot be changed: {', '.join(refused)}.",
            fields=_named(refused, "This field cannot be changed; remove it from PATCH bodies."),
        )


def _read_values(record_type: RecordType, attributes: dict) -> dict:
    errors = FieldErrors()
    values = {}
    for name, raw in attributes.items():
        spec = record_type.field(name)
        values[name] = errors.read(name, lambda value, spec=spec: read_value(spec, value), raw)
        if spec.value_type == "user" and name not in errors.fields:
            given = values[name] if spec.multiple else [values[name]]
            if missing_users([user_id for user_id in given if user_id is not None]):
                errors.add(name, "Choose existing users (GET /api/users lists them).")
    if errors.fields:
        raise FieldValueInvalid("Some values could not be read.", fields=errors.fields)
    return values


@contextmanager
def api_names(renamed: dict[str, str]) -> Iterator[None]:
    """Report a service's field errors under the records API's names (``emails`` ->
    ``contact_emails``): a broken rule is ``field_value_invalid``, a taken value a ``conflict``."""
    try:
        yield
    except Conflict as exc:
        field = exc.details.get("field")
        if field in renamed:
            exc.details = {
                **{k: v for k, v in exc.details.items() if k != field},  # the holder's id
                "field": renamed[field],
                "fields": {renamed[field]: [exc.message]},
                renamed[field]: exc.details.get(field, []),
            }
        raise
    except BadRequest:
        raise
    except ValidationFailed as exc:
        fields = {renamed.get(name, name): messages for name, messages in exc.fields.items()}
        raise FieldValueInvalid(exc.message, fields=fields) from exc
