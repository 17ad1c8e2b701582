"""JSON API blueprints under ``/api``."""

from __future__ import annotations

from flask import Blueprint, request

from webapp.extensions import csrf
from webapp.guards import bearer_secret, current_actor

api = Blueprint("api", __name__, url_prefix="/api")


@api.before_request
def authenticate_and_protect():
    """Resolve the actor first (a bad key is a 401 everywhere); CSRF-check cookie writes."""
    current_actor()
    unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
    if unsafe and bearer_secret() is None:
        csrf.protect()


from webapp.api import identity  # noqa: E402  (routes register on ``api``)

__all__ = ["api", "identity"]
