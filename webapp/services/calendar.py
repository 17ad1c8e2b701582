"""Calendar days as people mean them: "today" in a user's timezone, and annual occurrences.

Birthdays and due dates are calendar days, computed in the assignee's timezone.
A 29 February date falls on 28 February in years without one.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LEAP_YEAR = 2000  # a year in which every month-day, 29 February included, exists


def now() -> datetime:
    """The current moment, in UTC. Tests move time by replacing this function."""
    return datetime.now(UTC)


def zone_of(timezone_name: str | None) -> ZoneInfo:
    """The named time zone; UTC when there is no name or it is not a zone."""
    try:
        return ZoneInfo(timezone_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def today_in(timezone_name: str | None) -> date:
    """Today's date for someone in ``timezone_name`` (UTC if unknown)."""
    return now().astimezone(zone_of(timezone_name)).date()


def month_day_exists(month: int, day: int) -> bool:
    """Whether ``month``/``day`` is a real calendar day in some year (29 February counts)."""
    if not 1 <= month <= 12:
        return False
    return 1 <= day <= _stdlib_calendar.monthrange(LEAP_YEAR, month)[1]


def on_year(year: int, month: int, day: int) -> date:
    """The date of ``month``/``day`` in ``year``; 29 February becomes 28 February off leap years."""
    if month == 2 and day == 29 and not _stdlib_calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, month, day)


def next_annual(month: int, day: int, today: date) -> date:
    """The next date on or after ``today`` that falls on ``month``/``day``."""
    this_year = on_year(today.year, month, day)
    return this_year if this_year >= today else on_year(today.year + 1, month, day)


def annual_days(first: date, days: int) -> list[tuple[int, int, date]]:
    """(month, day, date) for each of ``days`` days from ``first``: what an annual event on
    that month-day falls on. 29 February falls on 28 February in common years, so that day
    carries both."""
    found = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        found.append((day.month, day.day, day))
        if (day.month, day.day) == (2, 28) and not _stdlib_calendar.isleap(day.year):
            found.append((2, 29, day))
    return found


def month_days(first: date, days: int) -> set[tuple[int, int]]:
    """The (month, day) pairs an annual event may carry to fall within ``days`` from ``first``."""
    return {(month, day) for month, day, _ in annual_days(first, days)}


def next_occurrence(
    month: int | None, day: int | None, year: int | None, recurs: bool, today: date
) -> date | None:
    """When an event next happens, on or after ``today``; ``None`` if it never will again.

    A dated one-off event happens on its date. A recurring event with a year starts on that date
    and then repeats. Without a year, the event's next month-day is the best we know.
    """
    if month is None or day is None:
        return None
    if year is None:
        return next_annual(month, day, today)
    first = on_year(year, month, day)
    if first >= today:
        return first
    return next_annual(month, day, today) if recurs else None


def parse_calendar_day(raw: str) -> tuple[int, int, int | None]:
    """Read ``YYYY-MM-DD``, or ``MM-DD`` / ``--MM-DD`` for a day whose year is unknown.

    Returns (month, day, year or None); raises ``ValueError`` with a readable reason.
    """
    text = raw.strip()
    parts = text.removeprefix("--").split("-")
    if not all(p.isascii() and p.isdigit() for p in parts):
        raise ValueError(
            f"{text or 'This'} is not a date: use YYYY-MM-DD, or MM-DD if the year is unknown."
        )
    if len(parts) == 2 and [len(p) for p in parts] == [2, 2]:
        month, day = int(parts[0]), int(parts[1])
        if not month_day_exists(month, day):
            raise ValueError(f"{text} is not a day of the year.")
        return month, day, None
    if len(parts) == 3 and [len(p) for p in parts] == [4, 2, 2] and not text.startswith("--"):
        try:
            parsed = date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            raise ValueError(f"{text} is not a real date.") from None
        return parsed.month, parsed.day, parsed.year
    raise ValueError(
        f"{text or 'This'} is not a date: use YYYY-MM-DD, or MM-DD if the year is unknown."
    )


def format_calendar_day(month: int | None, day: int | None, year: int | None) -> str | None:
    """``YYYY-MM-DD`` when the year is known, ``MM-DD`` when it is not, ``None`` without a day."""
    if month is None or day is None:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if year is not None else f"{month:02d}-{day:02d}"
