"""What Twilio tells us: delivery status callbacks, inbound messages, opt-out and opt-in words.

These run on Twilio's webhooks, with no user behind them: the audit trail records them with no
actor. Each is safe to receive twice (Twilio retries), so a replayed webhook changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from webapp import access
from webapp.extensions import db
from webapp.messaging.gateway import WHATSAPP_PREFIX
from webapp.models import Contact, ContactPhone, Message, RelationshipProfile
from webapp.services import calendar, touches, unanswered_sends
from webapp.services.audit import apply_changes, record_event
from webapp.services.errors import Conflict, NotFound
from webapp.services.message_status import advance_status
from webapp.services.profiles import profile_of
from webapp.services.validation import normalise_phone

if TYPE_CHECKING:
    from webapp.access import Actor

log = logging.getLogger(__name__)

# Twilio's standard opt-out and opt-in keywords: the whole message, any case.
OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"}
)
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})
MAX_MEDIA = 10


def record_status_callback(
    params: Mapping[str, str], message_id: str | None = None
) -> Message | None:
    """Apply a delivery status callback; an unknown sid or a step backwards changes nothing.

    ``message_id`` (from the callback address) names our message: one we never heard back
    about is claimed by its first callback (``unanswered_sends``).
    """
    sid = params.get("MessageSid") or params.get("SmsSid")
    message = db.session.scalar(select(Message).where(Message.provider_sid == sid)) if sid else None
    status = params.get("MessageStatus") or params.get("SmsStatus") or ""
    error_code = params.get("ErrorCode") or None
    error_message = params.get("ErrorMessage") or (
        f"Twilio error {error_code}" if error_code else None
    )
    if message is None and sid:
        message = unanswered_sends.unanswered(message_id)
        if message is not None:
            unanswered_sends.claim(message, sid, status, error_code and (error_code, error_message))
            return message
    if message is None:
        log.info("Status callback for unknown message %s", sid)
        return None
    before = message.status
    if advance_status(message, status, error_code=error_code, error_message=error_message):
        record_event(
            None,
            "status",
            "message",
            message.id,
            {"status": {"before": before, "after": message.status}, "error_code": error_code},
        )
        if message.contact is not None and message.status in touches.FAILED_MESSAGE_STATUSES:
            touches.refresh(message.contact)  # a message that never arrived was no touch
    return message


def _address(raw: str | None) -> tuple[str, str | None]:
    """(channel, E.164 number) from a Twilio address such as ``whatsapp:+447700900123``."""
    raw = (raw or "").strip()
    channel = "whatsapp" if raw.lower().startswith(WHATSAPP_PREFIX) else "sms"
    number = raw[len(WHATSAPP_PREFIX) :] if channel == "whatsapp" else raw
    try:
        return channel, normalise_phone(number)
    except ValueError:
        return channel, number or None


def _media_urls(params: Mapping[str, str]) -> list[str]:
    try:
        count = min(int(params.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError:
        count = 0
    return [params[f"MediaUrl{i}"] for i in range(count) if params.get(f"MediaUrl{i}")]


def match_contact(number: str | None, channel: str) -> Contact | None:
    """The one contact this number belongs to; several or none is ``None`` (an admin decides).

    Several contacts sharing a number (a switchboard) resolve to the one we last wrote to there.
    """
    if not number:
        return None
    profile_numbers = [RelationshipProfile.phone_number == number]
    if channel == "whatsapp":
        profile_numbers.append(RelationshipProfile.whatsapp_number == number)
    by_profile = select(RelationshipProfile.contact_id).where(or_(*profile_numbers))
    by_phone = select(ContactPhone.contact_id).where(ContactPhone.number == number)
    ids = set(db.session.scalars(by_profile)) | set(db.session.scalars(by_phone))
    if len(ids) == 1:
        return db.session.get(Contact, ids.pop())
    if not ids:
        return None
    last_written = db.session.scalar(
        select(Message.contact_id)
        .where(Message.contact_id.in_(ids), Message.to_number == number)
        .order_by(Message.created_at.desc())
        .limit(1)
    )
    return db.session.get(Contact, last_written) if last_written else None


def receive(params: Mapping[str, str]) -> Message:
    """Store an inbound message (once, however often Twilio sends it) and apply STOP / START."""
    sid = params.get("MessageSid") or params.get("SmsSid")
    if sid:
        earlier = db.session.scalar(select(Message).where(Message.provider_sid == sid))
        if earlier is not None:
            return earlier
    channel, from_number = _address(params.get("From"))
    media = _media_urls(params)
    contact = match_contact(from_number, channel)
    message = Message(
        contact_id=contact.id if contact else None,
        channel="mms" if media and channel == "sms" else channel,
        direction="inbound",
        body=(params.get("Body") or "")[:5000],
        media_urls=media,
        status="received",
        status_changed_at=calendar.now(),
        from_number=from_number,
        to_number=_address(params.get("To"))[1],
        provider_sid=sid or None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:  # the same webhook, delivered twice at once
        return db.session.scalar(select(Message).where(Message.provider_sid == sid))
    record_event(None, "receive", "message", message.id, {"from_number": {"after": from_number}})
    if contact is not None:
        apply_consent_word(None, contact, message)
    return message


def consent_word(body: str) -> bool | None:
    """``False`` for an opt-out word, ``True`` for an opt-in word, else ``None``."""
    word = body.strip().upper()
    if word in OPT_OUT_WORDS:
        return False
    if word in OPT_IN_WORDS:
        return True
    return None


def apply_consent_word(actor: Actor | None, contact: Contact, message: Message) -> None:
    """STOP and its kin opt the contact out of messages; START opts them back in. Audited."""
    opt_in = consent_word(message.body)
    if opt_in is None:
        return
    profile = profile_of(actor, contact)
    changes = apply_changes(profile, {"twilio_opt_in": opt_in})
    if changes:
        db.session.flush()
        changes["via_message_id"] = message.id
        action = "opt_in" if opt_in else "opt_out"
        record_event(actor, action, "relationship_profile", profile.id, changes)


def unmatched_query():
    """Inbound messages from numbers no contact has, newest first."""
    return (
        select(Message)
        .where(Message.contact_id.is_(None), Message.direction == "inbound")
        .order_by(Message.created_at.desc(), Message.id.desc())
    )


def assign_unmatched(actor: Actor, message_id: int, contact_id: int) -> Message:
    """An admin files an unmatched inbound message under a contact (and applies STOP / START)."""
    access.require(actor, access.ADMIN)
    message = db.session.get(Message, message_id)
    if message is None or message.direction != "inbound":
        raise NotFound(f"No inbound message with id {message_id}.")
    if message.contact_id is not None:
        raise Conflict("This message already belongs to a contact.", code="already_assigned")
    contact = access.get_or_404(actor, Contact, contact_id, access.RELATIONSHIPS_UPDATE)
    message.contact_id = contact.id
    db.session.flush()
    record_event(actor, "assign", "message", message.id, {"contact_id": {"after": contact.id}})
    apply_consent_word(actor, contact, message)
    return message
