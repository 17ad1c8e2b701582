"""Figures kept for a minute, against the generation of the data they count.

The Actions tabs, the Team view and Today counted every pending action of the firm, or walked
every event of the viewer's contacts, on each view (docs/performance.md, "Figures kept for a
minute"). ``remember`` keeps such a figure in the worker for ``MAX_AGE`` seconds, keyed by what it
depends on (the viewer, the day) and by the generation of its group of tables.

Every transaction that writes a table of a group raises the group's generation (table
``cache_generations``) in the same commit: ``watch`` installs the engine hooks that notice the
writes, whatever made them (the ORM, a bulk insert, plain SQL), and add the update just before
the commit. Data and generation are committed together, so a figure counted before a commit is
kept under the old generation and never read again, in this worker or any other, on any host.
A transaction that has written a group's tables counts afresh and keeps nothing: it sees data
that may yet be rolled back.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import event, select, update

from webapp.extensions import db
from webapp.models import CacheGeneration

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

T = TypeVar("T")

# The tables each group's figures read. ``actions``: pending and done actions by assignee, and who
# may see whose (roles and squads are users' columns). ``events``: life events of contacts by
# owner. ``team``: the Team view's people and squads, their counts, each person's last activity (an
# action done, a message sent, an interaction logged) and the weekly completions. A table may
# belong to several groups.
GROUPS: dict[str, frozenset[str]] = {
    "actions": frozenset({"relationship_actions", "users"}),
    "events": frozenset({"life_events", "contacts"}),
    "team": frozenset({"relationship_actions", "users", "squads", "messages", "interactions"}),
}
MAX_AGE = 60.0  # seconds: a figure that depends on the time (done in 30 days) is at most this old
MAX_ENTRIES = 10_000
WRITTEN = "rapport.count_cache.written"  # on a connection: groups its transaction has written
WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE
)
_GROUPS_OF: dict[str, frozenset[str]] = {
    table: frozenset(name for name, tables in GROUPS.items() if table in tables)
    for table in frozenset().union(*GROUPS.values())
}

_kept: dict[tuple, tuple[float, object]] = {}


def remember(group: str, key: tuple[Hashable, ...], count: Callable[[], T]) -> T:
    """``count()``, or what it gave for ``key`` under the group's current generation in the last
    ``MAX_AGE`` seconds."""
    if group in _written(db.session.connection()):
        return count()
    generation = db.session.scalar(
        select(CacheGeneration.generation).where(CacheGeneration.name == group)
    )
    full_key = (db.engine.url, group, generation, *key)  # a process may serve several databases
    now = time.monotonic()
    kept = _kept.get(full_key)
    if kept is not None and kept[0] > now:
        return kept[1]  # type: ignore[return-value]
    value = count()
    if len(_kept) >= MAX_ENTRIES:
        _forget_expired(now)
    _kept[full_key] = (now + MAX_AGE, value)
    return value


def forget_all() -> None:
    """Drop every figure kept in this worker."""
    _kept.clear()


def _forget_expired(now: float) -> None:
    for key, (expires, _) in list(_kept.items()):  # a copy: another thread may be adding
        if expires <= now:
            _kept.pop(key, None)
    if len(_kept) >= MAX_ENTRIES:  # all still fresh: start again rather than grow
        _kept.clear()


def _written(connection: Connection) -> set[str]:
    return connection.info.get(WRITTEN, set())


def watch(engine: Engine) -> None:
    """Raise a group's generation in the commit of every transaction that writes its tables."""
    if event.contains(engine, "before_cursor_execute", _notice_write):
        return
    event.listen(engine, "before_cursor_execute", _notice_write)
    event.listen(engine, "commit", _raise_generations)
    event.listen(engine, "rollback", _forget_writes)
    event.listen(engine, "checkin", _forget_pooled_writes)


def _notice_write(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    found = WRITE.match(statement)
    if found:
        note_write(connection, found.group(1))


def note_write(connection: Connection, table: str) -> None:
    """Count a write to ``table`` in the connection's transaction; for writes that pass no
    statement through SQLAlchemy (``bulk.copy_rows``)."""
    groups = _GROUPS_OF.get(table.lower())
    if groups:
        connection.info.setdefault(WRITTEN, set()).update(groups)


def _raise_generations(connection: Connection) -> None:
    groups = connection.info.pop(WRITTEN, None)
    if groups:
        connection.execute(
            update(CacheGeneration)
            .where(CacheGeneration.name.in_(sorted(groups)))
            .values(generation=CacheGeneration.generation + 1)
        )


def _forget_writes(connection: Connection) -> None:
    connection.info.pop(WRITTEN, None)


def _forget_pooled_writes(_dbapi_connection, record) -> None:
    record.info.pop(WRITTEN, None)
