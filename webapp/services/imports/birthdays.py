"""Birthdays as address books write them, with or without the year.

Accepted: ``1985-03-14`` (a time after it is dropped), ``19850314`` (vCard 3), ``--03-14``
(Google, no year), ``--0314`` (vCard 4, no year), ``3/14/1985`` (Outlook; read as day/month
when the first number is over 12), ``14.3.1985``; empty and Outlook's ``0/0/00`` mean none.
"""

from __future__ import annotations

import calendar
import re

FIRST_YEAR, LAST_YEAR = 1900, 2100
NO_BIRTHDAY = re.compile(r"0{1,2}/0{1,2}/0{2}(0{2})?")  # Outlook's empty date
ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?")
BASIC = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T.*)?")
NO_YEAR = re.compile(r"--(\d{2})-?(\d{2})")
SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})")
DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
SPELLINGS = "YYYY-MM-DD, or --MM-DD without a year"
MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)  # fmt: skip  (calendar.month_name follows the server's locale)


def parse_birthday(raw: str) -> tuple[int, int, int | None] | None:
    """(month, day, year or None); None for an empty value (and Outlook's "0/0/00").

    Raises ``ValueError`` with a readable reason for anything else it cannot read, and for a
    date that does not exist.
    """
    text = raw.strip()
    if not text or NO_BIRTHDAY.fullmatch(text):
        return None
    month, day, year = _numbers(text)
    return _checked(text, month, day, year)


def _numbers(text: str) -> tuple[int, int, int | None]:
    """Month, day and year as written, not yet checked."""
    if found := ISO.fullmatch(text) or BASIC.fullmatch(text):
        year, month, day = (int(part) for part in found.groups())
        return month, day, year
    if found := NO_YEAR.fullmatch(text):
        return int(found[1]), int(found[2]), None
    if found := DOTTED.fullmatch(text):
        return int(found[2]), int(found[1]), int(found[3])
    if found := SLASHED.fullmatch(text):
        if len(found[3]) != 4:
            raise ValueError(f"Write the year of the birthday {text!r} with four digits.")
        first, second = int(found[1]), int(found[2])
        month, day = (second, first) if first > 12 else (first, second)
        return month, day, int(found[3])
    raise ValueError(f"{text!r} is not a date Rapport can read: write it as {SPELLINGS}.")


def _checked(text: str, month: int, day: int, year: int | None) -> tuple[int, int, int | None]:
    """The date, or ``ValueError`` saying why it does not exist."""
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            f"The birthday {text!r} has the year {year}: give a year from {FIRST_YEAR} to "
            f"{LAST_YEAR}, or none."
        )
    if not 1 <= month <= 12:
        raise ValueError(f"The birthday {text!r} has no month {month}: months go from 1 to 12.")
    longest = calendar.monthrange(year if year is not None else 2000, month)[1]  # 2000: leap
    if not 1 <= day <= longest:
        if month == 2 and day == 29:
            raise ValueError(f"The birthday {text!r} is not a date: {year} is not a leap year.")
        raise ValueError(
            f"The birthday {text!r} is not a date: {MONTHS[month]} has {longest} days."
        )
    return month, day, year
