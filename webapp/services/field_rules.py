"""Reading one field's value the same way for the API and the pages; each raises ``ValueError``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from webapp.services import calendar
from webapp.services.validation import (
    MAX_ID,
    clean_text,
    normalise_email,
    normalise_phone,
    refuse_nul,
)

MAX_INTERESTS = 30
MAX_INTEREST_LENGTH = 60
CENT = Decimal("0.01")
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200


def text(value: object, max_length: int) -> str | None:
    """A free-text value, stripped; empty is ``None``."""
    if value is not None and not isinstance(value, str):
        raise ValueError("Send text.")
    return clean_text(value, max_length=max_length)


def required_text(value: object, max_length: int) -> str:
    cleaned = text(value, max_length)
    if cleaned is None:
        raise ValueError("This is required.")
    return cleaned


def choice(value: object, allowed: Iterable[str], *, required: bool = False) -> str | None:
    """One of ``allowed``; empty is ``None`` unless ``required``."""
    if value is None or value == "":
        if required:
            raise ValueError("This is required.")
        return None
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"Choose one of: {', '.join(allowed)}.")
    return value


def flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("Send true or false.")
    return value


def whole_number(value: object, lowest: int, highest: int, *, nullable: bool = True) -> int | None:
    """An integer within bounds (booleans are not numbers here)."""
    if value is None or value == "":
        if nullable:
            return None
        raise ValueError("This is required.")
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
        raise ValueError(f"Use a whole number from {lowest} to {highest}.")
    return value


def amount(value: object, highest: Decimal) -> Decimal | None:
    """A non-negative amount of money, to the cent, kept exactly; empty is ``None``.

    A JSON number (or a string of one, from a form) is read from its digits, never through a
    binary float, so 0.1 stays 0.1.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("Send a number, like 250000 or 1250.50.")
    text = repr(value) if isinstance(value, float) else str(value).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError("Send a number, like 250000 or 1250.50.") from None
    if not number.is_finite() or number < 0:
        raise ValueError("Use an amount of zero or more.")
    if number > highest:
        raise ValueError(f"Use an amount up to {highest:,}.")
    if number != number.quantize(CENT):
        raise ValueError("Use at most two decimal places (whole cents).")
    return number.quantize(CENT)


def record_id(value: object) -> int | None:
    """An id sent as a number or a string of digits; empty is ``None``."""
    return whole_number(value, 1, MAX_ID) if value not in (None, "") else None


def email(value: object) -> str | None:
    cleaned = text(value, 320)
    return normalise_email(cleaned) if cleaned else None


def phone(value: object) -> str | None:
    cleaned = text(value, 40)
    return normalise_phone(cleaned) if cleaned else None


def interests(value: object) -> list[str]:
    """A list of short tags: trimmed, without blanks or repeats (ignoring case)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("Send a list of interests, each a piece of text.")
    kept: list[str] = []
    seen: set[str] = set()
    for item in value:
        tag = " ".join(refuse_nul(item).split())
        if not tag or tag.casefold() in seen:
            continue
        if len(tag) > MAX_INTEREST_LENGTH:
            raise ValueError(f"Keep each interest under {MAX_INTEREST_LENGTH} characters.")
        seen.add(tag.casefold())
        kept.append(tag)
    if len(kept) > MAX_INTERESTS:
        raise ValueError(f"Keep to {MAX_INTERESTS} interests at most.")
    return kept


def calendar_day(value: object) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) from ``YYYY-MM-DD`` or ``MM-DD``; empty is ``None``."""
    cleaned = text(value, 20)
    if cleaned is None:
        return None
    month, day, year = calendar.parse_calendar_day(cleaned)
    if year is not None and not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(f"Use a year from {EARLIEST_YEAR} to {LATEST_YEAR}.")
    return month, day, year


def iso_date(value: object) -> date | None:
    """A full ``YYYY-MM-DD`` date; empty is ``None``."""
    day = calendar_day(value)
    if day is None:
        return None
    month, day_of_month, year = day
    if year is None:
        raise ValueError("Give the full date, YYYY-MM-DD.")
    return date(year, month, day_of_month)


def birth_year(value: object) -> int | None:
    return whole_number(value, EARLIEST_YEAR, calendar.now().year)
