"""Set-based inserts for the scheduler and imports: many rows at once."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Table, bindparam, cast, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
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


def insert_rows(
    table: Table, rows: list[dict[str, Any]], *, returning: tuple = (), skip_duplicates=False
):
    """Insert ``rows`` (dicts naming the same columns) in one statement and return the
    ``returning`` columns of the rows inserted; with ``skip_duplicates`` a row whose unique key
    exists is left out (``insert_ignoring_duplicates``).

    On PostgreSQL the rows go as one array per column, unnested by the server: a statement of a
    few parameters, where a multi-row ``VALUES`` of a thousand rows had twelve thousand that the
    driver parsed again for every batch (half the scheduler's first tick: bench/README.md).
    """
    if not rows:
        return []
    if db.session.get_bind().dialect.name != "postgresql":
        stmt = insert_ignoring_duplicates(table) if skip_duplicates else insert(table)
        return _run(stmt, returning, rows)
    names = list(rows[0])
    arrays = [
        cast(bindparam(name, [row[name] for row in rows], type_=ARRAY(table.c[name].type)),
             ARRAY(table.c[name].type))
        for name in names
    ]  # fmt: skip
    unnested = func.unnest(*arrays).table_valued(*names).render_derived()
    stmt = postgresql_insert(table).from_select(names, select(*unnested.c))
    if skip_duplicates:
        stmt = stmt.on_conflict_do_nothing()
    return _run(stmt, returning)


def _run(stmt: Insert, returning: tuple, rows: list[dict[str, Any]] | None = None) -> list:
    if not returning:
        db.session.execute(stmt, rows)
        return []
    return db.session.execute(stmt.returning(*returning), rows).all()


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
