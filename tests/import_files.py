"""Real-shaped contact files for the import tests, built as the exporting apps write them."""

from __future__ import annotations

import csv
import io

GOOGLE_HEADER = [
    "First Name", "Middle Name", "Last Name", "Nickname", "File As", "Organization Name",
    "Organization Title", "Organization Department", "Birthday", "Notes", "Photo", "Labels",
    "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value",
    "Phone 1 - Label", "Phone 1 - Value",
]  # fmt: skip


def google_row(
    first: str,
    last: str,
    *,
    company: str = "",
    title: str = "",
    birthday: str = "",
    notes: str = "",
    labels: str = "* myContacts",
    email: str = "",
    email2: str = "",
    phone: str = "",
) -> list[str]:
    return [
        first, "", last, "", "", company, title, "", birthday, notes, "", labels,
        "* Work" if email else "", email, "Home" if email2 else "", email2,
        "Mobile" if phone else "", phone,
    ]  # fmt: skip


def csv_bytes(header: list[str], rows: list[list[str]], *, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def google_csv(rows: list[list[str]]) -> bytes:
    return csv_bytes(GOOGLE_HEADER, rows)


LINKEDIN_PREAMBLE = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    'connections to see or download their email address."\r\n'
    "\r\n"
)
LINKEDIN_HEADER = [
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
]


def linkedin_csv(rows: list[list[str]]) -> bytes:
    return LINKEDIN_PREAMBLE.encode() + csv_bytes(LINKEDIN_HEADER, rows)


def vcard(*cards: str) -> bytes:
    return "".join(cards).encode()


def card(full_name: str, last: str, first: str, *lines: str) -> str:
    body = "\r\n".join(lines)
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"N:{last};{first};;;\r\nFN:{full_name}\r\n{body}\r\nEND:VCARD\r\n"
    )
