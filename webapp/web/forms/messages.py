"""The Conversation section's composer: it shapes a message to send; the messages service judges it.

Field names are the service's own (``channel``, ``body``, ``media_url``, ``auto_action_id``), so
its field errors land next to the matching field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import uuid4

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from webapp.services.messages import MAX_BODY

if TYPE_CHECKING:
    from webapp.models import RelationshipAction, RelationshipProfile

CHANNEL_NAMES = {"sms": "SMS", "whatsapp": "WhatsApp", "mms": "MMS"}
# Where the service's field errors are shown; any other field's go above the form.
SHOWN_FIELDS = ("channel", "body", "media_url")


def _text(value: str | None) -> str | None:
    return value if value and value.strip() else None


class MessageForm(FlaskForm):
    """One message to the contact, on one of the channels the composer offers."""

    channel = RadioField("Send as", choices=[], validate_choice=False)
    body = TextAreaField("Message", render_kw={"rows": 3})
    media_url = StringField(
        "Media URL",
        description="A picture or file on a public https:// address; MMS sends it along.",
        render_kw={"type": "url", "inputmode": "url", "placeholder": "https://", "maxlength": 1000},
    )
    auto_action_id = HiddenField()
    idempotency_key = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="message", **kwargs)

    @classmethod
    def blank(cls, action: RelationshipAction | None = None) -> MessageForm:
        """An empty message, or one for ``action`` with its prepared text."""
        data: dict[str, Any] = {}
        if action is not None:
            data = {"body": action.message_body or "", "auto_action_id": str(action.id)}
        return cls(formdata=None, data=data)

    def next(self) -> MessageForm:
        """An empty composer after a send, on the channel just used."""
        return type(self)(formdata=None, data={"channel": self.channel.data})

    def offer(
        self,
        channels: tuple[str, ...],
        profile: RelationshipProfile | None,
        action: RelationshipAction | None,
        last_channel: str | None = None,
    ) -> None:
        """Offer ``channels``; keep a valid choice, else the action's, the conversation's last,
        the contact's preference, WhatsApp, the first."""
        self.channel.choices = [SelectChoice(c, CHANNEL_NAMES.get(c, c)) for c in channels]
        preferred = (
            self.channel.data,
            action.action_type if action is not None else None,
            last_channel,
            profile.communication_preference if profile is not None else None,
            "whatsapp",
        )
        self.channel.data = next((c for c in preferred if c in channels), channels[0])

    def stamp(self) -> None:
        """A fresh Idempotency key each time the composer is shown: one click, one message."""
        self.idempotency_key.data = str(uuid4())

    def limit(self) -> int:
        """The longest body the chosen channel takes (Twilio's own limits)."""
        return MAX_BODY.get(self.channel.data or "sms", MAX_BODY["sms"])

    def to_values(self) -> dict[str, Any]:
        """The ``send_message`` values; a media URL only counts for MMS (its box is hidden else)."""
        values: dict[str, Any] = {"channel": self.channel.data or "", "body": self.body.data or ""}
        if self.channel.data == "mms":
            values["media_url"] = _text(self.media_url.data)
        if _text(self.auto_action_id.data):
            values["auto_action_id"] = self.auto_action_id.data.strip()
        return values

    def show_errors(self, fields: dict[str, list[str]], message: str) -> None:
        """The service's field errors next to the shown fields; the rest above the form."""
        unplaced = []
        for name, messages in fields.items():
            if name in SHOWN_FIELDS:
                field = getattr(self, name)
                field.errors = [*list(field.errors or []), *messages]
            else:
                unplaced.extend(messages)
        if unplaced or not fields:
            self.form_errors = [*list(self.form_errors), *(unplaced or [message])]
