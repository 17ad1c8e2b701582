"""Contacts with every field an export writes, and reading an export back."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from webapp.extensions import db
from webapp.models import (
    Company,
    Contact,
    ContactCompanyLink,
    ContactEmail,
    ContactPhone,
    ContactTag,
    RelationshipProfile,
    User,
)
from webapp.models.base import utcnow

BOM = "\ufeff".encode()


@dataclass
class Person:
    """What to give a contact; everything but the first name may be left out."""

    first_name: str
    last_name: str = ""
    title: str | None = None
    stage: str = "working"
    owner: User | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    company: Company | None = None
    tags: list[str] = field(default_factory=list)
    notes: str | None = None
    birthday: tuple[int, int, int | None] | None = None  # month, day, year
    linkedin_url: str | None = None
    archived: bool = False


def add_person(person: Person) -> Contact:
    """The contact, with a relationship profile when it has notes or a birthday; flushed."""
    contact = Contact(
        first_name=person.first_name,
        last_name=person.last_name,
        title=person.title,
        stage=person.stage,
        owner=person.owner,
        linkedin_url=person.linkedin_url,
        archived_at=utcnow() if person.archived else None,
    )
    contact.emails = [ContactEmail(email=e, position=n) for n, e in enumerate(person.emails)]
    contact.phones = [ContactPhone(number=p, position=n) for n, p in enumerate(person.phones)]
    contact.tags = [ContactTag(name=name) for name in person.tags]
    if person.company:
        contact.company_links = [ContactCompanyLink(company=person.company, is_primary=True)]
    db.session.add(contact)
    if person.notes is not None or person.birthday is not None:
        month, day, year = person.birthday or (None, None, None)
        profile = RelationshipProfile(
            contact=contact,
            personal_notes=person.notes,
            birthday_month=month,
            birthday_day=day,
            birthday_year=year,
        )
        db.session.add(profile)
    db.session.flush()
    return contact


def csv_rows(body: bytes) -> list[list[str]]:
    """An export's rows, the header first, read as a spreadsheet would (BOM dropped)."""
    assert body.startswith(BOM), "the file starts without a UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def as_records(body: bytes) -> list[dict[str, str]]:
    """An export's rows as {column: cell}."""
    header, *rows = csv_rows(body)
    return [dict(zip(header, row, strict=True)) for row in rows]


def first_names(body: bytes) -> list[str]:
    return [record["First name"] for record in as_records(body)]
