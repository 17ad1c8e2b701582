"""Text holding a NUL character (``\\u0000``) is bad input, named by its field: PostgreSQL can
neither store nor compare one, and the fuzzer found that it made a 500 there."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.api.client_helpers import partners_path
from tests.api.message_helpers import opted_in_contact
from tests.api.relationship_helpers import events_path, profile_path
from webapp.models import LifeEvent, Message, Partner

NUL = "Ada\u0000Lovelace"


def refused(response, status: int, field: str) -> None:
    assert response.status_code == status, response.text
    error = response.get_json()["error"]
    assert field in error["details"]["fields"], error
    assert "NUL" in " ".join(error["details"]["fields"][field])


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_record_attribute_with_a_nul_is_refused(api):
    response = api.post("/api/v2/contact", json={"attributes": {"first_name": NUL}})
    refused(response, 422, "first_name")


def test_a_unique_custom_text_with_a_nul_is_refused_before_its_uniqueness_check(api_client):
    """The case the fuzzer found: a custom object's unique text is looked up before it is kept."""
    admin = api_client(role="executive", is_admin=True)
    code = {"slug": "code", "name": "Code", "value_type": "text", "required": True, "unique": True}
    project = {"slug": "project", "name": "Project", "attributes": [code]}
    assert admin.post("/api/v2/_schema", json=project).status_code == 201
    response = admin.post("/api/v2/project", json={"attributes": {"code": NUL}})
    refused(response, 422, "code")


def test_a_life_event_title_with_a_nul_is_refused(db, api, contact):
    body = {"event_type": "birthday", "title": NUL, "event_date": "12-10"}
    refused(api.post(events_path(contact.id), json=body), 422, "title")
    assert count(db, LifeEvent) == 0


@pytest.mark.parametrize(
    ("field", "value"), [("personal_notes", NUL), ("interests", ["chess", NUL])]
)
def test_a_profile_text_with_a_nul_is_refused(api, contact, field, value):
    refused(api.patch(profile_path(contact.id), json={field: value}), 422, field)


def test_a_partner_name_with_a_nul_is_refused(db, api, client_firm):
    response = api.post(partners_path(client_firm.id), json={"partner_company_name": NUL})
    refused(response, 422, "partner_company_name")
    assert count(db, Partner) == 0


@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("body", {"channel": "sms", "body": NUL}),
        ("media_url", {"channel": "mms", "body": "Hi", "media_url": "https://a.example/\u0000"}),
    ],
)
def test_a_message_with_a_nul_is_refused_before_sending(db, api, fake_twilio, field, body):
    ada = opted_in_contact(api.user)
    response = api.post(f"/api/relationships/contacts/{ada.id}/messages", json=body)
    refused(response, 400, field)
    assert count(db, Message) == 0
    assert fake_twilio.messages == {}
