"""How message times read: as short as they can be, with the full date as their title."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from webapp.web import display

NOW = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)  # a Wednesday


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    class FrozenDateTime(datetime):
        @classmethod
        def now(cls, tz=None):
            return NOW.astimezone(tz)

    monkeypatch.setattr(display, "datetime", FrozenDateTime)
    monkeypatch.setattr(display, "viewer_zone", lambda: UTC)


@pytest.mark.parametrize(
    ("ago", "shown"),
    [
        (timedelta(hours=1), "14:30"),
        (timedelta(days=1), "Yesterday 15:30"),
        (timedelta(days=3), "Sun 15:30"),
        (timedelta(days=20), "5 Nov, 15:30"),
        (timedelta(days=400), "21 Oct 2025, 15:30"),
    ],
)
def test_a_message_time_is_as_short_as_it_can_be(ago, shown):
    html = str(display.message_time(NOW - ago))
    assert f">{shown}</time>" in html


def test_a_message_time_carries_its_full_date_and_instant():
    html = str(display.message_time(NOW))
    assert 'title="25 November 2026, 15:30"' in html
    assert f'datetime="{NOW.isoformat()}"' in html


def test_no_time_shows_nothing():
    assert str(display.message_time(None)) == ""
