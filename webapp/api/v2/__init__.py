"""The integrators' records API under ``/api/v2`` (references 000, 001 and 003)."""

from __future__ import annotations

from flask import Blueprint

from webapp.api.allowance import rate_limit, rate_limit_key
from webapp.extensions import limiter

v2 = Blueprint("v2", __name__, url_prefix="/v2")

# One allowance per key for the whole records API, not one per endpoint. It overrides the
# relationships API's allowance on the parent blueprint, so each API keeps its own count.
limiter.shared_limit(rate_limit, scope="records-api", key_func=rate_limit_key)(v2)


# Routes register on ``v2`` when their modules load.
from webapp.api.v2 import (  # noqa: E402
    batch,
    contact_relationships,
    custom_schema,
    duplicates,
    imports,
    records,
    relationships,
    schema,
    subresources,
)

__all__ = [
    "batch",
    "contact_relationships",
    "custom_schema",
    "duplicates",
    "imports",
    "records",
    "relationships",
    "schema",
    "subresources",
    "v2",
]
