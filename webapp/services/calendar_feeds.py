"""Calendar feeds: a private, revocable iCal URL of one user's upcoming work and contacts' days.

The URL's token is the only credential, so it carries 256 random bits, is shown once, and only
its SHA-256 is stored. It grants that feed and nothing else, and the feed holds only what its
user sees on their own Today page: their pending actions and their own contacts' life events.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, joinedload

from webapp import access
from webapp.extensions import db
from webapp.models import CalendarFeed, Contact, LifeEvent, RelationshipAction, User
from webapp.services import calendar
from webapp.services.action_queries import ActionFilters, actions_query
from webapp.services.audit import record_event
from webapp.services.auto_actions import occurrence_of

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import date

    from webapp.access import Actor

OVERDUE_DAYS = 30  # pending actions overdue by up to this many days stay in the feed
HORIZON_DAYS = 365  # life events happening within this many days of today are in the feed
MAX_TOKEN_LENGTH = 128  # longer than any token we issue: refused before hashing
REFRESH_INTERVAL = timedelta(hours=1)  # how often we ask calendar apps to fetch the feed again


@dataclass(frozen=True)
class NewCalendarFeed:
    feed: CalendarFeed
    token: str  # shown to the user once, inside the feed's URL; only its hash is stored


def _hash_token(token: str) -> str:
    # 256 random bits: a fast hash is safe, and keeps each calendar app's fetch cheap.
    return hashlib.sha256(token.encode()).hexdigest()


def live_feed_of(user: User) -> CalendarFeed | None:
    """The user's feed that still works, if any."""
    stmt = select(CalendarFeed).where(
        CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)
    )
    return db.session.scalars(stmt.order_by(CalendarFeed.id.desc())).first()


def _revoke(actor: Actor, feed: CalendarFeed) -> None:
    feed.revoked_at = calendar.now()
    changes = {"revoked_at": {"before": None, "after": feed.revoked_at}}
    record_event(actor, "revoke", "calendar_feed", feed.id, changes)


def create_feed(actor: Actor) -> NewCalendarFeed:
    """A new feed for the actor's own user; any feed they had stops working (one live feed each)."""
    stmt = select(CalendarFeed).where(
        CalendarFeed.user_id == actor.user_id, CalendarFeed.revoked_at.is_(None)
    )
    for old in db.session.scalars(stmt):
        _revoke(actor, old)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(
        user_id=actor.user_id, token_hash=_hash_token(token), created_at=calendar.now()
    )
    db.session.add(feed)
    db.session.flush()
    changes = {"user_id": {"before": None, "after": feed.user_id}}
    record_event(actor, "create", "calendar_feed", feed.id, changes)
    return NewCalendarFeed(feed=feed, token=token)


def revoke_feed(actor: Actor) -> CalendarFeed | None:
    """Stop the actor's own feed; ``None`` if they had none. Nobody revokes someone else's."""
    feed = live_feed_of(actor.user)
    if feed is not None:
        _revoke(actor, feed)
    return feed


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed behind ``token``; ``None`` if unknown, revoked, or its user is deactivated."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    wanted = _hash_token(token)
    stmt = (
        select(CalendarFeed)
        .where(CalendarFeed.token_hash == wanted)
        .options(joinedload(CalendarFeed.user).selectinload(User.permission_overrides))
    )
    feed = db.session.scalar(stmt)
    # The lookup is by a hash the caller cannot steer; compare_digest keeps the final check
    # constant-time anyway.
    if feed is None or not hmac.compare_digest(feed.token_hash, wanted):
        return None
    if feed.revoked_at is not None or not feed.user.active:
        return None
    return feed


def mark_used(feed: CalendarFeed) -> None:
    """Note that a calendar app fetched the feed (shown on the settings page)."""
    feed.last_used_at = calendar.now()


# --- what the feed holds ------------------------------------------------------------------------


def _pending_actions(actor: Actor, today: date) -> list[RelationshipAction]:
    """The user's own pending actions due from ``OVERDUE_DAYS`` ago on, through the one scope."""
    filters = ActionFilters(
        statuses=("pending",),
        assignees=access.own_assignee_ids(actor),
        due_after=today - timedelta(days=OVERDUE_DAYS),
    )
    return list(db.session.scalars(actions_query(actor, filters)))


def _upcoming_life_events(user: User, today: date) -> list[tuple[LifeEvent, date]]:
    """(event, next occurrence) for the user's own current contacts, within ``HORIZON_DAYS``."""
    stmt = (
        select(LifeEvent)
        .join(LifeEvent.contact)
        .where(
            Contact.owner_id == user.id,
            Contact.archived_at.is_(None),
            LifeEvent.event_month.is_not(None),
            LifeEvent.event_day.is_not(None),
            # A one-off event from an earlier year never happens again.
            or_(
                LifeEvent.event_year.is_(None),
                LifeEvent.recurs_annually,
                LifeEvent.event_year >= today.year,
            ),
        )
        .options(contains_eager(LifeEvent.contact))
    )
    last = today + timedelta(days=HORIZON_DAYS)
    upcoming = []
    for event in db.session.scalars(stmt):
        occurs_on = occurrence_of(event, today)
        if occurs_on is not None and occurs_on <= last:
            upcoming.append((event, occurs_on))
    upcoming.sort(key=lambda pair: (pair[1], pair[0].id))
    return upcoming


def build_ics(
    user: User,
    today: date,
    *,
    contact_url: Callable[[int], str] | None = None,
    type_labels: Mapping[str, str] | None = None,
) -> bytes:
    """The user's feed as iCal bytes: their pending actions and their contacts' coming days.

    ``today`` is the user's own calendar day. ``contact_url`` turns a contact id into a link to
    its page (omitted without one); ``type_labels`` names action types for people. Someone who
    may not see relationships gets an empty calendar, as on their Today page.
    """
    from webapp.services import calendar_ics  # iCal is loaded by the first feed fetched

    actor = access.actor_for_user(user)
    events = []
    if access.can(actor, access.RELATIONSHIPS_VIEW):
        labels = type_labels or {}
        for action in _pending_actions(actor, today):
            url = contact_url(action.contact_id) if contact_url else None
            label = labels.get(action.action_type, action.action_type.capitalize())
            events.append(calendar_ics.action_event(action, today, url, label))
        for event, occurs_on in _upcoming_life_events(user, today):
            url = contact_url(event.contact_id) if contact_url else None
            events.append(calendar_ics.life_event_event(event, occurs_on, url))
    return calendar_ics.feed_of(user, events, REFRESH_INTERVAL)


def fetch(
    token: str,
    *,
    contact_url: Callable[[int], str] | None = None,
    type_labels: Mapping[str, str] | None = None,
) -> bytes | None:
    """What a calendar app gets for ``token``: the feed as of its user's today, or ``None``."""
    feed = feed_for_token(token)
    if feed is None:
        return None
    mark_used(feed)
    user = feed.user
    return build_ics(
        user, calendar.today_in(user.timezone), contact_url=contact_url, type_labels=type_labels
    )
