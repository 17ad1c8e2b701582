"""A contact's timeline: logged interactions, messages and completed actions, newest first.

Entries sort by a key of (calendar day in the viewer's time zone, moment, kind, id). An
interaction happened on a day, not at a moment: within its day it sits at the moment it was
logged. "Show older" pages with a cursor that is the last shown entry's key, so each of the
three sources answers one limited query, whatever the size of the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import joinedload

from webapp import access
from webapp.extensions import db
from webapp.models import Contact, Interaction, Message, RelationshipAction
from webapp.services.calendar import zone_of
from webapp.services.interactions import KIND_LABELS

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

    from webapp.access import Actor

PAGE_SIZE = 20
# Which of two entries at the very same moment reads as the later one.
KIND_RANKS = {"interaction": 0, "message": 1, "action": 2}
CHANNEL_LABELS = {"sms": "SMS", "whatsapp": "WhatsApp", "mms": "MMS"}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, order=True)
class TimelineKey:
    """Where an entry sits; a later key is a newer entry."""

    day: date
    at: datetime
    rank: int
    id: int

    def token(self) -> str:
        """The key as a URL-safe cursor: ``20261112.<microseconds since 1970>.<rank>.<id>``."""
        micros = (self.at - EPOCH) // MICROSECOND
        return f"{self.day:%Y%m%d}.{micros}.{self.rank}.{self.id}"


def parse_cursor(raw: str | None) -> TimelineKey | None:
    """A cursor back from ``TimelineKey.token``; anything unreadable is ``None`` (the start)."""
    parts = (raw or "").split(".")
    if len(parts) != 4 or not all(p.isascii() and p.isdigit() and len(p) < 20 for p in parts):
        return None
    try:
        day = datetime.strptime(parts[0], "%Y%m%d").date()
        at = EPOCH + timedelta(microseconds=int(parts[1]))
    except (ValueError, OverflowError):
        return None
    rank, entry_id = int(parts[2]), int(parts[3])
    if rank not in KIND_RANKS.values():
        return None
    return TimelineKey(day, at, rank, entry_id)


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline. ``when`` is a day for an interaction, a moment otherwise."""

    kind: str
    when: date | datetime
    title: str
    body: str | None
    who: str | None
    status: str | None
    subtype: str
    record: Any
    key: TimelineKey

    @property
    def cursor(self) -> str:
        return self.key.token()


@dataclass(frozen=True)
class TimelinePage:
    """Up to ``limit`` entries, newest first; ``older`` is the cursor to the next ones, if any."""

    entries: list[TimelineEntry]
    older: str | None


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first moment of ``day`` in ``zone``, in UTC."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _moment_before(column, entry_id, rank: int, cursor: TimelineKey, zone: ZoneInfo):
    """SQL: a moment-stamped entry (its day being the moment's day in ``zone``) sorts before
    ``cursor``: on an earlier day, or on the cursor's day and earlier in the key's order."""
    start = _day_start(cursor.day, zone)
    end = _day_start(cursor.day + timedelta(days=1), zone)
    same_moment = column == cursor.at
    if rank == cursor.rank:
        same_moment = and_(same_moment, entry_id < cursor.id)
    elif rank > cursor.rank:
        same_moment = false()
    return or_(
        column < start,
        and_(column >= start, column < end, or_(column < cursor.at, same_moment)),
    )


def _interactions(contact_id: int, limit: int, cursor: TimelineKey | None) -> list[Interaction]:
    stmt = (
        select(Interaction)
        # An archived interaction is kept, but off the timeline.
        .where(Interaction.contact_id == contact_id, Interaction.archived_at.is_(None))
        .options(joinedload(Interaction.user))
        .order_by(
            Interaction.occurred_on.desc(), Interaction.created_at.desc(), Interaction.id.desc()
        )
        .limit(limit)
    )
    if cursor is not None:
        rank = KIND_RANKS["interaction"]
        later_in_day: ColumnElement[bool] = Interaction.created_at < cursor.at
        same_moment = Interaction.created_at == cursor.at
        if rank == cursor.rank:
            later_in_day = or_(later_in_day, and_(same_moment, Interaction.id < cursor.id))
        elif rank < cursor.rank:
            later_in_day = or_(later_in_day, same_moment)
        stmt = stmt.where(
            or_(
                Interaction.occurred_on < cursor.day,
                and_(Interaction.occurred_on == cursor.day, later_in_day),
            )
        )
    return list(db.session.scalars(stmt))


def _messages(contact_id: int, limit: int, cursor: TimelineKey | None, zone) -> list[Message]:
    stmt = (
        select(Message)
        .where(Message.contact_id == contact_id)
        .options(joinedload(Message.sent_by))
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit)
    )
    if cursor is not None:
        rank = KIND_RANKS["message"]
        stmt = stmt.where(_moment_before(Message.created_at, Message.id, rank, cursor, zone))
    return list(db.session.scalars(stmt))


def _done_actions(
    actor: Actor, contact_id: int, limit: int, cursor: TimelineKey | None, zone
) -> list[RelationshipAction]:
    """Done actions the actor may see (actions are personal work: scoped like everywhere)."""
    done_at = func.coalesce(RelationshipAction.completed_at, RelationshipAction.updated_at)
    stmt = (
        select(RelationshipAction)
        .where(RelationshipAction.contact_id == contact_id, RelationshipAction.status == "done")
        .options(joinedload(RelationshipAction.completed_by))
        .order_by(done_at.desc(), RelationshipAction.id.desc())
        .limit(limit)
    )
    if cursor is not None:
        rank = KIND_RANKS["action"]
        stmt = stmt.where(_moment_before(done_at, RelationshipAction.id, rank, cursor, zone))
    return list(
        db.session.scalars(access.scope_actions(actor, stmt, RelationshipAction.assigned_to_id))
    )


def _interaction_entry(interaction: Interaction) -> TimelineEntry:
    key = TimelineKey(
        interaction.occurred_on, interaction.created_at, KIND_RANKS["interaction"], interaction.id
    )
    return TimelineEntry(
        kind="interaction",
        when=interaction.occurred_on,
        title=KIND_LABELS.get(interaction.kind, interaction.kind),
        body=interaction.summary,
        who=interaction.user.name if interaction.user else None,
        status=None,
        subtype=interaction.kind,
        record=interaction,
        key=key,
    )


def _message_entry(message: Message, contact: Contact, zone: ZoneInfo) -> TimelineEntry:
    at = message.created_at
    channel = CHANNEL_LABELS.get(message.channel, message.channel)
    outbound = message.is_outbound
    if outbound:
        who = message.sent_by.name if message.sent_by else None
    else:
        who = contact.full_name
    return TimelineEntry(
        kind="message",
        when=at,
        title=f"{channel} {'sent' if outbound else 'received'}",
        body=message.body or None,
        who=who,
        status=message.status,
        subtype=message.direction,
        record=message,
        key=TimelineKey(at.astimezone(zone).date(), at, KIND_RANKS["message"], message.id),
    )


def _action_entry(action: RelationshipAction, zone: ZoneInfo) -> TimelineEntry:
    at = action.completed_at or action.updated_at
    return TimelineEntry(
        kind="action",
        when=at,
        title=action.title,
        body=action.description,
        who=action.completed_by.name if action.completed_by else None,
        status=action.status,
        subtype=action.action_type,
        record=action,
        key=TimelineKey(at.astimezone(zone).date(), at, KIND_RANKS["action"], action.id),
    )


def timeline_for(
    actor: Actor, contact_id: int, limit: int = PAGE_SIZE, before: TimelineKey | None = None
) -> TimelinePage:
    """The contact's newest ``limit`` entries older than ``before`` (from the newest without).

    Three queries, each limited, merged here; days are the actor's calendar days.
    """
    contact = access.get_or_404(actor, Contact, contact_id, access.RELATIONSHIPS_VIEW)
    zone = zone_of(actor.user.timezone)
    fetch = limit + 1  # one more than shown tells whether there are older entries
    entries = [_interaction_entry(i) for i in _interactions(contact.id, fetch, before)]
    entries += [
        _message_entry(m, contact, zone) for m in _messages(contact.id, fetch, before, zone)
    ]
    entries += [
        _action_entry(a, zone) for a in _done_actions(actor, contact.id, fetch, before, zone)
    ]
    entries.sort(key=lambda entry: entry.key, reverse=True)
    shown = entries[:limit]
    older = shown[-1].cursor if len(entries) > limit and shown else None
    return TimelinePage(shown, older)
