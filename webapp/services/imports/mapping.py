"""From a file's columns to a contact's fields: checking a mapping and applying it to a record.

Values stay as the file wrote them, only stripped and split: the import service normalises and
validates emails, phones and LinkedIn addresses by the contact form's rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from webapp.services.imports.sources import SourceRecord

FIELDS: dict[str, str] = {  # field -> label shown on the mapping screen, in this order
    "first_name": "First name",
    "last_name": "Last name",
    "full_name": "Full name",
    "title": "Job title",
    "company": "Company",
    "email": "Email",
    "phone": "Phone",
    "linkedin_url": "LinkedIn URL",
    "birthday": "Birthday",
    "notes": "Notes",
    "tags": "Tags",
    "ignore": "Don't import",
}
MULTI_FIELDS = frozenset({"email", "phone", "tags", "notes"})  # several columns may map here
SINGLE_FIELDS = frozenset(FIELDS) - MULTI_FIELDS - {"ignore"}  # at most one column each
NAME_FIELDS = ("first_name", "last_name", "full_name")

VALUE_SEPARATOR = re.compile(r"\s*:::\s*")  # Google: several values in one cell
TAG_SEPARATOR = re.compile(r"\s*(?::::|;|,)\s*")  # Google's, and Outlook's categories
ADDRESS_IN_BRACKETS = re.compile(r"<\s*([^<>\s]+@[^<>\s]+)\s*>")


@dataclass
class ContactRow:
    """One record's values under Rapport's fields, still raw text."""

    first_name: str = ""
    last_name: str = ""
    title: str = ""
    company: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    linkedin_url: str = ""
    birthday: str = ""  # raw text; birthdays.parse_birthday reads it
    notes: str = ""
    tags: list[str] = field(default_factory=list)


def check_mapping(columns: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """The mapping to use, every column present (missing ones, and "", -> "ignore").

    Raises ``ValueError`` with a sentence for the mapping screen: an unknown column or field, a
    single-value field from two columns, or no column giving a name.
    """
    for column, chosen in mapping.items():
        if column not in columns:
            raise ValueError(f"The file has no column {column!r}.")
        if chosen and chosen not in FIELDS:
            raise ValueError(f"{chosen!r} is not a field a column can go into.")
    checked = {column: mapping.get(column) or "ignore" for column in columns}
    for name in FIELDS:
        sources = [column for column, chosen in checked.items() if chosen == name]
        if name in SINGLE_FIELDS and len(sources) > 1:
            raise ValueError(
                f"Only one column can go into {FIELDS[name]}, but {_listed(sources)} do: "
                "choose one and set the others to Don't import."
            )
    if not any(chosen in NAME_FIELDS for chosen in checked.values()):
        raise ValueError("Choose a column for First name, Last name or Full name.")
    return checked


def _listed(columns: list[str]) -> str:
    quoted = [repr(column) for column in columns]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def apply_mapping(record: SourceRecord, mapping: dict[str, str]) -> ContactRow:
    """The record's values under the fields ``mapping`` (as ``check_mapping`` returns) gives."""
    given: dict[str, list[str]] = {}
    for column, chosen in mapping.items():
        cell = record.values.get(column, "").strip()
        if cell and chosen != "ignore":
            given.setdefault(chosen, []).append(cell)
    row = ContactRow(
        first_name=_single(given, "first_name"),
        last_name=_single(given, "last_name"),
        title=_single(given, "title"),
        company=_single(given, "company"),
        emails=_unique([_address(value) for value in _values(given, "email")]),
        phones=_unique(_values(given, "phone")),
        linkedin_url=_single(given, "linkedin_url"),
        birthday=_single(given, "birthday"),
        notes="\n\n".join(_values(given, "notes")),
        tags=_tags(given.get("tags", [])),
    )
    full_name = _single(given, "full_name")
    if full_name and not row.first_name and not row.last_name:
        *first, last = full_name.split()
        row.first_name, row.last_name = (" ".join(first), last) if first else (last, "")
    return row


def _single(given: dict[str, list[str]], name: str) -> str:
    return given.get(name, [""])[0]


def _values(given: dict[str, list[str]], name: str) -> list[str]:
    """Every value the cells mapped to ``name`` hold, ``:::``-joined ones split apart."""
    cells = given.get(name, [])
    return [value for cell in cells for value in VALUE_SEPARATOR.split(cell) if value]


def _address(value: str) -> str:
    """``Jane Doe <jane@example.com>`` -> ``jane@example.com``; anything else as it is."""
    found = ADDRESS_IN_BRACKETS.search(value)
    return found.group(1) if found else value


def _tags(cells: list[str]) -> list[str]:
    """Tags from every cell; Google's system labels ("* myContacts", "* starred") are dropped."""
    found = [tag for cell in cells for tag in TAG_SEPARATOR.split(cell) if tag]
    return _unique([tag for tag in found if not tag.startswith("* ")])


def _unique(values: list[str]) -> list[str]:
    """Each value once, the first spelling kept; case does not make a value different."""
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.casefold(), value)
    return list(seen.values())
