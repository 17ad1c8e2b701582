"""Shared builders for the messaging tests: opted-in contacts, paths, signed Twilio webhooks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from tests.api.relationship_helpers import client_contact
from webapp.extensions import db as _db
from webapp.messaging import fake_twilio
from webapp.messaging.settings import INBOUND_PATH, STATUS_CALLBACK_PATH
from webapp.models import AuditEvent, Contact, Message, RelationshipProfile

if TYPE_CHECKING:
    from flask import Response
    from flask.testing import FlaskClient

    from webapp.models import User

# Numbers the ``phonenumbers`` library accepts, in E.164.
ADA_MOBILE = "+447911123456"
ADA_WHATSAPP = "+447911654321"
US_MOBILE = "+14155552671"
# The Twilio account and senders of the tests (TWILIO_TEST_CONFIG in tests/conftest.py).
ACCOUNT_SID = "ACtest0000000000000000000000000000"
AUTH_TOKEN = "test-auth-token"
SMS_FROM = "+15005550006"
WHATSAPP_FROM = "+14155238886"
# Twilio signs a webhook over the URL it called: our PUBLIC_BASE_URL plus the path.
PUBLIC_BASE_URL = "http://localhost"
HELLO = {"channel": "sms", "body": "Hello Ada, happy birthday!"}


def messages_path(contact_id: int) -> str:
    return f"/api/relationships/contacts/{contact_id}/messages"


# Records


def opted_in_contact(
    owner: User | None,
    first_name: str = "Ada",
    last_name: str = "Lovelace",
    *,
    phone: str | None = ADA_MOBILE,
    whatsapp: str | None = None,
    opt_in: bool = True,
    email: str | None = None,
) -> Contact:
    """A contact whose relationship profile has these numbers and consent; committed."""
    contact = client_contact(owner, first_name, last_name, email=email)
    _db.session.flush()
    _db.session.add(
        RelationshipProfile(
            contact_id=contact.id,
            phone_number=phone,
            whatsapp_number=whatsapp,
            twilio_opt_in=opt_in,
        )
    )
    _db.session.commit()
    return contact


def send(api, contact: Contact, key: str | None = None, **values: Any) -> Response:
    """POST a message (the SMS ``HELLO``, changed by ``values``) to the contact, as ``api``."""
    headers = {"Idempotency-Key": key} if key is not None else {}
    return api.post(messages_path(contact.id), json=HELLO | values, headers=headers)


def sent_message(api, contact: Contact, **values: Any) -> dict:
    """The JSON of a message sent successfully (201)."""
    response = send(api, contact, **values)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["message"]


# Reading back


def stored_messages(db, contact_id: int | None = None) -> list[Message]:
    """Every message row (of one contact, if given), oldest first."""
    db.session.expire_all()
    stmt = select(Message).order_by(Message.id)
    if contact_id is not None:
        stmt = stmt.where(Message.contact_id == contact_id)
    return list(db.session.scalars(stmt))


def message_count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Message)) or 0


def message_row(db, message_id: int | str) -> Message:
    db.session.expire_all()
    return db.session.get(Message, int(message_id))


def profile_row(db, contact: Contact) -> RelationshipProfile:
    db.session.expire_all()
    stmt = select(RelationshipProfile).where(RelationshipProfile.contact_id == contact.id)
    return db.session.scalars(stmt).one()


def audit_actions(db, object_type: str, object_id: int) -> list[str]:
    """The audit trail of one record: its actions, oldest first."""
    stmt = select(AuditEvent.action).where(
        AuditEvent.object_type == object_type, AuditEvent.object_id == object_id
    )
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


# Twilio's webhooks, signed as Twilio signs them


def signature(path: str, fields: dict, token: str = AUTH_TOKEN, base: str = PUBLIC_BASE_URL) -> str:
    """The X-Twilio-Signature Twilio sends with ``fields`` posted to ``base + path``."""
    return RequestValidator(token).compute_signature(base + path, fields)


def post_webhook(
    client: FlaskClient, path: str, fields: dict, signed: str | None = "valid"
) -> Response:
    """POST form ``fields`` to ``path``; ``signed`` is "valid", a signature to send, or None."""
    headers = {}
    if signed == "valid":
        headers["X-Twilio-Signature"] = signature(path, fields)
    elif signed is not None:
        headers["X-Twilio-Signature"] = signed
    return client.post(path, data=fields, headers=headers)


def status_fields(sid: str, status: str, error_code: str | None = None) -> dict:
    """A delivery status callback as Twilio posts it."""
    fields = {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": ACCOUNT_SID,
        "MessageStatus": status,
        "SmsStatus": status,
        "From": SMS_FROM,
        "To": ADA_MOBILE,
        "ApiVersion": "2010-04-01",
    }
    if error_code:
        fields["ErrorCode"] = error_code
    return fields


def inbound_fields(
    from_address: str,
    body: str,
    *,
    sid: str = "SM00000000000000000000000000000001",
    to_address: str = SMS_FROM,
    media_urls: tuple[str, ...] = (),
) -> dict:
    """An inbound message as Twilio posts it (``from_address`` may be ``whatsapp:+...``)."""
    return fake_twilio.inbound_fields(ACCOUNT_SID, sid, from_address, to_address, body, media_urls)


def post_status(client: FlaskClient, sid: str, status: str, error_code: str | None = None):
    """A validly signed status callback for ``sid``."""
    return post_webhook(client, STATUS_CALLBACK_PATH, status_fields(sid, status, error_code))


def post_inbound(client: FlaskClient, from_address: str, body: str, **fields: Any) -> Response:
    """A validly signed inbound message; its answer must be Twilio's empty TwiML."""
    response = post_webhook(client, INBOUND_PATH, inbound_fields(from_address, body, **fields))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response
