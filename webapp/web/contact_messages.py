"""The contact page's Conversation section: messages like a messaging app, and the composer.

Like the other sections, every route answers htmx with the whole section and a plain request
with the contact page (after a send, a redirect to it). Field errors come back with 422; a
refused or failed send (not opted in, no number, Twilio not configured or switched off, Twilio's
own refusal: 502) comes back as the section with the reason, under its own status and marked
with ``X-Rapport-Section`` so that htmx swaps it anyway (static/app.js). The message list polls
on its own, so what the user is typing in the composer is never replaced.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from flask import Blueprint, current_app, make_response, redirect, render_template, request
from sqlalchemy import func, select

from webapp import access
from webapp.extensions import db
from webapp.guards import permission_required, signed_in_actor
from webapp.messaging.settings import configured_channels, twilio_configured, twilio_enabled
from webapp.models import Contact, Message, RelationshipAction
from webapp.services import message_templates, messages
from webapp.services.calendar import today_in
from webapp.services.errors import (
    Conflict,
    NoPhoneNumber,
    NotFound,
    NotOptedIn,
    ProviderFailed,
    TwilioDisabled,
    TwilioNotConfigured,
    ValidationFailed,
)
from webapp.services.profiles import find_profile
from webapp.services.validation import positive_int
from webapp.web.contact_relationships import add_trigger
from webapp.web.contact_sections import ACTIONS_CHANGED, TOUCHES_CHANGED, builds, page_url
from webapp.web.contacts import contact_page, life_event_rows
from webapp.web.forms.messages import CHANNEL_NAMES, MessageForm
from webapp.web.listing import section_fragment, wants_fragment

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from webapp.access import Actor
    from webapp.models import MessageTemplate, RelationshipProfile

bp = Blueprint("contact_messages", __name__, url_prefix="/contacts/<int:contact_id>")

ANCHOR = "conversation"
CONVERSATION_LENGTH = 50
# A send the service refused, or Twilio did: shown as an alert in the section.
SEND_REFUSALS = (
    NotOptedIn,
    NoPhoneNumber,
    TwilioNotConfigured,
    TwilioDisabled,
    ProviderFailed,
    Conflict,
)


@dataclass(frozen=True)
class Composer:
    """What the composer offers; no ``form`` when nothing can be sent (``blocked`` says why)."""

    form: MessageForm | None
    blocked: str | None
    action: RelationshipAction | None
    templates: list[MessageTemplate]


@dataclass(frozen=True)
class Conversation:
    """Everything the section shows. ``composer`` is None for read-only viewers."""

    contact: Contact
    messages: list[Message]
    version: str
    total: int
    composer: Composer | None
    may_retry: bool
    alert: str | None = None
    focus: str | None = None

    channel_names: ClassVar[dict[str, str]] = CHANNEL_NAMES
    body_limits: ClassVar[dict[str, int]] = messages.MAX_BODY


# --- reading --------------------------------------------------------------------------------------


def conversation_version(contact_id: int) -> tuple[str, int]:
    """A token that changes whenever a message of the contact arrives or changes status, and how
    many messages there are (one query).

    Statuses only move forward, so the sum of their ranks grows with every callback, even when the
    clock does not. The token starts with the latest message id (to tell which ones are new).
    """
    count, last_id, ranks, updated = db.session.execute(
        select(
            func.count(Message.id),
            func.max(Message.id),
            func.sum(Message.status_rank),
            func.max(Message.updated_at),
        ).where(Message.contact_id == contact_id)
    ).one()
    digest = hashlib.sha256(f"{count}|{ranks}|{updated}".encode()).hexdigest()[:16]
    return f"{last_id or 0}-{digest}", count


def last_seen_id(version: str | None) -> int | None:
    """The latest message id a client's version token says it has seen (None if unreadable)."""
    seen = (version or "").partition("-")[0]
    return 0 if seen == "0" else positive_int(seen)


def _pending_action(actor: Actor, contact_id: int, raw_id: Any) -> RelationshipAction | None:
    """The pending action of this contact, in the actor's scope, that a message is for."""
    action_id = positive_int(str(raw_id)) if raw_id else None
    if action_id is None:
        return None
    stmt = select(RelationshipAction).where(
        RelationshipAction.id == action_id,
        RelationshipAction.contact_id == contact_id,
        RelationshipAction.status == "pending",
    )
    return db.session.scalar(access.scope_actions(actor, stmt, RelationshipAction.assigned_to_id))


def _why_blocked(profile: RelationshipProfile | None) -> str:
    """Why no channel is offered, checked in the service's order."""
    config = current_app.config
    if profile is None or not profile.twilio_opt_in:
        return "not_opted_in"
    if not messages.receivable_channels(profile):
        return "no_number"
    if not twilio_configured(config):
        return "not_configured"
    if not twilio_enabled(config):
        return "disabled"
    return "no_sender"


def _may_send(actor: Actor, contact: Contact) -> bool:
    """Whether the viewer may write to the contact here (retries included)."""
    return not contact.is_archived and access.can(actor, access.RELATIONSHIPS_UPDATE)


def _composer(
    actor: Actor,
    contact: Contact,
    form: MessageForm | None = None,
    action: RelationshipAction | None = None,
    last_channel: str | None = None,
) -> Composer | None:
    """The composer, offering the channels the contact receives and Twilio can send on."""
    if not _may_send(actor, contact):
        return None
    if form is not None and action is None:
        action = _pending_action(actor, contact.id, form.auto_action_id.data)
        if action is None:  # closed meanwhile: what is typed can still go as a plain message
            form.auto_action_id.data = ""
    profile = find_profile(contact.id)
    sendable = configured_channels(current_app.config)
    channels = tuple(c for c in messages.receivable_channels(profile) if c in sendable)
    if not channels:
        return Composer(None, _why_blocked(profile), action, [])
    form = form if form is not None else MessageForm.blank(action)
    form.offer(channels, profile, action, last_channel)
    form.stamp()
    return Composer(form, None, action, message_templates.list_templates())


def build_conversation(actor: Actor, contact: Contact, **shown: Any) -> Conversation:
    """The section for ``contact``: the latest messages, oldest first, and the composer.

    ``shown`` may hold ``form`` or ``action`` (for the composer), ``alert`` and ``focus``.
    """
    listed = messages.conversation(actor, contact.id, CONVERSATION_LENGTH)
    last_channel = listed[-1].channel if listed else None
    composer = _composer(
        actor, contact, shown.pop("form", None), shown.pop("action", None), last_channel
    )
    version, total = conversation_version(contact.id)
    return Conversation(
        contact=contact,
        messages=listed,
        version=version,
        total=total,
        composer=composer,
        may_retry=_may_send(actor, contact),
        **shown,
    )


@builds("conversation")
def conversation_for_page(actor: Actor, contact: Contact, args) -> dict[str, Any]:
    """The section as the contact page opens it; ``compose_for`` (an action id) opens the
    composer for that action."""
    action = _pending_action(actor, contact.id, args.get("compose_for"))
    focus = "composer" if action else None
    return {"conversation": build_conversation(actor, contact, action=action, focus=focus)}


# --- answering ------------------------------------------------------------------------------------


def _page_url(contact_id: int, **args: Any) -> str:
    return page_url(contact_id, ANCHOR, **args)


def _answer(
    actor: Actor, contact_id: int, *, status: int = 200, trigger: str | None = None, **shown: Any
) -> Response:
    """htmx gets the section; a plain request a redirect to the page, or the page with the error."""
    contact = access.get_or_404(actor, Contact, contact_id, access.RELATIONSHIPS_VIEW)
    conversation = build_conversation(actor, contact, **shown)
    if wants_fragment():
        html = render_template("contacts/_conversation.html", conversation=conversation)
        response = section_fragment(html, status, ANCHOR)
        if trigger:
            add_trigger(response, trigger)
    elif status < 400:
        response = redirect(_page_url(contact_id), 303)
    else:
        response = make_response(contact_page(contact_id, status, conversation=conversation))
    response.vary.add("HX-Request")
    return response


def _completes_action(message: Message) -> str:
    """A message is a touch (the timeline reloads); for an action it closed it (so do Actions)."""
    if message.relationship_action_id:
        return f"{ACTIONS_CHANGED}, {TOUCHES_CHANGED}"
    return TOUCHES_CHANGED


# --- routes ---------------------------------------------------------------------------------------


@bp.get("/conversation")
@permission_required(access.RELATIONSHIPS_VIEW)
def section(contact_id: int) -> Response:
    """The section; ``compose_for`` opens the composer for one of the contact's actions."""
    actor = signed_in_actor()
    compose_for = positive_int(request.args.get("compose_for"))
    if not wants_fragment():
        return redirect(_page_url(contact_id, compose_for=compose_for), 303)
    action = _pending_action(actor, contact_id, compose_for)
    focus = "composer" if action or request.args.get("focus") == "composer" else None
    return _answer(actor, contact_id, action=action, focus=focus)


@bp.get("/messages")
@permission_required(access.RELATIONSHIPS_VIEW)
def message_list(contact_id: int) -> Response:
    """The message list alone, polled: 204 while nothing changed since the client's ``version``."""
    actor = signed_in_actor()
    contact = access.get_or_404(actor, Contact, contact_id, access.RELATIONSHIPS_VIEW)
    if not wants_fragment():
        return redirect(_page_url(contact_id), 303)
    seen = request.args.get("version")
    version, total = conversation_version(contact.id)
    if seen == version:
        response = make_response("", 204)
    else:
        listed = messages.conversation(actor, contact.id, CONVERSATION_LENGTH)
        conversation = Conversation(
            contact=contact,
            messages=listed,
            version=version,
            total=total,
            composer=None,
            may_retry=_may_send(actor, contact),
        )
        seen_id = last_seen_id(seen)
        arrived = (
            [] if seen_id is None else [m for m in listed if m.id > seen_id and not m.is_outbound]
        )
        response = make_response(
            render_template("contacts/_messages.html", conversation=conversation, arrived=arrived)
        )
    response.vary.add("HX-Request")
    return response


@bp.post("/messages")
@permission_required(access.RELATIONSHIPS_UPDATE)
def send(contact_id: int) -> Response:
    """Send the composer's message; a successful send for an action marks it done."""
    actor = signed_in_actor()
    form = MessageForm()
    key = (form.idempotency_key.data or "").strip() or None
    try:
        message = messages.send_message(actor, contact_id, form.to_values(), key)
    except ValidationFailed as error:
        form.show_errors(error.fields, error.message)
        return _answer(actor, contact_id, status=422, form=form)
    except ProviderFailed as error:
        # Kept as a failed message (with Retry) in the list: the composer starts afresh.
        alert = f"Not sent: {error.message} The message is kept below; Retry sends it again."
        return _answer(actor, contact_id, status=error.status, form=form.next(), alert=alert)
    except SEND_REFUSALS as error:
        return _answer(actor, contact_id, status=error.status, form=form, alert=error.message)
    trigger = _completes_action(message)
    return _answer(actor, contact_id, trigger=trigger, form=form.next(), focus="composer")


@bp.post("/messages/<int:message_id>/retry")
@permission_required(access.RELATIONSHIPS_UPDATE)
def retry(contact_id: int, message_id: int) -> Response:
    """Send a failed message again; if it fails again, say why."""
    actor = signed_in_actor()
    try:
        message = messages.retry_message(actor, contact_id, message_id)
    except SEND_REFUSALS as error:
        return _answer(
            actor, contact_id, status=error.status, alert=f"Not sent again: {error.message}"
        )
    return _answer(actor, contact_id, trigger=_completes_action(message), focus="messages")


def _event_title(actor: Actor, contact: Contact, action: RelationshipAction | None) -> str | None:
    """What ``{event_title}`` stands for: the action's title, else the next life event's."""
    if action is not None:
        return action.title
    rows = life_event_rows(contact.id, today_in(actor.user.timezone))
    return next((row.event.title for row in rows if row.next_on), None)


@bp.get("/messages/draft")
@permission_required(access.RELATIONSHIPS_UPDATE)
def draft(contact_id: int) -> str:
    """The composer's text box filled from ``template_id`` for this contact (and action)."""
    actor = signed_in_actor()
    contact = access.get_or_404(actor, Contact, contact_id, access.RELATIONSHIPS_UPDATE)
    template_id = positive_int(request.args.get("template_id"))
    if template_id is None:
        raise NotFound("Choose a message template.")
    template = message_templates.get_template(actor, template_id)
    action = _pending_action(actor, contact.id, request.args.get("message-auto_action_id"))
    text = message_templates.fill(template, contact, _event_title(actor, contact, action))
    form = MessageForm(formdata=None, data={"body": text})
    return render_template("contacts/_composer_body.html", f=form)
