"""What every job is given (a clock) and gives back (what it did)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import User
from webapp.services import calendar, generated_actions

if TYPE_CHECKING:
    from flask import Flask


@dataclass(frozen=True)
class Clock:
    """Today for each user: their own calendar day, or one fixed day for everyone (``--date``)."""

    fixed_day: date | None = None

    def now(self) -> datetime:
        return calendar.now()

    def today_in(self, timezone_name: str | None) -> date:
        return self.fixed_day or calendar.today_in(timezone_name)

    def timezones_by_day(self) -> dict[date, list[str]]:
        """The active users' timezones, grouped by the day it is in each of them."""
        names = db.session.scalars(select(User.timezone).where(User.active).distinct())
        grouped: dict[date, list[str]] = defaultdict(list)
        for name in names:
            grouped[self.today_in(name)].append(name)
        return dict(grouped)


@dataclass
class JobResult:
    """What one run of a job did: how many things it created, skipped, and why."""

    created: int = 0
    skipped: int = 0
    details: dict[str, int] = field(default_factory=dict)

    def count(self, reason: str, n: int = 1) -> None:
        if n:
            self.details[reason] = self.details.get(reason, 0) + n


def batched(rows: Sequence, size: int) -> Iterator[Sequence]:
    """``rows`` in slices of ``size``: each slice is one transaction of a job."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def open_in_batches(
    source: str, rows: Sequence[dict], batch_size: int, result: JobResult, taken: str
) -> None:
    """Open generated actions a batch per commit; count those another run made first as ``taken``.

    A tick stopped half way keeps its committed batches; the next tick finds only the rest. With
    more than one batch, ``SCHEDULER_WRITERS`` batches go at once, each on a connection of its
    own (PostgreSQL only): one batch's Python runs while another's statements run in the
    database, so the first tick over a whole firm uses both (docs/performance.md, "Jobs").
    """
    batches = list(batched(rows, batch_size))
    writers = _writers(len(batches))
    if writers == 1:
        opened = (_open_batch(source, batch) for batch in batches)
    else:
        app = current_app._get_current_object()
        pool = ThreadPoolExecutor(writers, thread_name_prefix="scheduler-writer")
        opened = pool.map(partial(_open_batch_apart, app, source), batches)
    try:
        for batch, added in zip(batches, opened, strict=True):
            result.created += added
            result.skipped += len(batch) - added
            result.count(taken, len(batch) - added)
    finally:
        if writers > 1:
            pool.shutdown(cancel_futures=True)


def _writers(batches: int) -> int:
    """How many batches to write at once: one on SQLite, whose single writer would only queue."""
    if batches < 2 or db.session.get_bind().dialect.name != "postgresql":
        return 1
    return min(batches, current_app.config["SCHEDULER_WRITERS"])


def _open_batch(source: str, batch: Sequence[dict]) -> int:
    """Open one batch of generated actions and commit it; how many were added."""
    added = generated_actions.open_generated(source, batch)
    db.session.commit()
    return len(added)


def _open_batch_apart(app: Flask, source: str, batch: Sequence[dict]) -> int:
    """``_open_batch`` in a writer thread: its own app context, session and connection."""
    with app.app_context():
        try:
            return _open_batch(source, batch)
        finally:
            db.session.remove()
