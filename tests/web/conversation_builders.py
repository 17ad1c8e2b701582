"""Builders for the Conversation section's tests: messages as stored rows, bubbles as shown."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import select

from tests.web.contact_page_builders import section
from webapp.extensions import db as _db
from webapp.models import Message

if TYPE_CHECKING:
    from webapp.models import Contact, User

CONTACT_NUMBER = "+447911123456"
SMS_FROM = "+15005550006"


def add_message(
    contact: Contact,
    body: str,
    *,
    direction: str = "outbound",
    status: str | None = None,
    channel: str = "sms",
    sent_by: User | None = None,
    error_message: str | None = None,
    media_urls: tuple[str, ...] = (),
    commit: bool = True,
) -> Message:
    """A message row of ``contact`` as the messaging services leave it."""
    status = status or ("received" if direction == "inbound" else "sent")
    ours, theirs = SMS_FROM, CONTACT_NUMBER
    message = Message(
        contact_id=contact.id,
        channel=channel,
        direction=direction,
        body=body,
        media_urls=list(media_urls),
        status=status,
        from_number=ours if direction == "outbound" else theirs,
        to_number=theirs if direction == "outbound" else ours,
        sent_by_id=sent_by.id if sent_by else None,
        error_code="30003" if error_message else None,
        error_message=error_message,
    )
    _db.session.add(message)
    if commit:
        _db.session.commit()
    return message


def bubble(html: str, message_id: int) -> str:
    """The markup of one message in the conversation (its ``<li>``)."""
    found = re.search(rf'<li id="message-{message_id}" class="([^"]*)">(.*?)\n</li>', html, re.S)
    assert found, f"message {message_id} is not shown"
    return found.group(0)


def bubble_side(html: str, message_id: int) -> str:
    """Which side the message sits on: "message-in" (left) or "message-out" (right)."""
    classes = re.search(rf'<li id="message-{message_id}" class="([^"]*)"', html).group(1)
    return classes.split()[1]


def shown_message_ids(html: str) -> list[int]:
    """The messages listed, top to bottom."""
    return [int(n) for n in re.findall(r'<li id="message-(\d+)"', html)]


def messages_of(contact: Contact) -> list[Message]:
    """The contact's messages as stored, oldest first."""
    _db.session.expire_all()
    stmt = select(Message).where(Message.contact_id == contact.id).order_by(Message.id)
    return list(_db.session.scalars(stmt))


def conversation_html(client, contact: Contact) -> str:
    """The conversation section of the contact's page, as the signed-in client sees it."""
    return section(client.get(f"/contacts/{contact.id}?open=conversation").text, "conversation")
