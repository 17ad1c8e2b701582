"""What a finished import reports: the rows that failed, on the page and as a CSV to fix.

The CSV has the file's own columns (so it imports again as the same format) and two more at the
end, the row's number in the original file and the reason, which the importer ignores.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import ImportRow
from webapp.services.imports.mapping import FIELDS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from webapp.models import Import

ROW_COLUMN = "Import row"
REASON_COLUMN = "Import error"
BOM = "\ufeff"


def _failed(record: Import):
    return (
        select(ImportRow)
        .where(ImportRow.import_id == record.id, ImportRow.outcome == "error")
        .order_by(ImportRow.row_number)
    )


def failed_rows(record: Import, limit: int) -> list[ImportRow]:
    """The first ``limit`` rows that failed, in file order."""
    return list(db.session.scalars(_failed(record).limit(limit)))


def _reason(row: ImportRow) -> str:
    """The reason as the page gives it: the field's label, then what is wrong."""
    if not row.field:
        return row.message or ""
    return f"{FIELDS.get(row.field, row.field)}: {row.message}"


def failed_rows_csv(record: Import) -> Iterator[str]:
    """The failed rows as CSV (UTF-8 with a BOM, for Excel), a chunk of rows at a time."""
    columns = [column["name"] for column in record.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*columns, ROW_COLUMN, REASON_COLUMN])
    yield BOM + buffer.getvalue()
    for row in db.session.scalars(_failed(record).execution_options(yield_per=500)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([*(row.source.get(c, "") for c in columns), row.row_number, _reason(row)])
        yield buffer.getvalue()
