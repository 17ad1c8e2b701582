"""Calendar days as people mean them: next occurrences, 29 February, parsing, today by zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.unit.relationship_builders import freeze_time
from webapp.services import calendar
from webapp.services.calendar import (
    format_calendar_day,
    next_occurrence,
    on_year,
    parse_calendar_day,
    today_in,
)

TODAY = date(2025, 6, 1)  # 2025 is not a leap year; 2028 is


@pytest.mark.parametrize(
    ("month", "day", "today", "expected"),
    [
        (6, 20, TODAY, date(2025, 6, 20)),  # later this year
        (3, 14, TODAY, date(2026, 3, 14)),  # already passed: next year
        (6, 1, TODAY, date(2025, 6, 1)),  # today counts as upcoming
        (5, 31, TODAY, date(2026, 5, 31)),  # yesterday is a year away
        (1, 3, date(2025, 12, 30), date(2026, 1, 3)),  # across the year boundary
    ],
)
def test_a_year_unknown_date_recurs_on_its_month_and_day(month, day, today, expected):
    assert next_occurrence(month, day, None, False, today) == expected
    assert next_occurrence(month, day, None, True, today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 2, 1), date(2025, 2, 28)),  # non-leap year: 28 February
        (date(2025, 2, 28), date(2025, 2, 28)),  # on the 28th itself: today
        (date(2025, 3, 1), date(2026, 2, 28)),  # passed: next (non-leap) year's 28th
        (date(2027, 3, 1), date(2028, 2, 29)),  # next year is a leap year: the 29th
        (date(2028, 2, 1), date(2028, 2, 29)),  # this year is a leap year: the 29th
        (date(2028, 2, 29), date(2028, 2, 29)),
    ],
)
def test_29_february_falls_on_28_february_in_other_years(today, expected):
    assert next_occurrence(2, 29, None, True, today) == expected
    assert next_occurrence(2, 29, 2000, True, today) == expected


def test_on_year_moves_only_29_february():
    assert on_year(2025, 2, 29) == date(2025, 2, 28)
    assert on_year(2024, 2, 29) == date(2024, 2, 29)
    assert on_year(2025, 2, 28) == date(2025, 2, 28)
    assert on_year(2025, 12, 31) == date(2025, 12, 31)


def test_a_recurring_event_with_a_future_first_date_starts_then():
    assert next_occurrence(3, 14, 2027, True, TODAY) == date(2027, 3, 14)


def test_a_recurring_event_from_a_past_year_repeats_on_its_next_anniversary():
    assert next_occurrence(9, 2, 2010, True, TODAY) == date(2025, 9, 2)
    assert next_occurrence(3, 14, 2010, True, TODAY) == date(2026, 3, 14)


def test_a_past_one_off_event_never_happens_again():
    assert next_occurrence(3, 14, 2024, False, TODAY) is None
    assert next_occurrence(5, 31, 2025, False, TODAY) is None


def test_a_future_one_off_event_happens_on_its_date():
    assert next_occurrence(3, 14, 2026, False, TODAY) == date(2026, 3, 14)


@pytest.mark.parametrize("recurs", [True, False])
def test_an_event_today_counts_as_upcoming(recurs):
    assert next_occurrence(6, 1, 2025, recurs, TODAY) == TODAY
    assert next_occurrence(6, 1, None, recurs, TODAY) == TODAY


def test_an_event_without_a_day_has_no_occurrence():
    assert next_occurrence(None, None, None, True, TODAY) is None
    assert next_occurrence(6, None, 2025, True, TODAY) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-02-29", (2, 29, 2024)),
        ("1990-12-31", (12, 31, 1990)),
        ("03-14", (3, 14, None)),
        ("--03-14", (3, 14, None)),  # the ISO 8601 form of a year-unknown day
        ("02-29", (2, 29, None)),  # exists in some year, so a year-unknown birthday may be on it
        ("  07-04 ", (7, 4, None)),
    ],
)
def test_parse_calendar_day_reads_full_and_year_unknown_dates(raw, expected):
    assert parse_calendar_day(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "2023-02-29",  # not a leap year
        "02-30",
        "13-01",
        "00-10",
        "04-31",
        "2024-13-01",
        "2024-1-5",
        "3-14",
        "14/03/2024",
        "2024/03/14",
        "20240314",
        "2024-03-14T10:00",
        "--2024-03-14",
        "+2024-03-14",
        "-03-14",
        "١٢-٢٥",  # Arabic-Indic digits are digits to Python, not to us
        "tomorrow",
    ],
)
def test_parse_calendar_day_refuses_anything_else_with_a_reason(raw):
    with pytest.raises(ValueError, match=r"\S"):
        parse_calendar_day(raw)


def test_format_calendar_day_round_trips_both_forms():
    assert format_calendar_day(2, 29, 2024) == "2024-02-29"
    assert format_calendar_day(3, 4, None) == "03-04"
    assert format_calendar_day(None, None, None) is None
    assert parse_calendar_day(format_calendar_day(3, 4, None)) == (3, 4, None)


# 11:00 UTC on 1 January: already 2 January at UTC+14, still 31 December at UTC-11 until 11:00.
NEW_YEAR_MORNING = datetime(2025, 1, 1, 11, 0, tzinfo=UTC)
NEW_YEAR_SMALL_HOURS = datetime(2025, 1, 1, 5, 0, tzinfo=UTC)


def test_today_in_kiritimati_is_already_tomorrow(monkeypatch):
    freeze_time(monkeypatch, NEW_YEAR_MORNING)
    assert today_in("UTC") == date(2025, 1, 1)
    assert today_in("Pacific/Kiritimati") == date(2025, 1, 2)


def test_today_in_pago_pago_is_still_yesterday(monkeypatch):
    freeze_time(monkeypatch, NEW_YEAR_SMALL_HOURS)
    assert today_in("UTC") == date(2025, 1, 1)
    assert today_in("Pacific/Pago_Pago") == date(2024, 12, 31)


@pytest.mark.parametrize("zone", [None, "", "Mars/Olympus_Mons", "../etc/passwd"])
def test_today_in_an_unknown_timezone_is_utcs_today(monkeypatch, zone):
    freeze_time(monkeypatch, NEW_YEAR_SMALL_HOURS)
    assert today_in(zone) == date(2025, 1, 1)


def test_now_is_an_aware_utc_moment():
    moment = calendar.now()
    assert moment.tzinfo is not None and moment.utcoffset().total_seconds() == 0
