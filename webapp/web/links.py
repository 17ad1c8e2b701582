"""Addresses of rows: one ``url_for`` per list, not one per row.

A list of fifty actions links each to its contact and posts each to its own status address: a
hundred ``url_for`` calls, 15 to 25 µs each with the list's filters in the query string, a tenth
of the Actions queue's time (docs/performance.md, "`url_for` once per page, not per row").
``row_link`` builds the address once, with a stand-in id, and each row's address is that text
with its own id.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for

from webapp.services.validation import MAX_ID

FIXED_URLS = "rapport.fixed_urls"  # the app's ``extensions`` entry that keeps them
STAND_IN = str(MAX_ID)  # an id in the range the routes take; it must appear once in the address


class RowLink:
    """``url_for(endpoint, **{id_name: record_id}, **values)`` for many ids, built once."""

    def __init__(self, endpoint: str, id_name: str, **values: Any) -> None:
        self._endpoint, self._id_name, self._values = endpoint, id_name, values
        address = url_for(endpoint, **{id_name: MAX_ID}, **values)
        self._parts = address.split(STAND_IN) if address.count(STAND_IN) == 1 else None

    def __call__(self, record_id: int) -> str:
        if self._parts is None:  # another value reads like the stand-in: build each in full
            return url_for(self._endpoint, **{self._id_name: record_id}, **self._values)
        head, tail = self._parts
        return f"{head}{int(record_id)}{tail}"


def row_link(endpoint: str, id_name: str, **values: Any) -> RowLink:
    """For templates: ``{% set contact_url = row_link('contacts.show', 'contact_id') %}``, then
    ``contact_url(action.contact_id)`` in the loop."""
    return RowLink(endpoint, id_name, **values)


def fixed_url(endpoint: str, **values: Any) -> str:
    """``url_for`` of an address that is the same on every page (the layout's menu, its static
    files), built once per app and mount point: the layout asked for twenty on every page."""
    key = (request.script_root, endpoint, *sorted(values.items()))
    kept = current_app.extensions.setdefault(FIXED_URLS, {})
    address = kept.get(key)
    if address is None:
        address = kept[key] = url_for(endpoint, **values)
    return address
