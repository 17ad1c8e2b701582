"""The message template form. It parses; the message templates service rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from webapp.services.message_templates import MAX_BODY, MAX_NAME


class MessageTemplateForm(FlaskForm):
    """A template's name and text, placeholders and all."""

    name = StringField("Name", render_kw={"maxlength": MAX_NAME, "autocomplete": "off"})
    body = TextAreaField("Message", render_kw={"maxlength": MAX_BODY, "rows": 6})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Show the required marker; the service, not the form, says what is missing.
        self.name.flags.required = True
        self.body.flags.required = True

    def to_values(self) -> dict[str, str]:
        """What the service takes."""
        return {"name": self.name.data or "", "body": self.body.data or ""}
