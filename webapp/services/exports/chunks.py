"""Reading an export's rows in chunks of ``CHUNK_SIZE``, by id (keyset pagination).

Each chunk is a fixed number of queries, so an export's query count grows with its chunks, never
with its rows, and only one chunk is held in memory at a time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sqlalchemy import Select
    from sqlalchemy.orm import InstrumentedAttribute

CHUNK_SIZE = 1000


def in_chunks(
    stmt: Select, key: InstrumentedAttribute, read: Callable, key_of: Callable
) -> Iterator[list]:
    """``stmt``'s rows in order of ``key``, ``CHUNK_SIZE`` at a time; ``read`` runs a statement
    (``db.session.scalars`` or ``execute``) and ``key_of`` gives a row's key."""
    stmt = stmt.order_by(None).order_by(key)
    size, last = CHUNK_SIZE, None
    while True:
        page = stmt if last is None else stmt.where(key > last)
        rows = list(read(page.limit(size)))
        if rows:
            yield rows
        if len(rows) < size:
            return
        last = key_of(rows[-1])
