"""Forms of the contact page's Timeline and Keep-in-touch card; the services judge the values.

Field names are the services' own (``kind``, ``occurred_on``, ``summary``, ``user_id``,
``cadence_days``), so a service's field errors land next to the matching field. The log form and
an open edit form have different prefixes: both can be on the page at once.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from webapp.models import INTERACTION_KINDS
from webapp.services.interactions import KIND_LABELS, MAX_SUMMARY
from webapp.services.touches import CADENCE_CHOICES
from webapp.web.forms.select import SelectField

if TYPE_CHECKING:
    from webapp.models import Interaction

LOG_PREFIX = "interaction"
EDIT_PREFIX = "edit_interaction"


def _text(value: str | None) -> str | None:
    return value if value and value.strip() else None


class InteractionForm(FlaskForm):
    """A call, meeting, email or note: what kind, which day, what was said, who had it."""

    kind = SelectField(
        "Kind",
        choices=[SelectChoice(k, KIND_LABELS.get(k, k)) for k in INTERACTION_KINDS],
        validate_choice=False,
    )
    occurred_on = StringField("Date", render_kw={"type": "date"})
    summary = TextAreaField("Summary", render_kw={"rows": 3, "maxlength": MAX_SUMMARY})
    user_id = SelectField("Who", choices=[], validate_choice=False)

    def __init__(self, *args: Any, prefix: str = LOG_PREFIX, **kwargs: Any) -> None:
        super().__init__(*args, prefix=prefix, **kwargs)
        self.occurred_on.flags.required = True
        self.summary.flags.required = True

    @classmethod
    def blank(cls, today: date) -> InteractionForm:
        """A new interaction: a call, today."""
        return cls(formdata=None, data={"kind": INTERACTION_KINDS[0], "occurred_on": today})

    @classmethod
    def for_interaction(cls, interaction: Interaction) -> InteractionForm:
        """The edit form, filled from the stored interaction."""
        return cls(
            formdata=None,
            prefix=EDIT_PREFIX,
            data={
                "kind": interaction.kind,
                "occurred_on": interaction.occurred_on.isoformat(),
                "summary": interaction.summary,
                "user_id": str(interaction.user_id) if interaction.user_id else "",
            },
        )

    def offer(self, people: list[tuple[int, str]], me: int, today: date) -> None:
        """Who may have had it (the user themself unless another was chosen); no future days."""
        self.user_id.choices = [
            SelectChoice(str(user_id), "Me" if user_id == me else name) for user_id, name in people
        ]
        if not self.user_id.data:
            self.user_id.data = str(me)
        self.occurred_on.render_kw = {**(self.occurred_on.render_kw or {}), "max": today}

    def to_values(self) -> dict[str, Any]:
        """The ``log_interaction`` / ``update_interaction`` values."""
        return {
            "kind": self.kind.data or "",
            "occurred_on": _text(self.occurred_on.data),
            "summary": self.summary.data or "",
            "user_id": _text(self.user_id.data),
        }


def cadence_choices(tier_days: int | None, chosen: int | None) -> list[SelectChoice]:
    """The tier default, the usual cadences, Off; a custom cadence set elsewhere stays listed."""
    default = (
        f"Client tier default ({_every(tier_days)})" if tier_days else "Client tier default (none)"
    )
    days = sorted({*CADENCE_CHOICES, *([chosen] if chosen else [])})
    return [
        SelectChoice("", default),
        *(SelectChoice(str(n), _every(n).capitalize()) for n in days),
        SelectChoice("0", "Off: no reminders"),
    ]


def _every(days: int) -> str:
    return "every day" if days == 1 else f"every {days} days"


class CadenceForm(FlaskForm):
    """How often the contact should hear from us."""

    cadence_days = SelectField("How often", choices=[], validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="keep_in_touch", **kwargs)

    @classmethod
    def for_profile(cls, chosen: int | None) -> CadenceForm:
        return cls(formdata=None, data={"cadence_days": "" if chosen is None else str(chosen)})

    def offer(self, tier_days: int | None, chosen: int | None) -> None:
        self.cadence_days.choices = cadence_choices(tier_days, chosen)

    def to_value(self) -> str | None:
        """The ``set_cadence`` value: empty for the tier default."""
        return (self.cadence_days.data or "").strip() or None
