"""Sending when Twilio fails (kept as failed, 502), and retries with an Idempotency-Key."""

from __future__ import annotations

import pytest

from tests.api.message_helpers import (
    HELLO,
    audit_actions,
    message_count,
    message_row,
    messages_path,
    opted_in_contact,
    send,
    sent_message,
)
from tests.api.relationship_helpers import action_for, error_fields, error_of, task_of
from webapp.extensions import db as _db
from webapp.messaging.fake_twilio import Failure
from webapp.models import RelationshipAction

INVALID_TO = "The 'To' number +447911123456 is not a valid phone number."


@pytest.fixture
def ada(db, api):
    return opted_in_contact(api.user)


# Twilio fails: each way it can, through the real client


def refused(app, fake_twilio, monkeypatch) -> None:
    fake_twilio.fail_next(Failure(status=400, code=21211, message=INVALID_TO))


def wrong_credentials(app, fake_twilio, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", "not-the-auth-token")


def too_slow(app, fake_twilio, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "TWILIO_TIMEOUT_SECONDS", 0.3)
    fake_twilio.fail_next(Failure(delay=1.0))


def unreachable(app, fake_twilio, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "TWILIO_API_BASE_URL", "http://127.0.0.1:9")


FAILURES = {
    "an error response": (refused, "21211", INVALID_TO),
    "401 from twilio": (wrong_credentials, "20003", "Authentication Error - invalid username"),
    "a timeout": (too_slow, "timeout", "Twilio did not answer in time."),
    "a connection error": (unreachable, "connection_error", "Could not reach Twilio."),
}


@pytest.mark.parametrize("case", FAILURES)
def test_a_twilio_failure_is_502_with_twilios_reason(
    db, app, api, ada, fake_twilio, monkeypatch, case
):
    break_twilio, code, reason = FAILURES[case]
    break_twilio(app, fake_twilio, monkeypatch)
    error = error_of(send(api, ada), 502, "twilio_error")
    assert reason in error["message"]
    assert error["details"]["provider_error_code"] == code
    assert fake_twilio.sent == []


@pytest.mark.parametrize("case", FAILURES)
def test_the_failed_message_is_kept_with_the_error_and_listed(
    db, app, api, ada, fake_twilio, monkeypatch, case
):
    break_twilio, code, reason = FAILURES[case]
    break_twilio(app, fake_twilio, monkeypatch)
    error = error_of(send(api, ada), 502)
    row = message_row(db, error["details"]["message_id"])
    assert (row.status, row.error_code, row.provider_sid) == ("failed", code, None)
    assert reason in row.error_message
    assert (row.contact_id, row.body, row.sent_by_id) == (ada.id, HELLO["body"], api.user.id)
    assert audit_actions(db, "message", row.id) == ["create", "failed"]
    [listed] = api.get(messages_path(ada.id)).get_json()["messages"]
    assert (listed["id"], listed["status"], listed["error_code"]) == (str(row.id), "failed", code)


@pytest.mark.parametrize("case", FAILURES)
def test_a_twilio_failure_leaves_the_linked_action_pending(
    db, app, api, ada, fake_twilio, monkeypatch, case
):
    action = action_for(api.user, ada, action_type="sms")
    _db.session.commit()
    FAILURES[case][0](app, fake_twilio, monkeypatch)
    error_of(send(api, ada, auto_action_id=action.id), 502)
    db.session.expire_all()
    assert db.session.get(RelationshipAction, action.id).status == "pending"
    assert task_of(db, action.id).status == "pending"


def test_after_a_failure_the_next_message_goes_through(db, api, ada, fake_twilio):
    fake_twilio.fail_next()
    error_of(send(api, ada), 502)
    assert send(api, ada).status_code == 201
    assert len(fake_twilio.sent) == 1 and message_count(db) == 2


# Idempotency-Key


def test_the_same_key_twice_sends_once_and_answers_the_same_message(db, api, ada, fake_twilio):
    first = send(api, ada, key="birthday-ada-2025")
    again = send(api, ada, key="birthday-ada-2025")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json()["message"]["id"] == first.get_json()["message"]["id"]
    assert again.get_json()["message"]["twilio_sid"] == first.get_json()["message"]["twilio_sid"]
    assert len(fake_twilio.sent) == 1
    assert message_count(db) == 1


def test_a_replay_that_completed_its_action_answers_201_again(db, api, ada, fake_twilio):
    """The action is done by the first request; the replay must not call that a conflict."""
    action = action_for(api.user, ada, action_type="sms")
    _db.session.commit()
    first = sent_message(api, ada, key="birthday-sms", auto_action_id=action.id)
    again = sent_message(api, ada, key="birthday-sms", auto_action_id=action.id)
    assert again["id"] == first["id"]
    assert len(fake_twilio.sent) == 1
    assert audit_actions(db, "message", int(first["id"])) == ["create", "sent"]


def test_different_keys_send_twice(db, api, ada, fake_twilio):
    first = sent_message(api, ada, key="one")
    second = sent_message(api, ada, key="two")
    assert first["id"] != second["id"]
    assert len(fake_twilio.sent) == 2


@pytest.mark.parametrize(
    "changed",
    [
        {"body": "Hello Ada, happy anniversary!"},
        {"channel": "whatsapp"},
        {"channel": "mms", "media_url": "https://cdn.example.com/cake.jpg"},
    ],
    ids=["another body", "another channel", "with media"],
)
def test_the_same_key_for_a_different_message_is_409(db, api, ada, fake_twilio, changed):
    sent_message(api, ada, key="birthday-ada-2025")
    response = send(api, ada, key="birthday-ada-2025", **changed)
    error_of(response, 409, "idempotency_key_reused")
    assert len(fake_twilio.sent) == 1 and message_count(db) == 1


def test_the_same_key_for_another_contact_is_409(db, api, ada, fake_twilio):
    grace = opted_in_contact(api.user, "Grace", "Hopper", phone="+14155552671")
    sent_message(api, ada, key="birthday-2025")
    error_of(send(api, grace, key="birthday-2025"), 409, "idempotency_key_reused")
    assert [m["to"] for m in fake_twilio.sent] == ["+447911123456"]


def test_a_failed_first_attempt_replayed_is_the_same_502_without_calling_twilio(
    db, api, ada, fake_twilio
):
    fake_twilio.fail_next(Failure(status=400, code=21211, message=INVALID_TO))
    first = error_of(send(api, ada, key="retry-me"), 502, "twilio_error")
    # Had the replay reached Twilio, the fake (failing only once) would have accepted it.
    again = error_of(send(api, ada, key="retry-me"), 502, "twilio_error")
    assert again == first
    assert fake_twilio.sent == []
    assert message_count(db) == 1


def test_two_users_may_use_the_same_key_independently(db, api, api_client, ada, fake_twilio):
    colleague = api_client(role="member")
    mine = sent_message(api, ada, key="shared-key")
    theirs = sent_message(colleague, ada, key="shared-key")
    assert mine["id"] != theirs["id"]
    assert theirs["sent_by_user_id"] == str(colleague.user.id)
    assert len(fake_twilio.sent) == 2


@pytest.mark.parametrize("key", ["k" * 201, "   ", "tab\tinside"], ids=["too long", "blank", "tab"])
def test_an_unusable_key_is_400_and_nothing_is_sent(db, api, ada, fake_twilio, key):
    response = send(api, ada, key=key)
    assert error_fields(response, 400) == {"Idempotency-Key"}
    assert fake_twilio.sent == [] and message_count(db) == 0


def test_a_key_of_200_characters_is_accepted(db, api, ada, fake_twilio):
    assert send(api, ada, key="k" * 200).status_code == 201
