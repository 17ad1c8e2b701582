"""Messages left queued when the process stopped before Twilio answered are marked failed."""

from __future__ import annotations

from datetime import timedelta

from tests.jobs.builders import contact_of, owner
from webapp.extensions import db
from webapp.jobs import stuck_messages
from webapp.jobs.base import Clock
from webapp.models import AuditEvent, Message
from webapp.services import calendar, touches


def message(contact, minutes_ago: int, **fields) -> Message:
    created = calendar.now() - timedelta(minutes=minutes_ago)
    values = {
        "contact_id": contact.id,
        "channel": "sms",
        "direction": "outbound",
        "body": "Hello",
        "status": "queued",
        "created_at": created,
        **fields,
    }
    row = Message(**values)
    db.session.add(row)
    db.session.flush()
    return row


def test_a_message_queued_too_long_without_a_sid_is_marked_failed_and_can_be_retried(db):
    ada = contact_of(owner())
    stuck = message(ada, minutes_ago=11)
    touches.refresh(ada)
    assert ada.last_touch_on is not None

    result = stuck_messages.run(Clock())

    assert (result.created, result.details) == (1, {"marked_failed": 1})
    db.session.refresh(stuck)
    assert (stuck.status, stuck.error_code) == ("failed", "not_sent")
    assert "not known whether this message went out" in stuck.error_message
    assert stuck.can_retry
    audit = db.session.query(AuditEvent).filter_by(object_type="message", object_id=stuck.id)
    assert [event.action for event in audit] == ["failed"]
    db.session.refresh(ada)
    assert ada.last_touch_on is None  # a message that may never have gone out is no touch


def test_recent_sent_and_inbound_messages_are_left_alone(db):
    ada = contact_of(owner())
    recent = message(ada, minutes_ago=5)
    with_sid = message(ada, minutes_ago=60, provider_sid="SM123", status="queued")
    inbound = message(ada, minutes_ago=60, direction="inbound", status="received")

    assert stuck_messages.run(Clock()).created == 0
    for row in (recent, with_sid, inbound):
        db.session.refresh(row)
    assert [recent.status, with_sid.status, inbound.status] == ["queued", "queued", "received"]
