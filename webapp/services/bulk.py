"""Set-based inserts for the scheduler and imports: many rows at once."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import Insert

from webapp.extensions import db


def insert_ignoring_duplicates(table: Table) -> Insert:
    """``INSERT ... ON CONFLICT DO NOTHING``: a row whose unique key exists is skipped.

    A concurrent transaction inserting the same key makes this one wait for it, then skip.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql_insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite_insert(table).on_conflict_do_nothing()
    raise NotImplementedError(f"no insert-or-skip for {dialect}")  # pragma: no cover


def insert_returning_ids(table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (dicts of columns) and return their new ids in the same order.

    Rows naming the same columns go in one multi-row statement; a column a row leaves out takes
    its default, as it would with the ORM.
    """
    ids: list[int] = [0] * len(rows)
    shapes: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        shapes[tuple(sorted(row))].append(index)
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    for indexes in shapes.values():
        found = db.session.scalars(stmt, [rows[i] for i in indexes])
        for index, new_id in zip(indexes, found, strict=True):
            ids[index] = new_id
    return ids
