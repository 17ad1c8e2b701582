"""The Digest page (each morning's digest, read in the app) and its unread badge in the top bar."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from webapp import access
from webapp.guards import current_actor, permission_required, signed_in_actor
from webapp.services import digests as digest_service

bp = Blueprint("digest", __name__)


def _render(page: digest_service.DigestPage):
    return render_template(
        "digest/index.html",
        page=page,
        digest_hour=current_app.config.get("DIGEST_HOUR", 7),
    )


@bp.get("/digest")
@permission_required(access.RELATIONSHIPS_VIEW)
def index():
    """The latest digest, marked read as it is shown (once; audited by the service)."""
    return _render(digest_service.open_digest(signed_in_actor()))


@bp.get("/digest/<int:digest_id>")
@permission_required(access.RELATIONSHIPS_VIEW)
def show(digest_id: int):
    """One of my earlier digests; anyone else's is a 404."""
    return _render(digest_service.open_digest(signed_in_actor(), digest_id))


@bp.app_context_processor
def unread_digests():
    """``unread_digest_count()`` for the top bar: one query, only when a page asks for it."""

    def unread_digest_count() -> int:
        actor = current_actor() if not request.path.startswith("/static/") else None
        if actor is None or not access.can(actor, access.RELATIONSHIPS_VIEW):
            return 0
        return digest_service.unread_count(actor.user)

    return {"unread_digest_count": unread_digest_count}
