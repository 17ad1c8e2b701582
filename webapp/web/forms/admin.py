"""Admin forms for users, their permissions, and squads. They parse; the users service rules."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectMultipleField,
    StringField,
)

from webapp import access
from webapp.extensions import db
from webapp.models import ROLES, Squad
from webapp.web.forms.companies import optional_id
from webapp.web.forms.select import SelectField

NO_SQUAD = SelectChoice(value="", label="No squad")


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(value=role, label=role.capitalize()) for role in ROLES]


def squad_choices() -> list[SelectChoice]:
    squads = db.session.execute(select(Squad.id, Squad.name).order_by(Squad.name))
    return [NO_SQUAD] + [SelectChoice(value=str(sid), label=name) for sid, name in squads]


@cache
def _timezone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def timezone_choices() -> list[SelectChoice]:
    return [SelectChoice(value=name, label=name.replace("_", " ")) for name in _timezone_names()]


def permission_choices() -> list[SelectChoice]:
    return [SelectChoice(value=p, label=access.PERMISSION_LABELS[p]) for p in access.PERMISSIONS]


def _mark_required(form: FlaskForm, *names: str) -> None:
    """Show the required marker; the service, not the form, says what is missing."""
    for name in names:
        form[name].flags.required = True


class NewUserForm(FlaskForm):
    """A new person at the firm, with their first password."""

    name = StringField("Name", render_kw={"maxlength": 200, "autocomplete": "off"})
    email = EmailField("Email", render_kw={"maxlength": 320, "autocomplete": "off"})
    role = SelectField("Role", choices=role_choices, default="member", validate_choice=False)
    squad_id = SelectField(
        "Squad",
        coerce=optional_id,
        choices=squad_choices,
        invalid_choice_message="Choose an existing squad.",
        invalid_value_message="Choose an existing squad.",
    )
    timezone = SelectField(
        "Time zone", choices=timezone_choices, default="UTC", validate_choice=False
    )
    password = PasswordField("Password", render_kw={"autocomplete": "new-password"})
    is_admin = BooleanField("Administrator")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _mark_required(self, "name", "email", "password")


class EditUserForm(FlaskForm):
    """A user's profile, role, squad and flags."""

    name = StringField("Name", render_kw={"maxlength": 200})
    role = SelectField("Role", choices=role_choices, validate_choice=False)
    squad_id = SelectField(
        "Squad",
        coerce=optional_id,
        choices=squad_choices,
        validate_choice=False,
        invalid_value_message="Choose an existing squad.",
    )
    timezone = SelectField("Time zone", choices=timezone_choices, validate_choice=False)
    active = BooleanField("Active (can sign in)")
    is_admin = BooleanField("Administrator")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _mark_required(self, "name")


class PermissionsForm(FlaskForm):
    """The permissions a user should hold; the service stores the difference from the defaults."""

    permissions = SelectMultipleField(
        "Permissions", choices=permission_choices, validate_choice=False
    )


class SquadForm(FlaskForm):
    name = StringField("Squad name", render_kw={"maxlength": 120, "autocomplete": "off"})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _mark_required(self, "name")
