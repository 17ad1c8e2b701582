"""The export benchmark: the whole firm's contacts as CSV and as vCard, one export alone, timed
through the same services that stream the download (docs/export.md).

The "contacts export" row of the endpoint table is ten exports at once on five workers, a stress
figure; what a user waits for is one export, measured here.
"""

from __future__ import annotations

import time

from sqlalchemy import func, select

from bench.firm import TODAY
from webapp.extensions import db
from webapp.models import Contact
from webapp.services.contact_search import ContactFilters
from webapp.services.exports.contacts_csv import contacts_csv
from webapp.services.exports.vcards import vcards

FORMATS = {"CSV": contacts_csv, "vCard": vcards}


def timed_exports() -> dict:
    """Seconds to write every live contact in each format, and how many contacts that was."""
    figures: dict = {"export_contacts": db.session.scalar(select(func.count(Contact.id)))}
    for name, write in FORMATS.items():
        started = time.perf_counter()
        size = sum(len(piece) for piece in write(ContactFilters(), TODAY))
        figures[f"export_{name}_s"] = time.perf_counter() - started
        figures[f"export_{name}_mb"] = size / 1_000_000
    return figures


def report_lines(figures: dict) -> list[str]:
    return [
        f"- One export of the whole firm ({figures['export_contacts']:,} contacts) alone, "
        f"target under 10 s: " + ", ".join(
            f"{name} {figures[f'export_{name}_s']:.1f} s ({figures[f'export_{name}_mb']:.0f} MB)"
            for name in FORMATS
        ) + ".",
    ]  # fmt: skip
