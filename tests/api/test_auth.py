"""API-key authentication: who gets in, who gets 401 or 403, and what the key may carry."""

from __future__ import annotations

import pytest

from webapp import access
from webapp.extensions import db as _db
from webapp.models import ApiKey
from webapp.services import users
from webapp.services.api_keys import create_api_key, revoke_api_key
from webapp.services.errors import ValidationFailed


def assert_envelope(response, status: int, code: str) -> dict:
    """The JSON error envelope, never HTML; returns the error for further checks."""
    assert response.status_code == status
    assert response.is_json, response.text
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_valid_key_gets_its_user(api_client):
    api = api_client(role="manager")
    response = api.get("/api/me")
    assert response.status_code == 200
    body = response.get_json()["data"]
    assert body["user"]["email"] == api.user.email
    assert body["api_key"]["prefix"] == api.api_key.prefix


def test_missing_header_is_401_in_the_envelope(client):
    response = client.get("/api/me")
    error = assert_envelope(response, 401, "unauthenticated")
    assert error["details"] == {}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer ", "Bearer", "Token rpk_abc", "rpk_abc", "Bearer    "],
)
def test_malformed_authorization_header_is_401(client, header):
    response = client.get("/api/me", headers={"Authorization": header})
    assert_envelope(response, 401, "unauthenticated")


def test_unknown_key_is_401(client, api_client):
    api = api_client()
    response = client.get("/api/me", headers={"Authorization": f"Bearer {api.secret}x"})
    assert_envelope(response, 401, "unauthenticated")


def test_scheme_name_is_case_insensitive(client, api_client):
    api = api_client()
    response = client.get("/api/me", headers={"Authorization": f"bearer {api.secret}"})
    assert response.status_code == 200


def test_revoked_key_is_401(api_client):
    api = api_client()
    assert api.get("/api/me").status_code == 200
    revoke_api_key(access.actor_for_user(api.user), api.api_key.id)
    _db.session.commit()
    error = assert_envelope(api.get("/api/me"), 401, "unauthenticated")
    assert "revoked" in error["message"]


def test_key_of_a_deactivated_user_is_401(api_client):
    api = api_client()
    api.user.active = False
    _db.session.commit()
    assert_envelope(api.get("/api/me"), 401, "unauthenticated")


def test_unknown_path_with_a_bad_key_is_still_json(client):
    response = client.get("/api/nowhere", headers={"Authorization": "Bearer rpk_nope"})
    assert_envelope(response, 404, "not_found")


def test_key_without_crm_read_gets_403_on_users(api_client):
    api = api_client(permissions=[access.RELATIONSHIPS_VIEW])
    error = assert_envelope(api.get("/api/users"), 403, "forbidden")
    assert error["details"] == {"permission": access.CRM_READ}


def test_key_with_crm_read_lists_users(api_client):
    api = api_client(permissions=[access.CRM_READ])
    assert api.get("/api/users").status_code == 200


def test_a_key_cannot_be_created_with_more_than_its_owner_has(make_user):
    member = make_user("member")
    with pytest.raises(ValidationFailed) as failure:
        create_api_key(
            access.actor_for_user(member), member, name="too much", permissions=[access.ADMIN]
        )
    assert "admin" in failure.value.fields["permissions"][0]
    assert _db.session.query(ApiKey).filter_by(user_id=member.id).count() == 0


def test_a_key_loses_what_its_owner_loses(api_client, make_user):
    api = api_client(permissions=[access.CRM_READ, access.RELATIONSHIPS_VIEW])
    assert api.get("/api/users").status_code == 200
    admin = make_user("member", is_admin=True)
    users.set_permission_overrides(
        access.actor_for_user(admin), api.user.id, granted=set(), withdrawn={access.CRM_READ}
    )
    _db.session.commit()
    assert_envelope(api.get("/api/users"), 403, "forbidden")
    me = api.get("/api/me").get_json()["data"]
    assert me["permissions"] == [access.RELATIONSHIPS_VIEW]
    assert access.CRM_READ in me["api_key"]["permissions"]  # stored, but no longer honoured


def test_a_key_never_gains_what_its_owner_gains_later(api_client, make_user):
    api = api_client(permissions=[access.RELATIONSHIPS_VIEW])
    admin = make_user("member", is_admin=True)
    users.set_permission_overrides(
        access.actor_for_user(admin), api.user.id, granted={access.ADMIN}, withdrawn=set()
    )
    _db.session.commit()
    assert api.get("/api/me").get_json()["data"]["permissions"] == [access.RELATIONSHIPS_VIEW]


def test_using_a_key_records_when_it_was_last_used(api_client):
    api = api_client()
    assert _db.session.get(ApiKey, api.api_key.id).last_used_at is None
    assert api.get("/api/me").status_code == 200
    _db.session.expire_all()
    last_used = _db.session.get(ApiKey, api.api_key.id).last_used_at
    assert last_used is not None and last_used.tzinfo is not None


def test_a_signed_in_browser_session_works_on_the_api(client, login_as):
    user = login_as("head")
    response = client.get("/api/me")
    assert response.status_code == 200
    body = response.get_json()["data"]
    assert body["user"]["email"] == user.email
    assert body["api_key"] is None
    assert body["permissions"] == sorted(access.ROLE_DEFAULTS["head"], key=access.PERMISSIONS.index)


def test_a_bearer_key_wins_over_the_browser_session(client, login_as, api_client):
    login_as("member")
    api = api_client()
    assert api.get("/api/me").get_json()["data"]["user"]["email"] == api.user.email


def test_unknown_api_path_is_a_json_404(api_client):
    api = api_client()
    response = api.get("/api/no-such-thing")
    assert_envelope(response, 404, "not_found")
    assert "<html" not in response.text.lower()


def test_unknown_api_path_is_json_even_when_html_is_preferred(client):
    response = client.get("/api/no-such-thing", headers={"Accept": "text/html"})
    assert_envelope(response, 404, "not_found")


def test_wrong_method_on_the_api_is_a_json_405(api_client):
    api = api_client()
    assert_envelope(api.delete("/api/me"), 405, "method_not_allowed")
