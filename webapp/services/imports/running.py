"""Running an import in the background, a batch of rows per commit.

``queue_import`` marks a previewed import to run; the scheduler's import poller
(``webapp/jobs/imports.py``) claims it with one atomic update, so two scheduler processes never
run the same import, and works through it a batch at a time. Each batch commits with its rows'
records, so a process that dies mid-import leaves every finished batch in place: when its
heartbeat goes stale the next poll claims the import again and carries on from the first row
not yet recorded.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select, update

from webapp import access
from webapp.extensions import db
from webapp.models import ROW_OUTCOMES, Import, ImportRow
from webapp.models.base import utcnow
from webapp.services.audit import record_event
from webapp.services.errors import ImportStateConflict
from webapp.services.imports.batches import write_batch
from webapp.services.imports.planning import FilePlan, plan_batch, read_row
from webapp.services.imports.uploads import BATCH_SIZE, get_import, read_upload
from webapp.services.imports.writing import RunContext

if TYPE_CHECKING:
    from datetime import datetime

    from webapp.access import Actor
    from webapp.services.imports.reading import SourceRecord

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=2)  # a running import whose heartbeat is older has lost its process
SLICE_SECONDS = 20.0  # one poll works this long, then lets the scheduler's other jobs run


def queue_import(actor: Actor, import_id: int) -> Import:
    """Ask for a previewed import to run; the scheduler picks it up within seconds."""
    record = get_import(actor, import_id)
    if record.status != "previewed":
        raise ImportStateConflict(f"This import is {record.status}; only a preview can be run.")
    record.status = "queued"
    record.queued_at = utcnow()
    record_event(actor, "queue", "import", record.id, {"status": {"after": "queued"}})
    return record


def _claimable(now: datetime):
    return or_(
        Import.status == "queued",
        (Import.status == "running") & (Import.heartbeat_at < now - STALE_AFTER),
    )


def claim_next(now: datetime) -> Import | None:
    """The oldest import waiting to run (or abandoned by a dead process), claimed atomically."""
    for import_id in db.session.scalars(
        select(Import.id).where(_claimable(now)).order_by(Import.id).limit(5)
    ):
        claimed = db.session.execute(
            update(Import)
            .where(Import.id == import_id, _claimable(now))
            .values(
                status="running", heartbeat_at=now, started_at=func.coalesce(Import.started_at, now)
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if claimed.rowcount == 1:
            return db.session.get(Import, import_id, populate_existing=True)
    return None


def _actor_for(record: Import) -> Actor | None:
    actor = access.actor_for_user(record.created_by)
    if not access.can(actor, access.CRM_WRITE):
        return None
    return replace(actor, import_id=record.id)


def _done_rows(record: Import) -> set[int]:
    return set(
        db.session.scalars(select(ImportRow.row_number).where(ImportRow.import_id == record.id))
    )


def _counts(record: Import) -> dict:
    stmt = (
        select(ImportRow.outcome, func.count())
        .where(ImportRow.import_id == record.id)
        .group_by(ImportRow.outcome)
    )
    found = dict(db.session.execute(stmt).all())
    return {outcome: found.get(outcome, 0) for outcome in ROW_OUTCOMES} | {
        "companies": {
            "create": db.session.scalar(
                select(func.count(ImportRow.created_company_id)).where(
                    ImportRow.import_id == record.id
                )
            ),
        }
    }


def _fail(record: Import, reason: str) -> None:
    record.status = "failed"
    record.failure_reason = reason
    record.finished_at = utcnow()
    record.summary = _counts(record)
    record_event(None, "fail", "import", record.id, {"failure_reason": {"after": reason}})
    db.session.commit()


def _write_batch(ctx: RunContext, batch: list[SourceRecord], plan: FilePlan) -> None:
    write_batch(ctx, plan_batch(batch, plan))
    ctx.record.rows_done += len(batch)
    ctx.record.heartbeat_at = utcnow()
    db.session.commit()


def work_on(record: Import, budget: float = SLICE_SECONDS) -> None:
    """Run ``record`` (claimed as running) for up to ``budget`` seconds, a batch per commit."""
    actor = _actor_for(record)
    if actor is None:
        return _fail(record, f"{record.created_by.name} can no longer write contacts.")
    source = read_upload(record.content, record.filename)
    plan = FilePlan(record.mapping, record.overwrite, record.owner_id)
    ctx = RunContext(actor, record)
    done, started = _done_rows(record), time.monotonic()
    record.rows_total = len(source.records)
    for start in range(0, len(source.records), BATCH_SIZE):
        batch = source.records[start : start + BATCH_SIZE]
        if all(r.number in done for r in batch):
            for source_record in batch:
                read_row(source_record, plan)  # the file's earlier rows still count for duplicates
            continue
        _write_batch(ctx, batch, plan)
        more = start + BATCH_SIZE < len(source.records)
        if more and time.monotonic() - started > budget:
            record.status = "queued"  # at least a batch per claim; the next poll carries on
            db.session.commit()
            return None
    _finish(record)
    return None


def _finish(record: Import) -> None:
    record.status = "done"
    record.finished_at = utcnow()
    record.rows_done = record.rows_total
    record.summary = _counts(record)
    record_event(None, "finish", "import", record.id, {"summary": {"after": record.summary}})
    db.session.commit()


def run_pending(now: datetime, budget: float = SLICE_SECONDS) -> int:
    """Work on waiting imports for up to ``budget`` seconds; how many were worked on."""
    worked, started = 0, time.monotonic()
    while (record := claim_next(now)) is not None:
        worked += 1
        try:
            work_on(record, budget - (time.monotonic() - started))
        except Exception as error:  # noqa: BLE001 (the import fails with the reason; rows kept)
            db.session.rollback()
            log.exception("Import %s failed", record.id)
            record = db.session.get(Import, record.id, populate_existing=True)
            _fail(record, f"Rapport stopped on an unexpected error ({type(error).__name__}).")
        if time.monotonic() - started >= budget:
            break
    return worked
