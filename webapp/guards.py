"""Who is asking: the acting user behind a request (session or API key), and the gates on views.

One decorator per gate: a JSON request is answered with the JSON envelope (401/403),
a page request with a redirect to sign in or the 403 page.
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from flask import g, redirect, request, url_for
from flask_login import current_user

from webapp import access
from webapp.services.api_keys import authenticate_secret
from webapp.services.errors import PermissionDenied, Unauthenticated

if TYPE_CHECKING:
    from collections.abc import Callable

    from webapp.access import Actor


def wants_json() -> bool:
    """API paths, and clients that prefer JSON over HTML, get JSON answers."""
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and not request.accept_mimetypes["text/html"]


def bearer_secret() -> str | None:
    """The secret from ``Authorization: Bearer <secret>``; ``None`` if no header was sent."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthenticated("Send the API key as: Authorization: Bearer <api key>.")
    return secret.strip()


def _resolve_actor() -> Actor | None:
    if request.path.startswith("/api/"):
        secret = bearer_secret()
        if secret is not None:
            return authenticate_secret(secret)
    if current_user.is_authenticated:
        return access.actor_for_user(current_user._get_current_object())
    return None


def current_actor() -> Actor | None:
    """The actor for this request, resolved once."""
    if "actor" not in g:
        g.actor = _resolve_actor()
    return g.actor


def signed_in_actor() -> Actor:
    """The actor, or ``Unauthenticated`` (pages turn that into a redirect to sign in)."""
    actor = current_actor()
    if actor is None:
        raise Unauthenticated("Sign in, or send an API key as: Authorization: Bearer <api key>.")
    return actor


def permission_required(permission: str | None = None) -> Callable:
    """Gate a view on being signed in and, if given, on holding ``permission``."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def gated(*args, **kwargs):
            try:
                actor = signed_in_actor()
            except Unauthenticated:
                if wants_json():
                    raise
                return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
            if permission is not None and not access.can(actor, permission):
                raise PermissionDenied(
                    f"This needs the {permission} permission.", details={"permission": permission}
                )
            return view(*args, **kwargs)

        gated.required_permission = permission  # read by the access-matrix tests
        return gated

    return decorator
