"""The contact page's Conversation section: bubbles, statuses, polling, read-only modes, queries."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.api.message_helpers import opted_in_contact
from tests.web.contact_page_builders import HTMX, queries_for, visible_text
from tests.web.conversation_builders import (
    CONTACT_NUMBER,
    add_message,
    bubble,
    bubble_side,
    conversation_html,
    messages_of,
    shown_message_ids,
)
from webapp import access
from webapp.extensions import db as _db
from webapp.models import PermissionOverride
from webapp.models.base import utcnow


def poll(client, contact, version: str | None):
    query = f"?version={version}" if version is not None else ""
    return client.get(f"/contacts/{contact.id}/messages{query}", headers=HTMX)


def version_in(html: str) -> str:
    """The version token the message list polls with."""
    return re.search(r'hx-get="/contacts/\d+/messages\?version=([^"]+)"', html).group(1)


# --- what the section shows -----------------------------------------------------------------------


def test_inbound_messages_sit_left_and_outbound_right_with_channel_author_and_time(
    client, me, ada, make_user
):
    theirs = add_message(ada, "Thanks for the flowers!", direction="inbound", channel="whatsapp")
    ours = add_message(ada, "Happy birthday, Ada", sent_by=me, status="delivered")
    colleague = make_user("member", name="Cleo Colleague")
    _db.session.commit()
    colleagues = add_message(ada, "Enjoy the day!", sent_by=colleague, status="delivered")
    html = conversation_html(client, ada)
    assert bubble_side(html, theirs.id) == "message-in"
    assert bubble_side(html, ours.id) == "message-out"
    assert "From Ada: Thanks for the flowers! WhatsApp" in visible_text(bubble(html, theirs.id))
    # My own messages need no name on them; a colleague's show who sent them.
    assert "Sent by Mia Member: Happy birthday, Ada SMS 00:00" in visible_text(
        bubble(html, ours.id).replace(ours_time(html, ours), "00:00")
    )
    assert "SMS Cleo Colleague" in visible_text(bubble(html, colleagues.id))
    assert f'<time datetime="{ours.created_at.isoformat()}"' in bubble(html, ours.id)
    assert shown_message_ids(html) == [theirs.id, ours.id, colleagues.id]


def ours_time(html: str, message) -> str:
    """The time shown on a message sent a moment ago: hours and minutes, nothing more
    (or "Yesterday" too, when the clock struck midnight in between)."""
    shown = re.search(r"<time [^>]*>([^<]+)</time>", bubble(html, message.id)).group(1)
    assert re.fullmatch(r"(Yesterday )?\d\d:\d\d", shown)
    return shown


@pytest.mark.parametrize(
    ("status", "mark", "words"),
    [
        ("queued", "status-clock", "Queued"),
        ("sent", ">✓<", "Sent"),
        ("delivered", ">✓✓<", "Delivered"),
        ("read", ">✓✓<", "Read"),
        ("undelivered", "status-bang", "Not delivered"),
        ("failed", "status-bang", "Failed"),
    ],
)
def test_outbound_status_shows_as_ticks_and_in_words_for_screen_readers(
    client, me, ada, status, mark, words
):
    message = add_message(ada, "Are you free on Friday?", sent_by=me, status=status)
    markup = bubble(conversation_html(client, ada), message.id)
    assert f'class="message-status status-{status}"' in markup
    assert mark in markup
    assert f'<span class="visually-hidden">{words}</span>' in markup


def test_inbound_messages_have_no_delivery_ticks(client, me, ada):
    message = add_message(ada, "See you then", direction="inbound")
    assert "message-status" not in bubble(conversation_html(client, ada), message.id)


def test_undelivered_and_failed_messages_show_the_reason_and_can_be_retried(client, me, ada):
    lost = add_message(
        ada, "Lost one", sent_by=me, status="undelivered", error_message="Unreachable handset"
    )
    refused = add_message(
        ada, "Refused one", sent_by=me, status="failed", error_message="The To number is not valid"
    )
    html = conversation_html(client, ada)
    assert "Not delivered: Unreachable handset" in visible_text(bubble(html, lost.id))
    assert "Not delivered: The To number is not valid" in visible_text(bubble(html, refused.id))
    for message in (lost, refused):
        retry = f'hx-post="/contacts/{ada.id}/messages/{message.id}/retry"'
        assert retry in bubble(html, message.id)
    delivered = add_message(ada, "Arrived", sent_by=me, status="delivered")
    assert "/retry" not in bubble(conversation_html(client, ada), delivered.id)


def test_mms_media_shows_as_a_link_with_a_thumbnail_for_pictures(client, me, ada):
    photo = "https://cdn.example.com/cards/cake.jpg"
    document = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
    message = add_message(
        ada, "Look!", direction="inbound", channel="mms", media_urls=(photo, document)
    )
    markup = bubble(conversation_html(client, ada), message.id)
    assert f'<a href="{photo}" target="_blank" rel="noopener noreferrer"' in markup
    assert f'<img src="{photo}"' in markup
    assert f'<a href="{document}"' in markup
    assert markup.count("<img") == 1
    assert "MMS" in visible_text(markup)


def test_a_contact_without_messages_gets_an_empty_state(client, me, ada):
    text = visible_text(conversation_html(client, ada))
    assert "No messages with Ada yet." in text


def test_the_latest_50_messages_are_shown_oldest_at_the_top(client, me, ada):
    sent = [add_message(ada, f"Note {n}", sent_by=me, commit=False) for n in range(53)]
    _db.session.commit()
    html = conversation_html(client, ada)
    assert shown_message_ids(html) == [message.id for message in sent[3:]]
    assert "The latest 50 of 53 messages." in visible_text(html)


# --- new messages and statuses without reloading --------------------------------------------------


def test_the_poll_answers_204_while_nothing_changed(client, me, ada):
    add_message(ada, "Hello", sent_by=me)
    version = version_in(conversation_html(client, ada))
    response = poll(client, ada, version)
    assert response.status_code == 204
    assert response.text == ""


def test_an_inbound_message_appears_at_the_next_poll_and_is_announced(client, me, ada, fake_twilio):
    add_message(ada, "Hello", sent_by=me)
    version = version_in(conversation_html(client, ada))
    fake_twilio.send_inbound(CONTACT_NUMBER, "Lunch on Tuesday?")
    response = poll(client, ada, version)
    assert response.status_code == 200
    [_, reply] = messages_of(ada)
    assert bubble_side(response.text, reply.id) == "message-in"
    assert "Lunch on Tuesday?" in bubble(response.text, reply.id)
    assert "New message from Ada: Lunch on Tuesday?" in visible_text(response.text)
    assert 'hx-swap-oob="innerHTML"' in response.text
    # The heading's message count follows, out of band.
    count = re.search(
        r'<span id="conversation-count"[^>]*hx-swap-oob="true"[^>]*>(\d+)<', response.text
    )
    assert count.group(1) == "2"
    assert version_in(response.text) != version
    assert poll(client, ada, version_in(response.text)).status_code == 204


def test_a_delivery_status_change_appears_at_the_next_poll(client, me, ada, fake_twilio):
    client.post(
        f"/contacts/{ada.id}/messages",
        data={"message-channel": "sms", "message-body": "On my way"},
        headers=HTMX,
    )
    [message] = messages_of(ada)
    html = conversation_html(client, ada)
    assert 'class="message-status status-queued"' in bubble(html, message.id)
    version = version_in(html)
    fake_twilio.send_status(message.provider_sid, "delivered")
    response = poll(client, ada, version)
    assert response.status_code == 200
    assert 'class="message-status status-delivered"' in bubble(response.text, message.id)
    assert "New message" not in response.text  # our own message is not announced


def test_the_poll_without_a_version_answers_the_list(client, me, ada):
    message = add_message(ada, "Hello", sent_by=me)
    response = poll(client, ada, None)
    assert response.status_code == 200
    assert shown_message_ids(response.text) == [message.id]
    assert 'id="composer"' not in response.text


def test_a_plain_request_for_the_list_goes_to_the_page(client, me, ada):
    response = client.get(f"/contacts/{ada.id}/messages")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/contacts/{ada.id}?open=conversation#conversation"


def test_the_poll_of_an_unknown_contact_is_404(client, me):
    assert client.get("/contacts/999999/messages", headers=HTMX).status_code == 404


# --- read-only modes ------------------------------------------------------------------------------


def test_without_update_permission_there_is_no_composer_nor_retry_and_posts_are_403(
    client, me, ada, fake_twilio
):
    failed = add_message(ada, "Refused", sent_by=me, status="failed", error_message="Nope")
    _db.session.add(
        PermissionOverride(user=me, permission=access.RELATIONSHIPS_UPDATE, granted=False)
    )
    _db.session.commit()
    html = conversation_html(client, ada)
    assert "Refused" in html
    assert 'id="composer"' not in html and "/retry" not in html
    send = client.post(
        f"/contacts/{ada.id}/messages", data={"message-channel": "sms", "message-body": "Hi"}
    )
    assert send.status_code == 403
    assert client.post(f"/contacts/{ada.id}/messages/{failed.id}/retry").status_code == 403
    assert fake_twilio.sent == []
    assert len(messages_of(ada)) == 1


def test_an_archived_contact_has_no_composer(client, me, ada):
    ada.archived_at = utcnow()
    _db.session.commit()
    html = conversation_html(client, ada)
    assert 'id="composer"' not in html
    assert "This contact is archived: restore them to send messages." in visible_text(html)


# --- a fixed number of queries --------------------------------------------------------------------


def add_conversation(contact, count: int, start: int = 0) -> None:
    """``count`` messages each way, each outbound one by a different colleague."""
    for n in range(start, start + count):
        author = factories.UserFactory(name=f"Colleague {n}")
        add_message(contact, f"Ours {n}", sent_by=author, status="delivered", commit=False)
        add_message(contact, f"Theirs {n}", direction="inbound", commit=False)
    _db.session.commit()


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/contacts/{id}?open=conversation", {}),
        ("/contacts/{id}/conversation", HTMX),
        ("/contacts/{id}/messages", HTMX),
    ],
    ids=["page", "section", "polled list"],
)
def test_the_conversation_runs_the_same_queries_for_2_and_60_messages(
    client, count_queries, login_as, path, headers
):
    viewer = login_as("executive")
    contact = opted_in_contact(viewer, phone=CONTACT_NUMBER)
    path = path.format(id=contact.id)
    add_conversation(contact, 1)
    with_two = queries_for(client, count_queries, path, headers=headers)
    add_conversation(contact, 29, start=1)
    with_sixty = queries_for(client, count_queries, path, headers=headers)
    assert with_sixty == with_two, f"{with_two} queries with 2 messages, {with_sixty} with 60"
    assert "Ours 29" in client.get(path, headers=headers).text
