"""Query arguments shared by the list pages: search text, page numbers, ids, htmx fragments."""

from __future__ import annotations

from flask import request

MAX_QUERY_LENGTH = 200
MAX_ID = 2**31 - 1  # larger ids cannot exist, and PostgreSQL rejects them in an integer comparison
MAX_PAGE = 100_000  # far beyond any real list; keeps OFFSET inside what every database accepts


def search_text() -> str:
    """The ``q`` argument, trimmed to something any database will take."""
    return request.args.get("q", "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]


def positive_int(raw: str | None, limit: int = MAX_ID) -> int | None:
    """A positive integer from a query argument, or ``None`` for anything else."""
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 0 < value <= limit else None


def page_number() -> int:
    """The ``page`` argument; anything that is not a page number means the first page."""
    return positive_int(request.args.get("page"), MAX_PAGE) or 1


def wants_fragment() -> bool:
    """htmx swaps the results region; a history restore needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request
