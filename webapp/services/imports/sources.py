"""What reading a file gives: its records as raw text, and the one error for a file Rapport refuses.

``reading`` is the door the rest of the import code uses; these types live here so the CSV and
vCard readers can build them without importing ``reading`` back.
"""

from __future__ import annotations

from dataclasses import dataclass


class UnreadableFile(ValueError):
    """A file Rapport cannot take.

    ``code`` is one of ``empty_file``, ``binary_file``, ``too_large``, ``too_many_rows`` or
    ``unparseable``; ``message`` (also ``str(exc)``) is a sentence a user can act on.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SourceRecord:
    """One contact as the file wrote it: a CSV data row or a vCard card."""

    number: int  # 1 = the first contact in the file
    values: dict[str, str]  # column -> raw cell text ("" when empty), every column present
    problem: str | None = None  # set when this one record could not be read (a broken card)


@dataclass(frozen=True)
class SourceFile:
    """A whole file: its format and encoding, its columns, its records, and a first mapping."""

    format: str  # "google", "google_legacy", "outlook", "linkedin", "vcard", "rapport", "csv"
    encoding: str  # as found: "utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", ...
    columns: list[str]  # in file order, unique
    records: list[SourceRecord]
    suggested_mapping: dict[str, str]  # every column -> a field name in mapping.FIELDS


def too_many_rows(limit: int) -> UnreadableFile:
    """The error for a file holding more than ``limit`` contacts."""
    return UnreadableFile(
        "too_many_rows",
        f"This file holds more than {limit:,} contacts: split it into files of at most "
        f"{limit:,} and import them one after the other.",
    )
