"""``make bench-scheduler``: one scheduler tick over the whole firm, on SQLite and PostgreSQL.

The firm is ``bench/firm.py``'s (BENCH_SCALE shrinks it). Times the first tick (which creates the
actions whose lead window is open and the lapsed check-ins) and a second on the same day (which
must find nothing to do). Prints a table and writes it to bench/scheduler-results.md.
``make bench`` times the same tick on PostgreSQL as part of its run.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

from bench.database import fresh_database
from bench.firm import TODAY, Scale, firm_app
from bench.run import timed_tick

RESULTS = Path(__file__).with_name("scheduler-results.md")


def measure(kind: str, scale: Scale) -> dict:
    with fresh_database(kind) as url, firm_app(url, scale) as generated:
        print(f"  generated in {generated:.0f} s; ticking", flush=True)
        first, created = timed_tick()
        second, again = timed_tick()
    return {"kind": kind, "generate": generated, "first": first, "created": created,
            "second": second, "again": again}  # fmt: skip


def table(scale: Scale, rows: list[dict]) -> str:
    lines = [
        f"Scheduler tick over {scale.contacts:,} contacts and {scale.life_events:,} life events "
        f"({scale.actions:,} actions already there), for {TODAY}",
        f"({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()})",
        "",
        "| database | generate (s) | first tick (s) | actions created | second tick (s) "
        "| created again |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['kind']} | {r['generate']:.1f} | {r['first']:.2f} | {r['created']:,} "
            f"| {r['second']:.2f} | {r['again']:,} |"
        )
    return "\n".join(lines)


def main() -> None:
    scale = Scale.from_environment()
    rows = []
    for kind in sys.argv[1:] or ["SQLite", "PostgreSQL"]:
        print(f"{kind}: generating and ticking ...", flush=True)
        rows.append(measure(kind, scale))
    report = table(scale, rows)
    print(report)
    RESULTS.write_text(report + "\n")


if __name__ == "__main__":
    main()
