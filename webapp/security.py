"""Security headers on every response: pages, JSON, errors and static files alike.

The Content-Security-Policy lets a page run only the app's own script files: no inline
``<script>``, no ``on*=`` attributes, no ``javascript:`` URLs, no eval (so no htmx ``hx-on`` or
trigger filters either). Behaviours live in ``static/*.js``, configured by ``data-`` attributes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # Cytoscape (the relationship map) and htmx (its indicators) add <style> elements, and
        # Bootstrap and our templates set style attributes: styles cannot run code.
        "style-src 'self' 'unsafe-inline'",
        # MMS pictures are shown from the provider's servers (Twilio's media URLs, over https).
        "img-src 'self' data: https:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    )
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors 'none' for browsers that predate CSP
    "Referrer-Policy": "same-origin",
}


def strict_transport_security(max_age: int) -> str | None:
    """The HSTS header's value for ``max_age`` seconds, or None when HSTS is off (0)."""
    return f"max-age={max_age}" if max_age > 0 else None


def register_security(app: Flask) -> None:
    """Add the security headers to every response; HSTS when ``HSTS_MAX_AGE`` is set (production).

    A view that sets one of these headers itself keeps its own value.
    """

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        hsts = strict_transport_security(app.config.get("HSTS_MAX_AGE", 0))
        if hsts:
            response.headers.setdefault("Strict-Transport-Security", hsts)
        return response
