"""What the CSV exports share: the spreadsheet-formula guard, cell formats, writing in pieces.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (tab and
carriage return can hide such a start), so a contact named ``=HYPERLINK(...)`` could run in
whoever opens the file. ``guard_cell`` puts an apostrophe before such a cell (and before a cell
that already starts with one), and ``unguard_cell`` takes it off again: the two are exact
inverses, so a Rapport export imports back unchanged. Phone numbers in E.164 (``+`` and digits)
and birthdays in our own ``--MM-DD`` form cannot hold a formula and are written as they are.
"""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from datetime import date

BOM = "\ufeff"  # so Excel reads the file as UTF-8
CONTENT_TYPE = "text/csv; charset=utf-8"
GUARD = "'"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_GUARDED_STARTS = (*FORMULA_STARTS, GUARD)
E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
# Several values in one cell (tags, domains): a separator no value is likely to hold.
LIST_SEPARATOR = " ::: "


def guard_cell(value: str) -> str:
    """``value`` as a spreadsheet will show it and never run it (see the module's docstring)."""
    return GUARD + value if value.startswith(_GUARDED_STARTS) else value


def unguard_cell(cell: str) -> str:
    """The value ``guard_cell`` was given: what an importer reads from a Rapport export's cell."""
    if cell.startswith(GUARD) and cell[1:].startswith(_GUARDED_STARTS):
        return cell[1:]
    return cell


def phone_cell(number: str) -> str:
    """A phone number as written; anything but clean E.164 is guarded like free text."""
    return number if E164.match(number) else guard_cell(number)


def birthday_text(month: int | None, day: int | None, year: int | None) -> str:
    """``YYYY-MM-DD``, ``--MM-DD`` when the year is unknown, or "" without a birthday."""
    if month is None or day is None:
        return ""
    if year is None:
        return f"--{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def export_filename(what: str, today: date, extension: str) -> str:
    """``rapport-contacts-2026-12-06.csv``: what, the day of the export, the format."""
    return f"rapport-{what}-{today.isoformat()}.{extension}"


def csv_pieces(header: Iterable[str], chunks: Iterable[Iterable[list[str]]]) -> Iterator[str]:
    """A CSV file piece by piece: the BOM and ``header``, then one piece per chunk of rows.
    CRLF line ends, the ``csv`` module's default and what spreadsheets expect."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield BOM + _drain(buffer)
    for rows in chunks:
        writer.writerows(rows)
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    """What ``buffer`` holds, leaving it empty for the next piece."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
