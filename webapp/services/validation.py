"""Small validators shared by every service: emails, phone numbers, domains, names."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from webapp.services.errors import ValidationFailed

DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
DEFAULT_PHONE_REGION = "GB"
MAX_ID = 2**31 - 1  # larger ids cannot exist, and PostgreSQL rejects them in an integer comparison
MAX_PAGE = 100_000  # far beyond any real list; keeps OFFSET inside what every database accepts


def _whole_numbers_up_to(limit: int) -> str:
    """A regular expression matching exactly the decimal numbers 1 to ``limit``, no leading zero."""
    digits = str(limit)
    width = len(digits)
    options = [f"[1-9][0-9]{{0,{width - 2}}}"] if width > 1 else []
    for i, digit in enumerate(digits):
        lowest = 1 if i == 0 else 0
        if int(digit) > lowest:
            options.append(f"{digits[:i]}[{lowest}-{int(digit) - 1}][0-9]{{{width - i - 1}}}")
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


# The URL converter's pattern for ids: a path segment that cannot be an id matches no route at
# all, so it is a 404 whatever the method (a converter that refuses a value only after matching
# makes Werkzeug answer 405 when a sibling route has another method).
RECORD_ID_PATTERN = _whole_numbers_up_to(MAX_ID)


class FieldErrors:
    """Collects messages per field, so one submission reports every problem at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def read(self, name: str, rule: Callable[[Any], Any], value: Any) -> Any:
        """``rule(value)``; if the rule refuses it (``ValueError``), note why and give ``None``."""
        try:
            return rule(value)
        except ValueError as exc:
            self.add(name, str(exc))
            return None

    def read_fields(
        self,
        values: dict[str, Any],
        rules: dict[str, Callable[[Any], Any]],
        refused: str = "This is not a field you can set here.",
    ) -> dict[str, Any]:
        """Each given value read by its field's rule; a field without a rule is noted as
        ``refused``. Every problem is noted, none raised: call ``raise_if_any`` after."""
        read: dict[str, Any] = {}
        for name, raw in values.items():
            if name not in rules:
                self.add(name, refused)
                continue
            read[name] = self.read(name, rules[name], raw)
        return read

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(fields=self.fields)


def positive_int(raw: str | None, limit: int = MAX_ID) -> int | None:
    """A positive integer (ASCII digits only) up to ``limit`` from text, or ``None``."""
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 0 < value <= limit else None


def normalise_email(raw: str) -> str:
    """Return the normalised (lower-cased) email, or raise ``ValueError`` with a readable reason."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"{raw.strip() or 'This'} is not a valid email address.") from exc
    return result.normalized.lower()


def normalise_phone(raw: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """Return the number in E.164, or raise ``ValueError``. Numbers without ``+`` use ``region``."""
    try:
        number = phonenumbers.parse(raw.strip(), region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{raw.strip() or 'This'} is not a phone number.") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"{raw.strip()} is not a valid phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_domain(raw: str) -> str:
    """Return a bare lower-case domain (``acme.com``), or raise ``ValueError``."""
    domain = raw.strip().lower().removeprefix("https://").removeprefix("http://")
    domain = domain.removeprefix("www.").split("/")[0]
    if not DOMAIN_RE.match(domain):
        raise ValueError(f"{raw.strip() or 'This'} is not a domain like example.com.")
    return domain


LINKEDIN_HOST_RE = re.compile(r"^([a-z]{2,3}\.|www\.)?linkedin\.com$")
LINKEDIN_URL_LIMIT = 300
TAG_LIMIT = 80


def normalise_linkedin_url(raw: str) -> str:
    """One spelling of a LinkedIn profile address: ``https://www.linkedin.com/in/jane-doe``.

    Scheme, country subdomain, query, fragment, trailing slash and the case of the name are
    dropped, so ``linkedin.com/in/Jane-Doe/?trk=x`` and the canonical form match each other.
    """
    value = refuse_nul(raw).strip()
    parts = urlsplit(value if "://" in value else f"https://{value}")
    path = parts.path.rstrip("/").lower()
    if not LINKEDIN_HOST_RE.match(parts.hostname or "") or path.count("/") < 2:
        raise ValueError(f"{value or 'This'} is not a LinkedIn profile address.")
    url = f"https://www.linkedin.com{path}"
    if len(url) > LINKEDIN_URL_LIMIT:
        raise ValueError(f"Keep a LinkedIn address under {LINKEDIN_URL_LIMIT} characters.")
    return url


def clean_tags(raw: list[str]) -> list[str]:
    """Tags stripped, empty ones dropped, each once (the first spelling wins), sorted."""
    seen: dict[str, str] = {}
    for tag in raw:
        name = " ".join(refuse_nul(tag).split())
        if len(name) > TAG_LIMIT:
            raise ValueError(f"Keep each tag under {TAG_LIMIT} characters.")
        if name:
            seen.setdefault(name.casefold(), name)
    return sorted(seen.values(), key=str.casefold)


def refuse_nul(value: str) -> str:
    """``value``, or ``ValueError`` if it holds a NUL character: PostgreSQL keeps none in text
    (storing or even comparing one fails), so it is bad input, not a server error."""
    if "\x00" in value:
        raise ValueError("Remove the NUL character (\\u0000): text cannot hold one.")
    return value


def clean_text(value: str | None, *, max_length: int) -> str | None:
    """Strip a free-text value; empty becomes ``None``; too long or a NUL raises ``ValueError``."""
    if value is None:
        return None
    value = refuse_nul(value).strip()
    if len(value) > max_length:
        raise ValueError(f"Keep this under {max_length} characters.")
    return value or None


@functools.lru_cache(maxsize=4096)
def format_phone(e164: str) -> str:
    """A phone number in international format for display (+44 20 7946 0958); kept, since a
    page of people formats dozens and parsing one takes longer than rendering its row."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
