"""Every request resolves who is acting in one query: an API call reads its key, the key's owner
and the owner's permission overrides together; a page reads the signed-in user with their
overrides. The overrides still decide what each may do."""

from __future__ import annotations

from tests.factories import ContactFactory
from webapp import access
from webapp.extensions import db as _db
from webapp.models import PermissionOverride


def reads_of(statements: list[str], *tables: str) -> list[str]:
    """The statements that read from any of ``tables``."""
    return [s for s in statements if any(f"FROM {table}" in s for table in tables)]


def test_an_api_call_reads_its_key_owner_and_overrides_in_one_query(api_client, count_queries):
    api = api_client(role="member")
    _db.session.add(PermissionOverride(user_id=api.user.id, permission="admin", granted=False))
    contact_id = ContactFactory().id
    _db.session.commit()
    _db.session.expunge_all()  # nothing of the caller is known before the request

    with count_queries() as statements:
        response = api.get(f"/api/v2/contact/{contact_id}")

    assert response.status_code == 200
    (resolved,) = reads_of(statements, "api_keys", "users", "permission_overrides")
    assert "permission_overrides" in resolved and "users" in resolved


def test_an_override_that_withdraws_a_permission_still_refuses_the_key(api_client):
    api = api_client(role="member")
    withdrawn = PermissionOverride(user_id=api.user.id, permission=access.CRM_READ, granted=False)
    _db.session.add(withdrawn)
    contact_id = ContactFactory().id
    _db.session.commit()
    _db.session.expunge_all()

    response = api.get(f"/api/v2/contact/{contact_id}")

    assert response.status_code == 403
    assert response.get_json()["error"]["details"] == {"permission": access.CRM_READ}


def test_a_page_reads_the_signed_in_user_with_overrides_in_one_query(
    client, login_as, count_queries
):
    member = login_as("member")
    _db.session.add(
        PermissionOverride(user_id=member.id, permission=access.RELATIONSHIPS_VIEW, granted=False)
    )
    _db.session.commit()
    _db.session.expunge_all()

    with count_queries() as statements:
        response = client.get("/contacts")

    assert response.status_code == 403  # the withdrawal holds on the page too
    assert len(reads_of(statements, "users", "permission_overrides")) == 1
