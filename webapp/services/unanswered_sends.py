"""Sends Twilio did not answer in time: kept as failed, but perhaps sent after all.

A timeout (or a connection dropped mid-request) does not say whether Twilio took the message.
Each message's status callback address names the message (``?message_id=``), so when Twilio
reports on a message we never heard back about, its first callback claims it: the sid is
stored, the failure cleared, the status taken from Twilio, and the message counts as sent
(its action done, a touch) exactly once.
"""

from __future__ import annotations

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Message
from webapp.services import touches
from webapp.services.actions import close_action
from webapp.services.audit import record_event
from webapp.services.message_status import rapport_status

# The provider error codes after which Twilio may or may not have the message.
UNANSWERED = ("timeout", "connection_error")


def unanswered(message_id: str | None) -> Message | None:
    """The outbound message ``message_id`` if it failed unanswered and has no sid yet (locked)."""
    if not message_id or not message_id.isdigit() or len(message_id) > 18:
        return None
    stmt = (
        select(Message)
        .where(
            Message.id == int(message_id),
            Message.direction == "outbound",
            Message.provider_sid.is_(None),
            Message.error_code.in_(UNANSWERED),
        )
        .with_for_update()
    )
    return db.session.scalar(stmt)


def claim(message: Message, sid: str, twilio_status: str, error: tuple | None) -> None:
    """Twilio has the message after all: take its sid and status as if it had answered."""
    status = rapport_status(twilio_status) or "queued"
    message.provider_sid = sid
    message.status = status
    message.error_code, message.error_message = error if error else (None, None)
    changes = {"provider_sid": {"after": sid}, "status": {"before": "failed", "after": status}}
    record_event(None, "sent" if status != "failed" else "status", "message", message.id, changes)
    db.session.flush()
    if status in ("failed", "undelivered"):
        return
    action = message.relationship_action
    if action is not None and action.is_pending:
        close_action(None, action, "done")
    touches.refresh(message.contact)
