"""Bridges between WTForms and the services' error family."""

from __future__ import annotations

from typing import TYPE_CHECKING

from webapp.services.errors import Conflict, ValidationFailed

if TYPE_CHECKING:
    from flask_wtf import FlaskForm


def show_service_errors(form: FlaskForm, error: ValidationFailed | Conflict) -> None:
    """Put a service's field errors next to the matching form fields; the rest on the form."""
    fields = error.fields if isinstance(error, ValidationFailed) else {}
    if isinstance(error, Conflict) and error.details.get("field"):
        fields = {error.details["field"]: [error.message]}
    unplaced = []
    for name, messages in fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), *messages]
        else:
            unplaced.extend(messages)
    form.form_errors = [*list(form.form_errors), *(unplaced or ([] if fields else [error.message]))]


def show_section_errors(
    form: FlaskForm, error: ValidationFailed, aliases: dict[str, str] | None = None
) -> None:
    """``show_service_errors`` for a form in a section that htmx replaces whole: the first field
    in trouble takes the keyboard. ``aliases`` maps the service's field names to the form's."""
    fields: dict[str, list[str]] = {}
    for name, messages in error.fields.items():
        fields.setdefault((aliases or {}).get(name, name), []).extend(messages)
    show_service_errors(form, ValidationFailed(error.message, fields=fields))
    first_invalid = next((field for field in form if field.errors), None)
    if first_invalid is not None:
        first_invalid.render_kw = {**(first_invalid.render_kw or {}), "autofocus": True}
