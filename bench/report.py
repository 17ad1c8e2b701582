"""The benchmark's report: the machine, the data, and the figures as Markdown tables."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bench import exports, imports
from webapp.extensions import db

HERE = Path(__file__).parent
COUNTED_TABLES = (
    "users", "companies", "client_profiles", "contacts", "life_events",
    "relationship_actions", "tasks", "messages",
)  # fmt: skip
YARDSTICK = "minimal endpoint (one row by id)"
SLOW_RATIO = 0.20


def row_counts() -> dict[str, int]:
    return {t: db.session.scalar(text(f"SELECT count(*) FROM {t}")) for t in COUNTED_TABLES}


def server_version() -> str:
    return db.session.scalar(text("SHOW server_version"))


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> str:
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        return f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        return "unknown"


def machine(figures: dict, settings: dict) -> list[str]:
    return [
        f"- Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {_cpu_model()}, {os.cpu_count()} cores, {_memory_gib()} memory, "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, PostgreSQL {figures['postgres']} on the same "
        f"machine, gunicorn with {settings['workers']} sync workers",
        "- Load: a second process over loopback (`bench/load.py`); each endpoint for "
        f"{settings['seconds']:.0f} s with {settings['concurrency']} clients after a 3 s warm-up",
    ]


def data_lines(figures: dict) -> list[str]:
    rows = figures["rows"]
    return [
        "| table | rows |",
        "|---|---:|",
        *(f"| {table} | {count:,} |" for table, count in rows.items()),
        "",
        f"Generated in {figures['generate_s']:.0f} s.",
    ]


def endpoint_lines(endpoints: dict) -> list[str]:
    base = endpoints[YARDSTICK]["rps"]
    lines = [
        "| endpoint | requests | req/s | p50 (ms) | p99 (ms) | errors | ratio to minimal |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in endpoints.items():
        lines.append(
            f"| {name} | {r['requests']:,} | {r['rps']:.0f} | {r['p50_ms']:.1f} "
            f"| {r['p99_ms']:.1f} | {r['errors']} | {r['rps'] / base:.0%} |"
        )
    return lines


def load_generator_lines(figures: dict) -> list[str]:
    """How much of the machine the load generator took itself, in the yardstick's run and the
    mixed one (older results have no such figure)."""
    minimal = figures["endpoints"][YARDSTICK].get("load_cpu")
    mixed = max((r.get("load_cpu", 0) for r in figures["mixed"].values()), default=0)
    if minimal is None:
        return []
    cores = os.cpu_count() or 1
    return [
        f"The load generator (one Python process) used {minimal:.0%} of one core of the "
        f"{cores} during the minimal-endpoint run, and {mixed:.0%} during the mixed run.",
    ]


ONE_CLIENT_TARGET_MS = 20  # median of every page with one client and no other load


def one_client_lines(figures: dict) -> list[str]:
    """Each endpoint's latency with one client and no other load (older results have none)."""
    alone = figures.get("one_client")
    if not alone:
        return []
    slow = [name for name, r in alone.items() if r["p50_ms"] > ONE_CLIENT_TARGET_MS]
    return [
        "## One client, no load",
        "",
        "Each endpoint alone with one client, after the run above with ten "
        "(`BENCH_ONE_CLIENT_SECONDS`, 5 s each). The issue's target: a median under "
        f"{ONE_CLIENT_TARGET_MS} ms for every page.",
        "",
        "| endpoint | requests | p50 (ms) | p99 (ms) |",
        "|---|---:|---:|---:|",
        *(
            f"| {name} | {r['requests']:,} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} |"
            for name, r in alone.items()
        ),
        "",
        f"Median over {ONE_CLIENT_TARGET_MS} ms: " + (", ".join(slow) if slow else "none") + ".",
        "",
    ]


def slow_endpoints(endpoints: dict) -> list[str]:
    base = endpoints[YARDSTICK]["rps"]
    return [name for name, r in endpoints.items() if r["rps"] < SLOW_RATIO * base]


def mixed_lines(mixed: dict, settings: dict) -> list[str]:
    requests = sum(r["requests"] for r in mixed.values())
    errors = sum(r["errors"] for r in mixed.values())
    samples = sorted({s for r in mixed.values() for s in r["error_samples"]})[:5]
    lines = [
        f"{settings['mixed_clients']} clients for {settings['mixed_seconds']:.0f} s: "
        f"{requests:,} requests ({requests / settings['mixed_seconds']:.0f} req/s), "
        f"**{errors} errors**.",
        "",
        "| endpoint | requests | p50 (ms) | p99 (ms) | errors |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {name} | {r['requests']:,} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
            f"| {r['errors']} |"
            for name, r in mixed.items()
        ),
    ]
    if samples:
        lines += ["", "Errors seen: " + "; ".join(samples)]
    return lines


def mixed_errors(figures: dict) -> int:
    return sum(r["errors"] for r in figures["mixed"].values())


def render(scale, figures: dict, settings: dict) -> str:
    slow = slow_endpoints(figures["endpoints"])
    return "\n".join(
        [
            "# Benchmark results (`make bench`)",
            "",
            *machine(figures, settings),
            "",
            "## Data",
            "",
            *data_lines(figures),
            "",
            "## Endpoints, one at a time",
            "",
            *endpoint_lines(figures["endpoints"]),
            "",
            "Below 20% of the minimal endpoint: " + (", ".join(slow) if slow else "none") + ".",
            "",
            *load_generator_lines(figures),
            "",
            *one_client_lines(figures),
            "## Mixed traffic",
            "",
            *mixed_lines(figures["mixed"], settings),
            "",
            "## Scheduler and memory",
            "",
            f"- First scheduler tick over the whole firm: {figures['tick_s']:.1f} s, "
            f"{figures['tick_created']:,} actions created.",
            f"- Second tick the same day: {figures['second_tick_s']:.1f} s, "
            f"{figures['second_tick_created']:,} created.",
            f"- Peak resident memory of a web worker: {figures['worker_peak_mb']:.0f} MiB.",
            "",
            "## Import and export",
            "",
            *imports.report_lines(figures),
            *exports.report_lines(figures),
        ]
    )


def results_path(scale_factor: float, suffix: str = ".md") -> Path:
    """``results.md`` for the full scale, ``results-scale-0.1.md`` and the like for another."""
    name = "results" if scale_factor == 1 else f"results-scale-{scale_factor:g}"
    return HERE / f"{name}{suffix}"


def write(scale, text: str, figures: dict) -> Path:
    """Write the report and its figures (JSON, for ``bench/scaling.py``); return its path."""
    path = results_path(scale.factor)
    path.write_text(text + "\n")
    results_path(scale.factor, ".json").write_text(json.dumps(figures, indent=1) + "\n")
    return path
