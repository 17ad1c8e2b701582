"""How values read on the pages: times in the viewer's time zone, days as people write them."""

from __future__ import annotations

from calendar import month_name
from datetime import date, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from webapp.guards import current_actor
from webapp.services.calendar import zone_of


def viewer_zone() -> ZoneInfo:
    """The signed-in user's time zone; UTC for strangers or an unknown zone."""
    actor = current_actor()
    return zone_of(actor.user.timezone if actor else None)


def local_time(moment: datetime | None, empty: str = "") -> Markup:
    """A ``<time>`` element reading like "23 Nov 2026, 20:32" in the viewer's time zone."""
    if moment is None:
        return Markup(escape(empty))
    local = moment.astimezone(viewer_zone())
    text = f"{local.day} {local.strftime('%b %Y, %H:%M')}"
    return Markup(f'<time datetime="{escape(moment.isoformat())}">{escape(text)}</time>')


def message_time(moment: datetime | None) -> Markup:
    """A message's time, as short as it can be: "14:05", "Yesterday 14:05", "Mon 14:05",
    "23 Nov, 14:05", or with the year when it is not this one. The full date is its title."""
    if moment is None:
        return Markup("")
    local = moment.astimezone(viewer_zone())
    days_ago = (datetime.now(local.tzinfo).date() - local.date()).days
    clock = local.strftime("%H:%M")
    if days_ago == 0:
        text = clock
    elif days_ago == 1:
        text = f"Yesterday {clock}"
    elif 1 < days_ago < 7:
        text = f"{local.strftime('%a')} {clock}"
    elif local.year == datetime.now(local.tzinfo).year:
        text = f"{local.day} {local.strftime('%b')}, {clock}"
    else:
        text = f"{local.day} {local.strftime('%b %Y')}, {clock}"
    full = f"{local.day} {local.strftime('%B %Y, %H:%M')}"
    stamp = escape(moment.isoformat())
    return Markup(f'<time datetime="{stamp}" title="{escape(full)}">{escape(text)}</time>')


def calendar_day(month: int | None, day: int | None, year: int | None = None) -> str:
    """A calendar day as people write it: "14 March", or "14 March 1985" if the year is known."""
    if month is None or day is None:
        return ""
    return f"{day} {month_name[month]}" + (f" {year}" if year else "")


def long_date(day: date | None) -> str:
    """A date as people write it: "14 March 2027"."""
    return f"{day.day} {day:%B %Y}" if day else ""


def short_date(day: date | None) -> str:
    """A due date as it reads in a table: "14 Mar 2027"."""
    return f"{day.day} {day:%b %Y}" if day else ""


def days_away(days: int) -> str:
    """How far a day is from today: "today", "tomorrow", "in 12 days", "3 days ago"."""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"
