"""A CSV (or semicolon- or TAB-separated) file read as a header and rows of raw cell text.

The header is not always the first line: LinkedIn writes a few lines of notes above it, so the
first 20 lines are searched for a known export's header, then for a line naming two fields.
The separator is sniffed from the header and the lines just below it, never from the notes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from webapp.services.imports.formats import detect_format, guess_field
from webapp.services.imports.sources import SourceRecord, UnreadableFile, too_many_rows

HEADER_SCAN_LINES = 20
SNIFF_LINES = 10
DELIMITERS = ",;\t"
LINE_BREAK = re.compile(r"\r\n|\r|\n")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
NO_HEADER = (
    "Rapport could not find a header line naming the columns (for example First name, "
    "Last name, Email) in this file."
)


def read_table(text: str, limit: int) -> tuple[list[str], list[SourceRecord]]:
    """The columns and the records of a delimited file; more than ``limit`` records is refused."""
    lines = _first_lines(text, HEADER_SCAN_LINES)
    start = _header_line([line for _, line in lines])
    area = [line for _, line in lines[start : start + SNIFF_LINES]]
    rows = csv.reader(io.StringIO(text[lines[start][0] :], newline=""), delimiter=_sniff(area))
    try:
        columns = _columns(next(rows, []))
        return columns, _records(rows, columns, limit)
    except csv.Error as exc:
        raise UnreadableFile(
            "unparseable", f"Line {start + rows.line_num} of this file cannot be read: {exc}."
        ) from exc


def _first_lines(text: str, count: int) -> list[tuple[int, str]]:
    """Up to ``count`` physical lines, each with the offset where it starts."""
    found: list[tuple[int, str]] = []
    position = 0
    while len(found) < count and position < len(text):
        brk = LINE_BREAK.search(text, position)
        end = brk.start() if brk else len(text)
        found.append((position, text[position:end]))
        position = brk.end() if brk else len(text)
    return found or [(0, "")]


def _header_line(lines: list[str]) -> int:
    """Index of the header: a known export's, else one naming two fields, else the first line."""
    cells = [[cell.strip(' \t"') for cell in re.split(r"[,;\t]", line)] for line in lines]
    for index, row in enumerate(cells):
        if detect_format(row) != "csv":
            return index
    for index, row in enumerate(cells):
        if sum(guess_field(cell) != "ignore" for cell in row if cell) >= 2:
            return index
    return next((index for index, line in enumerate(lines) if line.strip()), 0)


def _sniff(area: list[str]) -> str:
    """The separator of the header and the lines below it; ``,`` when nothing else shows."""
    header = area[0]
    try:
        sniffed = csv.Sniffer().sniff("\n".join(area), delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and sniffed in header:
        return sniffed
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    most = max(counts, key=lambda delimiter: counts[delimiter])
    return most if counts[most] else ","


def _columns(header: list[str]) -> list[str]:
    """Column names, unique: a repeated one gets " (2)", an unnamed one "Column N"."""
    cells = [cell.replace("\ufeff", "").strip() for cell in header]
    while cells and not cells[-1]:
        cells.pop()  # spreadsheets pad the header with empty cells
    if not cells:
        raise UnreadableFile("unparseable", NO_HEADER)
    if any(EMAIL.search(cell) for cell in cells):
        raise UnreadableFile(
            "unparseable",
            "The first line of this file is a contact (it holds an email address), not a header: "
            "add a line naming the columns, for example First name,Last name,Email.",
        )
    names: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(cells, 1):
        base = cell or f"Column {position}"
        name, copy = base, 1
        while name.casefold() in seen:
            copy += 1
            name = f"{base} ({copy})"
        seen.add(name.casefold())
        names.append(name)
    return names


def _records(rows: Iterator[list[str]], columns: list[str], limit: int) -> list[SourceRecord]:
    """Every row that is not blank; cells past the header are left out, missing ones are ""."""
    records: list[SourceRecord] = []
    width = len(columns)
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(records) >= limit:
            raise too_many_rows(limit)
        cells = row[:width] + [""] * (width - len(row))
        records.append(SourceRecord(len(records) + 1, dict(zip(columns, cells, strict=True))))
    return records
