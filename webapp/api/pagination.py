"""Paged API lists: ``page``/``per_page`` from the query string, and the ``meta`` and ``links``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import request, url_for

from webapp.services.errors import ValidationFailed
from webapp.services.paging import paginate
from webapp.services.validation import MAX_PAGE, positive_int

if TYPE_CHECKING:
    from sqlalchemy import Select


def page_args(default_per_page: int, max_per_page: int) -> tuple[int, int]:
    """``page`` and ``per_page`` from the query string; every bad one is reported as a 422."""
    errors = {}
    values = {}
    limits = (("page", 1, MAX_PAGE), ("per_page", default_per_page, max_per_page))
    for name, default, upper in limits:
        values[name] = positive_int(request.args.get(name, str(default)), upper)
        if values[name] is None:
            errors[name] = [f"Use a whole number from 1 to {upper:,}."]
    if errors:
        raise ValidationFailed("Check the pagination parameters.", fields=errors)
    return values["page"], values["per_page"]


@dataclass(frozen=True)
class ApiPage:
    items: list
    meta: dict[str, int]
    links: dict[str, str]


def api_page(
    stmt: Select, endpoint: str, default_per_page: int, max_per_page: int, **url_args: Any
) -> ApiPage:
    """One page of ``stmt``; the links to this, the next and the previous page keep ``url_args``."""
    page, per_page = page_args(default_per_page, max_per_page)
    result = paginate(stmt, page, per_page)
    return paged(list(result.items), result.total, page, per_page, endpoint, **url_args)


def paged(
    items: list, total: int, page: int, per_page: int, endpoint: str, **url_args: Any
) -> ApiPage:
    """A page of a list read by its own query (``items``, of ``total`` in all), with its
    ``meta`` and the links to this, the next and the previous page, which keep ``url_args``."""
    links = {"self": url_for(endpoint, **url_args, page=page, per_page=per_page)}
    if page * per_page < total:
        links["next"] = url_for(endpoint, **url_args, page=page + 1, per_page=per_page)
    if page > 1:
        links["prev"] = url_for(endpoint, **url_args, page=page - 1, per_page=per_page)
    meta = {"page": page, "per_page": per_page, "total": total}
    return ApiPage(items, meta, links)


def query_args_but_page() -> dict[str, str]:
    """The request's query arguments without ``page``, for links to other pages of a list."""
    args = request.args.to_dict()
    args.pop("page", None)
    args.pop("per_page", None)
    return args
