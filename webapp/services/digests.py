"""Morning digests: what a user's day holds, kept in the app and read from the Digest page.

A digest's ``contents`` is plain JSON, written once by the scheduler (``jobs.digests``):

    {"day": "2026-11-24",
     "counts": {"today": 3, "overdue": 2, "events": 1},
     "today":   [{"action_id", "title", "action_type", "due_on", "contact_id", "contact_name"}],
     "overdue": [... the same, plus "days_overdue"],
     "events":  [{"life_event_id", "title", "event_type", "occurs_on", "days_away",
                  "contact_id", "contact_name"}]}

The counts are the real totals; each list holds at most ``ITEMS_SHOWN`` of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select, true, union_all, update

from webapp import access
from webapp.extensions import db
from webapp.models import Contact, Digest, RelationshipAction, User, full_name_of
from webapp.services.audit import apply_changes, record_event
from webapp.services.bulk import insert_ignoring_duplicates, one_of_ids
from webapp.services.calendar import month_days, next_occurrence, now, today_in
from webapp.services.errors import NotFound
from webapp.services.life_events import owned_events_on

if TYPE_CHECKING:
    from sqlalchemy import Select, Subquery

    from webapp.access import Actor

ITEMS_SHOWN = 50  # per list; a user with hundreds overdue gets the oldest 50 and the count
EVENT_DAYS = 7  # the digest's day and the six after: "this week"
EARLIER_SHOWN = 14
SECTIONS = ("today", "overdue", "events")


# --- composing ------------------------------------------------------------------------------------


def compose(user: User, day: date) -> dict[str, Any]:
    """The digest of ``user`` for ``day`` (their local day), as JSON-safe contents."""
    return compose_many([(user, day)])[user.id]


def compose_many(pairs: Sequence[tuple[User, date]]) -> dict[int, dict[str, Any]]:
    """Digests of several users at once, keyed by user id, in a constant number of queries.

    One query of actions per distinct day among ``pairs`` (a batch spans at most three days,
    whatever the timezones) and one query of life events.
    """
    day_of = {user.id: day for user, day in pairs}
    if not day_of:
        return {}
    users_by_day: dict[date, list[int]] = defaultdict(list)
    for user_id, day in day_of.items():
        users_by_day[day].append(user_id)
    actions: dict[int, dict[str, Any]] = {}
    for day, user_ids in users_by_day.items():
        actions.update(_actions_by_user(user_ids, day))
    events = _events_by_user(day_of)
    return {
        user_id: _contents(day, actions.get(user_id), events.get(user_id, []))
        for user_id, day in day_of.items()
    }


def is_empty(contents: dict[str, Any]) -> bool:
    """Nothing due today, nothing overdue, no life event this week."""
    return not any(contents["counts"].values())


def _contents(day: date, actions: dict | None, events: list[dict]) -> dict[str, Any]:
    actions = actions or {"today": [], "overdue": [], "totals": {}}
    totals = actions["totals"]
    return {
        "day": day.isoformat(),
        "counts": {
            "today": totals.get(False, 0),
            "overdue": totals.get(True, 0),
            "events": len(events),
        },
        "today": actions["today"],
        "overdue": actions["overdue"],
        "events": events[:ITEMS_SHOWN],
    }


def _actions_by_user(user_ids: list[int], day: date) -> dict[int, dict[str, Any]]:
    """Pending actions due on or before ``day``: the first of each list, and each list's total."""
    found: dict[int, dict[str, Any]] = {}

    def mine(user_id: int) -> dict[str, Any]:
        return found.setdefault(user_id, {"today": [], "overdue": [], "totals": {}})

    for row in db.session.execute(_first_pending(user_ids, day)):
        section = "overdue" if row.due_on < day else "today"
        mine(row.assigned_to_id)[section].append(_action_item(row, day))
    for row in db.session.execute(_pending_totals(user_ids, day)):
        mine(row.assigned_to_id)["totals"][bool(row.overdue)] = row.total
    return found


_ITEM_COLUMNS = (
    RelationshipAction.id,
    RelationshipAction.title,
    RelationshipAction.action_type,
    RelationshipAction.due_on,
    RelationshipAction.assigned_to_id,
    RelationshipAction.contact_id,
)


def _first_pending(user_ids: list[int], day: date) -> Select:
    """The first ``ITEMS_SHOWN`` of each user's actions due on ``day`` and of those overdue by
    then, by due date, with their contact's name; ordered by user, then due date.

    On PostgreSQL each list is an index range read by a lateral join, ``ITEMS_SHOWN`` rows per
    user; ranking every pending action instead sorted the 170,000 overdue actions of a whole
    firm on disk to keep 20,000 (docs/performance.md, "Jobs"). SQLite has no lateral join and
    ranks them with a window.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        listed = _first_by_lateral(user_ids, day)
    else:
        listed = _first_by_rank(user_ids, day)
    return (
        select(listed, Contact.first_name, Contact.last_name)
        .join(Contact, Contact.id == listed.c.contact_id)
        .order_by(listed.c.assigned_to_id, listed.c.due_on, listed.c.id)
    )


def _first_by_lateral(user_ids: list[int], day: date) -> Subquery:
    action = RelationshipAction
    users = select(User.id).where(one_of_ids(User.id, user_ids)).subquery("digest_users")
    lists = []
    for due in (action.due_on == day, action.due_on < day):
        first = (
            select(*_ITEM_COLUMNS)
            .where(action.assigned_to_id == users.c.id, action.status == "pending", due)
            .order_by(action.due_on, action.id)
            .limit(ITEMS_SHOWN)
            .lateral()
        )
        lists.append(select(first).select_from(users).join(first, true()))
    return union_all(*lists).subquery("listed")


def _first_by_rank(user_ids: list[int], day: date) -> Subquery:
    action = RelationshipAction
    rank = func.row_number().over(
        partition_by=(action.assigned_to_id, action.due_on < day),
        order_by=(action.due_on, action.id),
    )
    ranked = (
        select(*_ITEM_COLUMNS, rank.label("rank"))
        .where(action.assigned_to_id.in_(user_ids), action.status == "pending")
        .where(action.due_on <= day)
        .subquery()
    )
    return select(ranked).where(ranked.c.rank <= ITEMS_SHOWN).subquery("listed")


def _pending_totals(user_ids: list[int], day: date) -> Select:
    """How many actions each user has due on ``day`` and overdue by then (``overdue``)."""
    action = RelationshipAction
    overdue = (action.due_on < day).label("overdue")
    return (
        select(action.assigned_to_id, overdue, func.count().label("total"))
        .where(one_of_ids(action.assigned_to_id, user_ids), action.status == "pending")
        .where(action.due_on <= day)
        .group_by(action.assigned_to_id, overdue)
    )


def _action_item(row, day: date) -> dict[str, Any]:
    item = {
        "action_id": row.id,
        "title": row.title,
        "action_type": row.action_type,
        "due_on": row.due_on.isoformat(),
        "contact_id": row.contact_id,
        "contact_name": full_name_of(row.first_name, row.last_name),
    }
    if row.due_on < day:
        item["days_overdue"] = (day - row.due_on).days
    return item


def _events_by_user(day_of: dict[int, date]) -> dict[int, list[dict[str, Any]]]:
    """Life events of each user's current contacts in the week from their day, soonest first.

    SQL narrows to the month-days of every week asked for; each event's next occurrence (one-off
    events, a year not reached yet, 29 February) is worked out in Python for its owner's day.
    """
    pairs = set().union(*(month_days(day, EVENT_DAYS) for day in set(day_of.values())))
    stmt = owned_events_on(day_of, pairs)
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in db.session.execute(stmt):
        day = day_of[row.owner_id]
        occurs_on = next_occurrence(
            row.event_month, row.event_day, row.event_year, row.recurs_annually, day
        )
        if occurs_on is not None and (occurs_on - day).days < EVENT_DAYS:
            found[row.owner_id].append(_event_item(row, occurs_on, day))
    for events in found.values():
        events.sort(key=lambda e: (e["occurs_on"], e["contact_name"], e["life_event_id"]))
    return found


def _event_item(row, occurs_on: date, day: date) -> dict[str, Any]:
    return {
        "life_event_id": row.id,
        "title": row.title,
        "event_type": row.event_type,
        "occurs_on": occurs_on.isoformat(),
        "days_away": (occurs_on - day).days,
        "contact_id": row.contact_id,
        "contact_name": full_name_of(row.first_name, row.last_name),
    }


# --- reading --------------------------------------------------------------------------------------


class DigestItem:
    """One item of a digest (an action or a life event), its fields as attributes: a template
    reads ``item.title`` at once, where from a dict Jinja first fails an attribute lookup on
    every field (a morning's digest emails render 30,000 items: docs/performance.md, "Jobs")."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self.__dict__.update(fields)


def readable(contents: dict[str, Any]) -> dict[str, Any]:
    """The contents with their ISO dates as ``date``s, for the page and the email.

    Each item is a ``DigestItem``."""
    parsed = {
        "day": date.fromisoformat(contents["day"]),
        "counts": contents["counts"],
    }
    for section, key in (("today", "due_on"), ("overdue", "due_on"), ("events", "occurs_on")):
        parsed[section] = items = [DigestItem(item) for item in contents.get(section, [])]
        for item in items:
            setattr(item, key, date.fromisoformat(getattr(item, key)))
    return parsed


def headline(contents: dict[str, Any]) -> str:
    """What a digest holds, in a few words: "3 due today, 2 overdue, 1 life event this week"."""
    counts = contents["counts"]
    parts = []
    if counts["today"]:
        parts.append(f"{counts['today']} due today")
    if counts["overdue"]:
        parts.append(f"{counts['overdue']} overdue")
    if counts["events"]:
        plural = "" if counts["events"] == 1 else "s"
        parts.append(f"{counts['events']} life event{plural} this week")
    return ", ".join(parts) or "nothing to report"


def latest_for(user: User) -> Digest | None:
    """The user's most recent digest."""
    stmt = select(Digest).where(Digest.user_id == user.id)
    return db.session.scalar(stmt.order_by(Digest.digest_on.desc(), Digest.id.desc()).limit(1))


def recent_for(user: User, limit: int = EARLIER_SHOWN + 1) -> list[Digest]:
    """The user's most recent digests, newest first."""
    stmt = select(Digest).where(Digest.user_id == user.id)
    return list(db.session.scalars(stmt.order_by(Digest.digest_on.desc()).limit(limit)))


# Every page's top bar asks it: built once, run on the session's connection without the ORM's
# per-statement work (a third of the layout's time, docs/performance.md, "The layout, once").
_UNREAD = select(func.count()).where(
    Digest.user_id == bindparam("user_id"), Digest.read_at.is_(None)
)


def unread_count(user: User) -> int:
    """How many of the user's digests they have not opened yet (one query)."""
    return db.session.connection().execute(_UNREAD, {"user_id": user.id}).scalar() or 0


def own_digest(actor: Actor, digest_id: int) -> Digest:
    """One of the actor's own digests; anyone else's is ``NotFound``, as if it did not exist."""
    access.require(actor, access.RELATIONSHIPS_VIEW)
    digest = db.session.get(Digest, digest_id)
    if digest is None or digest.user_id != actor.user_id:
        raise NotFound(f"No digest with id {digest_id}.")
    return digest


def mark_read(actor: Actor, digest_id: int) -> Digest:
    """Mark one of the actor's digests read (once: reading it again changes nothing)."""
    digest = own_digest(actor, digest_id)
    if digest.read_at is None:
        changes = apply_changes(digest, {"read_at": now()})
        record_event(actor, "update", "digest", digest.id, changes)
        db.session.flush()
    return digest


# --- the Digest page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestPage:
    """The digest on show (``None`` before the first) and the earlier ones to open."""

    digest: Digest | None
    contents: dict[str, Any] | None
    earlier: list[Digest]
    is_today: bool  # the digest on show is for the reader's today (not an earlier day)


def open_digest(actor: Actor, digest_id: int | None = None) -> DigestPage:
    """Show one of the actor's digests (the latest if no id) and mark it read."""
    access.require(actor, access.RELATIONSHIPS_VIEW)
    recent = recent_for(actor.user)
    if digest_id is None:
        digest = recent[0] if recent else None
    else:
        digest = own_digest(actor, digest_id)
    if digest is not None:
        mark_read(actor, digest.id)
    earlier = [d for d in recent if digest is None or d.id != digest.id][:EARLIER_SHOWN]
    contents = readable(digest.contents) if digest is not None else None
    is_today = contents is not None and contents["day"] == today_in(actor.user.timezone)
    return DigestPage(digest, contents, earlier, is_today)


def store_new(rows: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Insert composed digests (user_id, digest_on, contents, created_at) and audit them.

    Returns (digest id, user id) for those inserted; one another run made first is skipped.
    """
    table = Digest.__table__
    stmt = insert_ignoring_duplicates(table).returning(table.c.id, table.c.user_id)
    inserted = [(row.id, row.user_id) for row in db.session.execute(stmt, rows)]
    for digest_id, _ in inserted:
        record_event(None, "create", "digest", digest_id)
    return inserted


def mark_emailed(digest_ids: list[int], when: datetime) -> None:
    """Note that these digests went out by email."""
    db.session.execute(update(Digest).where(Digest.id.in_(digest_ids)).values(emailed_at=when))
