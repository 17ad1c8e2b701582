"""The fake Twilio, as the real ``twilio`` client sees it: Twilio's answers, codes and callbacks."""

from __future__ import annotations

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from webapp.messaging import twilio_client
from webapp.messaging.fake_twilio import Failure

ACCOUNT_SID = "ACtest0000000000000000000000000000"
AUTH_TOKEN = "test-auth-token"
ADA = "+447911123456"
SENDER = "+15005550006"
CALLBACK = "http://localhost/webhooks/twilio/status"


@pytest.fixture
def twilio_settings(twilio_server) -> dict:
    """Settings that point the real client at the fake (as the app's config does)."""
    return {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_API_BASE_URL": twilio_server.url,
        "TWILIO_TIMEOUT_SECONDS": 5.0,
    }


@pytest.fixture
def twilio(twilio_settings, fake_twilio):
    """A real ``twilio.rest.Client`` talking to the (reset) fake."""
    return twilio_client.client_for(twilio_settings)


@pytest.fixture
def posted(fake_twilio, monkeypatch) -> list[tuple[str, dict, dict]]:
    """What the fake posts to webhooks, kept instead of delivered."""
    kept: list[tuple[str, dict, dict]] = []

    def keep(url: str, fields: dict, headers: dict) -> int:
        kept.append((url, fields, headers))
        return 204

    monkeypatch.setattr(fake_twilio, "poster", keep)
    return kept


def refusal(create) -> TwilioRestException:
    with pytest.raises(TwilioRestException) as refused:
        create()
    return refused.value


def signed_by_twilio(url: str, fields: dict, headers: dict) -> bool:
    return RequestValidator(AUTH_TOKEN).validate(url, fields, headers["X-Twilio-Signature"])


# Creating and fetching messages


def test_a_created_message_is_queued_with_a_sid(twilio, fake_twilio):
    message = twilio.messages.create(to=ADA, from_=SENDER, body="Hello Ada")
    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert (message.status, message.to, message.from_, message.body) == (
        "queued",
        ADA,
        SENDER,
        "Hello Ada",
    )
    assert message.account_sid == ACCOUNT_SID
    assert [m["sid"] for m in fake_twilio.sent] == [message.sid]


def test_a_created_message_can_be_fetched_with_its_latest_status(twilio, fake_twilio):
    created = twilio.messages.create(to=ADA, from_=SENDER, body="Hello Ada")
    fake_twilio.send_status(created.sid, "delivered")
    fetched = twilio.messages(created.sid).fetch()
    assert (fetched.sid, fetched.body, fetched.status) == (created.sid, "Hello Ada", "delivered")


def test_media_urls_reach_the_fake(twilio, fake_twilio):
    photos = ["https://cdn.example.com/a.jpg", "https://cdn.example.com/b.jpg"]
    message = twilio.messages.create(to=ADA, from_=SENDER, body="Photos", media_url=photos)
    assert message.num_media == "2"
    assert fake_twilio.sent[0]["media_urls"] == photos


def test_a_whatsapp_message_keeps_its_addresses(twilio, fake_twilio):
    twilio.messages.create(to=f"whatsapp:{ADA}", from_="whatsapp:+14155238886", body="Hi")
    assert (fake_twilio.sent[0]["to"], fake_twilio.sent[0]["from"]) == (
        f"whatsapp:{ADA}",
        "whatsapp:+14155238886",
    )


def test_fetching_an_unknown_sid_is_404(twilio):
    refused = refusal(lambda: twilio.messages("SM" + "0" * 32).fetch())
    assert (refused.status, refused.code) == (404, 20404)


# Refusals, with Twilio's own codes


@pytest.mark.parametrize(
    "wrong",
    [{"TWILIO_AUTH_TOKEN": "not-the-token"}, {"TWILIO_ACCOUNT_SID": "AC" + "9" * 32}],
    ids=["wrong token", "wrong account"],
)
def test_bad_credentials_are_401_with_code_20003(twilio_settings, fake_twilio, wrong):
    client = twilio_client.client_for(twilio_settings | wrong)
    refused = refusal(lambda: client.messages.create(to=ADA, from_=SENDER, body="Hi"))
    assert (refused.status, refused.code) == (401, 20003)
    fetch = refusal(lambda: client.messages("SM" + "0" * 32).fetch())
    assert (fetch.status, fetch.code) == (401, 20003)
    assert fake_twilio.sent == []


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"to": "", "from_": SENDER, "body": "Hi"}, 21604),
        ({"to": "not-a-number", "from_": SENDER, "body": "Hi"}, 21211),
        ({"to": "+44 12", "from_": SENDER, "body": "Hi"}, 21211),
        ({"to": ADA, "body": "Hi"}, 21603),
        ({"to": ADA, "from_": SENDER}, 21602),
    ],
    ids=["missing To", "To not a number", "To too short", "missing From", "no body nor media"],
)
def test_a_message_twilio_cannot_send_is_400_with_its_code(twilio, fake_twilio, arguments, code):
    refused = refusal(lambda: twilio.messages.create(**arguments))
    assert (refused.status, refused.code) == (400, code)
    assert fake_twilio.sent == []


def test_a_failure_it_is_told_to_give_comes_once_then_it_accepts_again(twilio, fake_twilio):
    fake_twilio.fail_next(Failure(status=429, code=20429, message="Too Many Requests"))
    refused = refusal(lambda: twilio.messages.create(to=ADA, from_=SENDER, body="Hi"))
    assert (refused.status, refused.code) == (429, 20429)
    assert "Too Many Requests" in refused.msg
    assert twilio.messages.create(to=ADA, from_=SENDER, body="Hi").status == "queued"


def test_failures_can_be_queued_several_times(twilio, fake_twilio):
    fake_twilio.fail_next(times=2)
    for _ in range(2):
        assert (
            refusal(lambda: twilio.messages.create(to=ADA, from_=SENDER, body="Hi")).code == 21211
        )
    assert len(fake_twilio.sent) == 0
    twilio.messages.create(to=ADA, from_=SENDER, body="Hi")
    assert len(fake_twilio.sent) == 1


def test_a_slow_answer_times_the_client_out(twilio_settings, fake_twilio):
    fake_twilio.fail_next(Failure(delay=1.0))
    client = twilio_client.client_for(twilio_settings | {"TWILIO_TIMEOUT_SECONDS": 0.3})
    with pytest.raises(requests.Timeout):
        client.messages.create(to=ADA, from_=SENDER, body="Hi")


# Its control API over HTTP, as ``make run`` uses it


def test_failures_can_be_queued_and_state_reset_over_http(twilio, twilio_server, fake_twilio):
    queued = requests.post(
        f"{twilio_server.url}/_fake/failures", json={"status": 400, "code": 21610}, timeout=5
    )
    assert queued.json() == {"queued_failures": 1}
    assert refusal(lambda: twilio.messages.create(to=ADA, from_=SENDER, body="Hi")).code == 21610
    created = twilio.messages.create(to=ADA, from_=SENDER, body="Hi")
    listed = requests.get(f"{twilio_server.url}/_fake/messages", timeout=5).json()
    assert [m["sid"] for m in listed["messages"]] == [created.sid]
    requests.post(f"{twilio_server.url}/_fake/reset", timeout=5)
    assert fake_twilio.sent == []


# Webhooks it sends, signed as Twilio signs them


def test_a_status_callback_goes_to_the_messages_callback_url_signed(twilio, fake_twilio, posted):
    created = twilio.messages.create(to=ADA, from_=SENDER, body="Hi", status_callback=CALLBACK)
    assert fake_twilio.send_status(created.sid, "undelivered", error_code=30003) == 204
    [(url, fields, headers)] = posted
    assert url == CALLBACK
    assert (fields["MessageSid"], fields["MessageStatus"], fields["ErrorCode"]) == (
        created.sid,
        "undelivered",
        "30003",
    )
    assert (fields["To"], fields["From"]) == (ADA, SENDER)
    assert signed_by_twilio(url, fields, headers)


def test_no_callback_is_sent_for_a_message_without_a_callback_url(twilio, fake_twilio, posted):
    created = twilio.messages.create(to=ADA, from_=SENDER, body="Hi")
    assert fake_twilio.send_status(created.sid, "delivered") == 0
    assert posted == []


def test_an_inbound_message_is_posted_signed_with_whatsapp_addresses(fake_twilio, posted):
    photos = ("https://cdn.example.com/a.jpg",)
    sid, answer = fake_twilio.send_inbound(
        ADA, "Hello!", to_number="+14155238886", channel="whatsapp", media_urls=photos
    )
    [(url, fields, headers)] = posted
    assert (answer, url) == (204, "http://localhost/webhooks/twilio/inbound")
    assert (fields["MessageSid"], fields["From"], fields["To"]) == (
        sid,
        f"whatsapp:{ADA}",
        "whatsapp:+14155238886",
    )
    assert (fields["Body"], fields["NumMedia"], fields["MediaUrl0"]) == ("Hello!", "1", photos[0])
    assert signed_by_twilio(url, fields, headers)
