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
