"""The Team view's numbers: each person's open, overdue and recently done actions, when they last
did something, and how many actions each squad completed per week.

A manager's team is their squad and themself; heads and executives see everyone. Only active
users are counted, and every number is of actions *assigned* to the person. Each figure is one
grouped SQL query, so the page costs the same few queries whatever the size of the firm.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from webapp import access
from webapp.extensions import db
from webapp.models import Interaction, Message, RelationshipAction, Squad, User
from webapp.services import calendar, count_cache
from webapp.services.sql_dates import utc_day

if TYPE_CHECKING:
    from sqlalchemy import Select

    from webapp.access import Actor

DONE_WINDOW_DAYS = 30
CHART_WEEKS = 12


@dataclass(frozen=True, slots=True)
class TeamMember:
    """A person as the Team view shows them: a row of ``users``, not the model, so that 200 of
    them are read as plain rows and kept with the figures (docs/performance.md, "Plain rows
    for what a page lists")."""

    id: int
    name: str
    role: str
    squad_id: int | None


@dataclass(frozen=True, slots=True)
class SquadName:
    """A squad as a group's heading names it."""

    id: int
    name: str


@dataclass(frozen=True)
class PersonWork:
    """One person's row: their actions by state and when they last did something."""

    user: TeamMember
    open: int = 0
    overdue: int = 0
    done_recently: int = 0  # done within the last DONE_WINDOW_DAYS days
    last_activity: datetime | None = None


@dataclass(frozen=True)
class SquadGroup:
    """People of one squad (``squad`` is ``None`` for those in none), by name."""

    squad: SquadName | None
    people: tuple[PersonWork, ...]

    @property
    def name(self) -> str:
        return self.squad.name if self.squad else "No squad"

    @property
    def key(self) -> str:
        """A stable id for the page (anchors, headings)."""
        return f"squad-{self.squad.id}" if self.squad else "no-squad"


@dataclass(frozen=True)
class WeeklySeries:
    """Actions one squad completed in each week, oldest week first."""

    label: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class WeeklyCompletions:
    """Actions completed per week over the last weeks, one series per squad."""

    weeks: tuple[date, ...]  # each week's Monday, oldest first; the last is this week
    series: tuple[WeeklySeries, ...]

    @property
    def total(self) -> int:
        return sum(series.total for series in self.series)


@dataclass(frozen=True)
class TeamOverview:
    """Everything the Team view shows."""

    scope: str  # "everyone" (heads, executives), "squad" (a manager), "self" (no squad)
    groups: tuple[SquadGroup, ...]
    weekly: WeeklyCompletions

    @property
    def people(self) -> list[PersonWork]:
        return [person for group in self.groups for person in group.people]

    @property
    def open(self) -> int:
        return sum(person.open for person in self.people)

    @property
    def overdue(self) -> int:
        return sum(person.overdue for person in self.people)

    @property
    def done_recently(self) -> int:
        return sum(person.done_recently for person in self.people)


def team_overview(actor: Actor) -> TeamOverview:
    """The actor's team and its numbers; ``PermissionDenied`` for anyone who leads no team."""
    members = access.team_member_ids(actor)
    people_ids = select(User.id).where(User.active.is_(True))
    if members is not None:
        people_ids = people_ids.where(User.id.in_(members))
    now = calendar.now()
    today = calendar.today_in(actor.user.timezone)
    weeks = chart_weeks(now)
    return count_cache.remember(  # kept a minute unless an action, user, squad, message or
        "team",  # interaction is written (docs/performance.md, "Figures kept for a minute")
        ("team", actor.user_id, today, weeks),
        lambda: _overview(_scope(actor, members), people_ids, today, now, weeks),
    )


def _overview(
    scope: str, people_ids: Select, today: date, now: datetime, weeks: tuple[date, ...]
) -> TeamOverview:
    """The people and their figures, read afresh: four queries."""
    counts = _action_counts(people_ids, today, now)
    latest = _last_activity(people_ids)
    people = _people(people_ids)
    rows = [
        PersonWork(user=member, **counts.get(member.id, {}), last_activity=latest.get(member.id))
        for member, _ in people
    ]
    groups = _by_squad(rows, {squad.id: squad for _, squad in people if squad is not None})
    weekly = _weekly(_done_per_week(people_ids, weeks), groups, weeks)
    return TeamOverview(scope=scope, groups=groups, weekly=weekly)


def _scope(actor: Actor, members: Select | None) -> str:
    if members is None:
        return "everyone"
    return "squad" if actor.user.squad_id is not None else "self"


def _people(people_ids: Select) -> list[tuple[TeamMember, SquadName | None]]:
    """The people, each with their squad, squad by squad (by name, "No squad" last), then by
    name; only the columns the page shows of 200 people, as rows."""
    stmt = (
        select(User.id, User.name, User.role, User.squad_id, Squad.name)
        .outerjoin(Squad, Squad.id == User.squad_id)
        .where(User.id.in_(people_ids))
        .order_by(Squad.name.is_(None), Squad.name, User.name, User.id)
    )
    people = []
    for person_id, name, role, squad_id, squad_name in db.session.execute(stmt):
        squad = None if squad_id is None else SquadName(squad_id, squad_name)
        people.append((TeamMember(person_id, name, role, squad_id), squad))
    return people


def _by_squad(rows: list[PersonWork], squads: dict[int, SquadName]) -> tuple[SquadGroup, ...]:
    groups: dict[int | None, list[PersonWork]] = {}
    for row in rows:  # already in squad order
        groups.setdefault(row.user.squad_id, []).append(row)
    return tuple(
        SquadGroup(None if squad_id is None else squads[squad_id], tuple(people))
        for squad_id, people in groups.items()
    )


def _action_counts(people_ids: Select, today: date, now: datetime) -> dict[int, dict[str, int]]:
    """Open, overdue and recently done actions per assignee, in one query.

    Overdue is pending with a due day before the viewer's today: the Actions page's own rule.
    Each figure is a count within one person's range of an index (migrations 0012 and 0013),
    read without the table, rather than a pass over every action of the firm.
    """
    action = RelationshipAction
    done_since = now - timedelta(days=DONE_WINDOW_DAYS)

    def tally(*conditions):
        mine = select(func.count()).where(action.assigned_to_id == User.id, *conditions)
        return mine.correlate(User).scalar_subquery()

    pending = action.status == "pending"
    stmt = select(
        User.id,
        tally(pending).label("open"),
        tally(pending, action.due_on < today).label("overdue"),
        tally(action.status == "done", action.completed_at >= done_since).label("done_recently"),
    ).where(User.id.in_(people_ids))
    return {
        row.id: {"open": row.open, "overdue": row.overdue, "done_recently": row.done_recently}
        for row in db.session.execute(stmt)
    }


def _last_activity(people_ids: Select) -> dict[int, datetime]:
    """When each person last completed an action, sent a message or logged an interaction.

    One query: per person, the latest moment of each kind, each one step down its index
    (migration 0013), whatever the size of the firm.
    """
    action = RelationshipAction
    stmt = select(
        User.id,
        _latest(action.completed_at, action.completed_by_id, action.status == "done"),
        _latest(Message.created_at, Message.sent_by_id, Message.direction == "outbound"),
        _latest(Interaction.created_at, Interaction.created_by_id),
    ).where(User.id.in_(people_ids))
    latest = {}
    for user_id, *moments in db.session.execute(stmt):
        known = [moment for moment in moments if moment is not None]
        if known:
            latest[user_id] = max(known)
    return latest


def _latest(moment, by_user, *conditions):
    """SQL: the latest ``moment`` of the listed person, among rows meeting ``conditions``."""
    return (
        select(func.max(moment))
        .where(by_user == User.id, moment.is_not(None), *conditions)
        .correlate(User)
        .scalar_subquery()
    )


def chart_weeks(now: datetime, weeks: int = CHART_WEEKS) -> tuple[date, ...]:
    """The Mondays of the last ``weeks`` weeks, oldest first, ending with this (UTC) week."""
    this_monday = now.astimezone(UTC).date() - timedelta(days=now.astimezone(UTC).weekday())
    return tuple(this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1))


def _done_per_week(people_ids: Select, weeks: tuple[date, ...]) -> dict:
    """Actions marked done per week (Monday to Sunday, in UTC days), per squad id.

    An action counts for the squad its assignee is in now, in the week of the UTC day it was
    completed. Counted in SQL per squad and day, then put into weeks here; one query.
    """
    since = datetime.combine(weeks[0], time.min, tzinfo=UTC)
    action = RelationshipAction
    day = utc_day(action.completed_at)
    stmt = (
        select(User.squad_id, day.label("day"), func.count(action.id).label("done"))
        .join(User, User.id == action.assigned_to_id)
        .where(
            action.status == "done",
            action.completed_at >= since,
            action.assigned_to_id.in_(people_ids),
        )
        .group_by(User.squad_id, day)
    )
    per_week: dict[int | None, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for row in db.session.execute(stmt):
        monday = row.day - timedelta(days=row.day.weekday())
        per_week[row.squad_id][monday] += row.done
    return {squad_id: dict(counts) for squad_id, counts in per_week.items()}


def _weekly(
    per_week: dict, groups: tuple[SquadGroup, ...], weeks: tuple[date, ...]
) -> WeeklyCompletions:
    """One series per squad shown, from the done-per-week counts."""
    series = []
    for group in groups:
        counts = per_week.get(group.squad.id if group.squad else None, {})
        series.append(WeeklySeries(group.name, tuple(counts.get(week, 0) for week in weeks)))
    return WeeklyCompletions(weeks=weeks, series=tuple(series))
