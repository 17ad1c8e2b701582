"""``make bench``: seconds for one scheduler tick over a large firm, on SQLite and PostgreSQL.

Generates BENCH_CONTACTS contacts (default 100,000) with BENCH_EVENTS life events (default
1,000,000) into a fresh database of each kind, then times the first tick (which creates the
actions whose lead window is open and the lapsed check-ins) and a second tick on the same day
(which must find nothing to do). Prints a table and writes it to bench/scheduler-results.md.
"""

from __future__ import annotations

import os
import platform
import random
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import flask_migrate
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from webapp import create_app
from webapp.extensions import db
from webapp.jobs import runner
from webapp.jobs.base import Clock
from webapp.models import (
    ClientProfile,
    Company,
    Contact,
    ContactCompanyLink,
    LifeEvent,
    RelationshipAction,
    User,
)
from webapp.services.life_event_types import LIFE_EVENT_TYPES

CONTACTS = int(os.environ.get("BENCH_CONTACTS", "100000"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "1000000"))
USERS = 200
COMPANIES = 5000
CHUNK = 20_000
TICK_DAY = date(2026, 12, 1)
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/")
RESULTS = Path(__file__).with_name("scheduler-results.md")


def _chunks(rows, size=CHUNK):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(model, rows) -> None:
    for batch in _chunks(rows):
        db.session.execute(insert(model.__table__), batch)
    db.session.commit()


def generate(rng: random.Random) -> None:
    """The firm, written with bulk inserts (minutes, not hours)."""
    created = datetime(2025, 1, 1, tzinfo=UTC)
    stamps = {"created_at": created, "updated_at": created}
    _insert(
        User,
        (
            {"id": i, "name": f"User {i}", "email": f"user{i}@bench.test", "password_hash": "x",
             "role": "member", "timezone": rng.choice(["UTC", "Europe/London", "America/New_York",
             "Asia/Tokyo", "Pacific/Honolulu", "Pacific/Tongatapu"]), "active": True,
             "is_admin": False, **stamps}
            for i in range(1, USERS + 1)
        ),
    )  # fmt: skip
    _insert(Company, ({"id": i, "name": f"Company {i}", **stamps} for i in range(1, COMPANIES + 1)))
    _insert(
        ClientProfile,
        ({"company_id": i, "tier": rng.choice(["strategic", "key", "standard"]), **stamps}
         for i in range(1, COMPANIES + 1, 2)),
    )  # fmt: skip
    _insert(
        Contact,
        ({"id": i, "first_name": f"First{i}", "last_name": f"Last{i}", "stage": "working",
          "owner_id": rng.randint(1, USERS),
          "last_touch_on": TICK_DAY - timedelta(days=rng.randint(0, 200)), **stamps}
         for i in range(1, CONTACTS + 1)),
    )  # fmt: skip
    _insert(
        ContactCompanyLink,
        ({"contact_id": i, "company_id": rng.randint(1, COMPANIES), "is_primary": True}
         for i in range(1, CONTACTS + 1)),
    )  # fmt: skip
    types = list(LIFE_EVENT_TYPES)
    _insert(
        LifeEvent,
        (
            {"contact_id": rng.randint(1, CONTACTS), "event_type": rng.choice(types),
             "title": "Event", "event_month": (m := rng.randint(1, 12)),
             "event_day": rng.randint(1, 28 if m == 2 else 30),
             "event_year": rng.choice([None, rng.randint(1950, 2027)]),
             "recurs_annually": rng.random() < 0.8, "auto_action_enabled": rng.random() < 0.9,
             **stamps}
            for _ in range(EVENTS)
        ),
    )  # fmt: skip


def timed_tick() -> tuple[float, int]:
    started = time.perf_counter()
    outcomes = runner.tick(Clock(fixed_day=TICK_DAY))
    elapsed = time.perf_counter() - started
    failed = [o.job.name for o in outcomes if not o.ok]
    if failed:
        raise SystemExit(f"jobs failed: {failed}")
    return elapsed, sum(o.tick.created for o in outcomes)


@contextmanager
def database(kind: str):
    if kind == "SQLite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    name = f"rapport_bench_{uuid.uuid4().hex[:8]}"
    server = create_engine(
        make_url(POSTGRES).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def measure(kind: str) -> dict:
    with database(kind) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            flask_migrate.upgrade()
            started = time.perf_counter()
            generate(random.Random(20261124))
            generated = time.perf_counter() - started
            print(f"  generated in {generated:.0f} s; ticking", flush=True)
            first, created = timed_tick()
            second, again = timed_tick()
            actions = db.session.scalar(select(func.count()).select_from(RelationshipAction))
            db.session.remove()
            db.engine.dispose()
    return {"kind": kind, "generate": generated, "first": first, "created": created,
            "second": second, "again": again, "actions": actions}  # fmt: skip


def table(rows: list[dict]) -> str:
    lines = [
        f"Scheduler tick over {CONTACTS:,} contacts and {EVENTS:,} life events, for {TICK_DAY}",
        f"({platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()})",
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
    kinds = sys.argv[1:] or ["SQLite", "PostgreSQL"]
    rows = []
    for kind in kinds:
        print(f"{kind}: generating and ticking ...", flush=True)
        rows.append(measure(kind))
    report = table(rows)
    print(report)
    RESULTS.write_text(report + "\n")


if __name__ == "__main__":
    main()
