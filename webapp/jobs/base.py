"""What every job is given (a clock) and gives back (what it did)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import User
from webapp.services import calendar, generated_actions


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

    A tick stopped half way keeps its committed batches; the next tick finds only the rest.
    """
    for batch in batched(rows, batch_size):
        added = generated_actions.open_generated(source, batch)
        db.session.commit()
        result.created += len(added)
        result.skipped += len(batch) - len(added)
        result.count(taken, len(batch) - len(added))
