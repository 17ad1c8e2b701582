"""``GET /api/me`` and ``GET /api/users``: bodies, pagination, and bad paging parameters."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.factories import SquadFactory
from webapp import access
from webapp.extensions import db as _db

USER_KEYS = {"id", "name", "email", "role", "squad", "timezone", "active"}


def test_me_describes_the_user_their_permissions_and_the_key(api_client):
    squad = SquadFactory(name="North")
    api = api_client(
        permissions=[access.CRM_WRITE, access.RELATIONSHIPS_VIEW],
        role="manager",
        squad=squad,
        timezone="Europe/London",
    )
    body = api.get("/api/me").get_json()
    assert set(body) == {"data"}
    me = body["data"]
    assert me["user"] == {
        "id": str(api.user.id),
        "name": api.user.name,
        "email": api.user.email,
        "role": "manager",
        "squad": {"id": str(squad.id), "name": "North"},
        "timezone": "Europe/London",
        "active": True,
    }
    assert me["permissions"] == [access.RELATIONSHIPS_VIEW, access.CRM_WRITE]
    key = me["api_key"]
    assert key["id"] == str(api.api_key.id)
    assert key["name"] == "test key"
    assert key["prefix"] == api.api_key.prefix
    assert key["permissions"] == [access.RELATIONSHIPS_VIEW, access.CRM_WRITE]
    assert key["revoked_at"] is None
    assert datetime.fromisoformat(key["created_at"]).tzinfo is not None
    assert datetime.fromisoformat(key["last_used_at"]).tzinfo is not None


def test_me_never_shows_the_secret_or_its_hash(api_client):
    api = api_client()
    response = api.get("/api/me")
    assert api.secret not in response.text
    assert api.api_key.secret_hash not in response.text
    assert "password" not in response.text


def test_users_lists_active_users_with_squads(api_client, make_user):
    squad = SquadFactory(name="South")
    api = api_client(permissions=[access.CRM_READ])
    colleague = make_user("member", squad=squad, name="Grace Hopper")
    make_user("member", active=False, name="Gone Person")
    _db.session.commit()
    body = api.get("/api/users").get_json()
    assert [u["id"] for u in body["data"]] == [str(api.user.id), str(colleague.id)]
    assert all(set(u) == USER_KEYS for u in body["data"])
    assert body["data"][1]["squad"] == {"id": str(squad.id), "name": "South"}
    assert body["data"][0]["squad"] is None
    assert "Gone Person" not in api.get("/api/users").text


def test_users_are_paginated_with_meta_and_links(api_client, make_user):
    api = api_client(permissions=[access.CRM_READ])
    others = [make_user("member") for _ in range(4)]
    _db.session.commit()
    ids = [str(u.id) for u in [api.user, *others]]

    first = api.get("/api/users?per_page=2").get_json()
    assert [u["id"] for u in first["data"]] == ids[:2]
    assert first["meta"] == {"page": 1, "per_page": 2, "total": 5}
    assert first["links"] == {
        "self": "/api/users?page=1&per_page=2",
        "next": "/api/users?page=2&per_page=2",
    }

    middle = api.get("/api/users?page=2&per_page=2").get_json()
    assert [u["id"] for u in middle["data"]] == ids[2:4]
    assert set(middle["links"]) == {"self", "next", "prev"}
    assert middle["links"]["prev"] == "/api/users?page=1&per_page=2"

    last = api.get(middle["links"]["next"]).get_json()
    assert [u["id"] for u in last["data"]] == ids[4:]
    assert set(last["links"]) == {"self", "prev"}


def test_users_default_to_25_per_page(api_client):
    api = api_client(permissions=[access.CRM_READ])
    meta = api.get("/api/users").get_json()["meta"]
    assert meta == {"page": 1, "per_page": 25, "total": 1}


def test_a_page_past_the_end_is_empty_not_an_error(api_client):
    api = api_client(permissions=[access.CRM_READ])
    response = api.get("/api/users?page=9")
    assert response.status_code == 200
    assert response.get_json()["data"] == []
    assert response.get_json()["meta"]["total"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=two", "page"),
        ("page=1.5", "page"),
        ("page=%C2%B2", "page"),
        ("page=99999999999999999999", "page"),
        ("page=", "page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=ten", "per_page"),
    ],
)
def test_bad_paging_parameters_are_a_422_envelope(api_client, query, field):
    api = api_client(permissions=[access.CRM_READ])
    response = api.get(f"/api/users?{query}")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert list(error["details"]["fields"]) == [field]
    assert error["details"]["fields"][field][0].startswith("Use a whole number from 1")


def test_both_bad_paging_parameters_are_reported_at_once(api_client):
    api = api_client(permissions=[access.CRM_READ])
    error = api.get("/api/users?page=x&per_page=500").get_json()["error"]
    assert set(error["details"]["fields"]) == {"page", "per_page"}


def test_users_needs_a_signed_in_caller(client):
    response = client.get("/api/users")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"
