"""Birthdays in every spelling the address books write, and the ones Rapport refuses."""

from __future__ import annotations

import pytest

from webapp.services.imports.birthdays import parse_birthday


@pytest.mark.parametrize(
    ("raw", "read"),
    [
        ("1985-03-14", (3, 14, 1985)),
        ("  1985-03-14 ", (3, 14, 1985)),
        ("1985-03-14T00:00:00Z", (3, 14, 1985)),
        ("19850314", (3, 14, 1985)),
        ("--03-14", (3, 14, None)),
        ("--0314", (3, 14, None)),
        ("3/14/1985", (3, 14, 1985)),
        ("4/5/1985", (4, 5, 1985)),
        ("14/3/1985", (3, 14, 1985)),
        ("14.3.1985", (3, 14, 1985)),
        ("--02-29", (2, 29, None)),
        ("2000-02-29", (2, 29, 2000)),
        ("1900-01-01", (1, 1, 1900)),
        ("2100-12-31", (12, 31, 2100)),
    ],
)
def test_a_birthday_is_read_as_month_day_and_year(raw, read):
    assert parse_birthday(raw) == read


@pytest.mark.parametrize("raw", ["", "   ", "0/0/00", "0/0/0000"])
def test_an_empty_birthday_is_no_birthday(raw):
    assert parse_birthday(raw) is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2023-02-29", "2023 is not a leap year"),
        ("1985-13-01", "no month 13"),
        ("--13-01", "no month 13"),
        ("14/13/1985", "no month 13"),
        ("1985-04-31", "April has 30 days"),
        ("1850-06-01", "from 1900 to 2100"),
        ("2101-06-01", "from 1900 to 2100"),
        ("1604-03-14", "from 1900 to 2100"),
        ("3/14/85", "four digits"),
        ("March 14th", "write it as YYYY-MM-DD"),
        ("14-03", "write it as YYYY-MM-DD"),
    ],
)
def test_a_birthday_that_cannot_be_read_says_why(raw, reason):
    with pytest.raises(ValueError, match=reason):
        parse_birthday(raw)
