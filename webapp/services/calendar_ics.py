"""A calendar feed written as iCal (RFC 5545): one all-day event per action and life event.

Only ``calendar_feeds.build_ics`` imports this module, when a calendar app fetches a feed, so the
``icalendar`` package is not loaded by every web worker (docs/performance.md, "Memory").
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import icalendar

from webapp.services import calendar
from webapp.services.life_event_types import life_event_type

if TYPE_CHECKING:
    from datetime import date

    from webapp.models import LifeEvent, RelationshipAction, User


def _all_day(
    uid: str, day: date, summary: str, description: str, url: str | None
) -> icalendar.Event:
    """An all-day event that does not mark the user busy."""
    return icalendar.Event.new(
        uid=uid,
        start=day,
        end=day + timedelta(days=1),
        stamp=calendar.now(),
        summary=summary,
        description=description,
        url=url,
        transparency="TRANSPARENT",
        categories=["Rapport"],
    )


def action_event(
    action: RelationshipAction, today: date, url: str | None, type_label: str
) -> icalendar.Event:
    """A pending action on its due day (overdue ones say so)."""
    summary = f"Overdue: {action.title}" if action.due_on < today else action.title
    lines = [f"Contact: {action.contact.full_name}", f"Action: {type_label}"]
    if action.description:
        lines.append(action.description)
    return _all_day(f"action-{action.id}@rapport", action.due_on, summary, "\n".join(lines), url)


def life_event_event(event: LifeEvent, occurs_on: date, url: str | None) -> icalendar.Event:
    """One occurrence of a contact's life event."""
    name = event.contact.full_name
    lines = [f"Contact: {name}", f"Life event: {life_event_type(event.event_type).label}"]
    if event.description:
        lines.append(event.description)
    uid = f"life-event-{event.id}-{occurs_on.isoformat()}@rapport"
    return _all_day(uid, occurs_on, f"{name}: {event.title}", "\n".join(lines), url)


def feed_of(user: User, events: list[icalendar.Event], refresh: timedelta) -> bytes:
    """The user's feed of ``events`` as iCal bytes, to be fetched again every ``refresh``."""
    feed = icalendar.Calendar.new(
        prodid="-//Rapport//Calendar feed//EN",
        uid=f"calendar-{user.id}@rapport",
        name=f"Rapport: {user.name}",
        description="Your pending relationship actions and your contacts' life events.",
        method="PUBLISH",
        calscale="GREGORIAN",
        refresh_interval=refresh,
        subcomponents=events,
    )
    feed["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # RFC 7986 asks for it
    # Outlook and Apple Calendar read this older property instead.
    feed.add("X-PUBLISHED-TTL", icalendar.vDuration(refresh))
    return feed.to_ical()
