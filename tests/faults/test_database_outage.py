"""The database away for a moment: 503 with a clear page or envelope and Retry-After, never a
500; the next request after it is back works, and what was committed before is still there."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests import factories
from tests.conftest import postgres_app_or_skip
from webapp import access
from webapp.extensions import db as _db
from webapp.models import Contact
from webapp.services.api_keys import create_api_key

CONTACTS = "/api/v2/contact"
MESSAGE = "Rapport cannot reach its database for a moment. Nothing was saved; try again shortly."


@contextmanager
def database_away(engine) -> Iterator[None]:
    """Every query fails as when the server has gone (transaction control still works, so the
    test's own rolled-back transaction survives)."""

    def refuse(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
            raise OperationalError(statement, parameters, Exception("server closed the connection"))

    event.listen(engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", refuse)


def contact_count() -> int:
    _db.session.expire_all()
    return _db.session.scalar(select(func.count(Contact.id)))


def test_a_page_says_so_with_503_and_recovers(client, login_as, db):
    login_as("member")

    with database_away(db.engine):
        away = client.get("/contacts")

    assert away.status_code == 503
    assert away.headers["Retry-After"] == "5"
    assert "Back in a moment" in away.text and MESSAGE in away.text
    assert client.get("/contacts").status_code == 200


def test_the_api_answers_the_envelope_and_loses_no_committed_write(api_client, db):
    api = api_client(permissions=[access.CRM_READ, access.CRM_WRITE])
    created = api.post(
        CONTACTS, json={"attributes": {"first_name": "Ada", "last_name": "Lovelace"}}
    )
    assert created.status_code == 201

    with database_away(db.engine):
        read = api.get(CONTACTS)
        write = api.post(CONTACTS, json={"attributes": {"first_name": "Charles"}})

    for response in (read, write):
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert response.get_json() == {
            "error": {"code": "database_unavailable", "message": MESSAGE, "details": {}}
        }
    assert contact_count() == 1
    names = [row["attributes"]["first_name"] for row in api.get(CONTACTS).get_json()["data"]]
    assert names == ["Ada"]


# --- a real outage, on PostgreSQL: the server refuses connections, then takes them again ---------


@pytest.fixture
def committed_app():
    why = (
        "A real outage needs PostgreSQL (the database refuses connections, then takes them again)."
    )
    with postgres_app_or_skip("rapport_outage", why) as app:
        yield app


@contextmanager
def connections_refused(app) -> Iterator[None]:
    """The database stops taking connections and drops the ones it has, as in a restart."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = url.database
    with server.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
            {"name": name},
        )
    try:
        yield
    finally:
        with server.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
        server.dispose()


def test_a_real_outage_is_503_then_the_app_recovers_by_itself(committed_app):
    with committed_app.app_context():
        user = factories.UserFactory(role="member")
        secret = create_api_key(access.actor_for_user(user), user, name="sync").secret
        _db.session.commit()
        _db.session.remove()
    client = committed_app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert (
        client.post(
            CONTACTS, json={"attributes": {"first_name": "Ada"}}, headers=headers
        ).status_code
        == 201
    )

    with connections_refused(committed_app):
        away = client.get(CONTACTS, headers=headers)
        refused = client.post(
            CONTACTS, json={"attributes": {"first_name": "Charles"}}, headers=headers
        )

    assert (away.status_code, refused.status_code) == (503, 503)
    assert away.get_json()["error"]["code"] == "database_unavailable"
    back = client.get(CONTACTS, headers=headers)
    assert back.status_code == 200
    assert [row["attributes"]["first_name"] for row in back.get_json()["data"]] == ["Ada"]
