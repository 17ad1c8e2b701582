"""A message's status only moves forward, whatever order Twilio's callbacks arrive in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from webapp.models import Message
from webapp.services.message_status import advance_status, rapport_status

NOON = datetime(2025, 6, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr("webapp.services.calendar.now", lambda: NOON)


@pytest.fixture
def message(db) -> Message:
    """An outbound SMS Twilio has just queued."""
    queued = Message(
        channel="sms",
        direction="outbound",
        body="Happy birthday!",
        status="queued",
        to_number="+447911123456",
        from_number="+15005550006",
        provider_sid="SM" + "0" * 32,
    )
    db.session.add(queued)
    db.session.commit()
    return queued


def stored(db, message: Message) -> Message:
    db.session.expire_all()
    return db.session.get(Message, message.id)


@pytest.mark.parametrize(
    ("twilio", "rapport"),
    [
        ("accepted", "queued"),
        ("scheduled", "queued"),
        ("sending", "queued"),
        ("sent", "sent"),
        ("delivered", "delivered"),
        ("partially_delivered", "delivered"),
        ("read", "read"),
        ("undelivered", "undelivered"),
        ("canceled", "failed"),
        ("received", "received"),
        (" Delivered ", "delivered"),
        ("READ", "read"),
    ],
)
def test_twilios_statuses_map_to_rapports(twilio, rapport):
    assert rapport_status(twilio) == rapport


@pytest.mark.parametrize("twilio", ["", None, "exploded", "deliver"])
def test_a_status_twilio_never_sends_is_unknown(twilio):
    assert rapport_status(twilio) is None


def test_each_step_forward_is_taken_and_stamped(db, message):
    for status in ("sent", "delivered", "read"):
        assert advance_status(message, status) is True
        row = stored(db, message)
        assert row.status == status
    assert row.status_changed_at == NOON


@pytest.mark.parametrize(
    ("first", "late"),
    [
        ("sent", "queued"),
        ("delivered", "sent"),
        ("read", "delivered"),
        ("delivered", "failed"),
        ("failed", "undelivered"),
        ("undelivered", "sent"),
        ("sent", "sent"),
    ],
)
def test_a_late_or_repeated_status_changes_nothing(db, message, first, late):
    advance_status(message, first)
    assert advance_status(message, late) is False
    assert stored(db, message).status == first


def test_an_unknown_status_changes_nothing(db, message):
    assert advance_status(message, "exploded") is False
    row = stored(db, message)
    assert (row.status, row.status_changed_at) == ("queued", None)


@pytest.mark.parametrize("status", ["failed", "undelivered"])
def test_a_failure_records_the_error_code_and_message(db, message, status):
    assert advance_status(message, status, error_code="30003", error_message="Unreachable")
    row = stored(db, message)
    assert (row.status, row.error_code, row.error_message) == (status, "30003", "Unreachable")


def test_a_step_backwards_keeps_the_recorded_error(db, message):
    advance_status(message, "undelivered", error_code="30005", error_message="Unknown handset")
    assert advance_status(message, "sent", error_code="30001") is False
    assert stored(db, message).error_code == "30005"


def test_the_database_row_decides_not_a_stale_copy_in_memory(db, message):
    """A concurrent request moved the row on; this request's copy still says queued."""
    db.session.execute(
        update(Message).where(Message.id == message.id).values(status="delivered"),
        execution_options={"synchronize_session": False},
    )
    assert message.status == "queued"
    assert advance_status(message, "sent") is False
    assert stored(db, message).status == "delivered"


def test_the_copy_in_memory_follows_the_change(db, message):
    advance_status(message, "delivered")
    assert (message.status, message.status_rank) == ("delivered", 2)
