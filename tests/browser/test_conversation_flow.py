"""Issue 4's flow: a WhatsApp conversation on the contact page, delivered and answered live.

The contact is ``seeded.messaging_contact``: opted in, one message each way and a pending WhatsApp
action. The fake Twilio delivers what the app sends with signed status callbacks over HTTP, and
the page's own polling (every 5 s) shows them and the replies: nothing here reloads the page.
Every test writes its own, unique text, so none depends on another's messages.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, Route, expect
from sqlalchemy import select

from tests.browser.conftest import (
    ARTIFACTS,
    LAPTOP,
    PHONE,
    LiveServer,
    Seeded,
    assert_fits_the_screen,
    open_every_section,
    shoot,
    sign_in,
)
from webapp.extensions import db
from webapp.models import RelationshipAction
from webapp.services import actions

pytestmark = pytest.mark.browser

LIVE = 12_000  # ms: the fake's callbacks take ~1 s, the page polls every 5 s
NOT_RELOADED = "a full page load would have forgotten window.__marker"
SEND_BUTTON = re.compile(r"^(Send|Sending…)$")


def _unique(text: str) -> str:
    return f"{text} ({uuid.uuid4().hex[:6]})"


# --- where things are on the page -----------------------------------------------------------------


def _open_contact(page: Page, seeded: Seeded) -> None:
    page.goto(f"/contacts/{seeded.messaging_contact.id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pemberton")
    open_every_section(page)  # they load as they scroll into view
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate("window.__marker = 1")  # a full page load would forget it


def _conversation(page: Page) -> Locator:
    return page.get_by_role("region", name=re.compile(r"^Conversation"))


def _messages(page: Page, seeded: Seeded) -> Locator:
    return page.get_by_role("region", name=f"Messages with {seeded.messaging_contact.name}")


def _bubble(page: Page, seeded: Seeded, text: str) -> Locator:
    return _messages(page, seeded).get_by_role("listitem").filter(has_text=text)


def _composer(page: Page, seeded: Seeded) -> Locator:
    return page.get_by_role("form", name=f"New message to {seeded.messaging_contact.name}")


def _send_button(composer: Locator) -> Locator:
    return composer.get_by_role("button", name=SEND_BUTTON)


def _choose(composer: Locator, channel: str) -> None:
    """Pick a channel as a person does: by clicking its button (the radio itself is hidden)."""
    composer.get_by_role("group", name="Send as").get_by_text(channel, exact=True).click()
    expect(composer.get_by_role("radio", name=channel, exact=True)).to_be_checked()


def _actions_region(page: Page) -> Locator:
    return page.get_by_role("region", name=re.compile(r"^Actions\b"))


def _side(page: Page, seeded: Seeded, bubble: Locator) -> str:
    """Which side of the message list the bubble sits on, as a reader sees it."""
    area = _messages(page, seeded).bounding_box()
    box = bubble.locator(".bubble").bounding_box()
    assert area and box, "the message list and the bubble are on screen"
    left_gap = box["x"] - area["x"]
    right_gap = area["x"] + area["width"] - (box["x"] + box["width"])
    return "left" if left_gap < right_gap else "right"


def _status(bubble: Locator) -> Locator:
    return bubble.locator(".message-status")


def _sent_to_twilio(live_server: LiveServer, body: str) -> list[str]:
    """The addresses the fake Twilio was asked to send ``body`` to."""
    return [m["to"] for m in live_server.twilio.sent if m["body"] == body]


def _not_reloaded(page: Page, what: str) -> None:
    assert page.evaluate("window.__marker") == 1, f"{what}: {NOT_RELOADED}"


# --- 1. a WhatsApp message out, delivered, and a reply in -----------------------------------------


def _send_showing_progress(page: Page, seeded: Seeded, body: str) -> None:
    """Type and send; while the server has the request, the button says it is busy."""
    composer = _composer(page, seeded)
    _choose(composer, "WhatsApp")
    composer.get_by_role("textbox", name="Message").fill(body)
    expect(composer.locator("[data-composer-count]")).to_have_text(
        f"{len(body)} of 4096 characters"
    )
    sending = re.compile(r"/contacts/\d+/messages$")  # the POST; the polls carry ?version=
    held: list[Route] = []  # the send waits here until the busy button has been seen
    page.route(sending, lambda route: held.append(route))
    try:
        with page.expect_request(lambda request: request.method == "POST"):
            _send_button(composer).click()
        button = _send_button(composer)
        expect(button).to_be_disabled()
        expect(button).to_have_accessible_name("Sending…")
        assert len(held) == 1, f"one click, one send: {len(held)} requests"
        held[0].continue_()
    finally:
        page.unroute(sending)


def _the_reply_arrives(page: Page, live_server: LiveServer) -> None:
    """The contact answers on WhatsApp: the page shows it on the left and tells screen readers."""
    seeded, contact = live_server.seeded, live_server.seeded.messaging_contact
    reply = _unique("Perfect, see you then")
    _sid, answered = live_server.twilio.send_inbound(
        contact.whatsapp_number, reply, channel="whatsapp"
    )
    assert answered == 200, f"the inbound webhook answered {answered}"
    arrived = _bubble(page, seeded, reply)
    expect(arrived).to_be_visible(timeout=LIVE)
    assert _side(page, seeded, arrived) == "left"
    expect(arrived).to_contain_text("WhatsApp")
    expect(page.get_by_role("status").filter(has_text=reply)).to_have_text(
        f"New message from {contact.name.split()[0]}: {reply}"
    )
    expect(_messages(page, seeded).get_by_role("listitem").last).to_contain_text(reply)
    _not_reloaded(page, "The reply")


def test_manager_sends_a_whatsapp_message_sees_it_read_and_the_reply_arrive(
    page: Page, live_server: LiveServer
) -> None:
    seeded, contact = live_server.seeded, live_server.seeded.messaging_contact
    assert page.viewport_size == LAPTOP
    sign_in(page, seeded.manager.email)
    _open_contact(page, seeded)
    seeded_out = _bubble(page, seeded, "Are we still on for Thursday?")
    seeded_in = _bubble(page, seeded, contact.last_inbound)
    expect(seeded_out).to_contain_text("WhatsApp")
    expect(_status(seeded_out)).to_contain_text("Read")
    expect(seeded_in).to_contain_text("WhatsApp")
    assert _side(page, seeded, seeded_out) == "right", "our messages sit on the right"
    assert _side(page, seeded, seeded_in) == "left", "the contact's replies sit on the left"

    body = _unique("Thursday works, I will bring the renewal figures")
    _send_showing_progress(page, seeded, body)
    sent = _bubble(page, seeded, body)
    expect(sent).to_have_count(1)
    assert _side(page, seeded, sent) == "right"
    expect(sent).to_contain_text(seeded.manager.name)
    composer = _composer(page, seeded)
    expect(composer.get_by_role("textbox", name="Message")).to_have_value("")
    expect(composer.get_by_role("textbox", name="Message")).to_be_focused()
    expect(composer.get_by_role("radio", name="WhatsApp")).to_be_checked()
    assert _sent_to_twilio(live_server, body) == [f"whatsapp:{contact.whatsapp_number}"]

    expect(_status(sent)).to_have_attribute("title", "Read", timeout=LIVE)
    expect(_status(sent)).to_contain_text("Read")
    _not_reloaded(page, "The delivery and read receipts")

    _the_reply_arrives(page, live_server)
    _conversation(page).scroll_into_view_if_needed()
    _conversation(page).screenshot(
        path=str(ARTIFACTS / "30-conversation-section.png"), animations="disabled"
    )
    shoot(page, "30-conversation")


# --- 2. sending the WhatsApp action ---------------------------------------------------------------


@pytest.fixture
def restores_the_whatsapp_action(live_server: LiveServer) -> Iterator[None]:
    """The seeded WhatsApp action, pending again afterwards: other tests count the manager's
    pending and done actions."""
    contact = live_server.seeded.messaging_contact
    yield
    with live_server.app.app_context():
        action = db.session.scalar(
            select(RelationshipAction).where(
                RelationshipAction.contact_id == contact.id,
                RelationshipAction.title == contact.action_title,
            )
        )
        actions.reopen_action(None, action)
        db.session.commit()


def test_sending_a_whatsapp_action_sends_its_drafted_message_and_marks_it_done(
    page: Page, live_server: LiveServer, restores_the_whatsapp_action: None
) -> None:
    seeded, contact = live_server.seeded, live_server.seeded.messaging_contact
    sign_in(page, seeded.manager.email)
    _open_contact(page, seeded)
    pending = _actions_region(page).get_by_role("list", name="Pending actions")
    expect(pending.get_by_role("listitem").filter(has_text=contact.action_title)).to_have_count(1)

    pending.get_by_role("link", name=f"Send WhatsApp: {contact.action_title}").click()
    composer = _composer(page, seeded)
    expect(composer).to_contain_text(f"For the action {contact.action_title}")
    expect(composer.get_by_role("radio", name="WhatsApp")).to_be_checked()
    text = composer.get_by_role("textbox", name="Message")
    expect(text).to_have_value(contact.action_message)
    expect(text).to_be_focused()
    shoot(page, "31-conversation-action-composer")

    _send_button(composer).click()
    sent = _bubble(page, seeded, contact.action_message)
    expect(sent).to_have_count(1)
    assert _side(page, seeded, sent) == "right"
    expect(composer).not_to_contain_text("For the action")
    expect(text).to_have_value("")
    expect(pending.get_by_role("listitem").filter(has_text=contact.action_title)).to_have_count(0)
    closed = _actions_region(page).get_by_role("list", name="Done and dismissed actions")
    _actions_region(page).get_by_text(re.compile(r"^Done and dismissed \(\d+\)$")).click()
    done = closed.get_by_role("listitem").filter(has_text=contact.action_title)
    expect(done).to_contain_text("Done")
    expect(done).to_contain_text(f"by {seeded.manager.name}")
    assert _sent_to_twilio(live_server, contact.action_message) == [
        f"whatsapp:{contact.whatsapp_number}"
    ]
    expect(_status(sent)).to_have_attribute("title", "Read", timeout=LIVE)
    _not_reloaded(page, "Sending the action")
    shoot(page, "32-conversation-action-sent")


# --- 3. the SMS segment counter -------------------------------------------------------------------


def test_sms_counter_counts_segments_and_switches_to_unicode_limits(
    page: Page, live_server: LiveServer
) -> None:
    seeded = live_server.seeded
    sign_in(page, seeded.manager.email)
    _open_contact(page, seeded)
    composer = _composer(page, seeded)
    counter = composer.locator("[data-composer-count]")
    text = composer.get_by_role("textbox", name="Message")

    _choose(composer, "SMS")
    text.fill("a" * 160)
    expect(counter).to_have_text("160 of 1600 characters · 1 SMS segment")
    text.fill("a" * 161)
    expect(counter).to_have_text("161 of 1600 characters · 2 SMS segments")
    text.press("End")
    text.press_sequentially("😊")
    expect(counter).to_have_text(
        "162 of 1600 characters · 3 SMS segments (special characters: 70 per segment)"
    )
    text.fill("Happy birthday 😊")
    expect(counter).to_have_text(
        "16 of 1600 characters · 1 SMS segment (special characters: 70 per segment)"
    )
    shoot(page, "33-conversation-sms-counter")

    _choose(composer, "WhatsApp")
    expect(counter).to_have_text("16 of 4096 characters")


# --- 4. on a phone --------------------------------------------------------------------------------


def _within_the_screen(page: Page, element: Locator, what: str) -> None:
    box = element.bounding_box()
    assert box is not None, f"{what} is on the page"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
        f"{what} spills off a {PHONE['width']}px screen: {box}"
    )


def test_conversation_fits_a_phone_and_its_composer_sends(
    phone_page: Page, live_server: LiveServer
) -> None:
    page, seeded = phone_page, live_server.seeded
    assert page.viewport_size == PHONE
    sign_in(page, seeded.manager.email)
    _open_contact(page, seeded)
    conversation = _conversation(page)
    conversation.scroll_into_view_if_needed()
    expect(_bubble(page, seeded, seeded.messaging_contact.last_inbound)).to_be_visible()
    assert_fits_the_screen(page, "The contact page")

    composer = _composer(page, seeded)
    text = composer.get_by_role("textbox", name="Message")
    send = _send_button(composer)
    for element, what in ((text, "The message box"), (send, "The Send button")):
        _within_the_screen(page, element, what)
    send_box = send.bounding_box()
    assert send_box and send_box["height"] >= 36, f"Send is too small to tap: {send_box}"

    body = _unique("On my way, five minutes")
    composer.get_by_role("group", name="Send as").get_by_text("WhatsApp", exact=True).tap()
    expect(composer.get_by_role("radio", name="WhatsApp")).to_be_checked()
    text.tap()
    text.fill(body)
    send.tap()
    sent = _bubble(page, seeded, body)
    expect(sent).to_have_count(1)
    _within_the_screen(page, sent.locator(".bubble"), "The new bubble")
    expect(_status(sent)).to_have_attribute("title", "Read", timeout=LIVE)
    assert_fits_the_screen(page, "The contact page after sending")
    conversation.screenshot(
        path=str(ARTIFACTS / "phone-30-conversation-section.png"), animations="disabled"
    )
    shoot(page, "phone-30-conversation")
