"""vCard files (3.0 and 4.0 from Google, iCloud and Outlook; 2.1 from old Outlook) as a table.

Each card becomes one record in fixed columns (Full name, First name, Last name, Company, Job
title, Email 1..N, Phone 1..N, LinkedIn URL, Birthday, Notes, Categories), N being the most any
card has, so the preview and the mapping screen treat a vCard file like any CSV.

Parser: our own small one (``vcard_lines``), not vobject. vobject 0.9.9 gives up on the whole
stream at the first broken card, so one bad card would lose every card after it, and it needed
about 1.7 s for 5,000 small cards. Reading line by line keeps a broken card to itself (it becomes
a record with ``problem`` set) and reads 5,000 cards in a fraction of that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from webapp.services.imports.sources import SourceRecord, too_many_rows
from webapp.services.imports.vcard_lines import (
    ContentLine,
    logical_lines,
    parse_line,
    split_escaped,
    unescape,
)

VCARD_START = re.compile(r"[\s\ufeff]*begin:vcard", re.IGNORECASE)
URI_SCHEME = re.compile(r"^(mailto|tel):", re.IGNORECASE)
BINARY_ENCODINGS = {"B", "BASE64"}
NAME_COLUMNS = {
    "Full name": "full_name",
    "First name": "first_name",
    "Last name": "last_name",
    "Company": "company",
    "Job title": "title",
}
OTHER_COLUMNS = {
    "LinkedIn URL": "linkedin_url",
    "Birthday": "birthday",
    "Notes": "notes",
    "Categories": "tags",
}


def is_vcard(text: str) -> bool:
    """Whether the text starts (after blanks or a byte-order mark) with ``BEGIN:VCARD``."""
    return VCARD_START.match(text) is not None


@dataclass
class Card:
    """What one card says, as it is read."""

    number: int
    problem: str | None = None
    full_name: str = ""
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    title: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    linkedin_url: str = ""
    birthday: str = ""
    notes: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    in_binary: bool = False  # inside a vCard 2.1 PHOTO whose base64 lines are not folded

    def fail(self, problem: str) -> None:
        """Mark the card broken; the first problem found is the one reported."""
        self.problem = self.problem or problem

    def read(self, number: int, line: str) -> None:
        """Take one unfolded line of this card (``number`` is its line in the file)."""
        parsed = parse_line(line)
        if parsed is None:
            if not self.in_binary:
                self.fail(f"Line {number} of the file cannot be read: {line.strip()[:60]!r}.")
            return
        encodings = {encoding.upper() for encoding in parsed.params.get("ENCODING", [])}
        self.in_binary = bool(encodings & BINARY_ENCODINGS)
        self.take(parsed)

    def take(self, line: ContentLine) -> None:
        """Keep what the import uses from one property; every other property is skipped."""
        text = unescape(line.value).strip()
        match line.name:
            case "FN":
                self.full_name = self.full_name or text
            case "N":
                parts = [part.strip() for part in split_escaped(line.value, ";")] + ["", ""]
                self.last_name, self.first_name = parts[0], parts[1]
            case "ORG":
                self.company = self.company or split_escaped(line.value, ";")[0].strip()
            case "TITLE":
                self.title = self.title or text
            case "EMAIL" | "TEL":
                found = self.emails if line.name == "EMAIL" else self.phones
                value = URI_SCHEME.sub("", text)
                if value and value not in found:
                    found.append(value)
            case "URL" | "X-SOCIALPROFILE":
                if not self.linkedin_url and "linkedin.com" in text.lower():
                    self.linkedin_url = text
            case "BDAY":
                self.birthday = _birthday(line)
            case "NOTE":
                self.notes += [text] if text else []
            case "CATEGORIES":
                self.categories += [c.strip() for c in split_escaped(line.value, ",") if c.strip()]

    def values(self, emails: int, phones: int) -> dict[str, str]:
        """The card as one row of the flattened table."""
        row = {column: getattr(self, name) for column, name in NAME_COLUMNS.items()}
        row |= {f"Email {n}": _nth(self.emails, n) for n in range(1, emails + 1)}
        row |= {f"Phone {n}": _nth(self.phones, n) for n in range(1, phones + 1)}
        row["LinkedIn URL"] = self.linkedin_url
        row["Birthday"] = self.birthday
        row["Notes"] = "\n\n".join(self.notes)
        row["Categories"] = " ::: ".join(self.categories)
        return row


def _nth(values: list[str], n: int) -> str:
    return values[n - 1] if n <= len(values) else ""


def _birthday(line: ContentLine) -> str:
    """The birthday as written; iCloud's placeholder year (X-APPLE-OMIT-YEAR) becomes ``--``."""
    value = line.value.strip()
    omitted = line.params.get("X-APPLE-OMIT-YEAR", [""])[0]
    if omitted and value.startswith(omitted):
        return "--" + value[len(omitted) :].lstrip("-")
    return value


def read_cards(text: str, limit: int) -> tuple[list[str], list[SourceRecord], dict[str, str]]:
    """The columns, one record per card, and the mapping for them; over ``limit`` is refused."""
    cards = _cards(text, limit)
    emails = max([len(card.emails) for card in cards] + [1])
    phones = max([len(card.phones) for card in cards] + [1])
    mapping = dict(NAME_COLUMNS)
    mapping |= {f"Email {n}": "email" for n in range(1, emails + 1)}
    mapping |= {f"Phone {n}": "phone" for n in range(1, phones + 1)}
    mapping |= OTHER_COLUMNS
    records = [
        SourceRecord(card.number, card.values(emails, phones), card.problem) for card in cards
    ]
    return list(mapping), records, mapping


def _cards(text: str, limit: int) -> list[Card]:
    """Every card in the file, broken ones included, in file order."""
    cards: list[Card] = []
    card: Card | None = None
    for number, line in logical_lines(text):
        marker = line.strip().upper()
        if marker == "BEGIN:VCARD":
            if card is not None:
                card.fail("This card has no END:VCARD line.")
            card = _start(cards, limit)
        elif marker == "END:VCARD":
            card = None
        elif not marker:
            if card is not None:
                card.in_binary = False  # vCard 2.1 ends base64 data with a blank line
        else:
            if card is None:
                card = _start(cards, limit)
                card.fail("This card has no BEGIN:VCARD line.")
            card.read(number, line)
    if card is not None:
        card.fail("This card has no END:VCARD line.")
    return cards


def _start(cards: list[Card], limit: int) -> Card:
    if len(cards) >= limit:
        raise too_many_rows(limit)
    cards.append(Card(len(cards) + 1))
    return cards[-1]
