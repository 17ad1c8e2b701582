"""``make bench-instructions``: the instructions the web worker runs for one request of each
measured endpoint, counted by callgrind.

``make bench`` times requests, and on a shared machine its figures move by a quarter between runs
on the same code (bench/README.md, "What limits the figures now"). The number of instructions a
request executes does not: it is the same from run to run, whatever else the machine is doing, so
two versions of the code can be compared one endpoint at a time. It counts the worker's own work
(Flask, SQLAlchemy, Jinja, psycopg, the app), not PostgreSQL's, which runs in its own process.

Each endpoint is measured in a process of its own under ``valgrind --tool=callgrind`` with counting
off while the app starts, signs the executive in and answers the request three times; the process
then turns counting on (``callgrind_control -i on``), answers it ``BENCH_INSTRUCTIONS_REQUESTS``
times (4) through Flask's test client, and exits. The count divided by the requests is the figure.

    python -m bench.instructions [DATABASE_URL]   (make bench-instructions BENCH_DATABASE_URL=...)

With a URL, it measures a firm generated before (``bench/README.md``, "Profiling"); without, it
generates the firm at ``BENCH_SCALE`` into a fresh PostgreSQL database and drops it afterwards.
``ROOT`` runs another checkout's code against the same firm (an older commit, say). It writes
``bench/instructions.md``, or ``BENCH_INSTRUCTIONS_OUT``.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from pathlib import Path

from bench.database import fresh_database
from bench.firm import EXECUTIVE_EMAIL, PASSWORD, Scale, firm_app

HERE = Path(__file__).parent
REQUESTS = int(os.environ.get("BENCH_INSTRUCTIONS_REQUESTS", "4"))
WARM_UP = 3
SKIPPED = {"contacts export, whole firm (CSV)"}  # one request reads the whole firm: timed apart
COLLECTED = re.compile(r"Collected : (\d+)")
# ``python -c``, so that the working folder (the checkout measured) comes first on the path.
RUN_THIS_FILE = (
    "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
)


def main() -> None:
    given = sys.argv[1] if len(sys.argv) > 1 else None
    scale = Scale.from_environment()
    with nullcontext(given) if given else fresh_database("PostgreSQL") as url:
        if not given:
            print(f"Generating the firm ({scale.contacts:,} contacts) ...", flush=True)
            with firm_app(url, scale):
                pass
        endpoints = _endpoints(url, scale)
        root = os.environ.get("ROOT", str(HERE.parent))
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            counts = list(pool.map(lambda spec: _count(root, url, spec), endpoints))
    lines = _report(root, list(zip(endpoints, counts, strict=True)))
    out = Path(os.environ.get("BENCH_INSTRUCTIONS_OUT", HERE / "instructions.md"))
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def _endpoints(url: str, scale: Scale) -> list[dict]:
    """One request of each endpoint ``make bench`` measures, with the executive's API key."""
    from bench.scenarios import Credentials, requests
    from webapp import access, create_app
    from webapp.extensions import db
    from webapp.models import User
    from webapp.services.api_keys import create_api_key

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        executive = db.session.get(User, 1)
        key = create_api_key(access.actor_for_user(executive), executive, name="instructions")
        db.session.commit()
        secret = key.secret
        db.engine.dispose()
    plan = requests(scale, Credentials(cookie="", api_key=secret), random.Random(7))
    return [
        {
            "name": spec["name"],
            "method": spec["method"],
            "path": spec["paths"][0],
            "headers": {k: v for k, v in spec["headers"].items() if k != "Cookie"},
            "body": spec["bodies"][0] if spec["bodies"] else None,
        }
        for spec in plan
        if spec["name"] not in SKIPPED
    ]


def _count(root: str, url: str, spec: dict) -> int | None:
    """Instructions per request of ``spec``, by the code under ``root``; ``None`` if it failed."""
    # This file runs the request, with the app and the yardstick imported from ``root`` (whose
    # own bench/ may predate this file).
    command = [
        "valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
        sys.executable, "-c", RUN_THIS_FILE, __file__, "--one", url, json.dumps(spec),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=root, capture_output=True, text=True)
    found = COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        print(f"  {spec['name']}: failed\n{done.stderr[-2000:]}", file=sys.stderr, flush=True)
        return None
    print(f"  {spec['name']}: {int(found.group(1)) / REQUESTS / 1e6:.1f}M", flush=True)
    return int(found.group(1)) // REQUESTS


def _report(root: str, measured: list[tuple[dict, int | None]]) -> list[str]:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        "# Instructions per request (`make bench-instructions`)",
        "",
        f"- Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, code at {commit or root}",
        f"- Each endpoint: {REQUESTS} requests counted after {WARM_UP} not counted, in its own "
        "process under callgrind (`bench/instructions.py`)",
        "",
        "| endpoint | million instructions a request | share of the minimal endpoint's |",
        "|---|---:|---:|",
    ]
    minimal = next((count for spec, count in measured if spec["name"].startswith("minimal")), None)
    for spec, count in measured:
        if count is None:
            lines.append(f"| {spec['name']} | failed | |")
            continue
        share = f"{count / minimal:.1f}×" if minimal else ""
        lines.append(f"| {spec['name']} | {count / 1e6:.1f} | {share} |")
    return lines


def one(url: str, spec: dict) -> None:
    """In the process valgrind runs: warm up uncounted, count ``REQUESTS`` requests, exit."""
    os.environ.update(DATABASE_URL=url, SECRET_KEY="bench-secret-key")
    os.environ.update(API_RATE_LIMIT="1000000 per minute", SIGN_IN_RATE_LIMIT="1000 per minute")
    from bench.serve import app  # the app gunicorn serves in make bench, with the yardstick
    from webapp.boot import prepare_to_serve

    app.config["WTF_CSRF_ENABLED"] = False  # the sign-in form is posted without its token
    prepare_to_serve(app)
    client = app.test_client()
    signed_in = client.post("/sign-in", data={"email": EXECUTIVE_EMAIL, "password": PASSWORD})
    if signed_in.status_code != 302:
        raise SystemExit(f"signing in answered {signed_in.status_code}")

    def ask() -> None:
        answer = client.open(
            spec["path"], method=spec["method"], headers=spec["headers"], data=spec["body"]
        )
        if answer.status_code != 200:
            raise SystemExit(f"{spec['path']} answered {answer.status_code}")

    for _ in range(WARM_UP):
        ask()
    subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], capture_output=True)
    for _ in range(REQUESTS):
        ask()
    sys.stdout.flush()
    os._exit(0)  # what follows (the interpreter's shutdown) is not the request's


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        one(sys.argv[2], json.loads(sys.argv[3]))
    else:
        main()
