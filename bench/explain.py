"""``make bench-explain``: the plan of every SQL query behind each measured page and API call.

Generates the firm (``BENCH_SCALE``, as ``make bench``) into a fresh PostgreSQL database, then asks
for one path of each endpoint ``bench/scenarios.py`` measures, through Flask's test client, as the
executive. It records each statement with its parameters and runs it again under
``EXPLAIN (ANALYZE, BUFFERS)`` in a transaction it rolls back (a ``PATCH`` changes nothing). It
writes ``bench/explain/<endpoint>.txt``: the path, the number of queries, their summed execution
time, and each query with its plan, slowest first. Read with bench/README.md, "Profiling".
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from bench.database import fresh_database
from bench.firm import EXECUTIVE_EMAIL, PASSWORD, Scale, firm_app
from bench.scenarios import Credentials, requests
from webapp import access, create_app
from webapp.extensions import db
from webapp.models import User
from webapp.services.api_keys import create_api_key

OUT = Path(__file__).parent / "explain"
SKIPPED = {"minimal endpoint (one row by id)", "contacts export, whole firm (CSV)"}
EXPLAINABLE = {"SELECT", "WITH", "INSERT", "UPDATE", "DELETE"}
EXECUTION_TIME = re.compile(r"Execution Time: ([\d.]+) ms")


@dataclass
class Statements:
    """What the app sent to the database while it was listening."""

    recorded: list[tuple[str, object]] = field(default_factory=list)
    listening: bool = False

    def __call__(self, _conn, _cursor, statement, parameters, _context, _many) -> None:
        if self.listening:
            self.recorded.append((statement, parameters))


def _explain(statement: str, parameters) -> tuple[float, str]:
    """(execution ms, plan) of one statement, run again and rolled back."""
    if statement.split(None, 1)[0].upper() not in EXPLAINABLE:
        return 0.0, "(not a query: SAVEPOINT and the like)"
    with db.engine.connect() as connection:
        transaction = connection.begin()
        try:
            rows = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
            plan = "\n".join(row[0] for row in rows)
        except DBAPIError as error:  # e.g. a write naming a row the request itself made
            plan = f"(could not be run again alone: {error.orig})"
        finally:
            transaction.rollback()
    found = EXECUTION_TIME.search(plan)
    return (float(found.group(1)) if found else 0.0), plan


def _report(name: str, path: str, status: int, statements: list) -> str:
    explained = sorted(
        ((*_explain(sql, params), sql) for sql, params in statements), key=lambda e: -e[0]
    )
    total = sum(ms for ms, _, _ in explained)
    lines = [
        f"# {name}",
        f"{path} answered {status}: {len(explained)} queries, {total:.1f} ms in the database",
        "",
    ]
    for n, (ms, plan, sql) in enumerate(explained, 1):
        lines += [f"## query {n}: {ms:.1f} ms", sql.strip(), "", plan, ""]
    return "\n".join(lines)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def explain_all(url: str, scale: Scale) -> list[tuple[str, int, float]]:
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}
    )
    OUT.mkdir(exist_ok=True)
    summary = []
    with app.app_context():
        executive = db.session.get(User, 1)
        key = create_api_key(access.actor_for_user(executive), executive, name="explain")
        db.session.commit()
        pages = app.test_client()
        pages.post("/sign-in", data={"email": EXECUTIVE_EMAIL, "password": PASSWORD})
        statements = Statements()
        event.listen(db.engine, "before_cursor_execute", statements)
        plan = requests(scale, Credentials(cookie="", api_key=key.secret), random.Random(7))
        for spec in (s for s in plan if s["name"] not in SKIPPED):
            path = spec["paths"][0]
            body = spec["bodies"][0] if spec["bodies"] else None
            api = "Authorization" in spec["headers"]
            client = app.test_client() if api else pages
            headers = spec["headers"] if api else {}
            statements.recorded, statements.listening = [], True
            answer = client.open(path, method=spec["method"], data=body, headers=headers)
            statements.listening = False
            db.session.rollback()
            text = _report(spec["name"], path, answer.status_code, statements.recorded)
            (OUT / f"{_slug(spec['name'])}.txt").write_text(text + "\n")
            total = sum(map(float, EXECUTION_TIME.findall(text)))
            summary.append((spec["name"], len(statements.recorded), total))
            print(f"  {spec['name']}: {len(statements.recorded)} queries, {total:.1f} ms")
        event.remove(db.engine, "before_cursor_execute", statements)
        db.engine.dispose()
    return summary


def main() -> None:
    scale = Scale.from_environment()
    print(f"Generating the firm ({scale.contacts:,} contacts) on PostgreSQL ...", flush=True)
    with fresh_database("PostgreSQL") as url:
        with firm_app(url, scale):
            pass
        explain_all(url, scale)
    print(f"Plans written to {OUT}")


if __name__ == "__main__":
    main()
