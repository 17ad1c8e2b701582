"""How values read on the pages: times in the viewer's own time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from markupsafe import Markup, escape

from webapp.guards import current_actor


def viewer_zone() -> ZoneInfo:
    """The signed-in user's time zone; UTC for strangers or an unknown zone."""
    actor = current_actor()
    try:
        return ZoneInfo(actor.user.timezone if actor else "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_time(moment: datetime | None, empty: str = "") -> Markup:
    """A ``<time>`` element reading like "23 Nov 2026, 20:32" in the viewer's time zone."""
    if moment is None:
        return Markup(escape(empty))
    local = moment.astimezone(viewer_zone())
    text = f"{local.day} {local.strftime('%b %Y, %H:%M')}"
    return Markup(f'<time datetime="{escape(moment.isoformat())}">{escape(text)}</time>')
