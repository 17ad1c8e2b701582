"""Reference 002: a contact's messages, and sending one through Twilio."""

from __future__ import annotations

from flask import jsonify, request

from webapp import access
from webapp.api import api, schemas
from webapp.api.documenting import QueryParam, documented
from webapp.api.inputs import json_body
from webapp.api.pagination import api_page
from webapp.api.serializers import message_json
from webapp.guards import permission_required, signed_in_actor
from webapp.services import messages

MESSAGES = "/relationships/contacts/<int:contact_id>/messages"
DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 500
PAGING = (
    QueryParam("page", {"type": "integer", "minimum": 1}, "Page number, from 1"),
    QueryParam(
        "per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, "Default 100"
    ),
)
SEND_ERRORS = {
    400: "A field is missing or invalid (named in details.fields), or no phone number on record",
    403: "The contact has not opted in (twilio_opt_in), or the key lacks the permission",
    409: "The Idempotency-Key was used for another message, or the linked action is closed",
    500: "Twilio is not configured",
    502: "Twilio refused the message or could not be reached; it is kept as failed",
    503: "Twilio is disabled",
}


@api.get(MESSAGES)
@permission_required(access.RELATIONSHIPS_VIEW)
@documented(
    "The contact's messages, inbound and outbound, most recent first",
    schemas.MessageList,
    query=PAGING,
)
def list_messages(contact_id: int):
    stmt = messages.messages_query(signed_in_actor(), contact_id)
    listed = api_page(
        stmt, "api.list_messages", DEFAULT_PER_PAGE, MAX_PER_PAGE, contact_id=contact_id
    )
    return jsonify(
        {
            "messages": [message_json(message) for message in listed.items],
            "meta": listed.meta,
            "links": listed.links,
        }
    )


@api.post(MESSAGES)
@permission_required(access.RELATIONSHIPS_UPDATE)
@documented(
    "Send an SMS, WhatsApp or MMS message through Twilio. An Idempotency-Key header makes a "
    "retried request answer as the first did, without sending twice",
    schemas.MessageResponse,
    status=201,
    body=schemas.MessageSend,
    errors=SEND_ERRORS,
)
def send_message(contact_id: int):
    values = json_body(schemas.MessageSend)
    message = messages.send_message(
        signed_in_actor(), contact_id, values, request.headers.get("Idempotency-Key")
    )
    return jsonify({"message": message_json(message)}), 201
