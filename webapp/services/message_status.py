"""A message's delivery status only moves forward, whatever order Twilio's callbacks come in."""

from __future__ import annotations

from sqlalchemy import update

from webapp.extensions import db
from webapp.models import STATUS_RANKS, Message
from webapp.services import calendar

# Twilio's message statuses, as Rapport keeps them.
TWILIO_STATUSES = {
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "queued",
    "sent": "sent",
    "delivered": "delivered",
    "partially_delivered": "delivered",
    "read": "read",
    "undelivered": "undelivered",
    "failed": "failed",
    "canceled": "failed",
    "receiving": "received",
    "received": "received",
}


def rapport_status(twilio_status: str | None) -> str | None:
    """Rapport's name for a Twilio status; ``None`` for one it does not know."""
    return TWILIO_STATUSES.get((twilio_status or "").strip().lower())


def advance_status(
    message: Message,
    twilio_status: str,
    *,
    error_code: str | None = None,
    error_message: str | None = None,
) -> bool:
    """Move ``message`` to ``twilio_status`` if that is further along; ``False`` if it is not.

    One conditional UPDATE, so a late callback can never overwrite a later status written by
    a concurrent request, even between reading the row and writing it.
    """
    status = rapport_status(twilio_status)
    if status is None:
        return False
    rank = STATUS_RANKS[status]
    values = {"status": status, "status_changed_at": calendar.now()}
    if error_code or status in ("failed", "undelivered"):
        values |= {"error_code": error_code, "error_message": error_message}
    result = db.session.execute(
        update(Message)
        .where(Message.id == message.id, Message.status_rank < rank)
        .values(**values, updated_at=values["status_changed_at"]),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount:
        db.session.refresh(message)
    return bool(result.rowcount)
