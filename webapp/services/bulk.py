"""Set-based inserts for the scheduler and imports: many rows at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Integer, Table, any_, bindparam, cast, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import Insert

from webapp.extensions import db
from webapp.services import count_cache


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


def copy_rows(table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts naming the same columns) as one stream: PostgreSQL's ``COPY``,
    elsewhere one multi-row ``INSERT``.

    ``COPY`` has no statement to parse and no parameter to bind per row: the scheduler's first
    tick writes some 100,000 audit events and 50,000 tasks (bench/README.md, fifth slice). It
    runs on the session's connection, in its transaction. Each value goes through its column
    type as in an ``INSERT``, but a column the rows leave out takes the database's default, not
    a Python-side one: the rows name every column that has one (``created_at`` and the like).
    """
    if not rows:
        return
    dialect = db.session.get_bind().dialect
    if dialect.name != "postgresql":
        db.session.execute(insert(table), rows)
        return
    names = list(rows[0])
    stored = [_stored_as(table.c[name].type, dialect) for name in names]
    columns = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    sql = f"COPY {dialect.identifier_preparer.format_table(table)} ({columns}) FROM STDIN"
    connection = db.session.connection()
    count_cache.note_write(connection, table.name)  # no statement for its hooks to see
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([store(row[name]) for name, store in zip(names, stored, strict=True)])


def _stored_as(column_type, dialect) -> Callable[[Any], Any]:
    """What an ``INSERT`` would send for a value of the column (JSON serialised, timestamps in
    UTC): the type's bind processor, or the value itself."""
    return column_type.dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)


def copy_returning_ids(table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """``copy_rows``, and the rows' new ids in the same order: on PostgreSQL the ids are taken from
    the table's sequence first and copied in with the rows (``COPY`` returns nothing); elsewhere
    ``insert_returning_ids``."""
    if not rows:
        return []
    if db.session.get_bind().dialect.name != "postgresql":
        return insert_returning_ids(table, rows)
    ids = new_ids(table, len(rows))
    copy_rows(table, [{**row, "id": new_id} for row, new_id in zip(rows, ids, strict=True)])
    return ids


def new_ids(table: Table, count: int) -> list[int]:
    """``count`` ids taken from the table's id sequence (PostgreSQL): never handed out again."""
    sequence = func.pg_get_serial_sequence(table.name, "id")
    stmt = select(func.nextval(sequence)).select_from(func.generate_series(1, count))
    return list(db.session.scalars(stmt))


def one_of_ids(column: ColumnElement[int], ids: list[int]) -> ColumnElement[bool]:
    """``column IN ids`` for a list of thousands: on PostgreSQL ``column = ANY(:ids)``, one array
    parameter, where an ``IN`` list is a parameter per id that SQLAlchemy renders and the driver
    parses again for every query (a third of a whole-firm export's time: bench/README.md)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return column.in_(ids)
    return column == any_(cast(bindparam("ids", ids, type_=ARRAY(Integer)), ARRAY(Integer)))


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
