"""An import runs outside the web request, a batch per commit: it can stop and carry on, a dead
process's import is picked up again, and a failure stops it with a reason, keeping what it wrote."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.import_files import google_csv, google_row
from tests.unit.imports.runs import actor_of, contacts_count, preview, run
from webapp.extensions import db
from webapp.models import Import, ImportRow
from webapp.services import calendar
from webapp.services.errors import ImportStateConflict
from webapp.services.imports import running, uploads

ROWS = [google_row(f"Person{n}", "Test", email=f"p{n}@firm.example") for n in range(1, 8)]


@pytest.fixture
def me(make_user):
    return make_user("member")


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(running, "BATCH_SIZE", 3)
    monkeypatch.setattr(uploads, "BATCH_SIZE", 3)


def reloaded(record: Import) -> Import:
    return db.session.get(Import, record.id, populate_existing=True)


def test_a_run_out_of_time_keeps_its_batches_and_the_next_poll_carries_on(db, me, small_batches):
    record = preview(actor_of(me), google_csv(ROWS))
    running.queue_import(actor_of(me), record.id)

    running.run_pending(calendar.now(), budget=0)  # one batch, then the slice is over

    record = reloaded(record)
    assert (record.status, record.rows_done, record.rows_total) == ("queued", 3, 7)
    assert record.progress_percent == 43
    assert contacts_count() == 3

    running.run_pending(calendar.now())

    record = reloaded(record)
    assert (record.status, record.rows_done) == ("done", 7)
    assert contacts_count() == 7
    numbers = db.session.scalars(select(ImportRow.row_number).order_by(ImportRow.row_number))
    assert list(numbers) == [1, 2, 3, 4, 5, 6, 7]


def test_an_import_whose_process_died_is_claimed_again_once_its_heartbeat_is_stale(db, me):
    record = preview(actor_of(me), google_csv(ROWS))
    record.status, record.heartbeat_at = "running", calendar.now() - timedelta(seconds=30)
    db.session.commit()

    assert running.claim_next(calendar.now()) is None  # still someone's, for all we know

    later = calendar.now() + running.STALE_AFTER
    assert running.claim_next(later).id == record.id
    assert reloaded(record).status == "running"


def test_a_claimed_import_is_not_claimed_twice(db, me):
    record = preview(actor_of(me), google_csv(ROWS))
    running.queue_import(actor_of(me), record.id)
    db.session.commit()

    first = running.claim_next(calendar.now())

    assert first.id == record.id
    assert running.claim_next(calendar.now()) is None


def test_an_unexpected_error_stops_the_import_with_a_reason_and_keeps_earlier_batches(
    db, me, small_batches, monkeypatch
):
    record = preview(actor_of(me), google_csv(ROWS))
    write_batch = running.write_batch

    def break_on_row_five(ctx, plans):
        if any(plan.number == 5 for plan in plans):
            raise RuntimeError("disk on fire")
        return write_batch(ctx, plans)

    monkeypatch.setattr(running, "write_batch", break_on_row_five)

    record = run(actor_of(me), record)

    assert record.status == "failed"
    assert record.failure_reason == "Rapport stopped on an unexpected error (RuntimeError)."
    assert contacts_count() == 3  # the first batch; the second was rolled back whole
    assert record.summary["create"] == 3


def test_an_import_whose_owner_can_no_longer_write_fails_with_that_reason(db, me):
    record = preview(actor_of(me), google_csv(ROWS))
    running.queue_import(actor_of(me), record.id)
    me.active = False
    db.session.commit()

    running.run_pending(calendar.now())

    record = reloaded(record)
    assert record.status == "failed"
    assert record.failure_reason == f"{me.name} can no longer write contacts."
    assert contacts_count() == 0


def test_only_a_preview_can_be_queued(db, me):
    record = run(actor_of(me), preview(actor_of(me), google_csv(ROWS[:1])))

    with pytest.raises(ImportStateConflict):
        running.queue_import(actor_of(me), record.id)
