"""Exports: download the Contacts list (CSV or vCard) and the Clients list (CSV) as files.

Each follows its list page's filters, read by the page's own ``list_filters``, and streams the
file as it is written (``services.exports``), so a firm's 100,000 contacts fit in constant memory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from webapp import access
from webapp.guards import permission_required, signed_in_actor
from webapp.services.calendar import today_in
from webapp.services.exports.clients_csv import clients_csv
from webapp.services.exports.contacts_csv import contacts_csv
from webapp.services.exports.csv_format import CONTENT_TYPE as CSV_TYPE
from webapp.services.exports.csv_format import export_filename
from webapp.services.exports.vcards import CONTENT_TYPE as VCARD_TYPE
from webapp.services.exports.vcards import vcards
from webapp.web import clients as client_list
from webapp.web import contacts as contact_list
from webapp.web.listing import wants_fragment

if TYPE_CHECKING:
    from collections.abc import Iterator

bp = Blueprint("exports", __name__)
NOT_FILTERS = ("page",)


def _in_app_context(pieces: Iterator[str]) -> Iterator[str]:
    """``pieces``, each written in an application context (and so a database session) of its own.

    The server sends the file after the request is over, when its context is gone. Unlike
    ``stream_with_context``, which keeps the request's context pushed until the last piece, a
    context is pushed only while a piece is written and popped before it is sent: an answer that
    is never read to the end (a client that goes away, a test that checks the status alone)
    holds none. The services build every statement that depends on the request (the filters,
    the viewer's scope) before the first piece; each chunk's queries need nothing more.
    """
    app = current_app._get_current_object()
    unwritten = iter(pieces)

    def send() -> Iterator[str]:
        while True:
            with app.app_context():
                piece = next(unwritten, None)
            if piece is None:
                return
            yield piece

    return send()


def _download(pieces: Iterator[str], content_type: str, filename: str) -> Response:
    """A file download, sent piece by piece as it is written."""
    response = Response(_in_app_context(pieces), content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # people's details: no copy kept on the way
    response.headers["X-Accel-Buffering"] = "no"  # a proxy passes the pieces on as they come
    return response


@bp.get("/contacts/export.csv")
@permission_required(access.RELATIONSHIPS_VIEW)
def contacts_as_csv() -> Response:
    """The contacts the Contacts page lists with the request's filters, as CSV."""
    today = today_in(signed_in_actor().user.timezone)
    pieces = contacts_csv(contact_list.list_filters(), today)
    return _download(pieces, CSV_TYPE, export_filename("contacts", today, "csv"))


@bp.get("/contacts/export.vcf")
@permission_required(access.RELATIONSHIPS_VIEW)
def contacts_as_vcards() -> Response:
    """The same contacts as vCard 4.0, for a phone's or a mail app's address book."""
    today = today_in(signed_in_actor().user.timezone)
    pieces = vcards(contact_list.list_filters(), today)
    return _download(pieces, VCARD_TYPE, export_filename("contacts", today, "vcf"))


@bp.get("/clients/export.csv")
@permission_required(access.RELATIONSHIPS_VIEW)
def clients_as_csv() -> Response:
    """The clients the Clients page lists with the request's filters, as CSV."""
    actor = signed_in_actor()
    today = today_in(actor.user.timezone)
    pieces = clients_csv(actor, client_list.list_filters(), today)
    return _download(pieces, CSV_TYPE, export_filename("clients", today, "csv"))


# --- the buttons: live search changes a list's filters without a page load ------------------------


def _buttons(template: str, list_endpoint: str) -> Response:
    """A list page's export buttons for the filter form's values, sent by htmx; a plain request
    goes to the list itself. The values pass through as they are: the export reads them with
    the list's own rule."""
    link_args = {
        name: [value for value in values if value]
        for name, values in request.args.lists()
        if name not in NOT_FILTERS and any(values)
    }
    if not wants_fragment():
        return redirect(url_for(list_endpoint, **link_args))
    return Response(render_template(template, link_args=link_args))


@bp.get("/contacts/export")
@permission_required(access.RELATIONSHIPS_VIEW)
def contacts_links() -> Response:
    """The Contacts page's Export buttons for the filters given."""
    return _buttons("exports/_contacts_export.html", "contacts.index")


@bp.get("/clients/export")
@permission_required(access.RELATIONSHIPS_VIEW)
def clients_links() -> Response:
    """The Clients page's Export button for the filters given."""
    return _buttons("exports/_clients_export.html", "clients.index")
