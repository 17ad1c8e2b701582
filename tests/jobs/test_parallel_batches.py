"""Batches of generated actions written at once, each on a connection of its own (PostgreSQL).

Writer threads see only committed rows, so these tests run on a database of their own
(``committed_app``). On SQLite the same jobs write their batches one after another, and the
same assertions hold.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.jobs.builders import contact_of, owner, raw_event
from webapp.extensions import db
from webapp.jobs import due_actions, runner
from webapp.jobs.base import Clock
from webapp.jobs.registry import job_named
from webapp.models import AuditEvent, Contact, RelationshipAction, Task
from webapp.services import generated_actions

PEOPLE = 30
BATCH = 4  # 8 batches, the last of 2
DAY = date(2026, 12, 5)


@pytest.fixture
def firm(committed_app, monkeypatch):
    """Thirty people with a life event in five days, written three batches at a time."""
    monkeypatch.setattr(due_actions, "BATCH_SIZE", BATCH)
    committed_app.config["SCHEDULER_WRITERS"] = 3
    with committed_app.app_context():
        for i in range(PEOPLE):
            raw_event(contact_of(owner(), f"Person{i:02}"), 12, 10, lead=7)
        db.session.commit()
    return committed_app


def _written(app) -> dict[str, int]:
    """What is committed: actions, their distinct keys, tasks, and audit events of each."""
    with app.app_context():

        def count(stmt) -> int:
            return db.session.scalar(select(func.count()).select_from(stmt.subquery()))

        action = RelationshipAction
        created = select(AuditEvent.id).where(AuditEvent.action == "create")
        written = {
            "actions": count(select(action.id)),
            "keys": count(select(action.life_event_id, action.occurrence_on).distinct()),
            "tasks": count(select(Task.id).where(Task.relationship_action_id.is_not(None))),
            "action events": count(created.where(AuditEvent.object_type == "relationship_action")),
            "task events": count(created.where(AuditEvent.object_type == "task")),
        }
        db.session.remove()
    return written


def _tick(app) -> tuple[bool, int, str | None]:
    """One due-actions run: whether it went well, what it created, its error."""
    with app.app_context():
        outcome = runner.run_job(job_named("due_actions"), Clock(fixed_day=DAY))
        ran = (outcome.ok, outcome.tick.created, outcome.tick.error)
        db.session.remove()
    return ran


def _everything(actions: int) -> dict[str, int]:
    return dict.fromkeys(("actions", "keys", "tasks", "action events", "task events"), actions)


def test_batches_written_at_once_make_each_action_once_with_its_task_and_audit(firm, monkeypatch):
    writers = set()
    original = generated_actions.open_generated

    def noting_the_writer(source, rows, actor=None):
        writers.add(threading.current_thread().name)
        return original(source, rows, actor)

    monkeypatch.setattr(generated_actions, "open_generated", noting_the_writer)

    assert _tick(firm) == (True, PEOPLE, None)
    assert _tick(firm) == (True, 0, None)
    assert _written(firm) == _everything(PEOPLE)
    if firm.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert len(writers) > 1 and all(name.startswith("scheduler-writer") for name in writers)
    else:
        assert writers == {threading.current_thread().name}


def test_a_failing_batch_fails_the_tick_keeps_the_others_and_the_next_tick_finishes(
    firm, monkeypatch
):
    with firm.app_context():
        last = db.session.scalar(select(func.max(Contact.id)))
        db.session.remove()
    original = generated_actions.open_generated

    def failing_on_the_last(source, rows, actor=None):
        if any(row["contact_id"] == last for row in rows):
            raise RuntimeError("the database went away")
        return original(source, rows, actor)

    monkeypatch.setattr(generated_actions, "open_generated", failing_on_the_last)
    ok, created, error = _tick(firm)

    assert not ok and created == 0 and "the database went away" in error
    # Every batch before the last was committed whole; the last wrote nothing.
    assert _written(firm) == _everything(PEOPLE - PEOPLE % BATCH)

    monkeypatch.setattr(generated_actions, "open_generated", original)
    assert _tick(firm) == (True, PEOPLE % BATCH, None)
    assert _written(firm) == _everything(PEOPLE)
