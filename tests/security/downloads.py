"""Checks for the files Rapport sends as downloads (CSV, vCard): none opens as a page, no CSV
cell runs as a spreadsheet formula, and no text spills out of its vCard property."""

from __future__ import annotations

import csv
import io
import re

import vobject

DOWNLOAD_TYPES = ("text/csv", "text/vcard")
# A cell starting with one of these runs as a formula, unless it is a phone number in E.164 or a
# birthday without its year (``--MM-DD``), which cannot (docs/export.md).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HARMLESS = re.compile(r"^(\+[1-9][0-9]{1,14}|--[0-9]{2}-[0-9]{2})$")
VCARD_PROPERTIES = {
    "VERSION", "FN", "N", "ORG", "TITLE", "EMAIL", "TEL", "URL", "BDAY", "NOTE", "CATEGORIES",
}  # fmt: skip


def download_problems(response) -> list[str]:
    """What is wrong with a CSV or vCard answer; [] if nothing."""
    problems = []
    if not response.headers.get("Content-Disposition", "").startswith("attachment"):
        problems.append("a download without Content-Disposition: attachment")
    text = response.get_data().decode("utf-8-sig")
    if response.mimetype == "text/csv":
        return problems + _formula_cells(text)
    return problems + _spilled_properties(text)


def _formula_cells(text: str) -> list[str]:
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    return [
        f"a cell a spreadsheet would run: {cell[:40]!r}"
        for cell in cells
        if cell.startswith(FORMULA_STARTS) and not HARMLESS.match(cell)
    ]


def _spilled_properties(text: str) -> list[str]:
    try:
        cards = list(vobject.readComponents(text))
    except Exception as exc:  # vobject raises several error types for a broken file
        return [f"the vCard file does not parse: {exc}"]
    names = {child.name for card in cards for child in card.getChildren()}
    return [f"a property no export writes: {name}" for name in sorted(names - VCARD_PROPERTIES)]
