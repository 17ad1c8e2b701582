"""Query arguments shared by the list pages: search text, page numbers, ids, htmx fragments."""

from __future__ import annotations

from flask import request

from webapp.services.validation import MAX_PAGE, positive_int

MAX_QUERY_LENGTH = 200


def search_text() -> str:
    """The ``q`` argument, trimmed to something any database will take."""
    return request.args.get("q", "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]


def page_number() -> int:
    """The ``page`` argument; anything that is not a page number means the first page."""
    return positive_int(request.args.get("page"), MAX_PAGE) or 1


def wants_fragment() -> bool:
    """htmx swaps the results region; a history restore needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request
