"""Text matching shared by list pages and the API."""

from __future__ import annotations


def like_pattern(text: str) -> str:
    """A case-insensitive ``LIKE`` pattern matching ``text`` anywhere, wildcards escaped.

    NUL bytes are dropped: no stored text holds one, and PostgreSQL refuses them in a query.
    """
    text = text.replace("\x00", "")
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
