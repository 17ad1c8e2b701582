"""Forms for the API keys settings page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from webapp import access

if TYPE_CHECKING:
    from webapp.access import Actor


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as one checkbox per option."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ApiKeyForm(FlaskForm):
    """Name a new key and choose its permissions.

    The choices are the permissions the user holds; whether a chosen set is allowed is the
    service's rule (``create_api_key``), so the field does not second-guess it.
    """

    name = StringField("Name", render_kw={"placeholder": "e.g. Salesforce sync", "maxlength": 120})
    permissions = CheckboxesField("Permissions", validate_choice=False)

    def offer(self, actor: Actor) -> None:
        """Offer the permissions ``actor`` may put on a key, labelled for people."""
        self.permissions.choices = [
            (permission, access.PERMISSION_LABELS[permission])
            for permission in access.grantable_permissions(actor)
        ]
