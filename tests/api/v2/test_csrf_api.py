"""With CSRF protection on, as in production: API keys write without a token, sessions need one."""

from __future__ import annotations

import re

from tests.conftest import sign_in_session
from webapp import access
from webapp.extensions import db
from webapp.models import Contact
from webapp.services.api_keys import create_api_key

NEW_CONTACT = {"attributes": {"first_name": "Sarah", "primary_email": "sarah@acme.example"}}


def bearer_for(user) -> dict:
    created = create_api_key(access.actor_for_user(user), user, name="integration")
    db.session.commit()
    return {"Authorization": f"Bearer {created.secret}"}


def contacts_named(first_name: str) -> int:
    return db.session.query(Contact).filter_by(first_name=first_name).count()


def test_an_api_key_writes_records_without_a_csrf_token(csrf_client, make_user):
    headers = bearer_for(make_user("member"))

    created = csrf_client.post("/api/v2/contact", json=NEW_CONTACT, headers=headers)
    batch = csrf_client.post(
        "/api/v2/account/_batch",
        json={"records": [{"attributes": {"name": "Acme"}}]},
        headers=headers,
    )

    assert created.status_code == 201, created.text
    assert batch.status_code == 200, batch.text
    assert batch.get_json()["meta"]["succeeded"] == 1
    assert contacts_named("Sarah") == 1


def test_an_api_key_writes_relationships_api_without_a_csrf_token(csrf_client, make_user):
    headers = bearer_for(make_user("member"))
    contact_id = csrf_client.post("/api/v2/contact", json=NEW_CONTACT, headers=headers).get_json()
    path = f"/api/relationships/contacts/{contact_id['data']['id']}/life-events"

    created = csrf_client.post(
        path,
        json={"event_type": "birthday", "title": "Birthday", "event_date": "03-14"},
        headers=headers,
    )

    assert created.status_code == 201, created.text


def test_a_signed_in_browser_needs_the_csrf_token_to_write_records(csrf_client, make_user):
    user = make_user("member")
    db.session.commit()
    sign_in_session(csrf_client, user.id)

    refused = csrf_client.post("/api/v2/contact", json=NEW_CONTACT)
    page = csrf_client.get("/contacts/new").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = csrf_client.post("/api/v2/contact", json=NEW_CONTACT, headers={"X-CSRFToken": token})

    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "csrf_failed"
    assert accepted.status_code == 201, accepted.text
    assert contacts_named("Sarah") == 1
