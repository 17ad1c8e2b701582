"""The Contacts list as vCard 4.0 (RFC 6350), one card per contact, for phones and mail apps.

Text is escaped (backslash, comma, semicolon, newline), lines are folded at 75 octets without
splitting a UTF-8 character, and every line ends in CRLF. Phone numbers are plain text
(``TEL:+44...``), the form Google Contacts and iCloud both read; the first email and phone
carry ``PREF=1``. Stage and owner have no vCard property and stay in the CSV export.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from webapp.services.exports.contact_records import contact_chunks

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import date

    from webapp.services.contact_search import ContactFilters
    from webapp.services.exports.contact_records import ExportedContact

CONTENT_TYPE = "text/vcard; charset=utf-8"
LINE_OCTETS = 75
CRLF = "\r\n"


def escape_text(value: str) -> str:
    """A text value with RFC 6350's escapes: ``\\\\``, ``\\,``, ``\\;`` and ``\\n``."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    for plain, escaped in (("\\", "\\\\"), (",", "\\,"), (";", "\\;"), ("\n", "\\n")):
        value = value.replace(plain, escaped)
    return value


def fold(line: str) -> str:
    """``line`` folded into lines of at most 75 octets (a continuation starts with a space,
    which counts), split only between characters, never inside one."""
    if len(line.encode("utf-8")) <= LINE_OCTETS:
        return line + CRLF
    pieces: list[str] = []
    start, octets, limit = 0, 0, LINE_OCTETS
    for index, char in enumerate(line):
        width = len(char.encode("utf-8"))
        if octets + width > limit:
            pieces.append(line[start:index])
            start, octets, limit = index, 0, LINE_OCTETS - 1
        octets += width
    pieces.append(line[start:])
    return (CRLF + " ").join(pieces) + CRLF


def _bday(contact: ExportedContact) -> str | None:
    """``--MMDD`` when the year is unknown, else ``YYYYMMDD``; None without a birthday."""
    month, day, year = contact.birthday_month, contact.birthday_day, contact.birthday_year
    if month is None or day is None:
        return None
    if year is None:
        return f"--{month:02d}{day:02d}"
    return f"{year:04d}{month:02d}{day:02d}"


def _preferred(name: str, values: list[str]) -> list[str]:
    """``NAME;PREF=1:first`` then ``NAME:other`` lines."""
    return [
        f"{name}{';PREF=1' if position == 0 else ''}:{escape_text(value)}"
        for position, value in enumerate(values)
    ]


def card_lines(contact: ExportedContact) -> list[str]:
    """The contact's properties, unfolded, from ``BEGIN`` to ``END``."""
    first, last = escape_text(contact.first_name), escape_text(contact.last_name)
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{escape_text(contact.full_name)}"]
    lines.append(f"N:{last};{first};;;")
    named = {"ORG": contact.company, "TITLE": contact.title}
    lines += [f"{name}:{escape_text(value)}" for name, value in named.items() if value]
    lines += _preferred("EMAIL", contact.emails)
    lines += _preferred("TEL", contact.phones)
    optional = {
        # A normalised LinkedIn address has nothing to escape; escaping keeps a bad one inside.
        "URL": escape_text(contact.linkedin_url) if contact.linkedin_url else None,
        "BDAY": _bday(contact),
        "NOTE": escape_text(contact.notes) if contact.notes else None,
        "CATEGORIES": ",".join(escape_text(tag) for tag in contact.tags),
    }
    lines += [f"{name}:{value}" for name, value in optional.items() if value]
    lines.append("END:VCARD")
    return lines


def vcards(filters: ContactFilters, today: date) -> Iterator[str]:
    """The file, piece by piece: one piece per chunk of contacts."""
    for chunk in contact_chunks(filters, today):
        yield "".join(fold(line) for contact in chunk for line in card_lines(contact))
