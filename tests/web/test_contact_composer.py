"""The Conversation section's composer: channels offered, sending, failures, retries, actions."""

from __future__ import annotations

import re

import pytest

from tests.api.message_helpers import opted_in_contact
from tests.api.relationship_helpers import action_for
from tests.records import reload
from tests.web.contact_page_builders import HTMX, control, field_error, section, visible_text
from tests.web.conversation_builders import (
    CONTACT_NUMBER,
    add_message,
    bubble,
    conversation_html,
    messages_of,
)
from webapp.extensions import db as _db
from webapp.messaging.fake_twilio import Failure

WHATSAPP_NUMBER = "+447911654321"
INVALID_TO = "The 'To' number +447911123456 is not reachable."


def offered_channels(html: str) -> list[str]:
    return re.findall(r'name="message-channel" type="radio" value="(\w+)"', html)


def checked_channel(html: str) -> str:
    return re.search(r'<input checked [^>]*name="message-channel" [^>]*value="(\w+)"', html)[1]


def draft_text(html: str) -> str:
    """What the composer's text box holds."""
    found = re.search(r'<textarea[^>]* id="message-body"[^>]*>\r?\n?(.*?)</textarea>', html, re.S)
    assert found, "no message box"
    return found[1]


def idempotency_key(html: str) -> str:
    return re.search(r'name="message-idempotency_key" type="hidden" value="([^"]+)"', html)[1]


def send(client, contact, headers=HTMX, **fields):
    data = {"channel": "sms", "body": "Happy birthday, Ada!"} | fields
    return client.post(
        f"/contacts/{contact.id}/messages",
        data={f"message-{name}": value for name, value in data.items()},
        headers=headers,
    )


# --- which channels the composer offers -----------------------------------------------------------


@pytest.mark.parametrize(
    ("numbers", "unset", "offered"),
    [
        ({"phone": CONTACT_NUMBER}, None, ["sms", "whatsapp", "mms"]),
        ({"phone": None, "whatsapp": WHATSAPP_NUMBER}, None, ["whatsapp"]),
        ({"phone": CONTACT_NUMBER}, "TWILIO_WHATSAPP_FROM", ["sms", "mms"]),
    ],
    ids=["mobile number", "whatsapp number only", "no whatsapp sender"],
)
def test_composer_offers_the_channels_the_contact_receives_and_twilio_sends_on(
    client, me, app, monkeypatch, numbers, unset, offered
):
    if unset:
        monkeypatch.setitem(app.config, unset, "")
    contact = opted_in_contact(me, **numbers)
    html = conversation_html(client, contact)
    assert offered_channels(html) == offered
    assert checked_channel(html) == ("whatsapp" if "whatsapp" in offered else offered[0])


@pytest.mark.parametrize("channel", ["sms", "whatsapp"])
def test_composer_starts_on_the_channel_the_conversation_is_on(client, me, channel):
    contact = opted_in_contact(me, phone=CONTACT_NUMBER)
    add_message(contact, "Hello again", direction="inbound", channel=channel)
    assert checked_channel(conversation_html(client, contact)) == channel


@pytest.mark.parametrize(
    ("profile", "config", "explanation"),
    [
        ({"opt_in": False}, {}, "Ada has not opted in to SMS and WhatsApp messages."),
        ({"phone": None}, {}, "Ada has no phone number for messages."),
        ({}, {"TWILIO_ACCOUNT_SID": ""}, "Twilio is not configured"),
        ({}, {"TWILIO_ENABLED": False}, "Sending is switched off."),
    ],
    ids=["not opted in", "no number", "twilio not configured", "twilio disabled"],
)
def test_without_a_channel_the_composer_explains_why(
    client, me, app, monkeypatch, profile, config, explanation
):
    for key, value in config.items():
        monkeypatch.setitem(app.config, key, value)
    contact = opted_in_contact(me, **profile)
    html = conversation_html(client, contact)
    assert 'id="composer"' not in html
    assert explanation in visible_text(html)


def test_not_opted_in_points_to_the_profile_to_record_consent(client, me):
    contact = opted_in_contact(me, opt_in=False)
    html = conversation_html(client, contact)
    assert f'hx-get="/contacts/{contact.id}/profile/edit"' in html


def test_each_rendering_of_the_composer_carries_a_fresh_idempotency_key(client, me, ada):
    first, second = (
        idempotency_key(conversation_html(client, ada)),
        idempotency_key(conversation_html(client, ada)),
    )
    assert first != second


# --- sending --------------------------------------------------------------------------------------


def test_sending_creates_the_message_at_twilio_and_shows_it(client, me, ada, fake_twilio):
    response = send(client, ada, body="See you at the match")
    assert response.status_code == 200
    [at_twilio] = fake_twilio.sent
    assert (at_twilio["to"], at_twilio["body"]) == (CONTACT_NUMBER, "See you at the match")
    [message] = messages_of(ada)
    assert (message.sent_by_id, message.provider_sid) == (me.id, at_twilio["sid"])
    shown = bubble(response.text, message.id)
    assert "See you at the match" in shown and "status-queued" in shown
    assert draft_text(response.text) == ""
    assert re.search(r'<textarea[^>]* autofocus[^>]*id="message-body"', response.text)


def test_an_mms_carries_its_media_url(client, me, ada, fake_twilio):
    photo = "https://cdn.example.com/cake.jpg"
    response = send(client, ada, channel="mms", body="For you", media_url=photo)
    assert response.status_code == 200
    assert fake_twilio.sent[0]["media_urls"] == [photo]
    assert f'<img src="{photo}"' in response.text


def test_a_media_url_left_in_the_hidden_box_does_not_stop_an_sms(client, me, ada, fake_twilio):
    response = send(client, ada, channel="sms", media_url="https://cdn.example.com/x.jpg")
    assert response.status_code == 200
    assert fake_twilio.sent[0]["media_urls"] == []


def test_a_plain_form_post_redirects_to_the_conversation(client, me, ada, fake_twilio):
    response = send(client, ada, headers={})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/contacts/{ada.id}?open=conversation#conversation"
    assert len(fake_twilio.sent) == 1


def test_the_same_idempotency_key_twice_sends_once(client, me, ada, fake_twilio):
    key = idempotency_key(conversation_html(client, ada))
    assert send(client, ada, idempotency_key=key).status_code == 200
    assert send(client, ada, idempotency_key=key).status_code == 200
    assert len(fake_twilio.sent) == 1
    assert len(messages_of(ada)) == 1


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        ({"body": "   "}, "message-body", "Write the message."),
        ({"channel": "mms", "media_url": ""}, "message-media_url", "Give the media's URL."),
        ({"channel": "mms", "media_url": "ftp://x"}, "message-media_url", "http:// or https://"),
        ({"body": "x" * 1601}, "message-body", "under 1600 characters"),
    ],
    ids=["empty body", "mms without media", "bad media url", "too long"],
)
def test_field_errors_come_back_422_next_to_the_field(
    client, me, ada, fake_twilio, fields, field_id, message
):
    response = send(client, ada, **fields)
    assert response.status_code == 422
    assert message in field_error(response.text, field_id).replace("&#39;", "'")
    assert 'aria-invalid="true"' in control(response.text, field_id)
    assert fake_twilio.sent == [] and messages_of(ada) == []


def test_a_field_error_on_a_plain_post_shows_the_page_with_the_error(client, me, ada):
    response = send(client, ada, headers={}, body="")
    assert response.status_code == 422
    assert "<h1" in response.text
    assert "Write the message." in field_error(response.text, "message-body")


@pytest.mark.parametrize(
    ("setup", "status", "reason"),
    [
        ({"opt_in": False}, 403, "has not opted in to messages"),
        ({"config": {"TWILIO_ACCOUNT_SID": ""}}, 500, "Twilio is not configured"),
        ({"config": {"TWILIO_ENABLED": False}}, 503, "switched off"),
    ],
    ids=["not opted in", "not configured", "disabled"],
)
def test_a_refused_send_shows_the_reason_in_the_section(
    client, me, app, monkeypatch, fake_twilio, setup, status, reason
):
    for key, value in setup.get("config", {}).items():
        monkeypatch.setitem(app.config, key, value)
    contact = opted_in_contact(me, opt_in=setup.get("opt_in", True))
    response = send(client, contact)
    assert response.status_code == status
    assert response.headers["X-Rapport-Section"] == "conversation"
    alert = re.search(
        r'<div class="alert alert-danger[^>]*role="alert"[^>]*>(.*?)</div>', response.text, re.S
    )
    assert reason in alert[1]
    assert fake_twilio.sent == []


# --- Twilio failures and retries ------------------------------------------------------------------


def test_a_twilio_failure_shows_the_failed_message_and_retry_sends_it(client, me, ada, fake_twilio):
    fake_twilio.fail_next(Failure(status=400, code=21211, message=INVALID_TO))
    response = send(client, ada, body="Are you coming?")
    assert response.status_code == 502
    assert response.headers["X-Rapport-Section"] == "conversation"
    [message] = messages_of(ada)
    assert message.status == "failed"
    text = visible_text(bubble(response.text, message.id)).replace("&#39;", "'")
    assert f"Not delivered: {INVALID_TO}" in text and "Retry" in text
    assert f"Not sent: {INVALID_TO}" in visible_text(response.text).replace("&#39;", "'")
    assert fake_twilio.sent == []

    retried = client.post(f"/contacts/{ada.id}/messages/{message.id}/retry", headers=HTMX)
    assert retried.status_code == 200
    [at_twilio] = fake_twilio.sent
    assert at_twilio["body"] == "Are you coming?"
    assert reload(_db, message).status == "queued"
    assert "Not delivered" not in bubble(retried.text, message.id)


def test_a_retry_that_fails_again_says_why(client, me, ada, fake_twilio):
    fake_twilio.fail_next(Failure(status=400, code=21211, message=INVALID_TO), times=2)
    send(client, ada)
    [message] = messages_of(ada)
    retried = client.post(f"/contacts/{ada.id}/messages/{message.id}/retry", headers=HTMX)
    assert retried.status_code == 502
    assert f"Not sent again: {INVALID_TO}" in visible_text(retried.text).replace("&#39;", "'")
    assert reload(_db, message).status == "failed"


def test_a_twilio_failure_on_a_plain_post_shows_the_page_with_the_reason(
    client, me, ada, fake_twilio
):
    fake_twilio.fail_next(Failure(status=400, code=21211, message="Unreachable"))
    response = send(client, ada, headers={})
    assert response.status_code == 502
    [message] = messages_of(ada)
    assert "<h1" in response.text
    assert "Not delivered: Unreachable" in visible_text(bubble(response.text, message.id))


def test_the_composer_stays_on_the_channel_just_used(client, me, ada, fake_twilio):
    assert checked_channel(send(client, ada, channel="whatsapp").text) == "whatsapp"
    fake_twilio.fail_next()
    failed = send(client, ada, channel="mms", media_url="https://cdn.example.com/a.png")
    assert failed.status_code == 502
    assert checked_channel(failed.text) == "mms"


def test_a_message_of_another_contact_cannot_be_retried_here(client, me, ada, fake_twilio):
    other = opted_in_contact(me, "Charles", "Babbage", email=None)
    fake_twilio.fail_next()
    send(client, other)
    [message] = messages_of(other)
    response = client.post(f"/contacts/{ada.id}/messages/{message.id}/retry", headers=HTMX)
    assert response.status_code == 404
    assert fake_twilio.sent == []


def test_retrying_a_message_that_did_not_fail_is_refused(client, me, ada, fake_twilio):
    send(client, ada)
    [message] = messages_of(ada)
    retried = client.post(f"/contacts/{ada.id}/messages/{message.id}/retry", headers=HTMX)
    assert retried.status_code == 409
    assert "Only a failed or undelivered message can be sent again." in retried.text
    assert len(fake_twilio.sent) == 1


# --- sending for a relationship action ------------------------------------------------------------


@pytest.fixture
def wishes(me, ada):
    action = action_for(
        me, ada, title="Birthday wishes", action_type="whatsapp", message_body="Happy birthday!"
    )
    _db.session.commit()
    return action


def test_a_whatsapp_action_offers_send_whatsapp_on_the_contact_page_and_the_queue(
    client, me, ada, wishes
):
    page = client.get(f"/contacts/{ada.id}").text
    actions = section(page, "contact-actions")
    assert f'hx-get="/contacts/{ada.id}/conversation?compose_for={wishes.id}"' in actions
    assert "Send WhatsApp" in visible_text(actions)
    queue = client.get("/actions").text
    assert f'href="/contacts/{ada.id}?compose_for={wishes.id}#conversation"' in queue


def test_composing_for_an_action_prefills_its_channel_and_body(client, me, ada, wishes):
    for url, headers in [
        (f"/contacts/{ada.id}/conversation?compose_for={wishes.id}", HTMX),
        (f"/contacts/{ada.id}?compose_for={wishes.id}", {}),
    ]:
        html = section(client.get(url, headers=headers).text, "conversation")
        assert checked_channel(html) == "whatsapp"
        assert draft_text(html) == "Happy birthday!"
        assert f'name="message-auto_action_id" type="hidden" value="{wishes.id}"' in html
        assert "For the action Birthday wishes" in visible_text(html)


def test_sending_for_an_action_marks_it_done_and_refreshes_the_actions(
    client, me, ada, wishes, fake_twilio
):
    response = send(
        client, ada, channel="whatsapp", body="Happy birthday!", auto_action_id=str(wishes.id)
    )
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "actions-changed, touches-changed"
    assert reload(_db, wishes).status == "done"
    assert fake_twilio.sent[0]["to"] == f"whatsapp:{CONTACT_NUMBER}"
    assert 'name="message-auto_action_id" type="hidden" value=""' in response.text


def test_a_failed_send_for_an_action_leaves_it_pending_until_the_retry(
    client, me, ada, wishes, fake_twilio
):
    fake_twilio.fail_next()
    send(client, ada, channel="whatsapp", auto_action_id=str(wishes.id))
    assert reload(_db, wishes).status == "pending"
    [message] = messages_of(ada)
    retried = client.post(f"/contacts/{ada.id}/messages/{message.id}/retry", headers=HTMX)
    assert retried.headers["HX-Trigger"] == "actions-changed, touches-changed"
    assert reload(_db, wishes).status == "done"


def test_an_action_of_someone_else_is_not_composed_for(client, me, ada, make_user):
    theirs = action_for(make_user(), ada, action_type="sms", message_body="Secret plan")
    _db.session.commit()
    html = client.get(f"/contacts/{ada.id}/conversation?compose_for={theirs.id}", headers=HTMX)
    assert "Secret plan" not in html.text
    assert 'name="message-auto_action_id" type="hidden" value=""' in html.text


def test_a_plain_message_is_a_touch_that_refreshes_the_timeline(client, me, ada, fake_twilio):
    response = send(client, ada, channel="whatsapp", body="Thinking of you")
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "touches-changed"
