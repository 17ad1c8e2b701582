"""The Contacts list as a CSV file: one row per contact, one column per field.

The header is the one the importer recognises as a Rapport export (docs/export.md): names, job
title, primary company, ``Email 1..n`` and ``Phone 1..n`` (as many as the most any exported
contact has, at least one of each), LinkedIn URL, birthday, tags, notes, stage and owner.
UTF-8 with a byte-order mark, so Excel reads the accents right; CRLF line ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from webapp.services.exports.contact_records import contact_chunks, most_emails_and_phones
from webapp.services.exports.csv_format import (
    LIST_SEPARATOR,
    birthday_text,
    csv_pieces,
    guard_cell,
    phone_cell,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import date

    from webapp.services.contact_search import ContactFilters
    from webapp.services.exports.contact_records import ExportedContact

LEADING_COLUMNS = ("First name", "Last name", "Job title", "Company")
TRAILING_COLUMNS = ("LinkedIn URL", "Birthday", "Tags", "Notes", "Stage", "Owner")


def header(email_columns: int, phone_columns: int) -> list[str]:
    """The column names, with ``email_columns`` emails and ``phone_columns`` phones."""
    return [
        *LEADING_COLUMNS,
        *(f"Email {n}" for n in range(1, email_columns + 1)),
        *(f"Phone {n}" for n in range(1, phone_columns + 1)),
        *TRAILING_COLUMNS,
    ]


def _padded(values: list[str], width: int) -> list[str]:
    return values + [""] * (width - len(values))


def _text(value: str | None) -> str:
    """Free text as a cell: empty for none, guarded against running as a formula."""
    return guard_cell(value or "")


def contact_row(contact: ExportedContact, email_columns: int, phone_columns: int) -> list[str]:
    """One contact's cells, in the order of ``header``."""
    return [
        _text(contact.first_name),
        _text(contact.last_name),
        _text(contact.title),
        _text(contact.company),
        *_padded([_text(email) for email in contact.emails], email_columns),
        *_padded([phone_cell(phone) for phone in contact.phones], phone_columns),
        _text(contact.linkedin_url),
        birthday_text(contact.birthday_month, contact.birthday_day, contact.birthday_year),
        _text(LIST_SEPARATOR.join(contact.tags)),
        _text(contact.notes),
        _text(contact.stage),
        _text(contact.owner_email),
    ]


def contacts_csv(filters: ContactFilters, today: date) -> Iterator[str]:
    """The file, piece by piece: the BOM and header, then one piece per chunk of contacts."""
    emails, phones = (max(1, most) for most in most_emails_and_phones(filters, today))
    chunks = contact_chunks(filters, today)
    rows = ([contact_row(contact, emails, phones) for contact in chunk] for chunk in chunks)
    return csv_pieces(header(emails, phones), rows)
