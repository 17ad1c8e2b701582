"""Text matching shared by list pages and the API."""

from __future__ import annotations

from sqlalchemy import case, func, literal_column, or_, select, table

from webapp.extensions import db

# FTS5's trigram tokenizer finds substrings of this many characters or more (SQLite).
TRIGRAM = 3


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


def found_in(search_table: str, row_id, q: str, *, by_word: bool = False) -> tuple:
    """SQL conditions to add to a ``LIKE`` match, never to replace it: on SQLite, ``row_id`` is a
    row that ``search_table`` (an FTS5 trigram table, migration 0016) finds holding ``q`` (with
    ``by_word``, every word of ``q``; a name's words may sit in its first or its last name). Empty
    elsewhere, and for text too short for trigrams. The index narrows to a few rows; ``LIKE``
    keeps its exact meaning on them."""
    text = q.replace("\x00", "")
    parts = [part for part in (text.split() if by_word else [text]) if len(part) >= TRIGRAM]
    if not parts or db.session.get_bind().dialect.name != "sqlite":
        return ()
    query = " AND ".join('"' + part.replace('"', '""') + '"' for part in parts)
    matching = (
        select(literal_column("rowid"))
        .select_from(table(search_table))
        .where(literal_column(search_table).op("MATCH")(query))
    )
    return (row_id.in_(matching),)
