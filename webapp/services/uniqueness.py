"""Unique values shared across records: an email belongs to one contact, a domain to one company."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from webapp.extensions import db
from webapp.services.errors import Conflict

if TYPE_CHECKING:
    from sqlalchemy.orm import InstrumentedAttribute


def ensure_free(
    value_column: InstrumentedAttribute,
    owner_column: InstrumentedAttribute,
    values: list[str],
    owner_id: int | None,
    *,
    field: str,
    owner_noun: str,
    holder_key: str | None = None,
) -> None:
    """Raise ``Conflict`` naming every value in ``values`` already held by another owner;
    with ``holder_key``, ``details[holder_key]`` is the id of the first value's holder."""
    if not values:
        return
    taken = db.session.execute(
        select(value_column, owner_column).where(value_column.in_(values))
    ).all()
    clashes = [(value, holder) for value, holder in taken if holder != owner_id]
    if clashes:
        details = {"field": field, field: [value for value, _holder in clashes]}
        if holder_key:
            details[holder_key] = clashes[0][1]
        raise Conflict(
            f"{', '.join(details[field])} already belongs to another {owner_noun}.",
            details=details,
        )
