"""Forms of the contact page's relationship sections: they shape input, the services judge it.

Field names are the services' own (``birthday``, ``event_date``, ``assigned_to_user_id``...), so a
service's field errors land next to the matching field. Each form has a prefix, so two of them
open on one page never share an element id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from webapp.models import ACTION_TYPES, COMMUNICATION_CHANNELS
from webapp.services.calendar import format_calendar_day
from webapp.services.life_event_types import LIFE_EVENT_TYPES, life_event_type
from webapp.services.validation import format_phone
from webapp.web.forms.select import SelectField

if TYPE_CHECKING:
    from webapp.models import LifeEvent, RelationshipProfile

CHANNEL_LABELS = {
    "email": "Email",
    "phone": "Phone call",
    "sms": "SMS",
    "whatsapp": "WhatsApp",
    "linkedin": "LinkedIn",
    "in_person": "In person",
}
ACTION_TYPE_LABELS = {
    "gift": "Gift",
    "card": "Card",
    "call": "Call",
    "whatsapp": "WhatsApp",
    "sms": "SMS",
    "email": "Email",
    "linkedin": "LinkedIn",
    "meeting": "Meeting",
    "other": "Other",
}
DAY_HELP = "YYYY-MM-DD, or MM-DD if the year is unknown."
DAYS_FIELD = {"type": "number", "min": 0, "max": 365, "inputmode": "numeric"}
# Not inputmode=numeric: phone keypads for numbers have no "-".
DAY_FIELD = {"placeholder": "YYYY-MM-DD or MM-DD", "maxlength": 10, "autocomplete": "off"}


def _text(value: str | None) -> str | None:
    """What the services expect for an empty box: nothing."""
    return value if value and value.strip() else None


def split_interests(text: str | None) -> list[str]:
    """Comma-separated text to a list of interests, blanks dropped: "golf, jazz" -> [golf, jazz]."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


# Profile fields typed as plain text, stored as given (the service trims and checks them).
TEXT_FIELDS = (
    "communication_notes",
    "preferred_name",
    "dietary_requirements",
    "personal_notes",
    "home_address",
    "assistant_name",
    "assistant_email",
)


class ProfileForm(FlaskForm):
    """Every reference-002 profile field; interests as comma-separated text."""

    communication_preference = SelectField(
        "Prefers to be contacted by",
        choices=[SelectChoice("", "No preference")]
        + [SelectChoice(c, CHANNEL_LABELS.get(c, c)) for c in COMMUNICATION_CHANNELS],
        validate_choice=False,
    )
    communication_notes = TextAreaField("Communication notes", render_kw={"rows": 2})
    preferred_name = StringField("Preferred name", render_kw={"maxlength": 120})
    birthday = StringField("Birthday", description=DAY_HELP, render_kw=DAY_FIELD)
    interests = StringField(
        "Interests", description="Separate them with commas: golf, jazz, sailing."
    )
    dietary_requirements = StringField("Dietary requirements", render_kw={"maxlength": 500})
    personal_notes = TextAreaField("Personal notes", render_kw={"rows": 3})
    home_address = TextAreaField("Home address", render_kw={"rows": 2, "autocomplete": "off"})
    assistant_name = StringField("Assistant's name", render_kw={"maxlength": 200})
    assistant_email = StringField("Assistant's email", render_kw={"type": "email"})
    phone_number = StringField("Phone number", render_kw={"type": "tel"})
    whatsapp_number = StringField("WhatsApp number", render_kw={"type": "tel"})
    twilio_opt_in = BooleanField("Agreed to receive SMS and WhatsApp messages from us")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="profile", **kwargs)

    @classmethod
    def for_profile(cls, profile: RelationshipProfile) -> ProfileForm:
        """The form filled from the stored profile (phone numbers written for people)."""
        return cls(
            formdata=None,
            data={
                **{name: getattr(profile, name) for name in TEXT_FIELDS},
                "communication_preference": profile.communication_preference or "",
                "birthday": format_calendar_day(
                    profile.birthday_month, profile.birthday_day, profile.birthday_year
                ),
                "interests": ", ".join(profile.interests or []),
                "phone_number": format_phone(profile.phone_number) if profile.phone_number else "",
                "whatsapp_number": (
                    format_phone(profile.whatsapp_number) if profile.whatsapp_number else ""
                ),
                "twilio_opt_in": profile.twilio_opt_in,
            },
        )

    def to_values(self) -> dict[str, Any]:
        """The ``update_profile`` values: every field, empty ones as ``None``."""
        return {
            **{name: _text(getattr(self, name).data) for name in TEXT_FIELDS},
            "communication_preference": _text(self.communication_preference.data),
            "birthday": _text(self.birthday.data),
            "interests": split_interests(self.interests.data),
            "phone_number": _text(self.phone_number.data),
            "whatsapp_number": _text(self.whatsapp_number.data),
            "twilio_opt_in": bool(self.twilio_opt_in.data),
        }


def _event_type_choices() -> list[SelectChoice]:
    """The types, each carrying its defaults so the form can follow a change of type."""
    return [
        SelectChoice(
            name,
            rules.label,
            render_kw={
                "data-recurs": "true" if rules.recurs_annually else "false",
                "data-days-before": str(rules.days_before),
            },
        )
        for name, rules in LIFE_EVENT_TYPES.items()
    ]


class LifeEventForm(FlaskForm):
    """Add or edit a life event. An empty lead time means the event type's default."""

    event_type = SelectField("Type", choices=_event_type_choices(), validate_choice=False)
    title = StringField("Title", render_kw={"maxlength": 200})
    event_date = StringField("Date", description=DAY_HELP, render_kw=DAY_FIELD)
    recurs_annually = BooleanField("Recurs every year")
    description = TextAreaField("Description", render_kw={"rows": 2})
    auto_action_enabled = BooleanField("Create an action ahead of it")
    auto_action_days_before = StringField("Days before", render_kw=DAYS_FIELD)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="life_event", **kwargs)
        self.title.flags.required = True
        # The placeholder shows the lead time an empty box stands for.
        lead = life_event_type(self.event_type.data or "").days_before
        self.auto_action_days_before.render_kw = {**DAYS_FIELD, "placeholder": f"{lead} (default)"}

    @classmethod
    def blank(cls) -> LifeEventForm:
        """A new event: the first type, with that type's defaults."""
        first, rules = next(iter(LIFE_EVENT_TYPES.items()))
        return cls(
            formdata=None,
            data={
                "event_type": first,
                "recurs_annually": rules.recurs_annually,
                "auto_action_enabled": True,
            },
        )

    @classmethod
    def for_event(cls, event: LifeEvent) -> LifeEventForm:
        return cls(
            formdata=None,
            data={
                "event_type": event.event_type,
                "title": event.title,
                "event_date": format_calendar_day(
                    event.event_month, event.event_day, event.event_year
                ),
                "recurs_annually": event.recurs_annually,
                "description": event.description,
                "auto_action_enabled": event.auto_action_enabled,
                "auto_action_days_before": (
                    "" if event.auto_action_days_before is None else event.auto_action_days_before
                ),
            },
        )

    def to_values(self) -> dict[str, Any]:
        """The ``create_event`` / ``update_event`` values."""
        return {
            "event_type": self.event_type.data or "",
            "title": self.title.data or "",
            "event_date": _text(self.event_date.data),
            "recurs_annually": bool(self.recurs_annually.data),
            "description": _text(self.description.data),
            "auto_action_enabled": bool(self.auto_action_enabled.data),
            "auto_action_days_before": _text(self.auto_action_days_before.data),
        }


class ActionForm(FlaskForm):
    """A manual relationship action; the assignee is someone whose queue the user sees."""

    title = StringField("Title", render_kw={"maxlength": 200})
    action_type = SelectField(
        "Type",
        choices=[SelectChoice(t, ACTION_TYPE_LABELS.get(t, t)) for t in ACTION_TYPES],
        validate_choice=False,
    )
    due_date = StringField("Due", render_kw={"type": "date"})
    assigned_to_user_id = SelectField("For", choices=[], validate_choice=False)
    description = TextAreaField("Description", render_kw={"rows": 2})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="action", **kwargs)
        self.title.flags.required = True

    def offer(self, assignees: list[tuple[int, str]], me: int) -> None:
        """The people the action may be for; the user themself unless another was chosen."""
        self.assigned_to_user_id.choices = [
            SelectChoice(str(user_id), "Me" if user_id == me else name)
            for user_id, name in assignees
        ]
        if not self.assigned_to_user_id.data:
            self.assigned_to_user_id.data = str(me)

    def to_values(self) -> dict[str, Any]:
        """The ``create_action`` values."""
        return {
            "title": self.title.data or "",
            "action_type": self.action_type.data or "",
            "due_date": _text(self.due_date.data),
            "assigned_to_user_id": _text(self.assigned_to_user_id.data),
            "description": _text(self.description.data),
        }
