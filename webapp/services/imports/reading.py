"""Reading an uploaded file of contacts: the one door the rest of the import code uses.

``read_file`` refuses what Rapport cannot take (``UnreadableFile`` with a stable code), finds the
encoding, tells a vCard file from a CSV, tells which program wrote a CSV by its header (the file
name is only a hint for messages), and suggests a mapping. A Rapport export's cells lose the
apostrophe its exporter puts before a would-be formula, so an export reads back unchanged.
Nothing here touches the database.
"""

from __future__ import annotations

import re

from webapp.services.exports.csv_format import unguard_cell
from webapp.services.imports import csv_tables, decoding, formats, vcards
from webapp.services.imports.sources import SourceFile, SourceRecord, UnreadableFile

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "SourceFile",
    "SourceRecord",
    "UnreadableFile",
    "format_label",
    "read_file",
]

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MARKUP_START = re.compile(r"[\s\ufeff]*<")


def read_file(content: bytes, filename: str = "") -> SourceFile:
    """Every record of an uploaded CSV or vCard file, or ``UnreadableFile`` saying why not."""
    _refuse_size(content)
    decoding.refuse_binary(content, filename)
    text, encoding = decoding.decode(content)
    if not text.strip():
        raise UnreadableFile("empty_file", "This file is empty: it holds no contacts.")
    if vcards.is_vcard(text):
        columns, records, mapping = vcards.read_cards(text, MAX_ROWS)
        return SourceFile("vcard", encoding, columns, records, mapping)
    _refuse_other_text(text, filename)
    columns, records = csv_tables.read_table(text, MAX_ROWS)
    format = formats.detect_format(columns)
    if format == "rapport":
        records = [_unguarded(record) for record in records]
    return SourceFile(format, encoding, columns, records, formats.suggest_mapping(format, columns))


def _unguarded(record: SourceRecord) -> SourceRecord:
    """A Rapport export's cells as they were before the exporter's spreadsheet-formula guard."""
    values = {column: unguard_cell(cell) for column, cell in record.values.items()}
    return SourceRecord(record.number, values, record.problem)


def _refuse_size(content: bytes) -> None:
    if not content:
        raise UnreadableFile("empty_file", "This file is empty: it holds no contacts.")
    if len(content) > MAX_BYTES:
        raise UnreadableFile(
            "too_large",
            f"This file is {len(content) / 1024 / 1024:.1f} MB and Rapport imports files of up "
            f"to {MAX_BYTES // 1024 // 1024} MB: split it and import the parts one by one.",
        )


def _refuse_other_text(text: str, filename: str) -> None:
    """Text that is neither CSV nor vCard: a web page, or a .vcf file without its cards."""
    if MARKUP_START.match(text):
        raise UnreadableFile(
            "unparseable",
            "This is a web page or XML file, not contacts: upload a CSV or vCard (.vcf) file.",
        )
    if filename.lower().endswith((".vcf", ".vcard")):
        raise UnreadableFile(
            "unparseable",
            "This .vcf file does not start with BEGIN:VCARD, so it holds no cards Rapport can "
            "read: export the contacts again as vCard.",
        )


def format_label(format: str) -> str:
    """What a user calls the format: "Google Contacts CSV", "Outlook CSV", "vCard"..."""
    return formats.FORMAT_LABELS[format]
