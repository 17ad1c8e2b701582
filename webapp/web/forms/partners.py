"""The partner form of the client page: it shapes input, ``services.partners`` judges it.

Field names are the service's own (``partner_company_name``, ``estimated_deal_size`` ...), so its
field errors land next to the matching field. The add form and an edit form may be open at once
in one table, so each has its own prefix and no two share an element id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

if TYPE_CHECKING:
    from decimal import Decimal

    from webapp.models import Partner

NEW_PREFIX = "partner"
EDIT_PREFIX = "edit_partner"
TEXT_FIELDS = (
    "partner_company_name",
    "partner_contact_name",
    "partner_contact_email",
    "relationship_type",
    "estimated_deal_size",
    "notes",
)


def _text(value: str | None) -> str | None:
    """What the service expects for an empty box: nothing."""
    return value if value and value.strip() else None


def amount_text(amount: Decimal | None) -> str:
    """An amount as a person types it back: "1250000" or "1250.50" (no separators)."""
    if amount is None:
        return ""
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


class PartnerForm(FlaskForm):
    """Add or edit a partner of a client; only the partner's company name is required."""

    partner_company_name = StringField("Partner company", render_kw={"maxlength": 200})
    relationship_type = StringField(
        "Kind of partnership",
        render_kw={"maxlength": 80, "list": "partner-types", "autocomplete": "off"},
    )
    estimated_deal_size = StringField(
        "Est. deal size",
        render_kw={"inputmode": "decimal", "placeholder": "e.g. 250,000", "autocomplete": "off"},
    )
    partner_contact_name = StringField("Contact at the partner", render_kw={"maxlength": 200})
    partner_contact_email = StringField(
        "Contact's email", render_kw={"type": "email", "maxlength": 320}
    )
    notes = TextAreaField("Notes", render_kw={"rows": 2})

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, prefix=EDIT_PREFIX if editing else NEW_PREFIX, **kwargs)
        self.partner_company_name.flags.required = True

    @classmethod
    def blank(cls) -> PartnerForm:
        return cls(formdata=None)

    @classmethod
    def for_partner(cls, partner: Partner) -> PartnerForm:
        """The edit form filled from the stored partner."""
        data = {name: getattr(partner, name) or "" for name in TEXT_FIELDS}
        data["estimated_deal_size"] = amount_text(partner.estimated_deal_size)
        return cls(formdata=None, data=data, editing=True)

    def to_values(self) -> dict[str, Any]:
        """The ``create_partner`` / ``update_partner`` values: every field, empty as ``None``."""
        return {name: _text(getattr(self, name).data) for name in TEXT_FIELDS}
