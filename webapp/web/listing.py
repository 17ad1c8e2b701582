"""Shared by the list pages: search text, page numbers, htmx fragments, filter choices."""

from __future__ import annotations

from flask import request
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Company
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


def company_options() -> list[tuple[int, str]]:
    """Companies as (id, name) for a filter or a select, in one query."""
    stmt = select(Company.id, Company.name).order_by(Company.name, Company.id)
    return [(row.id, row.name) for row in db.session.execute(stmt)]
