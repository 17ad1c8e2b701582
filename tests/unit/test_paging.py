"""A page that is neither full nor past the end tells its total; only the others count."""

from __future__ import annotations

import pytest

from webapp.services.paging import total_from_page


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
