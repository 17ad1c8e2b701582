"""Builders for the fields most record types share: the id and the timestamps Rapport keeps."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func

from webapp.services.records.schema import FieldSpec


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def amount_json(value: Decimal | None) -> int | float | None:
    """An exact amount as a JSON number: whole amounts as integers, others to the cent.

    Amounts have at most fifteen digits, so the float prints back exactly as stored.
    """
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def id_string(value: int | None) -> str | None:
    return str(value) if value is not None else None


def id_field(model: Any) -> FieldSpec:
    return FieldSpec(
        "id",
        "id",
        read=lambda record: str(record.id),
        label="Record id",
        unique=True,
        nullable=False,
        creatable=False,
        updatable=False,
        where=lambda value: model.id == value,
        order_by=model.id,
    )


def timestamp_fields(model: Any) -> tuple[FieldSpec, ...]:
    """``created_at``, ``updated_at`` (sortable) and ``archived_at``: kept by Rapport alone."""
    kept = {"creatable": False, "updatable": False}
    return (
        FieldSpec(
            "created_at",
            "datetime",
            read=lambda record: iso(record.created_at),
            label="Created",
            nullable=False,
            order_by=model.created_at,
            **kept,
        ),
        FieldSpec(
            "updated_at",
            "datetime",
            read=lambda record: iso(record.updated_at),
            label="Last updated",
            nullable=False,
            order_by=model.updated_at,
            **kept,
        ),
        FieldSpec(
            "archived_at",
            "datetime",
            read=lambda record: iso(record.archived_at),
            label="Archived",
            **kept,
        ),
    )


def same_text(column: Any):
    """A filter matching ``column`` to a value, ignoring case."""
    return lambda value: func.lower(column) == value.lower()


def reordered(current: list, values: dict, list_name: str, primary_name: str) -> list:
    """The list after a write that may replace it (``list_name``) and may set or clear its first
    item (``primary_name``): a new primary moves to the front; a cleared one leaves the list."""
    items = list(values.get(list_name, current))
    if primary_name in values:
        primary = values[primary_name]
        if primary is None:
            return items[1:]
        items = [primary, *(item for item in items if item != primary)]
    return items
