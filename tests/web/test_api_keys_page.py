"""The API keys settings page: create (secret shown once), list, revoke, and who may do what."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.conftest import sign_in_session
from webapp import access
from webapp.extensions import db as _db
from webapp.models import ApiKey, AuditEvent
from webapp.services import users
from webapp.services.api_keys import create_api_key

SECRET_RE = re.compile(r'id="new-secret"[^>]*value="(rpk_[^"]+)"')


def keys_of(user) -> list[ApiKey]:
    _db.session.expire_all()
    return list(_db.session.scalars(select(ApiKey).where(ApiKey.user_id == user.id)))


def events(object_type: str, object_id: int) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(
        AuditEvent.object_type == object_type, AuditEvent.object_id == object_id
    )
    return list(_db.session.scalars(stmt.order_by(AuditEvent.id)))


def create_key(client, name: str = "Sync", permissions: list[str] | None = None):
    data = {"name": name, "permissions": permissions or [access.CRM_READ]}
    return client.post("/settings/api-keys", data=data)


def key_for(user, **fields) -> ApiKey:
    created = create_api_key(access.actor_for_user(user), user, name="Existing", **fields)
    _db.session.commit()
    return created.api_key


def test_page_offers_every_permission_the_user_holds_all_ticked(client, login_as):
    login_as("manager")
    response = client.get("/settings/api-keys")
    assert response.status_code == 200
    offered = re.findall(r'name="permissions" id="[^"]+" value="([^"]+)"\s+checked', response.text)
    assert offered == [p for p in access.PERMISSIONS if p in access.ROLE_DEFAULTS["manager"]]


def test_page_does_not_offer_permissions_the_user_lacks(client, login_as):
    login_as("member")
    response = client.get("/settings/api-keys")
    assert 'value="relationships:manage"' not in response.text
    assert 'value="admin"' not in response.text
    assert access.PERMISSION_LABELS[access.CRM_WRITE] in response.text


def test_admin_is_offered_the_admin_permission(client, login_as):
    login_as("member", is_admin=True)
    assert 'value="admin"' in client.get("/settings/api-keys").text


def test_creating_a_key_shows_the_secret_once(client, login_as):
    user = login_as("member")
    response = create_key(client, "Salesforce sync", [access.CRM_READ, access.CRM_WRITE])
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    secret = SECRET_RE.search(response.text).group(1)
    assert f'curl -H "Authorization: Bearer {secret}" http://localhost/api/me' in (response.text)
    assert "Copy" in response.text
    [key] = keys_of(user)
    assert key.name == "Salesforce sync"
    assert key.permissions == [access.CRM_READ, access.CRM_WRITE]

    reloaded = client.get("/settings/api-keys")
    assert reloaded.status_code == 200
    assert secret not in reloaded.text
    assert "Salesforce sync" in reloaded.text
    assert key.prefix in reloaded.text


def test_the_secret_shown_works_on_the_api(client, login_as):
    user = login_as("member")
    secret = SECRET_RE.search(create_key(client).text).group(1)
    client.post("/sign-out")
    response = client.get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.get_json()["data"]["user"]["email"] == user.email
    assert response.get_json()["data"]["permissions"] == [access.CRM_READ]


def test_only_a_hash_of_the_secret_is_stored(client, login_as):
    user = login_as("member")
    secret = SECRET_RE.search(create_key(client).text).group(1)
    [key] = keys_of(user)
    row = _db.session.execute(select(ApiKey.__table__).where(ApiKey.id == key.id)).one()
    stored = " ".join(str(value) for value in row)
    assert secret not in stored
    assert secret.split("_")[-1] not in stored
    assert secret.startswith(key.prefix)


def test_creating_a_key_is_audited(client, login_as):
    user = login_as("member")
    create_key(client, "Audited", [access.CRM_READ])
    [key] = keys_of(user)
    [event] = events("api_key", key.id)
    assert event.action == "create"
    assert event.user_id == user.id
    assert event.changes["name"] == {"before": None, "after": "Audited"}
    assert event.changes["permissions"] == {"before": None, "after": [access.CRM_READ]}


def test_a_blank_name_gets_a_default(client, login_as):
    user = login_as("member")
    assert create_key(client, "   ").status_code == 201
    assert [k.name for k in keys_of(user)] == ["API key"]


def test_no_permission_chosen_is_a_422_and_nothing_is_saved(client, login_as):
    user = login_as("member")
    response = client.post("/settings/api-keys", data={"name": "Empty"})
    assert response.status_code == 422
    assert "Choose at least one permission." in response.text
    assert 'value="Empty"' in response.text  # what they typed is kept
    assert keys_of(user) == []


def test_permission_beyond_own_is_a_422_and_nothing_is_saved(client, login_as):
    user = login_as("member")
    response = create_key(client, "Greedy", [access.CRM_READ, access.ADMIN])
    assert response.status_code == 422
    assert "A key cannot carry permissions its owner lacks: admin." in response.text
    assert not SECRET_RE.search(response.text)
    assert keys_of(user) == []


def test_unknown_permission_is_a_422(client, login_as):
    user = login_as("member")
    response = create_key(client, "Odd", ["crm:delete"])
    assert response.status_code == 422
    assert "Unknown permissions: crm:delete." in response.text
    assert keys_of(user) == []


def test_too_long_name_is_a_422(client, login_as):
    user = login_as("member")
    response = create_key(client, "x" * 121)
    assert response.status_code == 422
    assert "Keep this under 120 characters." in response.text
    assert keys_of(user) == []


def test_list_shows_status_permissions_and_last_use(client, login_as):
    user = login_as("member", timezone="Europe/Paris")
    idle = key_for(user, permissions=[access.CRM_READ])
    revoked = key_for(user, permissions=[access.CRM_WRITE])
    used = create_api_key(access.actor_for_user(user), user, name="Used", permissions=None)
    _db.session.commit()
    client.get("/api/me", headers={"Authorization": f"Bearer {used.secret}"})
    client.post(f"/settings/api-keys/{revoked.id}/revoke")
    page = client.get("/settings/api-keys").text
    rows = dict(re.findall(r'<tr id="api-key-(\d+)"(.*?)</tr>', page, re.S))
    assert set(rows) == {str(idle.id), str(revoked.id), str(used.api_key.id)}
    assert "Active" in rows[str(idle.id)] and "Never" in rows[str(idle.id)]
    assert "crm:read" in rows[str(idle.id)] and "crm:write" not in rows[str(idle.id)]
    assert "Revoked" in rows[str(revoked.id)] and ">Revoke<" not in rows[str(revoked.id)]
    assert "Never" not in rows[str(used.api_key.id)]
    _db.session.expire_all()
    last_used = _db.session.get(ApiKey, used.api_key.id).last_used_at
    in_paris = last_used.astimezone(ZoneInfo("Europe/Paris")).strftime("%-d %b %Y, %H:%M")
    shown = f'<time datetime="{last_used.isoformat()}">{in_paris}</time>'
    assert shown in rows[str(used.api_key.id)]  # in the user's own time zone


def test_revoking_asks_to_confirm_first(client, login_as):
    user = login_as("member")
    key = key_for(user)
    page = client.get("/settings/api-keys").text
    assert f'data-bs-target="#revoke-key-{key.id}"' in page
    modal = page[page.index(f'id="revoke-key-{key.id}"') :]
    assert f'action="/settings/api-keys/{key.id}/revoke"' in modal
    assert "stops working at once" in modal


def test_revoking_a_key_stops_it_and_is_audited(client, login_as):
    user = login_as("member")
    created = create_api_key(access.actor_for_user(user), user, name="Old", permissions=None)
    _db.session.commit()
    response = client.post(f"/settings/api-keys/{created.api_key.id}/revoke")
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/api-keys"
    assert "Revoked the key Old" in client.get("/settings/api-keys").text
    [key] = keys_of(user)
    assert key.revoked_at is not None
    assert [e.action for e in events("api_key", key.id)] == ["create", "revoke"]
    client.post("/sign-out")
    api = client.get("/api/me", headers={"Authorization": f"Bearer {created.secret}"})
    assert api.status_code == 401


def test_revoking_twice_is_harmless(client, login_as):
    user = login_as("member")
    key = key_for(user)
    client.post(f"/settings/api-keys/{key.id}/revoke")
    assert client.post(f"/settings/api-keys/{key.id}/revoke").status_code == 303
    assert [e.action for e in events("api_key", key.id)] == ["create", "revoke"]


def test_revoking_someone_elses_key_is_forbidden(client, login_as, make_user):
    login_as("manager")
    other = make_user("member")
    key = key_for(other)
    response = client.post(f"/settings/api-keys/{key.id}/revoke")
    assert response.status_code == 403
    assert "You can only revoke your own API keys." in response.text
    [stored] = keys_of(other)
    assert stored.revoked_at is None
    assert [e.action for e in events("api_key", key.id)] == ["create"]


def test_an_admin_may_revoke_someone_elses_key(client, login_as, make_user):
    admin = login_as("member", is_admin=True)
    other = make_user("member")
    key = key_for(other)
    assert client.post(f"/settings/api-keys/{key.id}/revoke").status_code == 303
    [stored] = keys_of(other)
    assert stored.revoked_at is not None
    [_, revoke] = events("api_key", key.id)
    assert revoke.user_id == admin.id


def test_revoking_a_missing_key_is_404(client, login_as):
    login_as("member")
    assert client.post("/settings/api-keys/999999/revoke").status_code == 404


def test_others_keys_are_not_listed(client, login_as, make_user):
    login_as("member")
    other = make_user("member")
    key = key_for(other)
    assert key.prefix not in client.get("/settings/api-keys").text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/settings/api-keys"),
        ("POST", "/settings/api-keys"),
        ("POST", "/settings/api-keys/1/revoke"),
    ],
)
def test_signed_out_visitors_are_sent_to_sign_in(client, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_user_without_any_permission_is_told_so(client, login_as, make_user):
    admin = make_user("member", is_admin=True)
    user = login_as("member")
    everything = set(access.ROLE_DEFAULTS["member"])
    users.set_permission_overrides(
        access.actor_for_user(admin), user.id, granted=set(), withdrawn=everything
    )
    _db.session.commit()
    page = client.get("/settings/api-keys")
    assert page.status_code == 200
    assert "You hold no permissions a key could carry." in page.text
    assert create_key(client).status_code == 422
    assert keys_of(user) == []


def test_the_pages_forms_carry_their_csrf_token(csrf_client, make_user):
    user = make_user("member")
    key = key_for(user)
    sign_in_session(csrf_client, user.id)
    page = csrf_client.get("/settings/api-keys").text
    tokens = re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    tokens += re.findall(r'type="hidden" name="csrf_token" value="([^"]+)"', page)
    assert len(tokens) >= 2  # the create form and the revoke confirmation
    refused = csrf_client.post(f"/settings/api-keys/{key.id}/revoke")
    assert refused.status_code == 400
    created = csrf_client.post(
        "/settings/api-keys", data={"csrf_token": tokens[0], "permissions": ["crm:read"]}
    )
    assert created.status_code == 201
    revoked = csrf_client.post(
        f"/settings/api-keys/{key.id}/revoke", data={"csrf_token": tokens[-1]}
    )
    assert revoked.status_code == 303
    revoked_at = {k.id: k.revoked_at for k in keys_of(user)}
    assert revoked_at[key.id] is not None
    assert len(revoked_at) == 2
