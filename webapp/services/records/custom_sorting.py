"""Sorting custom records by a scalar attribute kept in their JSON ``values``.

The value is extracted in SQL (``JSON_EXTRACT`` on SQLite, ``->>`` on PostgreSQL, both through
SQLAlchemy's JSON type); a missing one stands in as ``SORT_MISSING``, below every real value,
so a keyset cursor never compares with null. A cursor carries the sort position as text
(``sort_key``); the expression's type reads it back as the SQL compares it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Numeric, String, func, type_coerce
from sqlalchemy.types import TypeDecorator

# What a missing value sorts as, by value type: before any value it can hold (numbers are never
# negative, dates start in 1900). Sort positions are text, as the list's cursors carry them.
SORT_MISSING = {"number": "-1", "date": "0001-01-01", "text": "", "select": ""}

if TYPE_CHECKING:
    from webapp.services.records.custom_kinds import Attribute

SORTABLE_TYPES = ("text", "select", "date", "number")


class NumberPosition(TypeDecorator):
    """A number's sort position: compared as an exact number, whether given as text or not."""

    impl = Numeric(15, 2)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> Decimal | None:
        return Decimal(str(value)) if value is not None else None


class DatePosition(TypeDecorator):
    """A date's sort position: compared as its ISO text, as the JSON holds it."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> str | None:
        return value.isoformat() if isinstance(value, date) else value


def sort_expression(model: Any, attribute: Attribute) -> Any:
    """The attribute's sort position in SQL; ``None`` if it does not sort (lists, booleans,
    relations and users)."""
    if attribute.multiple or attribute.value_type not in SORTABLE_TYPES:
        return None
    value = model.values[attribute.slug]
    missing = SORT_MISSING[attribute.value_type]
    if attribute.value_type == "number":
        position = type_coerce(
            func.coalesce(value.as_numeric(15, 2), Decimal(missing)), NumberPosition()
        )
    elif attribute.value_type == "date":
        position = type_coerce(func.coalesce(value.as_string(), missing), DatePosition())
    else:
        position = func.coalesce(value.as_string(), missing)
    return position


def sort_key(attribute: Attribute):
    """A record's position in the attribute's sort, as text: what its cursor carries."""
    if attribute.multiple or attribute.value_type not in SORTABLE_TYPES:
        return None
    missing = SORT_MISSING[attribute.value_type]

    def position(record: Any) -> str:
        value = record.values.get(attribute.slug)
        return missing if value is None else str(value)

    return position
