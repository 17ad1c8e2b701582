"""A burst of 100 sends while Twilio fails at random: every message ends either sent once (one
provider message, its sid stored) or failed with Twilio's reason (none sent), never both, never
twice, once Twilio has reported on what it took. Through the real ``twilio`` client against the
local fake."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from tests.api.message_helpers import opted_in_contact, send, stored_messages
from webapp.messaging.fake_twilio import Failure

SENDS = 100
FAILURES = [
    Failure(status=400, code=21211, message="The 'To' number is not a valid phone number."),
    Failure(status=429, code=20429, message="Too Many Requests"),
    Failure(status=500, code=20500, message="Internal Server Error"),
    Failure(status=503, code=20503, message="Service Unavailable"),
]


@pytest.fixture
def ada(db, api_client):
    return opted_in_contact(None)


def test_a_burst_with_random_failures_sends_each_message_once_or_fails_it_with_a_reason(
    db, api_client, ada, fake_twilio, app, monkeypatch
):
    api = api_client()
    rng = random.Random(9)
    monkeypatch.setitem(app.config, "TWILIO_TIMEOUT_SECONDS", 0.2)
    answers = []
    for n in range(SENDS):
        roll = rng.random()
        if roll < 0.25:
            fake_twilio.fail_next(rng.choice(FAILURES))
        elif roll < 0.28:
            fake_twilio.fail_next(Failure(delay=0.5))  # no answer in time, and nothing sent
        elif roll < 0.31:
            fake_twilio.fail_next(Failure(delay=0.5, still_sends=True))  # sent, answered late
        answers.append(send(api, ada, body=f"Burst {n}"))
    for message in fake_twilio.sent:  # Twilio reports on every message it took
        assert fake_twilio.send_status(message["sid"], "delivered") == 204

    rows = stored_messages(db, ada.id)
    assert len(rows) == SENDS
    sent = [row for row in rows if row.status != "failed"]
    failed = [row for row in rows if row.status == "failed"]
    assert 0 < len(failed) < SENDS, "the burst had failures and successes"
    for row in sent:
        assert row.provider_sid and row.error_code is None, row.body
    for row in failed:
        assert row.provider_sid is None and row.error_code and row.error_message, row.body
    provider = fake_twilio.sent
    extra = Counter(m["body"] for m in provider) - Counter(row.body for row in sent)
    print(
        "EXTRA",
        extra,
        [(r.body, r.status, r.error_code, r.error_message) for r in rows if r.body in extra],
    )
    assert len(provider) == len(sent), "one provider message per sent message, none per failure"
    assert Counter(m["sid"] for m in provider) == Counter(row.provider_sid for row in sent)
    assert sorted(m["body"] for m in provider) == sorted(row.body for row in sent)
    answered_late = sum(1 for row in sent if row.id in _timed_out(answers))
    statuses = Counter(answer.status_code for answer in answers)
    assert answered_late > 0, "some messages were sent though Twilio answered too late"
    assert statuses == {201: len(sent) - answered_late, 502: len(failed) + answered_late}


def _timed_out(answers) -> set[int]:
    """Our ids of the messages whose send answered 502 with a timeout."""
    return {
        int(answer.get_json()["error"]["details"]["message_id"])
        for answer in answers
        if answer.status_code == 502
        and answer.get_json()["error"]["details"]["provider_error_code"] == "timeout"
    }
