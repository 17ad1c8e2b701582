"""Running the jobs: the tick command, the record of each tick, /healthz and the admin page."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.jobs.builders import at, contact_of, owner, raw_event
from tests.unit.relationship_builders import freeze_time
from webapp.extensions import db
from webapp.jobs import due_actions, runner
from webapp.jobs.base import Clock
from webapp.jobs.registry import JOBS
from webapp.models import SchedulerTick


@pytest.fixture
def cli(app, db):
    return app.test_cli_runner()


def ticks(job: str | None = None) -> list[SchedulerTick]:
    query = db.session.query(SchedulerTick).order_by(SchedulerTick.id)
    return query.filter_by(job=job).all() if job else query.all()


def test_tick_prints_what_each_job_created_and_skipped(db, cli):
    raw_event(contact_of(owner()), 12, 10, lead=7)
    raw_event(contact_of(None, "Nobody"), 12, 10, lead=7)

    result = cli.invoke(args=["scheduler", "tick", "--date", "2026-12-05"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "due_actions: ok, 1 created, 1 skipped (no_active_owner: 1)" in lines
    assert "cadence: ok, 0 created, 0 skipped" in lines


def test_tick_records_each_job_with_its_day_and_counts(db, cli):
    raw_event(contact_of(owner()), 12, 10, lead=7)
    cli.invoke(args=["scheduler", "tick", "--date", "2026-12-05"])
    [record] = ticks("due_actions")
    assert (record.status, record.created, record.run_for) == ("ok", 1, date(2026, 12, 5))
    assert record.finished_at >= record.started_at
    assert {t.job for t in ticks()} == {job.name for job in JOBS}


def test_tick_refuses_a_date_that_is_not_one(db, cli):
    result = cli.invoke(args=["scheduler", "tick", "--date", "2026-02-30"])
    assert result.exit_code == 2
    assert "2026-02-30" in result.output
    assert ticks() == []


def test_a_failing_job_is_logged_recorded_and_the_others_still_run(db, cli, monkeypatch, caplog):
    def broken(clock):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(runner, "JOBS", (replace(JOBS[0], run=broken), *JOBS[1:]))
    with caplog.at_level(logging.ERROR):
        result = cli.invoke(args=["scheduler", "tick"])

    assert result.exit_code == 1
    assert "due_actions: failed" in result.output
    assert "cadence: ok" in result.output
    [failed] = ticks("due_actions")
    assert failed.status == "failed"
    assert "RuntimeError: the disk is full" in failed.error
    assert "Scheduled job due_actions failed" in caplog.text
    assert "the disk is full" in caplog.text  # with its traceback


def test_health_reports_each_jobs_last_successful_tick(db, client, monkeypatch):
    freeze_time(monkeypatch, at(2026, 12, 5, hour=9))
    runner.tick(Clock())
    freeze_time(monkeypatch, at(2026, 12, 5, hour=10))

    scheduler = client.get("/healthz").get_json()["scheduler"]

    assert set(scheduler) == {job.name for job in JOBS}
    assert scheduler["due_actions"]["stale"] is False
    assert scheduler["due_actions"]["last_success_at"].startswith("2026-12-05T09:00:00")


def test_health_calls_a_job_stale_when_it_has_not_succeeded_lately(db, client, monkeypatch):
    freeze_time(monkeypatch, at(2026, 12, 5, hour=9))
    runner.tick(Clock())
    freeze_time(monkeypatch, at(2026, 12, 5, hour=9) + timedelta(hours=4))
    assert client.get("/healthz").get_json()["scheduler"]["cadence"]["stale"] is True


def test_health_says_never_before_the_first_tick(db, client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["scheduler"]["due_actions"] == {"last_success_at": None, "stale": True}


def test_the_admin_page_lists_recent_ticks_with_counts_and_errors(db, client, login_as):
    raw_event(contact_of(owner()), 12, 10, lead=7)
    runner.tick(Clock(fixed_day=date(2026, 12, 5)))
    db.session.add(
        SchedulerTick(
            job="cadence", status="failed", error="Traceback: boom", started_at=at(2026, 12, 4)
        )
    )
    login_as("member", is_admin=True)

    page = client.get("/admin/scheduler")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Life-event actions" in html and "Keep-in-touch check-ins" in html
    assert "Traceback: boom" in html
    assert html.count("<tr") == 1 + len(JOBS) + 1  # the header, one tick per job, the failure


def test_the_admin_page_is_for_admins_only(db, client, login_as):
    login_as("executive")
    assert client.get("/admin/scheduler").status_code == 403


def test_due_actions_writes_nothing_when_there_is_nothing_to_do(db):
    assert due_actions.run(Clock(fixed_day=date(2026, 12, 5))).created == 0
    assert ticks() == []  # the job itself records nothing; the runner records the tick


def test_a_tick_that_cannot_even_be_recorded_is_logged_not_raised(db, monkeypatch, caplog):
    from sqlalchemy.exc import OperationalError

    from webapp.jobs.base import JobResult

    def refuse():
        raise OperationalError("COMMIT", {}, Exception("database is locked"))

    monkeypatch.setattr(db.session, "commit", refuse)
    quiet = replace(JOBS[0], run=lambda clock: JobResult())
    with caplog.at_level(logging.ERROR):
        outcome = runner.run_job(quiet, Clock())
    assert not outcome.ok
    assert "Could not record the due_actions tick" in caplog.text


def test_the_scheduler_runs_each_job_on_its_interval_one_at_a_time(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    from webapp.jobs.scheduler import _one_at_a_time, schedule

    scheduler = schedule(app, BackgroundScheduler(timezone="UTC", executors=_one_at_a_time()))
    scheduled = {job.id: job for job in scheduler.get_jobs()}
    assert set(scheduled) == {job.name for job in JOBS} | {"imports"}
    assert scheduled["imports"].trigger.interval == timedelta(seconds=3)
    assert scheduled["imports"].max_instances == 1
    for job in JOBS:
        assert scheduled[job.name].trigger.interval == timedelta(minutes=job.every_minutes)
        assert scheduled[job.name].max_instances == 1
    assert _one_at_a_time()["default"]._pool._max_workers == 1
