"""JSON API blueprints under ``/api``."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from webapp.api.allowance import rate_limit, rate_limit_key
from webapp.extensions import csrf, limiter
from webapp.guards import bearer_secret, current_actor

api = Blueprint("api", __name__, url_prefix="/api")
# One allowance per key for the relationships API (reference 002's paths) and the identity check;
# the public OpenAPI document counts against nobody.
limiter.shared_limit(
    rate_limit,
    scope="relationships-api",
    key_func=rate_limit_key,
    exempt_when=lambda: request.endpoint == "api.openapi_document",
)(api)


@api.before_request
def authenticate_and_protect():
    """Resolve the actor first (a bad key is a 401 everywhere); CSRF-check cookie writes."""
    current_actor()
    unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
    enabled = current_app.config.get("WTF_CSRF_ENABLED", True)
    if unsafe and enabled and bearer_secret() is None:
        csrf.protect()


# Routes register on ``api`` when their modules load.
from webapp.api import (  # noqa: E402
    clients,
    identity,
    messages,
    openapi,
    relationship_actions,
    relationships,
)
from webapp.api.v2 import v2  # noqa: E402

api.register_blueprint(v2)

__all__ = [
    "api",
    "clients",
    "identity",
    "messages",
    "openapi",
    "relationship_actions",
    "relationships",
]
