"""``make bench-scaling``: does any endpoint's cost grow with the data?

Reads the figures of a full-scale run (``results.json``) and of a run at ``BENCH_SCALE=0.1``
(``results-scale-0.1.json``), both written by ``make bench``, and writes ``scaling.md`` (each
endpoint's ratio to the minimal endpoint at both sizes) and ``scaling.svg`` (the same as a chart).
A ratio that falls from the small firm to the large one is a cost that grows with the data.
"""

from __future__ import annotations

import json
from html import escape

from bench.report import HERE, SLOW_RATIO, YARDSTICK, results_path

SMALL, LARGE = 0.1, 1
BAR, GAP, LABEL_WIDTH, CHART_WIDTH = 9, 10, 330, 360


def ratios(scale_factor: float) -> tuple[dict[str, float], dict]:
    """Each endpoint's req/s as a share of the minimal endpoint's, and the run's figures."""
    path = results_path(scale_factor, ".json")
    if not path.exists():
        raise SystemExit(f"{path.name} is missing: run BENCH_SCALE={scale_factor:g} make bench")
    figures = json.loads(path.read_text())
    endpoints = figures["endpoints"]
    base = endpoints[YARDSTICK]["rps"]
    return {name: r["rps"] / base for name, r in endpoints.items() if name != YARDSTICK}, figures


def table(small_run: dict, large_run: dict) -> list[str]:
    """Ratios at both sizes, and the req/s behind them: the minimal endpoint varies between
    runs too, and a ratio that falls because it rose is not a cost that grew."""
    small, large = small_run["endpoints"], large_run["endpoints"]
    lines = [
        f"| endpoint | ratio at {SMALL:g} | ratio at {LARGE:g} | change "
        f"| req/s at {SMALL:g} | req/s at {LARGE:g} |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    small_base, large_base = small[YARDSTICK]["rps"], large[YARDSTICK]["rps"]
    lines.append(f"| {YARDSTICK} | 100% | 100% | | {small_base:,.0f} | {large_base:,.0f} |")
    for name, figures in large.items():
        if name == YARDSTICK:
            continue
        at_large = figures["rps"] / large_base
        if name not in small:
            lines.append(f"| {name} | | {at_large:.0%} | | | {figures['rps']:,.0f} |")
            continue
        at_small = small[name]["rps"] / small_base
        change = (at_large - at_small) / at_small if at_small else 0
        lines.append(
            f"| {name} | {at_small:.0%} | {at_large:.0%} | {change:+.0%} "
            f"| {small[name]['rps']:,.0f} | {figures['rps']:,.0f} |"
        )
    return lines


def chart(small: dict[str, float], large: dict[str, float]) -> str:
    """Two bars an endpoint (0.1 pale, 1 dark), a dashed line at the 20% target."""
    row = 2 * BAR + GAP
    height = 40 + row * len(large) + 30
    width = LABEL_WIDTH + CHART_WIDTH + 60
    scale = CHART_WIDTH / max(1.0, *large.values(), *small.values())
    target_x = LABEL_WIDTH + SLOW_RATIO * scale
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11" role="img" '
        'aria-label="Each endpoint\'s ratio to the minimal endpoint at two sizes of the firm">',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="{LABEL_WIDTH}" y="16" font-weight="bold">Ratio to the minimal endpoint</text>',
        f'<rect x="{LABEL_WIDTH}" y="24" width="10" height="8" fill="#9ec5fe"/>',
        f'<text x="{LABEL_WIDTH + 14}" y="32">BENCH_SCALE={SMALL:g}</text>',
        f'<rect x="{LABEL_WIDTH + 110}" y="24" width="10" height="8" fill="#0d6efd"/>',
        f'<text x="{LABEL_WIDTH + 124}" y="32">BENCH_SCALE={LARGE:g}</text>',
    ]
    for n, (name, at_large) in enumerate(large.items()):
        y = 40 + n * row
        at_small = small.get(name, 0)
        parts += [
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR + 3}" text-anchor="end">'
            f"{escape(name)}</text>",
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{at_small * scale:.1f}" height="{BAR}" '
            'fill="#9ec5fe"/>',
            f'<text x="{LABEL_WIDTH + at_small * scale + 3:.1f}" y="{y + BAR - 1}" '
            f'fill="#555">{at_small:.0%}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y + BAR}" width="{at_large * scale:.1f}" '
            f'height="{BAR}" fill="#0d6efd"/>',
            f'<text x="{LABEL_WIDTH + at_large * scale + 3:.1f}" y="{y + 2 * BAR - 1}">'
            f"{at_large:.0%}</text>",
        ]
    bottom = 40 + row * len(large)
    parts += [
        f'<line x1="{target_x:.1f}" y1="36" x2="{target_x:.1f}" y2="{bottom}" stroke="#dc3545" '
        'stroke-dasharray="4 3"/>',
        f'<text x="{target_x:.1f}" y="{bottom + 14}" fill="#dc3545" text-anchor="middle">'
        f"target {SLOW_RATIO:.0%}</text>",
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def main() -> None:
    small, small_run = ratios(SMALL)
    large, large_run = ratios(LARGE)
    lines = [
        "# Cost against the size of the firm (`make bench-scaling`)",
        "",
        f"Each endpoint's req/s as a share of the minimal endpoint's in the same run: at "
        f"`BENCH_SCALE={SMALL:g}` ({small_run['rows']['contacts']:,} contacts, "
        f"`results-scale-{SMALL:g}.md`) and at full scale ({large_run['rows']['contacts']:,} "
        "contacts, `results.md`). A ratio that falls as the firm grows is a cost that grows with "
        "the data, unless the minimal endpoint itself answered faster in the larger run: the req/s "
        "columns say.",
        "",
        *table(small_run, large_run),
        "",
        "![The same ratios as a chart](scaling.svg)",
    ]
    (HERE / "scaling.md").write_text("\n".join(lines) + "\n")
    (HERE / "scaling.svg").write_text(chart(small, large))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
