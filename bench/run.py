"""``make bench``: Rapport at the scale of a large firm, served by gunicorn on PostgreSQL.

1. Generates the firm (``bench/firm.py``) into a fresh PostgreSQL database and times one
   scheduler tick over it, then a second (which must find nothing to do).
2. Serves it with gunicorn and drives it from a second process (``bench/load.py``) over loopback:
   each endpoint alone, then a mixed run that must end with zero errors.
3. Prints the results and writes them, with the machine's details, to ``bench/results.md``
   (``results-scale-<BENCH_SCALE>.md`` at another scale), the figures beside it as JSON for
   ``bench/scaling.py``.

Settings: BENCH_SCALE (1 = the issue's figures), BENCH_SECONDS and BENCH_CONCURRENCY (per
endpoint), BENCH_MIXED_SECONDS and BENCH_MIXED_CLIENTS, BENCH_WORKERS, BENCH_POSTGRES_URL.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import subprocess
import sys
import time
from urllib.parse import urlsplit

from bench import exports, imports, report
from bench.database import fresh_database
from bench.firm import TODAY, Scale, firm_app
from bench.scenarios import Credentials, requests, sign_in
from bench.server import WORKERS, Server
from webapp import access
from webapp.extensions import db
from webapp.jobs import runner
from webapp.jobs.base import Clock
from webapp.models import User
from webapp.services.api_keys import create_api_key

SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "10"))
MIXED_SECONDS = float(os.environ.get("BENCH_MIXED_SECONDS", "60"))
MIXED_CLIENTS = int(os.environ.get("BENCH_MIXED_CLIENTS", "50"))
ONE_CLIENT_SECONDS = float(os.environ.get("BENCH_ONE_CLIENT_SECONDS", "5"))
WARMUP = 3.0


def timed_tick() -> tuple[float, int]:
    started = time.perf_counter()
    outcomes = runner.tick(Clock(fixed_day=TODAY))
    elapsed = time.perf_counter() - started
    failed = [o.job.name for o in outcomes if not o.ok]
    if failed:
        raise SystemExit(f"scheduler jobs failed: {failed}")
    return elapsed, sum(o.tick.created for o in outcomes)


def prepare(url: str, scale: Scale) -> dict:
    """Generate the firm, tick twice; return the figures and the executive's API key."""
    with firm_app(url, scale) as generated:
        print(f"  generated in {generated:.0f} s; ticking the scheduler", flush=True)
        first, created = timed_tick()
        second, again = timed_tick()
        print("  exporting the whole firm, then importing a Google Contacts CSV", flush=True)
        exported = exports.timed_exports()
        imported = imports.timed_import(scale.contacts)
        executive = db.session.get(User, 1)
        key = create_api_key(access.actor_for_user(executive), executive, name="bench")
        db.session.commit()
        return exported | imported | {
            "generate_s": generated, "tick_s": first, "tick_created": created,
            "second_tick_s": second, "second_tick_created": again, "api_key": key.secret,
            "rows": report.row_counts(), "postgres": report.server_version(),
        }  # fmt: skip


def drive(
    base: str, plan_requests: list[dict], seconds: float, clients: int, warmup: float = WARMUP
) -> dict:
    """Run the load generator in its own process and return what it measured."""
    plan = {"base": base, "duration": seconds, "warmup": warmup, "concurrency": clients,
            "requests": plan_requests}  # fmt: skip
    answer = subprocess.run(
        [sys.executable, "-m", "bench.load"],
        input=json.dumps(plan), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(answer.stdout)


def prime(base: str, plan_requests: list[dict]) -> None:
    """Visit once each path of the requests marked ``prime`` (a contact page's first view creates
    the contact's relationship profile: a one-off write per contact, not the page's own cost)."""
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    for spec in (spec for spec in plan_requests if spec.get("prime")):
        for path in spec["paths"]:
            connection.request(spec["method"], path, headers=spec["headers"])
            connection.getresponse().read()
    connection.close()


def serve_and_measure(url: str, scale: Scale, api_key: str) -> dict:
    with Server(url) as server:
        credentials = Credentials(cookie=sign_in(server.base), api_key=api_key)
        plan = requests(scale, credentials, random.Random(7))
        prime(server.base, plan)
        endpoints, one_client = {}, {}
        for spec in (spec for spec in plan if spec["alone"]):
            print(f"  {spec['name']} ...", flush=True)
            endpoints.update(drive(server.base, [spec], SECONDS, CONCURRENCY))
            # The same alone with one client: its latency without load (the 20 ms).
            one_client.update(drive(server.base, [spec], ONE_CLIENT_SECONDS, 1, warmup=1))
        print(f"  mixed traffic, {MIXED_CLIENTS} clients for {MIXED_SECONDS:.0f} s ...", flush=True)
        mixed = drive(server.base, plan[1:], MIXED_SECONDS, MIXED_CLIENTS)
        peak = server.worker_peak_memory_mb()
    return {
        "endpoints": endpoints,
        "one_client": one_client,
        "mixed": mixed,
        "worker_peak_mb": peak,
    }


def main() -> None:
    scale = Scale.from_environment()
    print(f"Generating the firm ({scale.contacts:,} contacts) on PostgreSQL ...", flush=True)
    with fresh_database("PostgreSQL") as url:
        figures = prepare(url, scale)
        figures |= serve_and_measure(url, scale, figures.pop("api_key"))
    settings = {"seconds": SECONDS, "concurrency": CONCURRENCY, "mixed_seconds": MIXED_SECONDS,
                "mixed_clients": MIXED_CLIENTS, "workers": WORKERS}  # fmt: skip
    text = report.render(scale, figures, settings)
    print(text)
    written = report.write(scale, text, figures)
    if report.mixed_errors(figures):
        raise SystemExit(f"the mixed run had errors: see {written}")


if __name__ == "__main__":
    main()
