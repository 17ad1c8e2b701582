"""Shared fixtures: a migrated database, per-test rollback, clients signed in by role or API key."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import scoped_session, sessionmaker

from tests import factories
from webapp import access, create_app, schema_migrations
from webapp.extensions import db as _db
from webapp.extensions import limiter
from webapp.messaging.fake_twilio import FakeTwilio, RunningFake, start_in_thread
from webapp.messaging.settings import INBOUND_PATH
from webapp.services.api_keys import create_api_key

# Builder modules (imported later, by test modules) assert too: pytest explains their failures.
pytest.register_assert_rewrite(
    "tests.api.message_helpers",
    "tests.api.relationship_helpers",
    "tests.unit.relationship_builders",
    "tests.web.action_builders",
    "tests.web.contact_page_builders",
)

# Twilio as the tests see it: configured, pointed at the fake Twilio (see ``fake_twilio``), and
# never at a developer's real account. Port 9 is closed: without the fake, Twilio is unreachable.
TWILIO_TEST_CONFIG = {
    "TWILIO_ACCOUNT_SID": "ACtest0000000000000000000000000000",
    "TWILIO_AUTH_TOKEN": "test-auth-token",
    "TWILIO_SMS_FROM": "+15005550006",
    "TWILIO_WHATSAPP_FROM": "+14155238886",
    "TWILIO_ENABLED": True,
    "TWILIO_API_BASE_URL": "http://127.0.0.1:9",
    "TWILIO_TIMEOUT_SECONDS": 2.0,
    "PUBLIC_BASE_URL": "http://localhost",
}

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_STORAGE_URI": "memory://",
    "SMTP_HOST": "",  # never a developer's real mail server
    "PROFILE_DIR": "",  # a developer's RAPPORT_PROFILE_DIR does not profile the tests
    # Writer threads open connections of their own, which would not see a test's uncommitted
    # rows; tests/jobs/test_parallel_batches.py runs them on committed data.
    "SCHEDULER_WRITERS": 1,
    **TWILIO_TEST_CONFIG,
}


def database_url(tmp_dir: Path) -> str:
    """``TEST_DATABASE_URL`` (PostgreSQL in CI), else a fresh SQLite file."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


def make_app(url: str, **overrides) -> Flask:
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **overrides})


def migrate_fresh(app: Flask) -> None:
    """Build the schema the way production does: by running every migration from empty."""
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        with _db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        schema_migrations.upgrade(app)


@contextmanager
def fresh_postgres_app(url: str, prefix: str) -> Iterator[Flask]:
    """An app on a new, migrated PostgreSQL database beside ``url``'s, dropped afterwards: for
    tests that need real commits seen by several connections at once."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    server = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    application = make_app(make_url(url).set(database=name).render_as_string(hide_password=False))
    migrate_fresh(application)
    try:
        yield application
    finally:
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        server.dispose()


@contextmanager
def postgres_app_or_skip(prefix: str, why: str) -> Iterator[Flask]:
    """``fresh_postgres_app`` beside ``TEST_DATABASE_URL``, for a test only PostgreSQL can run;
    on SQLite the test skips, saying ``why``."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or url.startswith("sqlite"):
        pytest.skip(f"{why} Set TEST_DATABASE_URL to a PostgreSQL database.")
    with fresh_postgres_app(url, prefix) as app:
        yield app


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    with tempfile.TemporaryDirectory() as tmp:
        application = make_app(database_url(Path(tmp)))
        migrate_fresh(application)
        yield application
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()


@contextmanager
def rolled_back(app: Flask) -> Iterator[Connection]:
    """Everything inside runs in one outer transaction, rolled back at the end (commits become
    savepoints); yields the connection every session uses."""
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        original = _db.session
        _db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        limiter.reset()
        try:
            yield connection
        finally:
            _db.session.remove()
            _db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def db(app: Flask):
    """Each test runs in one outer transaction, rolled back; commits become savepoints."""
    with rolled_back(app):
        yield _db


class FreshIdentityClient(FlaskClient):
    """A test client whose requests resolve who is asking afresh.

    Requests reuse the test's app context (and so ``g``); in production every request has its own,
    so the previous request's actor and Flask-Login user must not carry over.
    """

    def open(self, *args, **kwargs):
        for per_request in ("actor", "_login_user", "unmatched_count"):
            g.pop(per_request, None)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask, db):
    app.test_client_class = FreshIdentityClient
    return app.test_client()


@pytest.fixture
def csrf_client(app, db):
    """A client of an app with CSRF protection on, against the same database."""
    protected = make_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)
    yield protected.test_client()
    with protected.app_context():
        _db.engine.dispose()


@pytest.fixture
def make_user(db):
    """Create a user by role; ``squad`` may be a Squad; extra fields pass to the factory."""

    def make(role: str = "member", **fields):
        return factories.UserFactory(role=role, **fields)

    return make


def sign_in_session(client: FlaskClient, user_id: int) -> None:
    """Give ``client`` the session Flask-Login keeps for a signed-in ``user_id``."""
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True


@pytest.fixture
def login_as(client, make_user):
    """Sign the test client in as a new user of ``role`` and return that user."""

    def login(role: str = "member", **fields):
        user = make_user(role, **fields)
        _db.session.commit()
        sign_in_session(client, user.id)
        return user

    return login


class ApiClient:
    """A test client that sends ``Authorization: Bearer <secret>`` on every request."""

    def __init__(self, client, secret: str, user, api_key):
        self.client, self.secret, self.user, self.api_key = client, secret, user, api_key

    def _call(self, method: str, path: str, **kwargs):
        headers = {"Authorization": f"Bearer {self.secret}", **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self._call("GET", path, **kw)

    def post(self, path, **kw):
        return self._call("POST", path, **kw)

    def patch(self, path, **kw):
        return self._call("PATCH", path, **kw)

    def put(self, path, **kw):
        return self._call("PUT", path, **kw)

    def delete(self, path, **kw):
        return self._call("DELETE", path, **kw)


@pytest.fixture
def api_client(client, make_user):
    """``api_client(permissions=[...], role="member")``: a client with a new user's fresh key."""

    def build(permissions: list[str] | None = None, role: str = "member", **fields) -> ApiClient:
        user = make_user(role, **fields)
        created = create_api_key(
            access.actor_for_user(user), user, name="test key", permissions=permissions
        )
        _db.session.commit()
        return ApiClient(client, created.secret, user, created.api_key)

    return build


@pytest.fixture(scope="session")
def twilio_server() -> Iterator[RunningFake]:
    """One fake Twilio HTTP server for the session; ``fake_twilio`` resets it for each test."""
    fake = FakeTwilio(
        account_sid=TWILIO_TEST_CONFIG["TWILIO_ACCOUNT_SID"],
        auth_token=TWILIO_TEST_CONFIG["TWILIO_AUTH_TOKEN"],
        inbound_url=TWILIO_TEST_CONFIG["PUBLIC_BASE_URL"] + INBOUND_PATH,
    )
    running = start_in_thread(fake)
    yield running
    running.stop()


@pytest.fixture
def fake_twilio(app, client, twilio_server, monkeypatch) -> FakeTwilio:
    """The fake Twilio, empty, with the app's Twilio client pointed at it.

    Its signed webhooks (status callbacks, inbound messages) go to the test ``client``.
    """
    fake = twilio_server.fake
    fake.reset()
    monkeypatch.setitem(app.config, "TWILIO_API_BASE_URL", twilio_server.url)
    monkeypatch.setattr(fake, "poster", _test_client_poster(client))
    return fake


def _test_client_poster(client):
    def post(url: str, fields: dict, headers: dict) -> int:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return client.post(path, data=fields, headers=headers).status_code

    return post


# Not part of what a page or a list costs: savepoints, and noting an API key's last use, which
# happens at most once a minute (so whether a measured request does it is a matter of timing).
UNCOUNTED = ("SAVEPOINT", "RELEASE", "ROLLBACK TO", "UPDATE API_KEYS SET LAST_USED_AT")


@contextmanager
def _counting(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if not " ".join(statement.split()).upper().startswith(UNCOUNTED):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def count_queries(db):
    """``with count_queries() as statements:`` lists the SQL statements run inside the block."""
    return lambda: _counting(_db.engine)
