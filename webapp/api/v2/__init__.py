"""The integrators' records API under ``/api/v2`` (references 000, 001 and 003)."""

from __future__ import annotations

from flask import Blueprint, current_app

from webapp.extensions import limiter
from webapp.guards import current_actor

v2 = Blueprint("v2", __name__, url_prefix="/v2")


def rate_limit_key() -> str:
    """Each API key has its own allowance; a signed-in browser session is counted per user."""
    actor = current_actor()
    if actor is None:
        return "anonymous"
    if actor.api_key is not None:
        return f"api-key:{actor.api_key.id}"
    return f"user:{actor.user_id}"


def rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


# One allowance per key for the whole records API, not one per endpoint.
limiter.shared_limit(rate_limit, scope="records-api", key_func=rate_limit_key)(v2)


# Routes register on ``v2`` when their modules load.
from webapp.api.v2 import (  # noqa: E402
    batch,
    contact_relationships,
    custom_schema,
    records,
    relationships,
    schema,
    subresources,
)

__all__ = [
    "batch",
    "contact_relationships",
    "custom_schema",
    "records",
    "relationships",
    "schema",
    "subresources",
    "v2",
]
