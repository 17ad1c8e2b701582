"""Inbound messages on Twilio's webhook: whose they are, media, replays, STOP and START."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.api.message_helpers import (
    ADA_MOBILE,
    ADA_WHATSAPP,
    SMS_FROM,
    US_MOBILE,
    WHATSAPP_FROM,
    audit_actions,
    inbound_fields,
    message_count,
    messages_path,
    opted_in_contact,
    post_inbound,
    post_webhook,
    profile_row,
    send,
    sent_message,
    stored_messages,
)
from tests.api.relationship_helpers import client_contact, error_of, profile_path
from webapp.extensions import db as _db
from webapp.messaging.settings import INBOUND_PATH
from webapp.models import AuditEvent, Message
from webapp.services.inbound_messages import unmatched_query

PHOTOS = ("https://api.twilio.com/media/ME1", "https://api.twilio.com/media/ME2")


@pytest.fixture
def ada(db, api):
    return opted_in_contact(api.user, phone=ADA_MOBILE, whatsapp=ADA_WHATSAPP)


def only_message(db) -> Message:
    [message] = stored_messages(db)
    return message


def unmatched(db) -> list[Message]:
    db.session.expire_all()
    return list(db.session.scalars(unmatched_query()))


# Whose message it is


def test_a_reply_is_stored_as_an_inbound_message_of_the_contact(db, api, ada, fake_twilio):
    sid, answer = fake_twilio.send_inbound(ADA_MOBILE, "Thank you, lovely card!")
    assert answer == 200
    message = only_message(db)
    assert (message.contact_id, message.direction, message.channel) == (ada.id, "inbound", "sms")
    assert (message.body, message.status, message.provider_sid) == (
        "Thank you, lovely card!",
        "received",
        sid,
    )
    assert (message.from_number, message.to_number) == (ADA_MOBILE, SMS_FROM)
    assert audit_actions(db, "message", message.id) == ["receive"]
    [listed] = api.get(messages_path(ada.id)).get_json()["messages"]
    assert (listed["direction"], listed["body"]) == ("inbound", "Thank you, lovely card!")


def test_a_profile_number_typed_in_national_format_matches_twilios_e164(
    db, api, client, fake_twilio
):
    grace = client_contact(api.user, "Grace", "Hopper", email=None)
    _db.session.commit()
    patched = api.patch(profile_path(grace.id), json={"phone_number": "07911 123456"})
    assert patched.get_json()["profile"]["phone_number"] == ADA_MOBILE
    post_inbound(client, "+447911123456", "Hello from Grace")
    assert only_message(db).contact_id == grace.id


def test_a_number_on_the_contact_record_alone_matches(db, api, client):
    grace = client_contact(api.user, "Grace", "Hopper", email=None, phones=(US_MOBILE,))
    _db.session.commit()
    post_inbound(client, US_MOBILE, "Hi, it's Grace")
    assert only_message(db).contact_id == grace.id


def test_a_from_number_with_spaces_is_read_as_e164(db, ada, client):
    post_inbound(client, "+44 7911 123456", "Hi")
    message = only_message(db)
    assert (message.contact_id, message.from_number) == (ada.id, ADA_MOBILE)


@pytest.mark.parametrize("from_number", [ADA_WHATSAPP, ADA_MOBILE], ids=["whatsapp", "phone"])
def test_whatsapp_matches_the_whatsapp_number_or_the_phone_number(db, ada, client, from_number):
    post_inbound(
        client,
        f"whatsapp:{from_number}",
        "On WhatsApp now",
        to_address=f"whatsapp:{WHATSAPP_FROM}",
    )
    message = only_message(db)
    assert (message.contact_id, message.channel) == (ada.id, "whatsapp")
    assert (message.from_number, message.to_number) == (from_number, WHATSAPP_FROM)


def test_a_whatsapp_reply_from_the_fake_reaches_the_contact(db, ada, fake_twilio):
    fake_twilio.send_inbound(ADA_WHATSAPP, "👍", channel="whatsapp", to_number=WHATSAPP_FROM)
    message = only_message(db)
    assert (message.contact_id, message.channel, message.body) == (ada.id, "whatsapp", "👍")


def test_an_unknown_number_is_kept_unmatched(db, api, ada, client):
    post_inbound(client, US_MOBILE, "Who is this?")
    message = only_message(db)
    assert (message.contact_id, message.from_number, message.body) == (
        None,
        US_MOBILE,
        "Who is this?",
    )
    assert [m.id for m in unmatched(db)] == [message.id]
    assert api.get(messages_path(ada.id)).get_json()["messages"] == []


def test_a_shared_number_goes_to_the_contact_last_written_to_there(db, api, client, fake_twilio):
    ada = opted_in_contact(api.user, phone=ADA_MOBILE)
    grace = opted_in_contact(api.user, "Grace", "Hopper", phone=ADA_MOBILE)
    sent_message(api, ada)
    sent_message(api, grace)
    post_inbound(client, ADA_MOBILE, "Grace's reply", sid="SM" + "1" * 32)
    sent_message(api, ada)
    post_inbound(client, ADA_MOBILE, "Ada's reply", sid="SM" + "2" * 32)
    replies = {m.body: m.contact_id for m in stored_messages(db) if m.direction == "inbound"}
    assert replies == {"Grace's reply": grace.id, "Ada's reply": ada.id}


def test_a_shared_number_never_written_to_stays_unmatched(db, api, client):
    opted_in_contact(api.user, phone=ADA_MOBILE)
    opted_in_contact(api.user, "Grace", "Hopper", phone=ADA_MOBILE)
    post_inbound(client, ADA_MOBILE, "Which of us?")
    assert only_message(db).contact_id is None
    assert len(unmatched(db)) == 1


# Media


def test_media_urls_are_stored_and_an_sms_with_media_is_an_mms(db, ada, client):
    post_inbound(client, ADA_MOBILE, "Photos from the party", media_urls=PHOTOS)
    message = only_message(db)
    assert (message.channel, message.media_urls) == ("mms", list(PHOTOS))


def test_a_whatsapp_message_with_media_stays_whatsapp(db, ada, fake_twilio):
    fake_twilio.send_inbound(ADA_WHATSAPP, "", channel="whatsapp", media_urls=PHOTOS[:1])
    message = only_message(db)
    assert (message.channel, message.media_urls, message.body) == ("whatsapp", [PHOTOS[0]], "")


def test_only_as_many_media_urls_as_num_media_says_are_read(db, ada, client):
    fields = inbound_fields(ADA_MOBILE, "One photo", media_urls=PHOTOS) | {"NumMedia": "1"}
    assert post_webhook(client, INBOUND_PATH, fields).status_code == 200
    assert only_message(db).media_urls == [PHOTOS[0]]


# Replays


def test_the_same_message_sid_posted_twice_is_stored_once(db, ada, client):
    post_inbound(client, ADA_MOBILE, "Thanks!", sid="SM" + "a" * 32)
    post_inbound(client, ADA_MOBILE, "Thanks!", sid="SM" + "a" * 32)
    assert message_count(db) == 1


def test_a_replayed_stop_is_recorded_once(db, ada, client):
    for _ in range(2):
        post_inbound(client, ADA_MOBILE, "STOP", sid="SM" + "b" * 32)
    assert message_count(db) == 1
    assert audit_actions(db, "relationship_profile", profile_row(db, ada).id) == ["opt_out"]


# STOP and START


@pytest.mark.parametrize("word", ["STOP", "stop", " Unsubscribe ", "CANCEL", "END", "QUIT"])
def test_an_opt_out_word_opts_the_contact_out_and_is_audited(db, ada, client, word):
    post_inbound(client, ADA_MOBILE, word)
    profile = profile_row(db, ada)
    assert profile.twilio_opt_in is False
    [event] = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type == "relationship_profile", AuditEvent.action == "opt_out"
        )
    )
    assert event.object_id == profile.id and event.user_id is None
    assert event.changes["twilio_opt_in"] == {"before": True, "after": False}
    assert event.changes["via_message_id"] == only_message(db).id


def test_after_stop_sending_is_403_not_opted_in(db, api, ada, client, fake_twilio):
    post_inbound(client, ADA_MOBILE, "STOP")
    error_of(send(api, ada), 403, "not_opted_in")
    assert fake_twilio.sent == []


def test_stop_on_whatsapp_opts_out_too(db, ada, client):
    post_inbound(client, f"whatsapp:{ADA_WHATSAPP}", "Stop", to_address=f"whatsapp:{WHATSAPP_FROM}")
    assert profile_row(db, ada).twilio_opt_in is False


@pytest.mark.parametrize("word", ["START", "yes", " Unstop "])
def test_an_opt_in_word_opts_the_contact_back_in(db, api, ada, client, fake_twilio, word):
    post_inbound(client, ADA_MOBILE, "STOP", sid="SM" + "c" * 32)
    post_inbound(client, ADA_MOBILE, word, sid="SM" + "d" * 32)
    profile = profile_row(db, ada)
    assert profile.twilio_opt_in is True
    assert audit_actions(db, "relationship_profile", profile.id) == ["opt_out", "opt_in"]
    assert send(api, ada).status_code == 201


@pytest.mark.parametrize(
    "body", ["please stop calling", "STOP!!", "Don't stop", "start the meeting", "yes please"]
)
def test_a_sentence_with_a_consent_word_changes_nothing(db, ada, client, body):
    post_inbound(client, ADA_MOBILE, body)
    profile = profile_row(db, ada)
    assert profile.twilio_opt_in is True
    assert audit_actions(db, "relationship_profile", profile.id) == []
    assert only_message(db).contact_id == ada.id


def test_stop_from_a_contact_without_a_profile_creates_one_opted_out(db, api, client):
    grace = client_contact(api.user, "Grace", "Hopper", email=None, phones=(US_MOBILE,))
    _db.session.commit()
    post_inbound(client, US_MOBILE, "STOP")
    profile = profile_row(db, grace)
    assert (profile.twilio_opt_in, profile.phone_number) == (False, US_MOBILE)


def test_stop_from_an_unknown_number_opts_nobody_out(db, ada, client):
    post_inbound(client, US_MOBILE, "STOP")
    assert profile_row(db, ada).twilio_opt_in is True
    assert only_message(db).contact_id is None


def test_stop_when_already_opted_out_records_nothing_new(db, api, client):
    grace = opted_in_contact(api.user, "Grace", "Hopper", phone=US_MOBILE, opt_in=False)
    post_inbound(client, US_MOBILE, "STOP")
    profile = profile_row(db, grace)
    assert profile.twilio_opt_in is False
    assert audit_actions(db, "relationship_profile", profile.id) == []
