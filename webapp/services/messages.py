"""Sending SMS, WhatsApp and MMS messages to contacts, and reading their conversations.

Sending is the one write that talks to the outside world, so it commits twice: the message is
saved as queued before Twilio is called (nothing is lost if the call fails or the process dies),
then Twilio's answer is saved together with the linked action's completion. Twilio is never
called inside an open transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from webapp import access
from webapp.extensions import db
from webapp.messaging import gateway
from webapp.messaging.settings import (
    STATUS_CALLBACK_PATH,
    public_url,
    sender_number,
    twilio_configured,
    twilio_enabled,
)
from webapp.models import MESSAGE_CHANNELS, Contact, Message, RelationshipAction
from webapp.services import calendar, field_rules, touches
from webapp.services.actions import close_action
from webapp.services.audit import record_event
from webapp.services.errors import (
    BadRequest,
    Conflict,
    NoPhoneNumber,
    NotFound,
    NotOptedIn,
    ProviderFailed,
    TwilioDisabled,
    TwilioNotConfigured,
)
from webapp.services.message_status import advance_status
from webapp.services.profiles import find_profile
from webapp.services.validation import FieldErrors, refuse_nul

if TYPE_CHECKING:
    from sqlalchemy import Select

    from webapp.access import Actor
    from webapp.models import RelationshipProfile

# Twilio's own limits: 1,600 characters for SMS and MMS, 4,096 for WhatsApp.
MAX_BODY = {"sms": 1600, "mms": 1600, "whatsapp": 4096}
MAX_MEDIA_URL = 1000
MAX_IDEMPOTENCY_KEY = 200
MESSAGE_FIELDS = ("channel", "body", "media_url", "auto_action_id")


@dataclass(frozen=True)
class Draft:
    """A message as asked for, its fields checked."""

    channel: str
    body: str
    media_url: str | None = None
    auto_action_id: int | None = None

    def matches(self, message: Message) -> bool:
        """Whether ``message`` was sent from this same request (for idempotent retries)."""
        return (
            message.channel == self.channel
            and message.body == self.body
            and message.media_url == self.media_url
            and message.relationship_action_id == self.auto_action_id
        )


def _media_url(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("Give the media's URL.")
    value = refuse_nul(value).strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise ValueError("Use a full http:// or https:// address.")
    if len(value) > MAX_MEDIA_URL:
        raise ValueError(f"Keep the URL under {MAX_MEDIA_URL} characters.")
    return value


def _body(value: Any, channel: str | None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("Write the message.")
    refuse_nul(value)
    limit = MAX_BODY.get(channel or "sms", MAX_BODY["sms"])
    if len(value) > limit:
        raise ValueError(f"Keep the message under {limit} characters.")
    return value.strip()


def read_draft(values: dict[str, Any]) -> Draft:
    """Check the fields of a message to send; every problem is a 400 naming its field."""
    errors = FieldErrors()
    for name in values.keys() - set(MESSAGE_FIELDS):
        errors.add(name, "This is not a message field.")
    channel = values.get("channel")
    if channel not in MESSAGE_CHANNELS:
        errors.add("channel", f"Choose one of: {', '.join(MESSAGE_CHANNELS)}.")
        channel = None
    checked: dict[str, Any] = {}
    readers = {
        "body": lambda v: _body(v, channel),
        "auto_action_id": field_rules.record_id,
    }
    media = values.get("media_url")
    if channel == "mms" or media not in (None, ""):
        readers["media_url"] = _media_url
    for name, reader in readers.items():
        checked[name] = errors.read(name, reader, values.get(name))
    if channel not in (None, "mms") and media not in (None, ""):
        errors.add("media_url", "Only MMS messages carry media; choose the mms channel.")
    if errors.fields:
        raise BadRequest("Check the message.", fields=errors.fields, code="invalid_message")
    return Draft(channel=channel, **checked)


def read_idempotency_key(raw: str | None) -> str | None:
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise BadRequest(
            f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} printable characters.",
            fields={"Idempotency-Key": ["Use a unique value per message, such as a UUID."]},
            code="invalid_idempotency_key",
        )
    return key


def recipient_number(profile: RelationshipProfile | None, channel: str) -> str | None:
    """Where ``channel`` reaches the contact: WhatsApp prefers its own number."""
    if profile is None:
        return None
    if channel == "whatsapp":
        return profile.whatsapp_number or profile.phone_number
    return profile.phone_number


def receivable_channels(profile: RelationshipProfile | None) -> tuple[str, ...]:
    """The channels the contact can receive on: opted in and a number for the channel."""
    if profile is None or not profile.twilio_opt_in:
        return ()
    return tuple(c for c in MESSAGE_CHANNELS if recipient_number(profile, c))


def _check_sendable(contact: Contact, channel: str) -> tuple[str, str]:
    """The checks of reference 002, in its order; returns (to, from) numbers."""
    profile = find_profile(contact.id)
    if profile is None or not profile.twilio_opt_in:
        raise NotOptedIn(f"{contact.full_name} has not opted in to messages.")
    to_number = recipient_number(profile, channel)
    if not to_number:
        raise NoPhoneNumber(f"{contact.full_name} has no phone number on record for {channel}.")
    config = current_app.config
    if not twilio_configured(config):
        raise TwilioNotConfigured("Twilio is not configured: set its account SID and auth token.")
    from_number = sender_number(config, channel)
    if not from_number:
        raise TwilioNotConfigured(f"No Twilio sender number is configured for {channel}.")
    if not twilio_enabled(config):
        raise TwilioDisabled("Sending through Twilio is switched off (TWILIO_ENABLED).")
    return to_number, from_number


def _linked_action(actor: Actor, contact: Contact, action_id: int | None):
    """The pending action this message completes, if one is named."""
    if action_id is None:
        return None
    stmt = select(RelationshipAction).where(
        RelationshipAction.id == action_id, RelationshipAction.contact_id == contact.id
    )
    action = db.session.scalar(access.scope_actions(actor, stmt, RelationshipAction.assigned_to_id))
    if action is None:
        raise BadRequest(
            "Check the message.",
            fields={"auto_action_id": [f"No action with id {action_id} for this contact."]},
            code="invalid_message",
        )
    if not action.is_pending:
        raise Conflict(f"The action “{action.title}” is already {action.status}.")
    return action


def _replay(message: Message, contact: Contact, draft: Draft) -> Message:
    """The answer already given to a request with this Idempotency-Key; nothing is sent again."""
    if message.contact_id != contact.id or not draft.matches(message):
        raise Conflict(
            "This Idempotency-Key was used for a different message.",
            code="idempotency_key_reused",
        )
    if message.status == "failed":
        raise _failure(message)
    return message


def _failure(message: Message) -> ProviderFailed:
    return ProviderFailed(
        message.error_message or "Twilio refused the message.",
        details={"message_id": str(message.id), "provider_error_code": message.error_code},
    )


def _earlier_send(actor: Actor, key: str | None) -> Message | None:
    if key is None:
        return None
    return db.session.scalar(
        select(Message).where(Message.sent_by_id == actor.user_id, Message.idempotency_key == key)
    )


def send_message(
    actor: Actor, contact_id: int, values: dict[str, Any], idempotency_key: str | None = None
) -> Message:
    """Send a message to a contact through Twilio; a failure there is a 502, kept as failed."""
    contact = access.get_or_404(actor, Contact, contact_id, access.RELATIONSHIPS_UPDATE)
    draft = read_draft(values)
    key = read_idempotency_key(idempotency_key)
    earlier = _earlier_send(actor, key)
    if earlier is not None:
        return _replay(earlier, contact, draft)
    to_number, from_number = _check_sendable(contact, draft.channel)
    action = _linked_action(actor, contact, draft.auto_action_id)
    message = Message(
        contact_id=contact.id,
        channel=draft.channel,
        direction="outbound",
        body=draft.body,
        media_urls=[draft.media_url] if draft.media_url else [],
        status="queued",
        status_changed_at=calendar.now(),
        to_number=to_number,
        from_number=from_number,
        sent_by_id=actor.user_id,
        relationship_action_id=action.id if action else None,
        idempotency_key=key,
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        # The same key, sent a moment ago by a concurrent request: answer as it was answered.
        return _replay(_earlier_send(actor, key), contact, draft)
    record_event(actor, "create", "message", message.id, _snapshot(message))
    db.session.commit()  # kept as queued whatever Twilio says
    return _deliver(actor, message)


def _snapshot(message: Message) -> dict:
    fields = ("contact_id", "channel", "body", "to_number", "relationship_action_id")
    return {name: {"before": None, "after": getattr(message, name)} for name in fields}


def _deliver(actor: Actor, message: Message) -> Message:
    """Hand the saved message to Twilio and save the answer (with the action's completion)."""
    outgoing = gateway.Outgoing(
        channel=message.channel,
        to_number=message.to_number,
        from_number=message.from_number,
        body=message.body,
        media_urls=tuple(message.media_urls or ()),
        # Naming the message lets a callback claim it if Twilio's answer never reaches us.
        status_callback=public_url(current_app.config, STATUS_CALLBACK_PATH)
        + f"?message_id={message.id}",
    )
    try:
        accepted = gateway.send(current_app.config, outgoing)
    except gateway.ProviderError as exc:
        advance_status(message, "failed", error_code=exc.code, error_message=exc.message[:500])
        record_event(
            actor,
            "failed",
            "message",
            message.id,
            {"error": {"code": exc.code, "message": exc.message}},
        )
        db.session.commit()
        raise _failure(message) from exc
    message.provider_sid = accepted.sid
    advance_status(message, accepted.status)
    record_event(actor, "sent", "message", message.id, {"provider_sid": {"after": accepted.sid}})
    action = message.relationship_action
    if action is not None and action.is_pending:
        close_action(actor, action, "done")
    touches.refresh(message.contact)
    db.session.commit()
    return message


def retry_message(actor: Actor, contact_id: int, message_id: int) -> Message:
    """Send a failed or undelivered outbound message again, to the contact's current number."""
    contact = access.get_or_404(actor, Contact, contact_id, access.RELATIONSHIPS_UPDATE)
    message = db.session.get(Message, message_id)
    if message is None or message.contact_id != contact.id:
        raise NotFound(f"No message with id {message_id} for contact {contact_id}.")
    if not message.can_retry:
        raise Conflict("Only a failed or undelivered message can be sent again.", code="not_failed")
    to_number, from_number = _check_sendable(contact, message.channel)
    previous = {"status": message.status, "error_code": message.error_code}
    message.status = "queued"
    message.status_changed_at = calendar.now()
    message.error_code = message.error_message = None
    message.to_number, message.from_number = to_number, from_number
    record_event(actor, "retry", "message", message.id, {"previous": previous})
    db.session.commit()
    return _deliver(actor, message)


def messages_query(actor: Actor, contact_id: int) -> Select:
    """The contact's messages, most recent first (reference 002)."""
    contact = access.get_or_404(actor, Contact, contact_id, access.RELATIONSHIPS_VIEW)
    return (
        select(Message)
        .where(Message.contact_id == contact.id)
        .options(joinedload(Message.sent_by))
        .order_by(Message.created_at.desc(), Message.id.desc())
    )


def conversation(actor: Actor, contact_id: int, limit: int = 50) -> list[Message]:
    """The latest ``limit`` messages, oldest first, as a conversation reads."""
    latest = list(db.session.scalars(messages_query(actor, contact_id).limit(limit)))
    return latest[::-1]
