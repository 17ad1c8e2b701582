"""Twilio's webhooks: the signature check, and delivery status callbacks that only move forward."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.api.message_helpers import (
    ADA_MOBILE,
    PUBLIC_BASE_URL,
    audit_actions,
    inbound_fields,
    message_count,
    message_row,
    messages_path,
    opted_in_contact,
    post_status,
    post_webhook,
    sent_message,
    signature,
    status_fields,
)
from webapp.messaging.settings import INBOUND_PATH, STATUS_CALLBACK_PATH
from webapp.models import AuditEvent

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@pytest.fixture
def ada(db, api):
    return opted_in_contact(api.user)


@pytest.fixture
def sent(db, api, ada, fake_twilio) -> dict:
    """An SMS to Ada, accepted by the fake Twilio (queued)."""
    return sent_message(api, ada)


def status_of(db, message: dict) -> tuple[str, str | None]:
    row = message_row(db, message["id"])
    return row.status, row.error_code


def audit_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0


# The signature


def test_a_validly_signed_status_callback_is_accepted_with_204(db, client, sent):
    response = post_status(client, sent["twilio_sid"], "delivered")
    assert response.status_code == 204 and response.get_data() == b""
    assert status_of(db, sent) == ("delivered", None)


def test_a_validly_signed_inbound_message_is_answered_with_empty_twiml(db, client, ada):
    response = post_webhook(client, INBOUND_PATH, inbound_fields(ADA_MOBILE, "Thanks!"))
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert response.get_data(as_text=True) == EMPTY_TWIML
    assert message_count(db) == 1


def forged_cases(sid: str) -> dict[str, tuple[str, dict, str | None]]:
    """(path, fields posted, signature sent) of requests Twilio did not sign as posted."""
    delivered = status_fields(sid, "delivered")
    failed = status_fields(sid, "failed", "30003")
    return {
        "no signature": (STATUS_CALLBACK_PATH, delivered, None),
        "an empty signature": (STATUS_CALLBACK_PATH, delivered, ""),
        "a made-up signature": (STATUS_CALLBACK_PATH, delivered, "bm90IGEgc2lnbmF0dXJl"),
        "signed with another token": (
            STATUS_CALLBACK_PATH,
            delivered,
            signature(STATUS_CALLBACK_PATH, delivered, token="someone-elses-token"),
        ),
        "a signature replayed with another body": (
            STATUS_CALLBACK_PATH,
            failed,
            signature(STATUS_CALLBACK_PATH, delivered),
        ),
        "signed for another path": (
            STATUS_CALLBACK_PATH,
            delivered,
            signature(INBOUND_PATH, delivered),
        ),
        "signed for another host": (
            STATUS_CALLBACK_PATH,
            delivered,
            signature(STATUS_CALLBACK_PATH, delivered, base="https://attacker.example"),
        ),
    }


FORGERIES = list(forged_cases("SM0"))


@pytest.mark.parametrize("case", FORGERIES)
def test_a_status_callback_not_signed_as_posted_is_403_and_changes_nothing(db, client, sent, case):
    path, fields, signed = forged_cases(sent["twilio_sid"])[case]
    before = audit_count(db)
    response = post_webhook(client, path, fields, signed=signed)
    assert response.status_code == 403
    assert status_of(db, sent) == ("queued", None)
    assert audit_count(db) == before


@pytest.mark.parametrize(
    "signed",
    [
        None,
        "bm90IGEgc2lnbmF0dXJl",
        signature(INBOUND_PATH, inbound_fields(ADA_MOBILE, "Hi")),
    ],
    ids=["unsigned", "wrongly signed", "signed for another body"],
)
def test_an_inbound_message_not_signed_as_posted_is_403_and_not_stored(db, client, ada, signed):
    fields = inbound_fields(ADA_MOBILE, "STOP")
    response = post_webhook(client, INBOUND_PATH, fields, signed=signed)
    assert response.status_code == 403
    assert message_count(db) == 0


@pytest.mark.parametrize("token", [None, ""], ids=["unset", "empty"])
def test_without_an_auth_token_every_webhook_is_403(db, app, client, ada, sent, monkeypatch, token):
    fields = inbound_fields(ADA_MOBILE, "Hello")
    status_signature = signature(STATUS_CALLBACK_PATH, status_fields(sent["twilio_sid"], "sent"))
    inbound_signature = signature(INBOUND_PATH, fields)
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", token)
    status = status_fields(sent["twilio_sid"], "sent")
    assert post_webhook(client, STATUS_CALLBACK_PATH, status, status_signature).status_code == 403
    assert post_webhook(client, INBOUND_PATH, fields, inbound_signature).status_code == 403
    assert status_of(db, sent) == ("queued", None)
    assert message_count(db) == 1


def test_the_signature_covers_the_public_base_url(db, app, client, sent, monkeypatch):
    """Behind a proxy Twilio signs the public address, not the one the app sees."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://rapport.example.com")
    fields = status_fields(sent["twilio_sid"], "delivered")
    local = signature(STATUS_CALLBACK_PATH, fields, base=PUBLIC_BASE_URL)
    assert post_webhook(client, STATUS_CALLBACK_PATH, fields, local).status_code == 403
    public = signature(STATUS_CALLBACK_PATH, fields, base="https://rapport.example.com")
    assert post_webhook(client, STATUS_CALLBACK_PATH, fields, public).status_code == 204
    assert status_of(db, sent) == ("delivered", None)


# Status callbacks: forward only


def test_the_fakes_callbacks_move_a_message_through_sent_delivered_and_read(
    db, api, ada, client, sent, fake_twilio
):
    seen = []
    for status in ("queued", "sent", "delivered", "read"):
        assert fake_twilio.send_status(sent["twilio_sid"], status) == 204
        seen.append(status_of(db, sent)[0])
    assert seen == ["queued", "sent", "delivered", "read"]
    [listed] = api.get(messages_path(ada.id)).get_json()["messages"]
    assert listed["status"] == "read" and listed["status_changed_at"] is not None
    assert audit_actions(db, "message", int(sent["id"])) == [
        "create",
        "sent",
        "status",
        "status",
        "status",
    ]


@pytest.mark.parametrize(
    ("arrivals", "final"),
    [
        (["delivered", "sent"], "delivered"),
        (["delivered", "queued"], "delivered"),
        (["read", "delivered", "sent"], "read"),
        (["delivered", "failed"], "delivered"),
        (["undelivered", "sent"], "undelivered"),
        (["sent", "sending"], "sent"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, list) else value,
)
def test_a_late_callback_never_moves_the_status_backwards(
    db, client, sent, fake_twilio, arrivals, final
):
    for status in arrivals:
        assert fake_twilio.send_status(sent["twilio_sid"], status) == 204
    assert status_of(db, sent)[0] == final


@pytest.mark.parametrize("status", ["failed", "undelivered"])
def test_a_failed_delivery_records_twilios_error_code(db, client, sent, fake_twilio, status):
    assert fake_twilio.send_status(sent["twilio_sid"], status, error_code=30003) == 204
    row = message_row(db, sent["id"])
    assert (row.status, row.error_code) == (status, "30003")
    assert "30003" in row.error_message


def test_a_hand_built_failed_callback_keeps_twilios_error_code(db, client, sent):
    assert post_status(client, sent["twilio_sid"], "failed", error_code="30007").status_code == 204
    assert status_of(db, sent) == ("failed", "30007")


def test_the_same_callback_twice_changes_the_message_once(db, client, sent):
    for _ in range(2):
        assert post_status(client, sent["twilio_sid"], "delivered").status_code == 204
    assert audit_actions(db, "message", int(sent["id"])).count("status") == 1


def test_a_callback_for_an_unknown_sid_is_ignored_with_204(db, client, sent):
    before = audit_count(db)
    response = post_status(client, "SM" + "f" * 32, "delivered")
    assert response.status_code == 204
    assert status_of(db, sent) == ("queued", None)
    assert audit_count(db) == before


@pytest.mark.parametrize("status", ["exploded", "", "DELIVERED-ish"])
def test_a_status_rapport_does_not_know_is_ignored(db, client, sent, status):
    assert post_status(client, sent["twilio_sid"], status).status_code == 204
    assert status_of(db, sent) == ("queued", None)


def test_a_status_in_capitals_is_understood(db, client, sent):
    assert post_status(client, sent["twilio_sid"], "DELIVERED").status_code == 204
    assert status_of(db, sent) == ("delivered", None)
