"""``GET /healthz``: 200 when the database answers, 503 when it does not."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import OperationalError

from tests.conftest import make_app
from webapp.extensions import db as _db


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_health_needs_no_sign_in_and_is_not_rate_limited(client):
    statuses = {client.get("/healthz").status_code for _ in range(30)}
    assert statuses == {200}


def test_health_is_503_when_the_database_fails(client, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(_db.session, "execute", refuse)
    with caplog.at_level(logging.ERROR):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.is_json
    assert response.get_json()["status"] != "ok"
    assert "did not answer" in caplog.text


@pytest.fixture
def app_without_database():
    # Not under the ``db`` fixture: its session is bound to the working test database.
    broken = make_app("sqlite:////nonexistent-dir/rapport.db")
    yield broken
    with broken.app_context():
        _db.engine.dispose()


def test_health_is_503_when_the_database_cannot_be_opened(app_without_database):
    response = app_without_database.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
