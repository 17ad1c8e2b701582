"""The URL pattern for ids matches exactly the ids a record can have: 1 to MAX_ID, as written."""

from __future__ import annotations

import re

import pytest

from webapp.services.validation import MAX_ID, RECORD_ID_PATTERN

WHOLE = re.compile(rf"{RECORD_ID_PATTERN}\Z")


@pytest.mark.parametrize(
    "text", ["1", "9", "10", "99", "123456789", "1999999999", "2147483639", str(MAX_ID)]
)
def test_every_possible_id_matches(text):
    assert WHOLE.match(text)


@pytest.mark.parametrize(
    "text",
    ["", "0", "00", "01", "-1", "+1", "1.0", "1e3", str(MAX_ID + 1), "2147483650", "9999999999"]
    + ["21474836470", "٣"],
)
def test_no_impossible_id_matches(text):
    assert not WHOLE.match(text)


def test_the_pattern_agrees_with_the_numbers_around_every_digit_boundary():
    edges = {MAX_ID + delta for delta in range(-1001, 1002)}
    edges |= {10**width + delta for width in range(10) for delta in (-1, 0, 1)}
    for number in sorted(edges):
        assert bool(WHOLE.match(str(number))) == (1 <= number <= MAX_ID), number
