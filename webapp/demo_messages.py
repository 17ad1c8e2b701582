"""The messaging side of the demo firm: templates, conversations and a few unmatched messages.

Messages are sent through the real path (services, the real ``twilio`` client) to a fake Twilio
started just for the seeding, and Twilio's callbacks and replies go through the same services
as the webhooks. Only their times are then moved into the past, so the history reads naturally.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from webapp import access
from webapp.extensions import db
from webapp.messaging.fake_twilio import Failure, FakeTwilio, start_in_thread
from webapp.models import Contact, Message, RelationshipProfile
from webapp.services import inbound_messages, message_templates, messages
from webapp.services.calendar import now
from webapp.services.errors import ProviderFailed

TEMPLATES = {
    "Birthday wishes": "Happy birthday, {preferred_name}! Wishing you a wonderful year ahead. 🎉",
    "Congratulations": "Congratulations on {event_title}, {preferred_name}! Well deserved.",
    "Quarterly check-in": "Hi {first_name}, have you got 20 minutes next week to catch up on "
    "how things are going at {company_name}?",
    "Thank you": "Thank you for your time today, {preferred_name}. Speak soon.",
}
OPENERS = (
    "Hi {name}, lovely to see you at the dinner last week. Are we still on for lunch?",
    "Hi {name}, quick one: could you send over the board pack when you have a moment?",
    "Morning {name}! Congratulations on the news, well deserved.",
    "Hi {name}, I have sent the proposal by email. Happy to talk it through.",
)
REPLIES = (
    "Thanks! Yes, Thursday works for me.",
    "Will do, I will send it this afternoon.",
    "Thank you so much, that means a lot 😊",
    "Got it, let me read it tonight and come back to you.",
)
FOLLOW_UPS = ("Perfect, see you then.", "Great, thank you!", "Speak soon.")
UNMATCHED = (("+447911000111", "Hi, is this Sam? It's Priya from the conference."),)
CONVERSATIONS = 8

TWILIO_SETTINGS = {
    "TWILIO_ACCOUNT_SID": "ACdemo000000000000000000000000000",
    "TWILIO_AUTH_TOKEN": "demo-seeding-token",
    "TWILIO_SMS_FROM": "+15005550006",
    "TWILIO_WHATSAPP_FROM": "+14155238886",
    "TWILIO_ENABLED": True,
}


@contextmanager
def _fake_twilio():
    """A fake Twilio for the seeding alone, whatever Twilio the app is configured with."""
    config = current_app.config
    saved = {key: config.get(key) for key in (*TWILIO_SETTINGS, "TWILIO_API_BASE_URL")}
    fake = FakeTwilio(TWILIO_SETTINGS["TWILIO_ACCOUNT_SID"], TWILIO_SETTINGS["TWILIO_AUTH_TOKEN"])
    running = start_in_thread(fake)
    config.update(TWILIO_SETTINGS, TWILIO_API_BASE_URL=running.url)
    try:
        yield fake
    finally:
        config.update(saved)
        running.stop()


def _seed_templates(actor) -> None:
    for name, body in TEMPLATES.items():
        message_templates.create_template(actor, {"name": name, "body": body})


def _reply(message: Message, body: str) -> Message:
    """The contact answers, as Twilio's inbound webhook would tell us."""
    fields = {
        "MessageSid": f"SMdemo{message.id:026d}",
        "From": ("whatsapp:" if message.channel == "whatsapp" else "") + message.to_number,
        "To": message.from_number,
        "Body": body,
    }
    return inbound_messages.receive(fields)


def _status(message: Message, status: str) -> None:
    inbound_messages.record_status_callback(
        {"MessageSid": message.provider_sid, "MessageStatus": status}
    )


def _conversation(contact: Contact, profile: RelationshipProfile, rng: random.Random) -> list:
    """A short exchange: our message, their reply, perhaps our follow-up."""
    actor = access.actor_for_user(contact.owner)
    channel = "whatsapp" if rng.random() < 0.6 else "sms"
    name = profile.preferred_name or contact.first_name
    opener = rng.choice(OPENERS).format(name=name)
    sent = messages.send_message(actor, contact.id, {"channel": channel, "body": opener})
    _status(sent, "delivered")
    if channel == "whatsapp":
        _status(sent, "read")
    thread = [sent, _reply(sent, rng.choice(REPLIES))]
    if rng.random() < 0.5:
        follow_up = messages.send_message(
            actor, contact.id, {"channel": channel, "body": rng.choice(FOLLOW_UPS)}
        )
        _status(follow_up, "delivered")
        thread.append(follow_up)
    return thread


def _failed(fake: FakeTwilio, contact: Contact) -> Message:
    """One message the carrier refused, so the page shows a failure and its Retry button."""
    actor = access.actor_for_user(contact.owner)
    fake.fail_next(Failure(400, 30007, "Message filtered by the carrier."))
    try:
        messages.send_message(
            actor, contact.id, {"channel": "sms", "body": "Are you free for a call?"}
        )
    except ProviderFailed:
        pass
    return db.session.scalar(
        select(Message).where(Message.contact_id == contact.id).order_by(Message.id.desc())
    )


def _back_date(thread: list[Message], days_ago: float) -> None:
    """Spread a conversation over the past days (demo data only: real messages keep real times)."""
    day = now() - timedelta(days=days_ago)
    start = day.replace(hour=9 + int(days_ago * 3) % 8, minute=int(days_ago * 37) % 60)
    for index, message in enumerate(thread):
        when = start + timedelta(minutes=7 * index)
        db.session.execute(
            update(Message)
            .where(Message.id == message.id)
            .values(created_at=when, updated_at=when, status_changed_at=when)
        )


def _messaging_contacts(limit: int) -> list[tuple[Contact, RelationshipProfile]]:
    stmt = (
        select(Contact, RelationshipProfile)
        .join(RelationshipProfile, RelationshipProfile.contact_id == Contact.id)
        .where(RelationshipProfile.twilio_opt_in.is_(True))
        .where(RelationshipProfile.phone_number.is_not(None))
        .order_by(Contact.id)
        .limit(limit)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def seed_messages(admin, rng: random.Random) -> int:
    """Templates, conversations with opted-in contacts, a failure, and an unmatched message."""
    _seed_templates(access.actor_for_user(admin))
    people = _messaging_contacts(CONVERSATIONS + 1)
    with _fake_twilio() as fake:
        for index, (contact, profile) in enumerate(people[:CONVERSATIONS]):
            _back_date(_conversation(contact, profile, rng), days_ago=1 + index * 1.7)
        if len(people) > CONVERSATIONS:
            _back_date([_failed(fake, people[CONVERSATIONS][0])], days_ago=0.2)
    for number, body in UNMATCHED:
        inbound_messages.receive(
            {"MessageSid": "SMdemounmatched0001", "From": number, "Body": body}
        )
    db.session.flush()
    return db.session.scalar(select(db.func.count(Message.id)))
