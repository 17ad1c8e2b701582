"""A row as the file gave it, read by the same rules the contact form uses.

Every problem is reported with its field, so the preview and the list of failed rows can say
exactly what to fix; a row with a problem is never written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from webapp.services.calendar import format_calendar_day
from webapp.services.imports.birthdays import parse_birthday
from webapp.services.validation import (
    clean_tags,
    clean_text,
    normalise_email,
    normalise_linkedin_url,
    normalise_phone,
)

if TYPE_CHECKING:
    from webapp.services.imports.mapping import ContactRow

TEXT_LIMITS = {"first_name": 120, "last_name": 120, "title": 200, "company": 200}
NOTES_LIMIT = 5000  # the profile's personal notes


@dataclass
class CleanRow:
    first_name: str = ""
    last_name: str = ""
    title: str = ""
    company: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    linkedin_url: str | None = None
    birthday: tuple[int, int, int | None] | None = None
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, message)

    @property
    def keys(self) -> set[str]:
        """What identifies this person inside one file: emails, LinkedIn URL, phones."""
        found = {f"email:{e}" for e in self.emails} | {f"phone:{p}" for p in self.phones}
        if self.linkedin_url:
            found.add(f"linkedin:{self.linkedin_url}")
        return found

    @property
    def birthday_text(self) -> str | None:
        """The birthday as the profile service reads it: ``YYYY-MM-DD`` or ``MM-DD``."""
        return format_calendar_day(*self.birthday) if self.birthday else None


def _texts(given: ContactRow, clean: CleanRow) -> None:
    for name, limit in TEXT_LIMITS.items():
        try:
            setattr(clean, name, clean_text(getattr(given, name), max_length=limit) or "")
        except ValueError as exc:
            clean.problems.append((name, str(exc)))
    try:
        clean.notes = clean_text(given.notes, max_length=NOTES_LIMIT) or ""
    except ValueError as exc:
        clean.problems.append(("notes", str(exc)))
    if not clean.first_name and not clean.problems:
        if clean.last_name:
            clean.first_name, clean.last_name = clean.last_name, ""
        else:
            clean.problems.append(("first_name", "Give the contact's name."))


def _each(values: list[str], normalise, name: str, clean: CleanRow) -> list[str]:
    found: list[str] = []
    for value in values:
        if not value.strip():
            continue
        try:
            normalised = normalise(value)
        except ValueError as exc:
            clean.problems.append((name, str(exc)))
            continue
        if normalised not in found:
            found.append(normalised)
    return found


def _one(value: str, read, name: str, clean: CleanRow):
    if not value.strip():
        return None
    try:
        return read(value)
    except ValueError as exc:
        clean.problems.append((name, str(exc)))
        return None


def clean_row(given: ContactRow) -> CleanRow:
    """Read every field of ``given``; problems are collected, not raised."""
    clean = CleanRow()
    _texts(given, clean)
    clean.emails = _each(given.emails, normalise_email, "email", clean)
    clean.phones = _each(given.phones, normalise_phone, "phone", clean)
    clean.linkedin_url = _one(given.linkedin_url, normalise_linkedin_url, "linkedin_url", clean)
    clean.birthday = _one(given.birthday, parse_birthday, "birthday", clean)
    try:
        clean.tags = clean_tags(given.tags)
    except ValueError as exc:
        clean.problems.append(("tags", str(exc)))
    return clean
