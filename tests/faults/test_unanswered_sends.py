"""Twilio takes a message but its answer comes too late: the send is kept as failed (timeout),
and Twilio's first status callback for it claims it, so it ends sent exactly once."""

from __future__ import annotations

import pytest

from tests.api.message_helpers import message_row, messages_path, opted_in_contact, send
from tests.api.relationship_helpers import action_for, error_of, task_of
from webapp.extensions import db as _db
from webapp.messaging.fake_twilio import Failure
from webapp.messaging.settings import STATUS_CALLBACK_PATH, public_url
from webapp.models import AuditEvent


@pytest.fixture
def ada(db):
    return opted_in_contact(None)


@pytest.fixture
def late(app, fake_twilio, monkeypatch):
    """The next send reaches Twilio, which answers after the client has given up."""
    monkeypatch.setitem(app.config, "TWILIO_TIMEOUT_SECONDS", 0.2)
    fake_twilio.fail_next(Failure(delay=0.6, still_sends=True))


def test_a_late_answer_is_a_timeout_then_the_callback_claims_the_message(
    db, api_client, ada, fake_twilio, late
):
    api = api_client()
    action = action_for(api.user, ada, action_type="sms")
    _db.session.commit()

    error = error_of(send(api, ada, auto_action_id=action.id), 502, "twilio_error")
    row = message_row(db, error["details"]["message_id"])
    assert (row.status, row.error_code, row.provider_sid) == ("failed", "timeout", None)
    assert task_of(db, action.id).status == "pending"

    [taken] = fake_twilio.sent
    assert taken["status_callback"].endswith(f"?message_id={row.id}")
    assert fake_twilio.send_status(taken["sid"], "delivered") == 204

    row = message_row(db, row.id)
    assert (row.status, row.provider_sid, row.error_code, row.error_message) == (
        "delivered",
        taken["sid"],
        None,
        None,
    )
    assert task_of(db, action.id).status == "done"
    [listed] = api.get(messages_path(ada.id)).get_json()["messages"]
    assert listed["status"] == "delivered"


def test_a_second_callback_for_the_claimed_message_only_moves_its_status(
    db, api_client, ada, fake_twilio, late
):
    api = api_client()
    error = error_of(send(api, ada), 502)
    [taken] = fake_twilio.sent
    fake_twilio.send_status(taken["sid"], "sent")
    fake_twilio.send_status(taken["sid"], "read")

    row = message_row(db, error["details"]["message_id"])
    assert (row.status, row.provider_sid) == ("read", taken["sid"])
    db.session.expire_all()
    actions = [
        e.action
        for e in db.session.query(AuditEvent).filter_by(object_type="message", object_id=row.id)
    ]
    assert actions == ["create", "failed", "sent", "status"]


def test_a_callback_cannot_claim_a_message_twilio_refused(
    db, app, api_client, ada, fake_twilio, late
):
    """Only a message that failed unanswered can be claimed: a refused one stays refused."""
    api = api_client()
    fake_twilio.reset()
    fake_twilio.fail_next(Failure(status=400, code=21211, message="Not a mobile number."))
    refused = error_of(send(api, ada), 502)["details"]["message_id"]
    stray = fake_twilio.create({"To": "+447911123456", "From": "+15005550006", "Body": "?"})[0]
    callback = public_url(app.config, STATUS_CALLBACK_PATH)
    stray["status_callback"] = f"{callback}?message_id={refused}"

    fake_twilio.send_status(stray["sid"], "delivered")

    row = message_row(db, refused)
    assert (row.status, row.error_code, row.provider_sid) == ("failed", "21211", None)
