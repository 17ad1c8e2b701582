"""Which program wrote a CSV file, told by its header, and the mapping that suits each one.

Every known export has a few column names nobody else writes together ("Labels" next to "First
Name" for Google, "Connected On" for LinkedIn...). A file matching none of them is a plain "csv",
and each of its columns is guessed from its name alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from webapp.services.imports.mapping import SINGLE_FIELDS

FORMAT_LABELS = {
    "google": "Google Contacts CSV",
    "google_legacy": "Google Contacts CSV (older format)",
    "outlook": "Outlook CSV",
    "linkedin": "LinkedIn connections",
    "vcard": "vCard",
    "rapport": "Rapport export",
    "csv": "CSV",
}

# Per format: exact (lower-case) column names, then patterns for numbered columns.
KNOWN_COLUMNS: dict[str, dict[str, str]] = {
    "google": {
        "first name": "first_name",
        "last name": "last_name",
        "organization name": "company",
        "organization title": "title",
        "birthday": "birthday",
        "notes": "notes",
        "labels": "tags",
    },
    "google_legacy": {
        "name": "full_name",
        "given name": "first_name",
        "family name": "last_name",
        "organization 1 - name": "company",
        "organization 1 - title": "title",
        "birthday": "birthday",
        "notes": "notes",
        "group membership": "tags",
    },
    "outlook": {
        "first name": "first_name",
        "last name": "last_name",
        "company": "company",
        "job title": "title",  # Outlook's "Title" is Mr/Ms: left out on purpose
        "e-mail address": "email",
        "e-mail 2 address": "email",
        "e-mail 3 address": "email",
        "birthday": "birthday",
        "categories": "tags",
        "notes": "notes",
    },
    "linkedin": {
        "first name": "first_name",
        "last name": "last_name",
        "url": "linkedin_url",
        "email address": "email",
        "company": "company",
        "position": "title",
    },
    "rapport": {
        "first name": "first_name",
        "last name": "last_name",
        "job title": "title",
        "company": "company",
        "linkedin url": "linkedin_url",
        "birthday": "birthday",
        "tags": "tags",
        "notes": "notes",
    },
}
GOOGLE_PATTERNS = [
    (re.compile(r"e-mail \d+ - value"), "email"),
    (re.compile(r"phone \d+ - value"), "phone"),
]
KNOWN_PATTERNS: dict[str, list[tuple[re.Pattern[str], str]]] = {
    "google": GOOGLE_PATTERNS,
    "google_legacy": GOOGLE_PATTERNS,
    "outlook": [(re.compile(r".*phone( \d+)?"), "phone")],  # Business, Home, Mobile, Car...
    "rapport": [(re.compile(r"email \d+"), "email"), (re.compile(r"phone \d+"), "phone")],
}

# A plain CSV: column names with case, spaces and punctuation taken out.
GUESSES: dict[str, tuple[str, ...]] = {
    "email": ("email", "emailaddress", "mail", "workemail"),
    "phone": ("phone", "phonenumber", "mobile", "mobilenumber", "tel", "telephone", "cell"),
    "first_name": ("firstname", "givenname", "forename"),
    "last_name": ("lastname", "surname", "familyname"),
    "full_name": ("name", "fullname", "contact", "contactname", "displayname"),
    "company": (
        "company", "companyname", "organization", "organisation", "account", "accountname",
        "employer",
    ),
    "title": ("title", "jobtitle", "position", "role"),
    "linkedin_url": ("linkedin", "linkedinurl", "linkedinprofile", "profileurl"),
    "birthday": ("birthday", "dateofbirth", "dob", "birthdate"),
    "notes": ("notes", "note", "comments", "comment", "description"),
    "tags": ("tags", "tag", "labels", "label", "categories", "category", "groups", "group"),
}  # fmt: skip
GUESS_BY_KEY = {key: field for field, keys in GUESSES.items() for key in keys}
QUALIFIERS = ("work", "home", "personal", "private", "business", "office", "primary", "other")


def detect_format(columns: list[str]) -> str:
    """The format whose header ``columns`` is: ``google``, ..., or ``csv`` for anything else."""
    names = {column.strip().lower() for column in columns}
    for name, matches in SIGNATURES:
        if matches(names):
            return name
    return "csv"


def _is_outlook(names: set[str]) -> bool:
    return {"first name", "last name"} <= names and bool(
        names & {"e-mail address", "business phone", "mobile phone"}
    )


SIGNATURES: list[tuple[str, Callable[[set[str]], bool]]] = [
    ("rapport", lambda n: {"first name", "job title", "email 1", "phone 1", "stage", "owner"} <= n),
    ("linkedin", lambda n: {"first name", "last name", "url", "position", "connected on"} <= n),
    (
        "google",
        lambda n: "first name" in n and bool(n & {"labels", "organization name", "file as"}),
    ),
    ("google_legacy", lambda n: {"name", "given name", "family name"} <= n),
    ("outlook", _is_outlook),
]


def guess_field(column: str) -> str:
    """The field a column of a plain CSV most likely holds, from its name; ``ignore`` if unsure."""
    key = re.sub(r"[^0-9a-z]", "", column.lower()).rstrip("0123456789")
    if key in GUESS_BY_KEY:
        return GUESS_BY_KEY[key]
    for qualifier in QUALIFIERS:  # "Work email", "Home phone", "Private mobile"...
        rest = GUESS_BY_KEY.get(key.removeprefix(qualifier), "")
        if rest in ("email", "phone"):
            return rest
    if key.endswith("phone") and key != "phone":  # mobilephone, cellphone, homephone...
        return "phone"
    return "ignore"


def suggest_mapping(format: str, columns: list[str]) -> dict[str, str]:
    """Every column -> a field; a single-value field goes to the first column giving it only."""
    suggested: dict[str, str] = {}
    for column in columns:
        field = _known_field(format, column.strip().lower())
        if field in SINGLE_FIELDS and field in suggested.values():
            field = "ignore"
        suggested[column] = field
    return suggested


def _known_field(format: str, name: str) -> str:
    if format not in KNOWN_COLUMNS:
        return guess_field(name)
    if name in KNOWN_COLUMNS[format]:
        return KNOWN_COLUMNS[format][name]
    for pattern, field in KNOWN_PATTERNS.get(format, []):
        if pattern.fullmatch(name):
            return field
    return "ignore"
