"""The Team view: who in the viewer's team has what open, overdue and done, and the weekly trend.

Managers see their squad (and themselves); heads and executives see everyone, squad by squad.
Each person links to their queue on the Actions page, under the tab the viewer's scope uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

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
    from webapp.services.team import PersonWork, SquadGroup, TeamMember

bp = Blueprint("team", __name__)

ROLE_LABELS = {"executive": "Executive", "head": "Head", "manager": "Manager", "member": "Member"}


def queue_links(actor: Actor) -> Callable[[TeamMember], str]:
    """``queue_url(person)``: the Actions page opened on ``person``'s pending queue in the
    viewer's scope: the viewer's own under Mine, anyone else's under Everyone (for those who see
    every action) or Squad, narrowed to them. The page has two links per person for up to 200
    people, so each scope's address is built once and only the id added per link (``url_for``
    for each was a sixth of the page's time, bench/README.md, fifth slice)."""
    path = url_for("actions.index")
    tab = "everyone" if actor.user.role in access.SEES_ALL_ACTIONS else "squad"
    own, others = f"{path}?tab=mine", f"{path}?tab={tab}&assignee="

    def queue_url(person: TeamMember) -> str:
        return own if person.id == actor.user_id else f"{others}{person.id}"

    return queue_url


@dataclass(frozen=True, slots=True)
class PersonRow:
    """One person's row as the page shows it. The view assembles the 200 rows of a large firm
    once, so the template only reads attributes: a call from a template costs several times a
    call from Python (bench/README.md, eleventh slice)."""

    work: PersonWork
    name: str
    initial: str
    role_label: str
    is_me: bool
    queue: str  # their pending queue
    overdue_queue: str  # the same, overdue only
    open_label: str  # "3 open actions for Ada Lovelace"
    overdue_label: str
    activity: Markup  # when they last did something


def person_rows(actor: Actor, groups: tuple[SquadGroup, ...]) -> dict[str, list[PersonRow]]:
    """Each squad's rows by its key, in the order the overview gives its people."""
    queue_url = queue_links(actor)
    last_activity = activity_stamps()

    def row(work: PersonWork) -> PersonRow:
        user = work.user
        queue = queue_url(user)
        return PersonRow(
            work=work,
            name=user.name,
            initial=user.name[:1].upper(),
            role_label=ROLE_LABELS.get(user.role, user.role.capitalize()),
            is_me=user.id == actor.user_id,
            queue=queue,
            overdue_queue=f"{queue}&due=overdue",
            open_label=_count_label(work.open, "open", user.name),
            overdue_label=_count_label(work.overdue, "overdue", user.name),
            activity=last_activity(work.last_activity),
        )

    return {group.key: [row(work) for work in group.people] for group in groups}


def _count_label(count: int, state: str, name: str) -> str:
    return f"{count} {state} {'action' if count == 1 else 'actions'} for {name}"


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
        rows=person_rows(actor, overview.groups),
        week_label=week_label,
    )
