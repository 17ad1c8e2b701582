"""Text matching shared by list pages and the API."""

from __future__ import annotations

from sqlalchemy import case, func, or_


def like_pattern(text: str) -> str:
    """A case-insensitive ``LIKE`` pattern matching ``text`` anywhere, wildcards escaped.

    NUL bytes are dropped: no stored text holds one, and PostgreSQL refuses them in a query.
    """
    text = text.replace("\x00", "")
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def name_rank(name, q: str, *other_starts):
    """SQL: how well a matching record's ``name`` matches ``q`` (any case): 0 all of it, 1 its
    start (or the start of one of ``other_starts``, such as a last name), 2 anywhere in it, 3 not
    in it (the record matched on something else). The order of "Best match" (docs/search.md)."""
    text = q.replace("\x00", "").lower()  # PostgreSQL refuses NUL bytes
    lowered = func.lower(name)
    starts = like_pattern(text)[1:]
    starting = (func.lower(column).like(starts, escape="\\") for column in (name, *other_starts))
    return case(
        (lowered == text, 0),
        (or_(*starting), 1),
        (lowered.like(like_pattern(text), escape="\\"), 2),
        else_=3,
    )
