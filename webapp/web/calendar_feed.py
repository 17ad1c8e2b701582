"""The calendar feed: the public ``.ics`` URL calendar apps fetch, and its settings page.

The feed URL needs no sign-in: its token is its only credential and it opens that feed alone.
The settings page creates the link (shown once), replaces it, or revokes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, Response, flash, redirect, render_template, url_for

from webapp.guards import permission_required, signed_in_actor
from webapp.services import calendar_feeds
from webapp.web.forms.relationships import ACTION_TYPE_LABELS

if TYPE_CHECKING:
    from webapp.services.calendar_feeds import NewCalendarFeed

bp = Blueprint("calendar_feed", __name__)

FEED_HEADERS = {
    "Content-Type": "text/calendar; charset=utf-8",
    "Content-Disposition": "inline; filename=rapport.ics",
    "Cache-Control": "private, max-age=300",
    "X-Robots-Tag": "noindex",
}


def _contact_url(contact_id: int) -> str:
    return url_for("contacts.show", contact_id=contact_id, _external=True)


@bp.get("/calendar/<token>.ics")
def ics(token: str) -> Response:
    """The feed itself, for calendar apps. Public by design: no session, no CSRF (a read).

    An unknown, revoked or deactivated user's token is a bare 404 that says nothing more.
    """
    body = calendar_feeds.fetch(token, contact_url=_contact_url, type_labels=ACTION_TYPE_LABELS)
    if body is None:
        return Response("Not found\n", 404, mimetype="text/plain")
    return Response(body, 200, FEED_HEADERS)


def _render(created: NewCalendarFeed | None = None, status: int = 200):
    """The settings page; right after creating a link, its URL, this once."""
    actor = signed_in_actor()
    feed_url = url_for(".ics", token=created.token, _external=True) if created else None
    response = render_template(
        "settings/calendar.html",
        feed=calendar_feeds.live_feed_of(actor.user),
        feed_url=feed_url,
    )
    # The page holding the secret URL must not linger in any cache.
    headers = {"Cache-Control": "no-store"} if created else {}
    return response, status, headers


@bp.get("/settings/calendar")
@permission_required()
def settings():
    """Whether the user has a calendar link, how to subscribe, and the buttons to manage it."""
    return _render()


@bp.post("/settings/calendar")
@permission_required()
def create():
    """Create (or replace) the user's link and show its URL once. CSRF: ``CSRFProtect``."""
    created = calendar_feeds.create_feed(signed_in_actor())
    return _render(created, status=201)


@bp.post("/settings/calendar/revoke")
@permission_required()
def revoke():
    """Revoke the user's own link (the page asks to confirm first); it stops working at once."""
    if calendar_feeds.revoke_feed(signed_in_actor()) is None:
        flash("You had no calendar link to revoke.", "info")
    else:
        flash("Calendar link revoked. Calendars subscribed to it no longer update.", "success")
    return redirect(url_for(".settings"), 303)
