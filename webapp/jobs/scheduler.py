"""APScheduler wiring: every job on its interval, each run inside the app, never two at once."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from webapp.extensions import db
from webapp.jobs import imports, runner
from webapp.jobs.base import Clock
from webapp.jobs.registry import JOBS, Job
from webapp.services import calendar

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)
FIRST_RUN_DELAY = timedelta(seconds=5)


def _run_in_app(app: Flask, job: Job) -> None:
    with app.app_context():
        try:
            outcome = runner.run_job(job, Clock())
            tick = outcome.tick
            log.info(
                "%s: %s, %d created, %d skipped", job.name, tick.status, tick.created, tick.skipped
            )
        finally:
            db.session.remove()


def _run_imports_in_app(app: Flask) -> None:
    with app.app_context():
        try:
            imports.run_pending()
        finally:
            db.session.remove()


def schedule(app: Flask, scheduler: BaseScheduler) -> BaseScheduler:
    """Add every job: first soon after start, then on its interval; a late run is run once.

    The import poller runs every few seconds, so an import starts soon after it is asked for.
    """
    first_run = calendar.now() + FIRST_RUN_DELAY
    scheduler.add_job(
        _run_imports_in_app,
        "interval",
        args=(app,),
        id="imports",
        name="Imports waiting to run",
        seconds=imports.POLL_SECONDS,
        max_instances=1,
        coalesce=True,
    )
    for job in JOBS:
        scheduler.add_job(
            _run_in_app,
            "interval",
            args=(app, job),
            id=job.name,
            name=job.label,
            minutes=job.every_minutes,
            next_run_time=first_run,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=job.every_minutes * 60,
        )
    return scheduler


def _one_at_a_time() -> dict:
    """Jobs run one after another: they write in batches, and SQLite has a single writer."""
    return {"default": ThreadPoolExecutor(max_workers=1)}


def run_blocking(app: Flask) -> None:
    """The scheduler as its own process (production): runs until interrupted."""
    schedule(app, BlockingScheduler(timezone="UTC", executors=_one_at_a_time())).start()


def start_in_background(app: Flask) -> BackgroundScheduler:
    """The scheduler inside the development server's process (``make run``)."""
    background = BackgroundScheduler(timezone="UTC", daemon=True, executors=_one_at_a_time())
    scheduler = schedule(app, background)
    scheduler.start()
    return scheduler
