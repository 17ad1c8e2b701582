"""Messages stuck as queued: the process stopped between saving a message and Twilio's answer.

Such a message would wait forever. After ``STUCK_AFTER`` without a Twilio sid it is marked
failed with a reason that says what is known (it may or may not have gone out), so that the
sender sees it and can decide to retry.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from webapp.extensions import db
from webapp.jobs.base import Clock, JobResult
from webapp.models import Contact, Message
from webapp.services import touches
from webapp.services.audit import record_event
from webapp.services.message_status import advance_status

STUCK_AFTER = timedelta(minutes=10)
BATCH_SIZE = 500
REASON = (
    "Rapport stopped before Twilio answered, so it is not known whether this message went out. "
    "Check with the person before you retry."
)


def run(clock: Clock) -> JobResult:
    """Mark outbound messages queued for too long without a Twilio sid as failed."""
    result = JobResult()
    stuck = (
        select(Message)
        .where(
            Message.direction == "outbound",
            Message.status == "queued",
            Message.provider_sid.is_(None),
            Message.created_at < clock.now() - STUCK_AFTER,
        )
        .order_by(Message.id)
        .limit(BATCH_SIZE)
    )
    while batch := list(db.session.scalars(stuck)):
        before = result.created
        for message in batch:
            if advance_status(message, "failed", error_code="not_sent", error_message=REASON):
                record_event(None, "failed", "message", message.id, {"error": {"code": "not_sent"}})
                result.created += 1
        for contact in db.session.scalars(
            select(Contact).where(Contact.id.in_({m.contact_id for m in batch if m.contact_id}))
        ):
            touches.refresh(contact)
        db.session.commit()
        if result.created == before:
            break  # moved on by someone else meanwhile; the next tick looks again
    if result.created:
        result.count("marked_failed", result.created)
    return result
