"""Running a job and keeping its record: when it ran, what it did, how it ended.

A job commits its own work as it goes (a batch at a time), so a failure half way keeps what
was done, and the next tick finishes the rest. A failing job is logged with its traceback and
recorded as failed; the other jobs still run.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from webapp.extensions import db
from webapp.jobs.base import Clock, JobResult
from webapp.jobs.registry import JOBS, Job
from webapp.models import SchedulerTick
from webapp.services import calendar

log = logging.getLogger(__name__)
MAX_ERROR_LENGTH = 20_000
STALE_AFTER = 3  # intervals without a successful tick before a job counts as stale


@dataclass(frozen=True)
class TickOutcome:
    job: Job
    tick: SchedulerTick

    @property
    def ok(self) -> bool:
        return self.tick.status == "ok"


def run_job(job: Job, clock: Clock) -> TickOutcome:
    """Run one job and record the tick (a row in ``scheduler_ticks``)."""
    started = clock.now()
    try:
        result = job.run(clock)
    except Exception as error:  # noqa: BLE001 (any failure is recorded, then retried next tick)
        db.session.rollback()
        log.exception("Scheduled job %s failed", job.name)
        result = JobResult()
        tick = _record(job, clock, started, result, status="failed")
        tick.error = "".join(traceback.format_exception(error))[-MAX_ERROR_LENGTH:]
    else:
        tick = _record(job, clock, started, result, status="ok")
    try:
        db.session.commit()
    except SQLAlchemyError:
        # The database itself is failing: the log is all that is left; the next tick retries.
        db.session.rollback()
        log.exception("Could not record the %s tick", job.name)
        tick.status = "failed"
    return TickOutcome(job, tick)


def _record(job: Job, clock: Clock, started, result: JobResult, *, status: str) -> SchedulerTick:
    tick = SchedulerTick(
        job=job.name,
        run_for=clock.fixed_day,
        started_at=started,
        finished_at=clock.now(),
        status=status,
        created=result.created,
        skipped=result.skipped,
        details=dict(result.details),
    )
    db.session.add(tick)
    return tick


def tick(clock: Clock) -> list[TickOutcome]:
    """One pass of every job, in order."""
    return [run_job(job, clock) for job in JOBS]


def last_success_by_job() -> dict[str, datetime]:
    """When each job last finished without an error (for /healthz)."""
    stmt = (
        select(SchedulerTick.job, func.max(SchedulerTick.finished_at))
        .where(SchedulerTick.status == "ok")
        .group_by(SchedulerTick.job)
    )
    return dict(db.session.execute(stmt).all())


@dataclass(frozen=True)
class Pulse:
    last_success_at: datetime | None
    stale: bool


def pulse() -> dict[str, Pulse]:
    """Per job: its last successful tick, and whether that is older than it should be."""
    last = last_success_by_job()
    now = calendar.now()
    report = {}
    for job in JOBS:
        when = last.get(job.name)
        stale = when is None or now - when > timedelta(minutes=job.every_minutes * STALE_AFTER)
        report[job.name] = Pulse(when, stale)
    return report


def recent_ticks(limit: int = 100) -> list[SchedulerTick]:
    stmt = select(SchedulerTick).order_by(SchedulerTick.started_at.desc(), SchedulerTick.id.desc())
    return list(db.session.scalars(stmt.limit(limit)))
