"""The named steps of ``create_app``."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from flask import Flask, has_request_context, render_template, request
from flask_wtf.csrf import CSRFError
from jinja2 import FileSystemBytecodeCache
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import configure_mappers
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.profiler import ProfilerMiddleware
from werkzeug.routing import IntegerConverter

from webapp import access, schema_migrations
from webapp.api.errors import error_response
from webapp.extensions import csrf, db, htmx, limiter, login_manager
from webapp.guards import current_actor, wants_json
from webapp.models import User
from webapp.outage import register_outage_handler
from webapp.security import register_security
from webapp.services import count_cache
from webapp.services.errors import DomainError, Unauthenticated
from webapp.services.validation import MAX_ID, RECORD_ID_PATTERN, format_phone

log = logging.getLogger(__name__)


def register_logging(app: Flask) -> None:
    """Send Rapport's log lines (the scheduler's runs, logged digests) to stderr at INFO.

    Only when nothing configured logging already (gunicorn and pytest do) and not in tests.
    """
    if not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        # The twilio client logs every request's headers at INFO: too loud for a terminal.
        logging.getLogger("twilio.http_client").setLevel(logging.WARNING)


def register_profiler(app: Flask) -> None:
    """With ``PROFILE_DIR`` set, write a cProfile file per request into it, named after the
    method, path and milliseconds taken (``GET.contacts.131ms.1765000000.prof``); read one
    with ``python -m pstats`` or snakeviz. Off unless asked for: profiling slows every request.
    """
    folder = app.config.get("PROFILE_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    app.wsgi_app = ProfilerMiddleware(app.wsgi_app, stream=None, profile_dir=folder)
    log.warning("Profiling every request into %s", folder)


def prepare_to_serve(app: Flask) -> None:
    """What a serving process does once, before its first request (gunicorn.conf.py calls it in
    each worker): compile every template (through a bytecode cache under the instance folder,
    so the next worker or restart skips Jinja's compiler), configure the ORM's mappers, then
    freeze what is built so far out of the garbage collector's reach. Without the freeze, each
    full collection walks the app's hundreds of thousands of long-lived objects: some 10 ms of
    a contact page at a firm's scale (docs/performance.md)."""
    folder = Path(app.instance_path) / "template-cache"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    except OSError as error:  # a read-only deployment: compile without the cache
        log.warning("No template bytecode cache in %s: %s", folder, error)
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    configure_mappers()
    with app.app_context():
        _serial_queries(db.engine)
    gc.collect()
    gc.freeze()


def _serial_queries(engine) -> None:
    """PostgreSQL: run each of a web worker's queries in its own process, without parallel
    workers. A page's queries are short and many requests run side by side: starting parallel
    workers took longer than they saved (the Actions queue's tab counts, 15 ms to 9 ms) and they
    took cores from the other requests (the queue served 49 requests a second, 64 without them).
    The scheduler and the command line keep PostgreSQL's setting."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _no_parallel_workers(dbapi_connection, _record) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
        dbapi_connection.commit()

    engine.dispose()  # connections opened before this (none, usually) start again with it


def register_extensions(app: Flask) -> None:
    import webapp.models  # noqa: F401  (registers every table before Alembic looks)

    db.init_app(app)
    schema_migrations.register(app)  # `flask db`, with Alembic loaded only when it runs
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    with app.app_context():
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            _tune_sqlite(db.engine)
        count_cache.watch(db.engine)  # docs/performance.md, "Figures kept for a minute"


SQLITE_BUSY_TIMEOUT_MS = 5_000  # how long a write waits for another to finish before failing
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _tune_sqlite(engine) -> None:
    """Enforce foreign keys; let SQLAlchemy, not pysqlite, own transactions so savepoints work;
    and let concurrent writes queue instead of failing with "database is locked".

    WAL lets reads go on while one write commits. A write request (any method but a read's)
    begins with ``BEGIN IMMEDIATE``: it takes the write lock first, waiting up to the busy
    timeout, instead of reading a snapshot that a concurrent commit would make stale (a deferred
    transaction that then writes fails at once, whatever the timeout). Everything else begins
    deferred, so a read, or a scheduler pass that is only looking, never holds the write lock.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_request() else "BEGIN")


def _write_request() -> bool:
    """Whether the transaction beginning now is a write request's."""
    return has_request_context() and request.method not in READ_METHODS


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = access.user_with_permissions(int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


class RecordIdConverter(IntegerConverter):
    """``<int:...>`` in every route: only ids a record can have, so anything larger is a 404."""

    regex = RECORD_ID_PATTERN

    def __init__(self, url_map, **kwargs) -> None:
        super().__init__(url_map, min=1, max=MAX_ID, **kwargs)


def register_blueprints(app: Flask) -> None:
    from webapp.api import api
    from webapp.api.v2 import v2
    from webapp.messaging import webhooks
    from webapp.web import register_web_blueprints

    app.url_map.converters["int"] = RecordIdConverter
    # The API checks CSRF itself for session-authenticated writes. Flask-WTF exempts a blueprint
    # by its own name, so the records API, nested as "api.v2", is exempted by name too.
    csrf.exempt(api)
    csrf.exempt(v2)
    app.register_blueprint(api)
    app.register_blueprint(webhooks.bp)
    register_web_blueprints(app)


def _html_error(status: int, title: str, message: str):
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register_errorhandlers(app: Flask) -> None:
    register_outage_handler(app)

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        if wants_json():
            return error_response(exc.status, exc.code, exc.message, exc.details)
        if isinstance(exc, Unauthenticated):
            return _html_error(401, "Please sign in", exc.message)
        return _html_error(exc.status, "That did not work", exc.message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        message = "Your form expired or was sent from elsewhere. Reload the page and try again."
        if wants_json():
            return error_response(400, "csrf_failed", message)
        return _html_error(400, "Form expired", message)

    @app.errorhandler(IntegrityError)
    def integrity_error(exc: IntegrityError):
        db.session.rollback()
        message = "Someone else just saved the same value. Reload and try again."
        if wants_json():
            return error_response(409, "conflict", message)
        return _html_error(409, "Already taken", message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        if status == 413:
            exc.description = "The upload is larger than Rapport takes: files up to 20 MB."
        if wants_json():
            response = error_response(status, None, exc.description or exc.name)
            if status == 429 and exc.response is not None:
                response.headers.extend(
                    (k, v)
                    for k, v in exc.response.headers.items()
                    if k.startswith(("Retry", "X-Rate"))
                )
            return response
        if status == 429:
            message = "Too many attempts from your address. Wait a minute, then try again."
            return _html_error(429, "Slow down", message)
        return _html_error(status, exc.name, exc.description or "")

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        message = "Something went wrong on our side. It has been logged."
        if wants_json():
            return error_response(500, "internal_error", message)
        return _html_error(500, "Something went wrong", message)


def register_request_hooks(app: Flask) -> None:
    @app.after_request
    def finish_transaction(response):
        """The request boundary: commit what the services flushed, or roll it back on an error."""
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.after_request
    def vary_on_htmx(response):
        """An htmx request gets a fragment, others the page: caches must tell them apart."""
        if request.headers.get("HX-Request"):
            response.headers.add("Vary", "HX-Request")
        return response

    register_security(app)


def register_template_helpers(app: Flask) -> None:
    from webapp.services.action_queries import is_overdue
    from webapp.services.auto_actions import days_before
    from webapp.services.life_event_types import life_event_type
    from webapp.web import display
    from webapp.web.forms.relationships import ACTION_TYPE_LABELS, CHANNEL_LABELS
    from webapp.web.links import fixed_url, row_link
    from webapp.web.navigation import navigation_for

    @app.context_processor
    def inject_actor():
        actor = current_actor() if not request.path.startswith("/static/") else None
        return {
            "actor": actor,
            "can": (lambda permission: actor is not None and access.can(actor, permission)),
            # Called by the layout alone: a fragment that htmx swaps in builds no menu.
            "navigation": (lambda: navigation_for(actor) if actor else []),
        }

    app.jinja_env.globals.update(
        calendar_day=display.calendar_day,
        channel_labels=CHANNEL_LABELS,
        action_type_labels=ACTION_TYPE_LABELS,
        life_event_type=life_event_type,
        lead_days=days_before,
        action_is_overdue=is_overdue,
        row_link=row_link,
        fixed_url=fixed_url,
    )
    app.jinja_env.filters.update(
        phone=format_phone,
        local_time=display.local_time,
        message_time=display.message_time,
        long_date=display.long_date,
        short_date=display.short_date,
        days_away=display.days_away,
    )


def register_commands(app: Flask) -> None:
    from webapp.cli import register

    register(app)
