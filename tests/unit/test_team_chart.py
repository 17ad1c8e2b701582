"""The Team view's weekly chart: its value axis, its series' looks, and where points land."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from webapp.services.team import WeeklyCompletions, WeeklySeries, chart_weeks
from webapp.web.team_chart import (
    COMPACT,
    WIDE,
    describe,
    lay_out,
    marker_path,
    series_style,
    value_axis,
)

MONDAYS = tuple(date(2027, 1, 4) + timedelta(weeks=n) for n in range(12))


@pytest.mark.parametrize(
    ("highest", "top", "step"),
    [(0, 4, 1), (1, 4, 1), (4, 4, 1), (5, 5, 1), (7, 8, 2), (10, 10, 2), (13, 15, 5), (48, 50, 10)],
)
def test_the_value_axis_holds_the_highest_week_in_at_most_five_whole_steps(highest, top, step):
    assert value_axis(highest) == (top, step)


@pytest.mark.parametrize("highest", [*range(1, 120), 999, 1234, 10_001])
def test_every_value_axis_fits_and_has_few_ticks(highest):
    top, step = value_axis(highest)
    assert top >= highest and top % step == 0 and top // step <= 5


def test_no_two_of_many_squads_look_alike():
    looks = [series_style(n) for n in range(49)]
    assert len(set(looks)) == 49
    # Neighbours differ in colour, marker and dash, not in colour alone.
    for first, second in zip(looks, looks[1:], strict=False):
        assert first.marker != second.marker and first.dash != second.dash


@pytest.mark.parametrize(
    "shape", ["circle", "square", "triangle", "diamond", "triangle-down", "cross", "plus"]
)
def test_each_marker_is_a_closed_path_around_its_point(shape):
    path = marker_path(shape, 100, 50)
    assert path.startswith("M") and path.endswith("Z")


def test_points_sit_on_their_weeks_and_values():
    weekly = WeeklyCompletions(
        weeks=MONDAYS,
        series=(
            WeeklySeries("North", (0,) * 11 + (8,)),
            WeeklySeries("South", (4,) + (0,) * 11),
        ),
    )
    chart = lay_out(weekly)
    north, south = chart.series
    baseline = chart.bottom
    assert north.points[0].x == chart.left == WIDE.left
    assert north.points[-1].x == chart.right == WIDE.width - WIDE.right  # this week, at the right
    assert north.points[-1].y == chart.top  # 8 is the top of an axis running 0, 2, ... 8
    assert south.points[0].y == pytest.approx((chart.top + baseline) / 2)  # 4 of 8: half way up
    assert all(p.y == baseline for p in north.points[:-1])
    assert [t.text for t in chart.y_ticks] == ["0", "2", "4", "6", "8"]
    assert chart.x_ticks[0].text == "4 Jan" and chart.x_ticks[-1].text == "22 Mar"
    assert (chart.width, chart.height) == (WIDE.width, WIDE.height)
    assert north.style != south.style


def test_a_phones_drawing_labels_every_other_week_and_keeps_this_one():
    weekly = WeeklyCompletions(weeks=MONDAYS, series=(WeeklySeries("North", (1,) * 12),))
    chart = lay_out(weekly, COMPACT)
    assert [t.text for t in chart.x_ticks] == [
        "11 Jan",
        "25 Jan",
        "8 Feb",
        "22 Feb",
        "8 Mar",
        "22 Mar",
    ]
    assert chart.x_ticks[-1].position == chart.series[0].points[-1].x == chart.right
    assert (chart.width, chart.height) == (COMPACT.width, COMPACT.height)


def test_the_description_says_what_each_squad_did():
    weekly = WeeklyCompletions(weeks=MONDAYS, series=(WeeklySeries("North", (1,) * 11 + (3,)),))
    assert describe(weekly) == (
        "Actions completed per week over the 12 weeks from 4 Jan. North: 14 in all, 3 this week."
    )


def test_the_chart_weeks_are_twelve_mondays_ending_with_this_week():
    sunday_night = datetime(2027, 3, 14, 23, 59, tzinfo=UTC)
    weeks = chart_weeks(sunday_night)
    assert len(weeks) == 12
    assert weeks[-1] == date(2027, 3, 8) and weeks[0] == date(2026, 12, 21)
    assert all(week.weekday() == 0 for week in weeks)
    assert chart_weeks(sunday_night + timedelta(minutes=1))[-1] == date(2027, 3, 15)
