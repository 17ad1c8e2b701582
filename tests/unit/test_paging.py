"""A page that is neither full nor past the end tells its total; only the others count."""

from __future__ import annotations

import pytest

from webapp.services.paging import paginate_fetched, total_from_page


@pytest.mark.parametrize(
    ("offset", "shown", "per_page", "total"),
    [
        (0, 3, 25, 3),  # a first page with room to spare holds everything
        (0, 0, 25, 0),  # an empty first page: nothing at all
        (25, 5, 25, 30),  # a last page: everything before it, and what it holds
        (0, 25, 25, None),  # a full page: more may follow
        (50, 25, 25, None),
        (25, 0, 25, None),  # past the end: how far past, only a count tells
    ],
)
def test_a_page_tells_its_total_only_when_it_is_neither_full_nor_past_the_end(
    offset, shown, per_page, total
):
    assert total_from_page(offset, shown, per_page) == total


@pytest.mark.parametrize(
    ("page", "held", "counted"),
    [
        (1, 3, False),  # a first page with room to spare: three in all, no count
        (2, 10, True),  # a full page: only a count tells how many follow
        (9, 0, True),  # past the end: only a count tells how far
    ],
)
def test_a_fetched_page_reads_its_slice_and_counts_only_when_it_cannot_tell(
    app, page, held, counted
):
    asked, counts = [], []

    def fetch(limit: int, offset: int) -> list[int]:
        asked.append((limit, offset))
        return list(range(offset, offset + min(limit, held)))

    def count() -> int:
        counts.append(True)
        return 42

    with app.test_request_context():
        found = paginate_fetched(fetch, count, page, 10)
    assert asked == [(10, (page - 1) * 10)]
    assert len(found.items) == min(10, held)
    assert found.total == (42 if counted else 3)
    assert counts == ([True] if counted else [])


def test_a_fetched_page_whose_total_is_known_is_not_counted(app):
    with app.test_request_context():
        found = paginate_fetched(lambda limit, offset: [1] * limit, _never, 1, 5, counted=False)
    assert found.items == [1] * 5
    assert found.total is None


def _never() -> int:
    raise AssertionError("counted")
