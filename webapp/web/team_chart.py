"""The Team view's weekly chart, laid out in Python and drawn as inline SVG by a template.

A line chart: one line per squad, each with its own colour (after the Okabe-Ito palette, safe
for colour-blind readers), its own marker shape and its own dash pattern, so no line depends on
colour alone. Coordinates are in the SVG's own units and the page scales the drawing to its
width; a phone gets a drawing of its own proportions (``COMPACT``), so its words stay legible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

    from webapp.services.team import WeeklyCompletions

MARKER_SIZE = 5.0


@dataclass(frozen=True)
class ChartSize:
    """A drawing's proportions: its size, the margins the axes' labels need, its markers."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    marker: float = MARKER_SIZE
    every_other_week: bool = False  # label only every other week (the latest always)


WIDE = ChartSize(width=720, height=280, left=60, right=32, top=16, bottom=58)
COMPACT = ChartSize(
    width=360, height=250, left=34, right=26, top=12, bottom=50, marker=4.0, every_other_week=True
)


@dataclass(frozen=True)
class SeriesStyle:
    colour: str
    marker: str  # circle, square, triangle, diamond, ...
    dash: str  # an SVG stroke-dasharray; "" is a solid line


# Okabe-Ito hues, with orange and sky blue darkened to a 3:1 contrast on white.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#997700", "#332288", "#1F2937")
MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down", "cross", "plus")
DASHES = ("", "8 4", "2 4", "10 3 2 3", "4 4", "12 4", "1 3")


def series_style(index: int) -> SeriesStyle:
    """The look of the ``index``-th series; no two of the first 49 look the same."""
    turn = index // len(COLOURS)
    return SeriesStyle(
        colour=COLOURS[index % len(COLOURS)],
        marker=MARKERS[(index + turn) % len(MARKERS)],
        dash=DASHES[(index + 2 * turn) % len(DASHES)],
    )


_PLUS = (
    (-0.35, -1), (0.35, -1), (0.35, -0.35), (1, -0.35), (1, 0.35), (0.35, 0.35), (0.35, 1),
    (-0.35, 1), (-0.35, 0.35), (-1, 0.35), (-1, -0.35), (-0.35, -0.35),
)  # fmt: skip
_DIAGONAL = math.cos(math.pi / 4)
# Each shape as a polygon around (0, 0), for a marker of size 1.
SHAPES: dict[str, tuple[tuple[float, float], ...]] = {
    "square": ((-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)),
    "triangle": ((0, -1.15), (1.05, 0.8), (-1.05, 0.8)),
    "triangle-down": ((0, 1.15), (1.05, -0.8), (-1.05, -0.8)),
    "diamond": ((0, -1.25), (1.05, 0), (0, 1.25), (-1.05, 0)),
    "plus": _PLUS,
    "cross": tuple(((px - py) * _DIAGONAL, (px + py) * _DIAGONAL) for px, py in _PLUS),
}


def marker_path(shape: str, x: float, y: float, size: float = MARKER_SIZE) -> str:
    """An SVG path drawing ``shape`` centred on (x, y); anything unknown is a circle."""
    polygon = SHAPES.get(shape)
    if polygon is None:
        arc = f"a{size},{size} 0 1,0"
        return f"M{x - size:.1f},{y:.1f}{arc} {2 * size},0{arc} {-2 * size},0Z"
    return "M" + "L".join(f"{x + px * size:.1f},{y + py * size:.1f}" for px, py in polygon) + "Z"


def value_axis(highest: int) -> tuple[int, int]:
    """(top, step) of the value axis: whole numbers, at most five steps, ``highest`` inside."""
    if highest <= 4:
        return 4, 1
    magnitude = 10 ** int(math.log10(highest))
    for factor in (0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10):
        step = max(1, int(magnitude * factor))
        if math.ceil(highest / step) <= 5:
            return step * math.ceil(highest / step), step
    return highest, highest  # not reached: factor 10 always fits


def week_label(monday: date) -> str:
    """A week as its axis reads it: "3 Mar"."""
    return f"{monday.day} {monday:%b}"


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int
    week: date


@dataclass(frozen=True)
class PlottedSeries:
    label: str
    total: int
    style: SeriesStyle
    points: tuple[Point, ...]

    @property
    def line(self) -> str:
        return "M" + "L".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    marker_size: float = MARKER_SIZE

    def marker_at(self, point: Point) -> str:
        return marker_path(self.style.marker, point.x, point.y, self.marker_size)

    @property
    def swatch_marker(self) -> str:
        """The marker for the legend's small sample (a 36 x 14 drawing)."""
        return marker_path(self.style.marker, 18, 7, 4.0)


@dataclass(frozen=True)
class AxisTick:
    position: float
    text: str


@dataclass(frozen=True)
class ChartLayout:
    """Everything the template needs to draw the chart."""

    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    x_ticks: tuple[AxisTick, ...]
    y_ticks: tuple[AxisTick, ...]
    series: tuple[PlottedSeries, ...]
    description: str


def lay_out(weekly: WeeklyCompletions, size: ChartSize = WIDE) -> ChartLayout:
    """Place every week, value and series of ``weekly`` on a drawing of ``size``."""
    left, right = size.left, size.width - size.right
    top, bottom = size.top, size.height - size.bottom
    weeks = weekly.weeks
    highest = max((n for series in weekly.series for n in series.counts), default=0)
    y_top, step = value_axis(highest)
    gap = (right - left) / max(len(weeks) - 1, 1)

    def x_of(index: int) -> float:
        return left + index * gap if len(weeks) > 1 else (left + right) / 2

    def y_of(value: int) -> float:
        return bottom - (bottom - top) * value / y_top

    plotted = tuple(
        PlottedSeries(
            label=series.label,
            total=series.total,
            style=series_style(index),
            points=tuple(
                Point(x_of(i), y_of(n), n, week)
                for i, (week, n) in enumerate(zip(weeks, series.counts, strict=True))
            ),
            marker_size=size.marker,
        )
        for index, series in enumerate(weekly.series)
    )
    last = len(weeks) - 1
    x_ticks = tuple(
        AxisTick(x_of(i), week_label(week))
        for i, week in enumerate(weeks)
        if not size.every_other_week or (last - i) % 2 == 0
    )
    y_ticks = tuple(AxisTick(y_of(v), str(v)) for v in range(0, y_top + 1, step))
    return ChartLayout(
        width=size.width,
        height=size.height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        series=plotted,
        description=describe(weekly),
    )


def describe(weekly: WeeklyCompletions) -> str:
    """What the chart says, in a sentence, for screen readers."""
    if not weekly.weeks:
        return "No weeks to show."
    span = f"the {len(weekly.weeks)} weeks from {week_label(weekly.weeks[0])}"
    totals = "; ".join(
        f"{series.label}: {series.total} in all, {series.counts[-1]} this week"
        for series in weekly.series
    )
    return f"Actions completed per week over {span}. {totals}."
