"""When the database is away for a moment (a restart, a failover, SQLite busy past its timeout):
answer 503 with a clear message and ``Retry-After``, never a 500, and recover by itself.

The pool checks each connection before use (``pool_pre_ping``), so the first request after the
database is back gets a fresh connection. The outage page touches no database: the usual error
page would, through the navigation bar, and fail again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import exc as sa_exc

from webapp.api.errors import error_response
from webapp.extensions import db
from webapp.guards import wants_json

if TYPE_CHECKING:
    from flask import Flask
    from werkzeug.wrappers import Response

log = logging.getLogger(__name__)

UNAVAILABLE = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
)
RETRY_AFTER_SECONDS = 5
MESSAGE = "Rapport cannot reach its database for a moment. Nothing was saved; try again shortly."


def database_unavailable(error: Exception) -> Response | tuple[str, int, dict]:
    """The 503 page or envelope; the request's unfinished work is rolled back."""
    log.warning("Database unavailable: %s", error)
    try:
        db.session.rollback()
    except sa_exc.SQLAlchemyError:
        db.session.invalidate()  # the connection is gone: drop it rather than reuse it
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if wants_json():
        response = error_response(503, "database_unavailable", MESSAGE)
        response.headers.update(headers)
        return response
    # Straight from Jinja: render_template would run the context processors, which ask the
    # database who is signed in.
    page = current_app.jinja_env.get_template("errors/unavailable.html")
    return page.render(message=MESSAGE), 503, headers


def register_outage_handler(app: Flask) -> None:
    for kind in UNAVAILABLE:
        app.register_error_handler(kind, database_unavailable)
