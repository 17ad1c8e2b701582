"""A request that fails half way through a service operation that writes several rows leaves
none of them: the request boundary rolls the whole transaction back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories
from webapp import access
from webapp.extensions import db as _db
from webapp.models import (
    AuditEvent,
    Contact,
    ContactEmail,
    ContactPhone,
    LifeEvent,
    RelationshipAction,
    Task,
)
from webapp.services import contacts, profiles


class DiskFull(RuntimeError):
    """What the injected failure raises, after the operation has flushed its first rows."""


def fail(*args, **kwargs):
    raise DiskFull("could not extend file: No space left on device")


def count(model) -> int:
    _db.session.expire_all()
    return _db.session.scalar(select(func.count(model.id)))


def test_a_birthday_that_fails_half_way_leaves_no_event_action_task_or_audit(
    client, login_as, monkeypatch
):
    """A birthday writes the event, its audit row, its action and the action's task, then sets
    the profile's birthday: the last step fails."""
    me = login_as("member")
    contact = factories.ContactFactory(owner=me)
    _db.session.commit()
    audits_before = count(AuditEvent)
    monkeypatch.setattr(profiles, "follow_birthday_event", fail)

    response = client.post(
        f"/contacts/{contact.id}/life-events",
        data={
            "life_event-event_type": "birthday",
            "life_event-title": "Birthday",
            "life_event-event_date": "03-14",
            "life_event-recurs_annually": "y",
            "life_event-auto_action_enabled": "y",
        },
    )

    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert [count(m) for m in (LifeEvent, RelationshipAction, Task)] == [0, 0, 0]
    assert count(AuditEvent) == audits_before


@pytest.mark.parametrize("channel", ["page", "api"])
def test_a_contact_that_fails_at_its_audit_leaves_no_contact_emails_or_phones(
    client, login_as, api_client, monkeypatch, channel
):
    """The contact, its emails and its phone numbers are flushed before the audit row fails."""
    monkeypatch.setattr(contacts, "record_event", fail)
    if channel == "api":
        api = api_client(permissions=[access.CRM_WRITE])
        body = {
            "first_name": "Ada",
            "contact_emails": ["ada@engines.example"],
            "phone_numbers": ["+442079460958"],
        }
        response = api.post("/api/v2/contact", json={"attributes": body})
        assert response.get_json()["error"]["code"] == "internal_error"
    else:
        login_as("member")
        form = {
            "first_name": "Ada",
            "emails": "ada@engines.example",
            "phones": "+442079460958",
            "stage": "qualified",
            "owner_id": "",
            "company_links-0-company_id": "",
            "company_links-0-role": "",
        }
        response = client.post("/contacts/new", data=form)

    assert response.status_code == 500
    assert [count(m) for m in (Contact, ContactEmail, ContactPhone)] == [0, 0, 0]
