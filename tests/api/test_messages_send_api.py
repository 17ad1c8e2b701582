"""``POST /api/relationships/contacts/:id/messages`` (reference 002), through the fake Twilio."""

from __future__ import annotations

import pytest

from tests.api.message_helpers import (
    ADA_MOBILE,
    ADA_WHATSAPP,
    HELLO,
    SMS_FROM,
    WHATSAPP_FROM,
    audit_actions,
    message_count,
    message_row,
    messages_path,
    opted_in_contact,
    send,
    sent_message,
)
from tests.api.relationship_helpers import (
    action_for,
    client_contact,
    error_fields,
    error_of,
    task_of,
)
from webapp import access
from webapp.api import schemas
from webapp.extensions import db as _db
from webapp.models import RelationshipAction
from webapp.services.actions import close_action

PHOTO = "https://cdn.example.com/cake.jpg"


@pytest.fixture
def ada(db, api):
    return opted_in_contact(api.user, phone=ADA_MOBILE)


def nothing_sent(db, fake_twilio) -> None:
    """Twilio was never called and no message row was written."""
    assert fake_twilio.sent == []
    assert message_count(db) == 0


def action_row(db, action: RelationshipAction) -> RelationshipAction:
    db.session.expire_all()
    return db.session.get(RelationshipAction, action.id)


# Sending


def test_an_sms_is_sent_through_twilio_and_answered_201_with_the_message(db, api, ada, fake_twilio):
    response = send(api, ada)
    assert response.status_code == 201
    payload = response.get_json()
    schemas.MessageResponse.model_validate(payload)
    message = payload["message"]
    [at_twilio] = fake_twilio.sent
    assert (at_twilio["to"], at_twilio["from"], at_twilio["body"]) == (
        ADA_MOBILE,
        SMS_FROM,
        HELLO["body"],
    )
    callback = f"http://localhost/webhooks/twilio/status?message_id={message['id']}"
    assert at_twilio["status_callback"] == callback
    assert message["twilio_sid"] == at_twilio["sid"]
    assert (message["channel"], message["direction"], message["status"]) == (
        "sms",
        "outbound",
        "queued",
    )
    assert (message["to_number"], message["from_number"]) == (ADA_MOBILE, SMS_FROM)
    assert message["contact_id"] == str(ada.id)
    assert (message["sent_by_user_id"], message["sent_by_name"]) == (
        str(api.user.id),
        "Mary Member",
    )


def test_the_sent_message_is_stored_with_twilios_sid_and_status_and_audited(
    db, api, ada, fake_twilio
):
    message = sent_message(api, ada)
    row = message_row(db, message["id"])
    assert row.provider_sid == fake_twilio.sent[0]["sid"]
    assert (row.status, row.direction, row.body) == ("queued", "outbound", HELLO["body"])
    assert (row.to_number, row.from_number, row.sent_by_id) == (ADA_MOBILE, SMS_FROM, api.user.id)
    assert row.error_code is None
    assert audit_actions(db, "message", row.id) == ["create", "sent"]


def test_whatsapp_goes_to_the_whatsapp_number_with_twilios_whatsapp_prefix(db, api, fake_twilio):
    both = opted_in_contact(api.user, phone=ADA_MOBILE, whatsapp=ADA_WHATSAPP)
    message = sent_message(api, both, channel="whatsapp")
    [at_twilio] = fake_twilio.sent
    assert (at_twilio["to"], at_twilio["from"]) == (
        f"whatsapp:{ADA_WHATSAPP}",
        f"whatsapp:{WHATSAPP_FROM}",
    )
    assert (message["channel"], message["to_number"]) == ("whatsapp", ADA_WHATSAPP)
    assert message_row(db, message["id"]).from_number == WHATSAPP_FROM


def test_whatsapp_falls_back_to_the_phone_number(db, api, ada, fake_twilio):
    message = sent_message(api, ada, channel="whatsapp")
    assert fake_twilio.sent[0]["to"] == f"whatsapp:{ADA_MOBILE}"
    assert message["to_number"] == ADA_MOBILE


def test_an_mms_carries_its_media_url_to_twilio(db, api, ada, fake_twilio):
    message = sent_message(api, ada, channel="mms", media_url=PHOTO)
    [at_twilio] = fake_twilio.sent
    assert at_twilio["media_urls"] == [PHOTO]
    assert (at_twilio["to"], at_twilio["from"]) == (ADA_MOBILE, SMS_FROM)
    assert (message["channel"], message["media_url"], message["media_urls"]) == (
        "mms",
        PHOTO,
        [PHOTO],
    )
    assert message_row(db, message["id"]).media_urls == [PHOTO]


def test_the_longest_bodies_twilio_takes_are_sent(db, api, ada, fake_twilio):
    assert send(api, ada, body="x" * 1600).status_code == 201
    assert send(api, ada, channel="whatsapp", body="y" * 4096).status_code == 201
    assert [len(m["body"]) for m in fake_twilio.sent] == [1600, 4096]


# The linked relationship action


def test_a_linked_action_and_its_task_are_done_in_the_same_response(db, api, ada, fake_twilio):
    action = action_for(api.user, ada, title="Birthday SMS", action_type="sms")
    _db.session.commit()
    message = sent_message(api, ada, auto_action_id=str(action.id))
    assert message["auto_action_id"] == str(action.id)
    done = action_row(db, action)
    assert (done.status, done.completed_by_id) == ("done", api.user.id)
    assert task_of(db, action.id).status == "done"


def test_a_twilio_refusal_leaves_the_linked_action_pending(db, api, ada, fake_twilio):
    action = action_for(api.user, ada, action_type="sms")
    _db.session.commit()
    fake_twilio.fail_next()
    error_of(send(api, ada, auto_action_id=action.id), 502, "twilio_error")
    assert action_row(db, action).status == "pending"
    assert task_of(db, action.id).status == "pending"


def other_contacts_action(api, make_user, ada) -> int:
    grace = client_contact(api.user, "Grace", "Hopper", email=None)
    return action_for(api.user, grace).id


def colleagues_action(api, make_user, ada) -> int:
    return action_for(make_user("member"), ada).id


def unknown_action(api, make_user, ada) -> int:
    return 987654


@pytest.mark.parametrize(
    "linked",
    [other_contacts_action, colleagues_action, unknown_action],
    ids=["another contact's action", "out of the caller's scope", "unknown"],
)
def test_an_action_the_caller_cannot_link_is_400_naming_auto_action_id(
    db, api, ada, make_user, fake_twilio, linked
):
    action_id = linked(api, make_user, ada)
    _db.session.commit()
    response = send(api, ada, auto_action_id=action_id)
    assert error_fields(response, 400) == {"auto_action_id"}
    nothing_sent(db, fake_twilio)


def test_an_action_already_done_is_409_and_nothing_is_sent(db, api, ada, fake_twilio):
    action = action_for(api.user, ada)
    close_action(access.actor_for_user(api.user), action, "done")
    _db.session.commit()
    error_of(send(api, ada, auto_action_id=action.id), 409, "conflict")
    nothing_sent(db, fake_twilio)


# The checks of reference 002, in its order

UNCONFIGURED = {"TWILIO_ACCOUNT_SID": ""}
NO_TOKEN = {"TWILIO_AUTH_TOKEN": None}
DISABLED = {"TWILIO_ENABLED": False}
NO_WHATSAPP_SENDER = {"TWILIO_WHATSAPP_FROM": ""}

ORDER_CASES = {
    "no profile": ("no profile", "sms", {}, 403, "not_opted_in"),
    "opted out": ({"opt_in": False}, "sms", {}, 403, "not_opted_in"),
    "opted out, no number, unconfigured, disabled": (
        {"opt_in": False, "phone": None},
        "sms",
        UNCONFIGURED | DISABLED,
        403,
        "not_opted_in",
    ),
    "no number": ({"phone": None}, "sms", {}, 400, "no_phone_number"),
    "no number for whatsapp, unconfigured, disabled": (
        {"phone": None, "whatsapp": None},
        "whatsapp",
        UNCONFIGURED | DISABLED,
        400,
        "no_phone_number",
    ),
    "no account sid": ({}, "sms", UNCONFIGURED, 500, "twilio_not_configured"),
    "no auth token, disabled": ({}, "sms", NO_TOKEN | DISABLED, 500, "twilio_not_configured"),
    "no whatsapp sender, disabled": (
        {},
        "whatsapp",
        NO_WHATSAPP_SENDER | DISABLED,
        500,
        "twilio_not_configured",
    ),
    "disabled": ({}, "sms", DISABLED, 503, "twilio_disabled"),
}


@pytest.mark.parametrize("case", ORDER_CASES)
def test_the_first_broken_rule_of_the_reference_answers_and_nothing_is_sent(
    db, app, api, fake_twilio, monkeypatch, case
):
    profile, channel, config, status, code = ORDER_CASES[case]
    if profile == "no profile":
        person = client_contact(api.user, phones=(ADA_MOBILE,))
        _db.session.commit()
    else:
        person = opted_in_contact(api.user, **profile)
    for key, value in config.items():
        monkeypatch.setitem(app.config, key, value)
    error = error_of(send(api, person, channel=channel), status, code)
    assert error["message"]
    nothing_sent(db, fake_twilio)


def test_an_sms_still_goes_when_only_the_whatsapp_sender_is_missing(
    db, app, api, ada, fake_twilio, monkeypatch
):
    monkeypatch.setitem(app.config, "TWILIO_WHATSAPP_FROM", "")
    assert send(api, ada).status_code == 201
    assert len(fake_twilio.sent) == 1


# Fields

FIELD_CASES = {
    "empty body": ({"body": ""}, "body"),
    "whitespace body": ({"body": "   \n "}, "body"),
    "sms over 1600 characters": ({"body": "x" * 1601}, "body"),
    "mms over 1600 characters": (
        {"channel": "mms", "body": "x" * 1601, "media_url": PHOTO},
        "body",
    ),
    "whatsapp over 4096 characters": ({"channel": "whatsapp", "body": "x" * 4097}, "body"),
    "body a number": ({"body": 42}, "body"),
    "body null": ({"body": None}, "body"),
    "unknown channel": ({"channel": "fax"}, "channel"),
    "channel in capitals": ({"channel": "SMS"}, "channel"),
    "channel a list": ({"channel": ["sms"]}, "channel"),
    "media on sms": ({"media_url": PHOTO}, "media_url"),
    "media on whatsapp": ({"channel": "whatsapp", "media_url": PHOTO}, "media_url"),
    "mms without media": ({"channel": "mms"}, "media_url"),
    "mms with empty media": ({"channel": "mms", "media_url": "  "}, "media_url"),
    "mms over ftp": ({"channel": "mms", "media_url": "ftp://cdn.example.com/a.jpg"}, "media_url"),
    "mms media not a url": ({"channel": "mms", "media_url": "cake.jpg"}, "media_url"),
    "mms media a number": ({"channel": "mms", "media_url": 7}, "media_url"),
    "auto_action_id not an id": ({"auto_action_id": "first"}, "auto_action_id"),
    "auto_action_id negative": ({"auto_action_id": -3}, "auto_action_id"),
}


@pytest.mark.parametrize("case", FIELD_CASES)
def test_a_bad_field_is_400_naming_it_and_nothing_is_sent(db, api, ada, fake_twilio, case):
    values, field = FIELD_CASES[case]
    response = send(api, ada, **values)
    assert error_fields(response, 400, "invalid_message") == {field}
    nothing_sent(db, fake_twilio)


def test_missing_channel_and_body_are_both_named(db, api, ada, fake_twilio):
    """A required field left out is a 400 naming it, like any other bad message field."""
    response = api.post(messages_path(ada.id), json={})
    assert error_fields(response, 400, "invalid_message") == {"channel", "body"}
    nothing_sent(db, fake_twilio)


def test_an_unknown_field_is_400_unknown_field(db, api, ada, fake_twilio):
    response = send(api, ada, priority="high")
    assert error_fields(response, 400, "unknown_field") == {"priority"}
    nothing_sent(db, fake_twilio)


@pytest.mark.parametrize(
    "request_body",
    [
        {"data": "channel=sms&body=hi", "content_type": "application/x-www-form-urlencoded"},
        {"data": "{not json", "content_type": "application/json"},
        {"json": [HELLO]},
        {"json": "hello"},
    ],
    ids=["a form", "broken json", "a json list", "a json string"],
)
def test_a_body_that_is_not_a_json_object_is_400_invalid_json(
    db, api, ada, fake_twilio, request_body
):
    error_of(api.post(messages_path(ada.id), **request_body), 400, "invalid_json")
    nothing_sent(db, fake_twilio)


# Who may send


def test_sending_needs_relationships_update(db, api_client, fake_twilio):
    viewer = api_client(permissions=[access.RELATIONSHIPS_VIEW])
    person = opted_in_contact(viewer.user)
    error = error_of(send(viewer, person), 403, "forbidden")
    assert error["details"] == {"permission": access.RELATIONSHIPS_UPDATE}
    nothing_sent(db, fake_twilio)


def test_sending_without_a_key_is_401(db, client, api, ada, fake_twilio):
    error_of(client.post(messages_path(ada.id), json=HELLO), 401, "unauthenticated")
    nothing_sent(db, fake_twilio)


def test_sending_to_an_unknown_contact_is_404(db, api, fake_twilio):
    error_of(api.post(messages_path(987654), json=HELLO), 404, "record_not_found")
    nothing_sent(db, fake_twilio)
