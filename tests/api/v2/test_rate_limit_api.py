"""Each API key's allowance (``API_RATE_LIMIT``): over it, a 429 in the JSON envelope with
``Retry-After``. The records API and the relationships API each count on their own; other keys,
and the public OpenAPI document, go on as before."""

from __future__ import annotations

import pytest

from tests.conftest import ApiClient, make_app
from webapp import access
from webapp.config import load_config
from webapp.extensions import db as _db
from webapp.models import Contact
from webapp.services.api_keys import create_api_key

ALLOWANCE = 3
RECORDS = "/api/v2/contact"
ACTIONS = "/api/relationships/relationship-actions"


@pytest.fixture
def limited(app, db):
    """A client of an app allowing each key 3 records-API calls a minute, on the same database."""
    strict = make_app(app.config["SQLALCHEMY_DATABASE_URI"], API_RATE_LIMIT="3 per minute")
    yield strict.test_client()
    with strict.app_context():
        _db.engine.dispose()


@pytest.fixture
def key_of(limited):
    """``key_of(user)``: a new API key of ``user``, calling the strict app."""

    def make(user) -> ApiClient:
        created = create_api_key(access.actor_for_user(user), user, name="sync", permissions=None)
        _db.session.commit()
        return ApiClient(limited, created.secret, user, created.api_key)

    return make


@pytest.fixture
def mary(make_user):
    user = make_user("member", name="Mary Member")
    _db.session.commit()
    return user


def use_up(key: ApiClient) -> None:
    for _ in range(ALLOWANCE):
        response = key.get(RECORDS)
        assert response.status_code == 200, response.text


def assert_rate_limited(response) -> None:
    assert response.status_code == 429, response.text
    assert response.is_json, response.text
    error = response.get_json()["error"]
    assert error["code"] == "rate_limited"
    assert error["message"]
    retry_after = response.headers.get("Retry-After")
    assert retry_after is not None, dict(response.headers)
    assert retry_after.isdigit() and 0 < int(retry_after) <= 60, retry_after


def test_the_allowance_is_600_calls_a_minute_unless_configured(monkeypatch, tmp_path):
    monkeypatch.delenv("API_RATE_LIMIT", raising=False)
    assert load_config(tmp_path, secret_key="test")["API_RATE_LIMIT"] == "600 per minute"
    monkeypatch.setenv("API_RATE_LIMIT", "30 per second")
    assert load_config(tmp_path, secret_key="test")["API_RATE_LIMIT"] == "30 per second"


def test_a_key_over_its_allowance_gets_429_with_retry_after(key_of, mary):
    key = key_of(mary)
    use_up(key)

    assert_rate_limited(key.get(RECORDS))


def test_a_refused_write_writes_nothing(key_of, mary):
    key = key_of(mary)
    for n in range(ALLOWANCE):
        created = key.post(RECORDS, json={"attributes": {"first_name": f"Ada {n}"}})
        assert created.status_code == 201, created.text

    refused = key.post(RECORDS, json={"attributes": {"first_name": "Bea"}})

    assert_rate_limited(refused)
    assert _db.session.query(Contact).filter_by(first_name="Bea").count() == 0


def test_the_allowance_is_one_for_the_whole_records_api(key_of, mary):
    """Calls to any /api/v2 path count against the same allowance, not one per path."""
    key = key_of(mary)
    use_up(key)

    assert_rate_limited(key.get("/api/v2/_schema"))
    assert_rate_limited(key.post(RECORDS, json={"attributes": {"first_name": "Bea"}}))


def test_another_key_of_the_same_user_keeps_its_own_allowance(key_of, mary):
    first, second = key_of(mary), key_of(mary)
    use_up(first)

    assert second.get(RECORDS).status_code == 200
    assert_rate_limited(first.get(RECORDS))


def test_the_relationships_api_is_not_limited_by_it(key_of, mary):
    key = key_of(mary)
    use_up(key)

    assert_rate_limited(key.get(RECORDS))
    assert key.get(ACTIONS).status_code == 200


def test_the_relationships_api_has_its_own_allowance(key_of, mary):
    key = key_of(mary)
    for _ in range(ALLOWANCE):
        assert key.get(ACTIONS).status_code == 200

    assert_rate_limited(key.get(ACTIONS))
    assert_rate_limited(key.get("/api/me"))
    assert key.get(RECORDS).status_code == 200  # the records API counts on its own


def test_a_refused_relationships_write_writes_nothing(key_of, mary):
    key = key_of(mary)
    contact = Contact(first_name="Ada", last_name="Lovelace")
    _db.session.add(contact)
    _db.session.commit()
    events = f"/api/relationships/contacts/{contact.id}/life-events"
    for _ in range(ALLOWANCE):
        assert key.get(events).status_code == 200

    refused = key.post(
        events, json={"event_type": "birthday", "title": "Birthday", "event_date": "1990-12-10"}
    )

    assert_rate_limited(refused)
    assert key_of(mary).get(events).get_json()["events"] == []


def test_the_openapi_document_is_never_limited(limited):
    for _ in range(ALLOWANCE + 2):
        assert limited.get("/api/openapi.json").status_code == 200
