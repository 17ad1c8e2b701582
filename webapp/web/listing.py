"""Shared by the list pages: search text, page numbers, htmx fragments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import make_response, request
from flask_sqlalchemy.pagination import SelectPagination

from webapp.services.validation import MAX_PAGE, positive_int

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

MAX_QUERY_LENGTH = 200
SECTION_HEADER = "X-Rapport-Section"


def search_text(name: str = "q") -> str:
    """The text typed into a search box (the ``q`` argument unless ``name`` says which), trimmed
    to something any database will take."""
    return request.args.get(name, "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]


def page_number() -> int:
    """The ``page`` argument; anything that is not a page number means the first page."""
    return positive_int(request.args.get("page"), MAX_PAGE) or 1


def wants_fragment() -> bool:
    """htmx swaps the results region; a history restore needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


class RowPagination(SelectPagination):
    """``db.paginate`` for a select of several columns: it keeps whole rows, not just the first."""

    def _query_items(self) -> list:
        stmt = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(stmt).all())


def section_fragment(html: str, status: int, section_id: str) -> Response:
    """A contact-page section for htmx. htmx drops error answers, so one with an error status
    names its section in ``X-Rapport-Section`` and static/app.js swaps it in anyway."""
    response = make_response(html, status)
    if status >= 400:
        response.headers[SECTION_HEADER] = section_id
    response.vary.add("HX-Request")
    return response
