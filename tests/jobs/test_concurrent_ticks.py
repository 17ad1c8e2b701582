"""Two schedulers ticking at the same moment create each action exactly once.

On PostgreSQL both ticks run side by side and each insert of a key already taken is skipped.

These tests need real commits seen by two connections, so they run on a database of their own
(``committed_app``: a new PostgreSQL database when ``TEST_DATABASE_URL`` is set, else a new
SQLite file).
"""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from tests.factories import ClientProfileFactory, ContactCompanyLinkFactory
from tests.jobs.builders import contact_of, owner, raw_event
from webapp.extensions import db
from webapp.jobs import cadence, due_actions
from webapp.jobs.base import Clock
from webapp.models import RelationshipAction, Task

PEOPLE = 120


def _seed(app) -> None:
    with app.app_context():
        for i in range(PEOPLE):
            person = contact_of(owner(), f"Person{i}")
            raw_event(person, 12, 10, lead=7)
            client = ClientProfileFactory(tier="strategic")
            ContactCompanyLinkFactory(contact=person, company=client.company)
        db.session.commit()


def _race(app, job, day: date, runners: int = 2) -> list:
    """Run ``job`` in ``runners`` threads released at the same instant; return their results."""
    barrier = threading.Barrier(runners)
    results, errors = [], []

    def tick():
        with app.app_context():
            try:
                barrier.wait()
                results.append(job.run(Clock(fixed_day=day)))
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=tick) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite has one writer: the loser of the race fails (and is retried next tick) rather
        # than waiting. Whatever happened, the next tick must finish the work exactly once.
        assert all("database is locked" in str(error) for error in errors), errors
        with app.app_context():
            results.append(job.run(Clock(fixed_day=day)))
            db.session.remove()
    else:
        assert not errors, errors
    return results


def _per_key(app, *key) -> tuple[int, int, int]:
    """(actions, distinct keys, tasks) as committed."""
    with app.app_context():
        columns = [getattr(RelationshipAction, name) for name in key]
        actions = db.session.scalar(select(func.count()).select_from(RelationshipAction))
        distinct = db.session.scalar(
            select(func.count()).select_from(select(*columns).distinct().subquery())
        )
        tasks = db.session.scalar(select(func.count()).select_from(Task))
        db.session.remove()
    return actions, distinct, tasks


def test_two_concurrent_due_action_ticks_create_each_action_once(committed_app, monkeypatch):
    monkeypatch.setattr(due_actions, "BATCH_SIZE", 25)
    _seed(committed_app)

    results = _race(committed_app, due_actions, date(2026, 12, 5))

    assert sum(result.created for result in results) == PEOPLE
    assert _per_key(committed_app, "life_event_id", "occurrence_on") == (PEOPLE, PEOPLE, PEOPLE)


def test_two_concurrent_cadence_ticks_create_each_check_in_once(committed_app, monkeypatch):
    monkeypatch.setattr(cadence, "BATCH_SIZE", 25)
    _seed(committed_app)

    results = _race(committed_app, cadence, date(2027, 3, 1))

    assert sum(result.created for result in results) == PEOPLE
    assert _per_key(committed_app, "contact_id", "cadence_period") == (PEOPLE, PEOPLE, PEOPLE)
