"""The import benchmark: a Google Contacts CSV imported into the generated firm, through the same
services, audit events and background runner as a user's import (docs/import.md).

A tenth of the rows are people the firm already has (matched by email, so they update or leave
unchanged); the rest are new, at 500 companies. The preview is timed apart from the run.
"""

from __future__ import annotations

import csv
import io
import os
import time

from webapp import access
from webapp.extensions import db
from webapp.models import Import, User
from webapp.services import calendar
from webapp.services.imports import running, uploads

FULL_ROWS = 10_000  # the file; BENCH_SCALE shrinks it like the firm
HEADER = [
    "First Name", "Last Name", "Organization Name", "Organization Title", "Birthday", "Labels",
    "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Label", "Phone 1 - Value",
]  # fmt: skip


def rows_to_import() -> int:
    factor = float(os.environ.get("BENCH_SCALE", "1"))
    return max(200, round(FULL_ROWS * factor))


def google_csv(rows: int, known_contacts: int) -> bytes:
    """``rows`` people; every tenth is a contact the firm has (``c<id>@example.com``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for n in range(rows):
        known = n % 10 == 0 and n // 10 < known_contacts
        email = f"c{n // 10 + 1}@example.com" if known else f"person{n}@firm{n % 500}.example"
        birthday = f"--{n % 12 + 1:02d}-{n % 28 + 1:02d}"
        writer.writerow([f"Given{n}", f"Family{n}", f"Firm {n % 500}", "Partner", birthday,
                         "* myContacts ::: Imported", "Work", email, "Mobile",
                         f"+1 415 555 {n % 10_000:04d}"])  # fmt: skip
    return buffer.getvalue().encode()


def timed_import(known_contacts: int) -> dict:
    """Preview and run the file as the executive; the seconds each took and what it did."""
    executive = db.session.get(User, 1)
    actor = access.actor_for_user(executive)
    content = google_csv(rows_to_import(), known_contacts)
    started = time.perf_counter()
    record = uploads.start_import(actor, "bench.csv", content)
    db.session.commit()
    previewed = time.perf_counter()
    running.queue_import(actor, record.id)
    db.session.commit()
    while db.session.get(Import, record.id, populate_existing=True).status == "queued":
        running.run_pending(calendar.now(), budget=3600)
    finished = time.perf_counter()
    record = db.session.get(Import, record.id, populate_existing=True)
    if record.status != "done":
        raise SystemExit(f"the bench import ended {record.status}: {record.failure_reason}")
    return {
        "import_rows": record.rows_total,
        "import_preview_s": previewed - started,
        "import_run_s": finished - previewed,
        "import_summary": record.summary,
    }


def report_lines(figures: dict) -> list[str]:
    rows, run = figures["import_rows"], figures["import_run_s"]
    summary = figures["import_summary"]
    return [
        f"- A Google Contacts CSV of {rows:,} rows: preview {figures['import_preview_s']:.1f} s, "
        f"run {run:.1f} s ({rows / run:,.0f} rows/s; 10,000 rows at this rate: "
        f"{10_000 * run / rows:.0f} s, target under 30 s).",
        f"- It created {summary['create']:,}, updated {summary['update']:,}, left "
        f"{summary['unchanged']:,} unchanged, with {summary['error']:,} errors.",
    ]
