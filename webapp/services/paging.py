"""Pages of a select, counted only when the page itself cannot tell how many there are.

A page that is neither full nor past the end is the last one: its total is everything before it
plus what it holds. A search that finds a handful of records (the usual case) then costs one
query, not two; only a full page, or an empty one past the first, still counts the select
(docs/performance.md, "Count only what a page cannot tell").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_sqlalchemy.pagination import Pagination, SelectPagination

from webapp.extensions import db

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy import Select


def total_from_page(offset: int, shown: int, per_page: int) -> int | None:
    """The total a page at ``offset`` holding ``shown`` of ``per_page`` tells by itself, or
    ``None`` when only a count can tell (a full page, or an empty one after the first)."""
    if shown < per_page and (shown or not offset):
        return offset + shown
    return None


class CountedPagination(SelectPagination):
    """``db.paginate``'s page, whose total is counted only when ``total_from_page`` cannot tell."""

    def _query_count(self) -> int:
        known = total_from_page(self._query_offset, len(self.items), self.per_page)
        return super()._query_count() if known is None else known


def paginate(stmt: Select, page: int, per_page: int, *, count: bool = True) -> CountedPagination:
    """``db.paginate(stmt, page=..., per_page=..., error_out=False)`` with its total counted
    only when needed (``count=False``: not at all, the caller knows it). ``stmt`` selects whole
    records (one row each), as ``db.paginate`` does."""
    return CountedPagination(
        select=stmt,
        session=db.session(),
        page=page,
        per_page=per_page,
        max_per_page=None,
        error_out=False,
        count=count,
    )


class FetchedPagination(Pagination):
    """A page of what ``fetch(limit, offset)`` reads (rows, say, rather than records), counted
    by ``count()`` only when ``total_from_page`` cannot tell."""

    def _query_items(self) -> list:
        return self._query_args["fetch"](self.per_page, self._query_offset)

    def _query_count(self) -> int:
        known = total_from_page(self._query_offset, len(self.items), self.per_page)
        return self._query_args["count_all"]() if known is None else known


def paginate_fetched(
    fetch: Callable[[int, int], list],
    count: Callable[[], int],
    page: int,
    per_page: int,
    *,
    counted: bool = True,
) -> FetchedPagination:
    """``paginate`` for a page that ``fetch(limit, offset)`` reads and ``count()`` counts
    (``counted=False``: not at all, the caller knows the total)."""
    return FetchedPagination(
        page=page,
        per_page=per_page,
        max_per_page=None,
        error_out=False,
        count=counted,
        fetch=fetch,
        count_all=count,
    )
