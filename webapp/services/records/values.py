"""Reading an attribute's JSON value by its field's ``value_type``; refusals raise ValueError."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import User
from webapp.services import field_rules
from webapp.services.validation import normalise_domain

if TYPE_CHECKING:
    from webapp.services.records.schema import FieldSpec

MAX_NUMBER = Decimal("9999999999999.99")
MAX_ITEMS = 50


def _text(spec: FieldSpec, value: Any) -> str | None:
    return field_rules.text(value, spec.max_length or 2000)


def _email(spec: FieldSpec, value: Any) -> str | None:
    return field_rules.email(value)


def _phone(spec: FieldSpec, value: Any) -> str | None:
    return field_rules.phone(value)


def _domain(spec: FieldSpec, value: Any) -> str | None:
    cleaned = field_rules.text(value, 253)
    return normalise_domain(cleaned) if cleaned else None


def _select(spec: FieldSpec, value: Any) -> str | None:
    return field_rules.choice(value, spec.options)


def _boolean(spec: FieldSpec, value: Any) -> bool:
    return field_rules.flag(value)


def _date(spec: FieldSpec, value: Any):
    return field_rules.iso_date(value)


def _number(spec: FieldSpec, value: Any) -> Decimal | None:
    if isinstance(value, str):
        raise ValueError("Send a JSON number, like 250000 or 1250.50.")
    return field_rules.amount(value, MAX_NUMBER)


def _record_id(spec: FieldSpec, value: Any) -> int | None:
    try:
        return field_rules.record_id(value)
    except ValueError:
        raise ValueError("Send a record id: a number, or a string of digits.") from None


def _datetime(spec: FieldSpec, value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("Send a date and time in ISO 8601.")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("Send a date and time in ISO 8601.") from None


READERS = {
    "id": _record_id,
    "text": _text,
    "email": _email,
    "phone": _phone,
    "domain": _domain,
    "number": _number,
    "date": _date,
    "datetime": _datetime,
    "boolean": _boolean,
    "select": _select,
    "user": _record_id,
    "relation": _record_id,
}


def read_value(spec: FieldSpec, value: Any) -> Any:
    """The stored form of ``value`` for ``spec``: one item, or a list without repeats."""
    if value is None:
        if not spec.nullable:
            raise ValueError("This field cannot be null.")
        return [] if spec.multiple else None
    if spec.multiple:
        if not isinstance(value, list):
            raise ValueError("Send a list.")
        if len(value) > MAX_ITEMS:
            raise ValueError(f"Send at most {MAX_ITEMS} items.")
        items = [_one(spec, item) for item in value]
        return list(dict.fromkeys(item for item in items if item is not None))
    return _one(spec, value)


def read_item(spec: FieldSpec, value: Any) -> Any:
    """One item of ``spec``'s type, never null nor a list: a filter's value, a match's value,
    an id to add to or remove from a relation."""
    return read_value(replace(spec, multiple=False, nullable=False), value)


def _one(spec: FieldSpec, value: Any) -> Any:
    if value is None:
        raise ValueError("Items cannot be null.")
    if isinstance(value, list | dict):
        raise ValueError(f"Send one {spec.value_type} value, not a list or an object.")
    read = READERS[spec.value_type](spec, value)
    if read is None and not spec.nullable:
        raise ValueError("This field cannot be empty.")
    return read


def missing_users(ids: list[int]) -> set[int]:
    """Of ``ids``, those that are not users of the firm."""
    if not ids:
        return set()
    known = db.session.scalars(select(User.id).where(User.id.in_(ids)))
    return set(ids) - set(known)
