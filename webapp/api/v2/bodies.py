"""Reading a records-API body: a JSON object with known top-level keys."""

from __future__ import annotations

from typing import Any

from flask import request

from webapp.services.errors import BadRequest, UnknownField


def json_object(allowed: tuple[str, ...] | None, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The body as a JSON object whose keys are among ``allowed`` (any, if ``None``), with every
    ``required`` one."""
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        raise BadRequest(
            "Send a JSON object with Content-Type: application/json.", code="invalid_json"
        )
    unknown = sorted(key for key in body if allowed is not None and key not in allowed)
    if unknown:
        raise UnknownField(
            f"Unknown key: {', '.join(unknown)}. This endpoint takes: {', '.join(allowed)}.",
            fields={key: ["This key is not part of this endpoint."] for key in unknown},
        )
    missing = [key for key in required if key not in body]
    if missing:
        raise BadRequest(
            f"Send {', '.join(missing)} in the body.",
            fields={key: ["This key is required."] for key in missing},
            code="invalid_json",
        )
    return body
