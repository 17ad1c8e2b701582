"""Twilio's webhooks: delivery status callbacks and inbound messages, each signature-checked.

Twilio signs every request with the account's auth token over the URL it called and the
form fields it sent. That URL is ours as Twilio sees it: ``PUBLIC_BASE_URL`` plus the path.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from twilio.request_validator import SIGNATURE_HEADER, RequestValidator

from webapp.extensions import csrf, limiter
from webapp.messaging.settings import INBOUND_PATH, STATUS_CALLBACK_PATH, public_url
from webapp.services import inbound_messages
from webapp.services.errors import PermissionDenied

bp = Blueprint("twilio_webhooks", __name__)
csrf.exempt(bp)  # Twilio signs its requests; it has no session or CSRF token
limiter.exempt(bp)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def signed_url() -> str:
    """The URL Twilio called, as it signed it."""
    path = request.full_path.rstrip("?")
    if current_app.config.get("PUBLIC_BASE_URL"):
        return public_url(current_app.config, path)
    return request.url


@bp.before_request
def verify_signature():
    """Anything not signed by Twilio with our auth token is refused with a 403."""
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not token or not signature:
        raise PermissionDenied("Missing Twilio signature.", code="invalid_signature")
    if not RequestValidator(token).validate(signed_url(), request.form, signature):
        raise PermissionDenied("Invalid Twilio signature.", code="invalid_signature")


@bp.post(STATUS_CALLBACK_PATH)
def status_callback():
    """Twilio reports a message's progress: sent, delivered, read, undelivered, failed."""
    inbound_messages.record_status_callback(request.form, request.args.get("message_id"))
    return Response(status=204)


@bp.post(INBOUND_PATH)
def inbound():
    """A contact wrote to one of our numbers (SMS, MMS or WhatsApp)."""
    inbound_messages.receive(request.form)
    return Response(EMPTY_TWIML, mimetype="text/xml")
