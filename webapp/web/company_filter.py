"""The Company filter of the contacts list and the Actions page: a search-as-you-type field.
The contact form's company rows use the same field and the same reading of text typed.

A firm has thousands of companies, too many for a select. The field shows the chosen company's
name and sends its id as ``company``; the text typed is ``company_name``. With JavaScript the
field suggests companies as the user types (``/companies/choices``) and picking one sets the id.
Without it, or when the user sends text without picking, the text is read here: one exact name,
or one company matching it, is the filter; otherwise the page says so and offers the best
matches as links. Each way costs one or two indexed queries, not a list of every company.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

from webapp.services.company_search import company_choices, live_company
from webapp.services.validation import positive_int
from webapp.web.listing import search_text

SUGGESTIONS_SHOWN = 5


@dataclass(frozen=True)
class CompanyFilter:
    """The company a list is filtered by, or why the text typed picks none."""

    company_id: int | None = None
    text: str = ""  # what the field shows: the chosen company's name, or the text typed
    problem: str | None = None  # shown under the field when the text picks no single company
    suggestions: tuple = ()  # rows of (id, name, domain) to pick from instead


def read_company_filter() -> CompanyFilter:
    """The filter from the request's ``company`` (an id) and ``company_name`` (text typed); bad
    ids count as not given, and text that differs from the chosen company's name is a new search."""
    text = search_text("company_name")
    chosen = still_picked(positive_int(request.args.get("company")), text)
    if chosen is not None:
        return CompanyFilter(chosen.id, chosen.name)
    if not text:
        return CompanyFilter()
    return company_for_text(text)


def still_picked(company_id: int | None, text: str):
    """The ``(id, name)`` row of the live company picked, unless the text shown has been changed
    since (text that differs from its name is a new search); ``None`` otherwise."""
    chosen = live_company(company_id) if company_id else None
    if chosen is not None and (not text or text.casefold() == chosen.name.casefold()):
        return chosen
    return None


def company_for_text(text: str) -> CompanyFilter:
    """The company that text typed without picking names: the one whose whole name it is, or
    the only one it matches; else why none is, with the best matches to pick from."""
    matches = company_choices(text, SUGGESTIONS_SHOWN + 1)
    exact = [row for row in matches if row.name.casefold() == text.casefold()]
    if len(exact) == 1 or len(matches) == 1:
        found = exact[0] if exact else matches[0]
        return CompanyFilter(found.id, found.name)
    if not matches:
        return CompanyFilter(text=text, problem=f"No company matches “{text}”.")
    return CompanyFilter(
        text=text,
        problem=f"Several companies match “{text}”: pick one.",
        suggestions=tuple(matches[:SUGGESTIONS_SHOWN]),
    )
