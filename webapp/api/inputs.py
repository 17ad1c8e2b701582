"""Reading API input: the JSON body, checked against its schema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import request
from pydantic import ValidationError

from webapp.services.errors import BadRequest, ValidationFailed

if TYPE_CHECKING:
    from pydantic import BaseModel


def _field_name(location: tuple) -> str:
    """``("interests", 0)`` -> ``interests.0``; the union members pydantic adds are dropped."""
    kept = [str(part) for i, part in enumerate(location) if i == 0 or isinstance(part, int)]
    return ".".join(kept) or "body"


def json_body(schema: type[BaseModel]) -> dict[str, Any]:
    """The request's JSON object, with the JSON types ``schema`` asks for; only the keys sent.

    Not JSON, or not an object: 400 ``invalid_json``. A field the endpoint does not know:
    400 ``unknown_field``. A value of the wrong type: 422, with the field named.
    """
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        raise BadRequest(
            "Send a JSON object with Content-Type: application/json.", code="invalid_json"
        )
    try:
        schema.model_validate(body)
    except ValidationError as exc:
        _raise_schema_errors(exc)
    return body


def _raise_schema_errors(exc: ValidationError) -> None:
    unknown: dict[str, list[str]] = {}
    invalid: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False):
        name = _field_name(error["loc"])
        if error["type"] == "extra_forbidden":
            unknown[name] = ["This field is not part of this endpoint."]
        else:
            messages = invalid.setdefault(name, [])
            if error["msg"] not in messages:
                messages.append(error["msg"])
    if unknown:
        names = ", ".join(sorted(unknown))
        raise BadRequest(f"Unknown field: {names}.", fields=unknown, code="unknown_field")
    raise ValidationFailed(fields=invalid)
