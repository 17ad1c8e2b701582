"""The Team view: who in the viewer's team has what open, overdue and done, and the weekly trend.

Managers see their squad (and themselves); heads and executives see everyone, squad by squad.
Each person links to their queue on the Actions page, under the tab the viewer's scope uses.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

from flask import Blueprint, render_template, url_for
from markupsafe import Markup, escape

from webapp import access
from webapp.guards import permission_required, signed_in_actor
from webapp.services import calendar
from webapp.services import team as team_service
from webapp.web.display import days_away, short_date, viewer_zone
from webapp.web.team_chart import COMPACT, lay_out, week_label

if TYPE_CHECKING:
    from collections.abc import Callable

    from webapp.access import Actor
    from webapp.models import User

bp = Blueprint("team", __name__)

ROLE_LABELS = {"executive": "Executive", "head": "Head", "manager": "Manager", "member": "Member"}


def queue_args(actor: Actor, person: User) -> dict:
    """The Actions page arguments that open ``person``'s pending queue in the viewer's scope."""
    if person.id == actor.user_id:
        return {"tab": "mine"}
    if actor.user.role in access.SEES_ALL_ACTIONS:
        return {"tab": "everyone", "assignee": person.id}
    return {"tab": "squad", "assignee": person.id}


def queue_links(actor: Actor) -> Callable[..., str]:
    """``queue_url(person, **filters)``: the URL of ``person``'s queue, narrowed by ``filters``
    (``due="overdue"``, say). The page has two or three per person, so the path is built once and
    only the query string for each (``url_for`` for 600 links was a sixth of the page's time).
    Ids go in as they are and each word is quoted once, not once per link: quoting 3,000 words
    was a fifth of the page's time again (bench/README.md, fifth slice)."""
    path = url_for("actions.index")

    def queue_url(person: User, **filters: str) -> str:
        return f"{path}?{_query({**queue_args(actor, person), **filters})}"

    return queue_url


@functools.lru_cache(maxsize=256)
def _quoted(word: str) -> str:
    return quote_plus(word)


def _query(args: dict[str, int | str]) -> str:
    """``urlencode(args)`` for ids and a few words: ids as they are, each word quoted once."""
    return "&".join(
        f"{_quoted(name)}={value if type(value) is int else _quoted(value)}"
        for name, value in args.items()
    )


def activity_stamps() -> Callable[[datetime | None], Markup]:
    """``last_activity(moment)``: when someone last did something, "3 days ago" over the date,
    in the viewer's time zone, which (with today there) is read once for the page's 200 rows."""
    zone = viewer_zone()
    today = calendar.now().astimezone(zone).date()

    def last_activity(moment: datetime | None) -> Markup:
        if moment is None:
            return Markup('<span class="text-body-secondary">No activity yet</span>')
        return _stamp(moment, moment.astimezone(zone).date(), today)

    return last_activity


def _stamp(moment: datetime, local: date, today: date) -> Markup:
    ago = days_away(-(today - local).days).capitalize()
    stamp = escape(moment.isoformat())
    return Markup(
        f'<span class="d-block">{escape(ago)}</span>'
        f'<time class="small text-body-secondary" datetime="{stamp}">{short_date(local)}</time>'
    )


@bp.get("/team")
@permission_required(access.RELATIONSHIPS_VIEW)
def index() -> str:
    """The Team view; a member (or anyone who leads no team) gets the 403 page."""
    actor = signed_in_actor()
    overview = team_service.team_overview(actor)
    return render_template(
        "team/index.html",
        overview=overview,
        charts={"wide": lay_out(overview.weekly), "compact": lay_out(overview.weekly, COMPACT)},
        queue_url=queue_links(actor),
        last_activity=activity_stamps(),
        role_labels=ROLE_LABELS,
        week_label=week_label,
    )
