"""``POST /api/v2/{record_type}/_batch``: many creates and asserts, each item answered alone."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from tests.api.relationship_helpers import client_contact
from webapp import access
from webapp.models import AuditEvent, Company, CompanyDomain, Contact, ContactEmail
from webapp.services import contacts
from webapp.services.audit import record_event
from webapp.services.errors import Conflict
from webapp.services.records import registry
from webapp.services.records.contact_type import CONTACT

BATCH = "/api/v2/contact/_batch"


@pytest.fixture
def writer(api_client):
    return api_client(role="member", name="Wendy Writer")


@pytest.fixture
def ada(db, writer):
    """Ada, an existing contact holding ada@analytical.example."""
    person = client_contact(writer.user, email="ada@analytical.example")
    db.session.commit()
    return person


def new(first_name: str, email: str | None = None, **attributes) -> dict:
    """A create item."""
    if email is not None:
        attributes["contact_emails"] = [email]
    return {"attributes": {"first_name": first_name, **attributes}}


def by_email(email: str, **attributes) -> dict:
    """An assert item matching one email."""
    return {"match": {"contact_emails": email}, "attributes": attributes}


def stored(db, email: str) -> Contact | None:
    """The contact the database holds for ``email`` after the request, or None."""
    db.session.expire_all()
    return db.session.scalar(select(Contact).join(ContactEmail).where(ContactEmail.email == email))


def contacts_named(db, first_name: str) -> int:
    db.session.expire_all()
    query = select(func.count()).select_from(Contact).where(Contact.first_name == first_name)
    return db.session.scalar(query)


def statuses(response) -> list[int]:
    return [item["status"] for item in response.get_json()["data"]]


def error_codes(response) -> dict[int, str]:
    return {
        item["index"]: item["error"]["code"]
        for item in response.get_json()["data"]
        if "error" in item
    }


# Mixed batches: each item stands alone


def test_mixed_batch_keeps_the_valid_items_and_drops_the_invalid_one(db, writer, ada):
    response = writer.post(
        BATCH,
        json={
            "records": [
                new("Grace", "grace@navy.example"),
                by_email("ada@analytical.example", title="Countess"),
                {"attributes": {"contact_emails": ["nameless@example.com"]}},
                by_email("charles@engines.example", first_name="Charles"),
            ]
        },
    )

    assert response.status_code == 200
    body = response.get_json()
    assert [item["index"] for item in body["data"]] == [0, 1, 2, 3]
    assert statuses(response) == [201, 200, 422, 201]
    assert [item.get("action") for item in body["data"]] == ["created", "updated", None, "created"]
    assert error_codes(response) == {2: "field_required_missing"}
    assert body["data"][2]["error"]["details"]["fields"] == {
        "first_name": ["This field is required."]
    }
    assert body["meta"] == {"total": 4, "succeeded": 3, "failed": 1}
    assert body["data"][1]["data"]["id"] == str(ada.id)
    assert body["data"][1]["data"]["attributes"]["title"] == "Countess"
    assert stored(db, "grace@navy.example").first_name == "Grace"
    assert stored(db, "ada@analytical.example").title == "Countess"
    assert stored(db, "charles@engines.example").first_name == "Charles"
    assert stored(db, "nameless@example.com") is None


def test_two_items_asserting_one_email_create_then_update_the_same_contact(db, writer):
    response = writer.post(
        BATCH,
        json={
            "records": [
                by_email("lin@example.com", first_name="Lin"),
                by_email("lin@example.com", title="CTO"),
            ]
        },
    )

    assert response.status_code == 200
    first, second = response.get_json()["data"]
    assert (first["status"], first["action"]) == (201, "created")
    assert (second["status"], second["action"]) == (200, "updated")
    assert first["data"]["id"] == second["data"]["id"]
    # Each result shows the record as that item left it.
    assert first["data"]["attributes"]["title"] is None
    assert second["data"]["attributes"]["title"] == "CTO"
    assert contacts_named(db, "Lin") == 1
    assert stored(db, "lin@example.com").title == "CTO"


def test_an_email_another_contact_holds_fails_that_item_only(db, writer, ada):
    response = writer.post(
        BATCH,
        json={
            "records": [
                new("Grace", "grace@navy.example"),
                new("Impostor", "ada@analytical.example"),
                new("Hedy", "hedy@example.com"),
            ]
        },
    )

    assert response.status_code == 200
    assert statuses(response) == [201, 409, 201]
    error = response.get_json()["data"][1]["error"]
    assert error["code"] == "conflict"
    assert error["details"]["field"] == "contact_emails"
    assert contacts_named(db, "Impostor") == 0
    assert stored(db, "ada@analytical.example").id == ada.id
    assert stored(db, "grace@navy.example") is not None
    assert stored(db, "hedy@example.com") is not None


def test_an_email_repeated_by_a_later_create_in_the_batch_is_a_conflict(db, writer):
    response = writer.post(
        BATCH, json={"records": [new("Lin", "lin@example.com"), new("Other", "lin@example.com")]}
    )

    assert statuses(response) == [201, 409]
    assert error_codes(response) == {1: "conflict"}
    assert contacts_named(db, "Other") == 0


def test_a_unique_index_breach_rolls_back_that_item_whole_and_the_next_item_still_runs(
    db, writer, ada, monkeypatch
):
    # As if a concurrent request took the email between the check and the insert: only the
    # database's unique index stops it (on PostgreSQL this aborts the transaction but for
    # the savepoint).
    monkeypatch.setattr(contacts, "_check_emails_free", lambda emails, contact_id: None)

    response = writer.post(
        BATCH,
        json={
            "records": [
                new("Racer", "ada@analytical.example"),
                new("Grace", "grace@navy.example"),
                by_email("charles@engines.example", first_name="Charles"),
            ]
        },
    )

    assert response.status_code == 200
    assert statuses(response) == [409, 201, 201]
    assert error_codes(response) == {0: "conflict"}
    assert "INSERT" not in response.get_json()["data"][0]["error"]["message"]
    assert contacts_named(db, "Racer") == 0  # the contact row went with its email
    assert stored(db, "grace@navy.example").first_name == "Grace"
    assert stored(db, "charles@engines.example").first_name == "Charles"


def test_an_item_that_fails_after_writing_leaves_no_trace(db, writer, monkeypatch):
    # A failure after the contact and its emails were flushed: the savepoint takes them back.
    def refuse_halfway(actor, action, object_type, object_id, changes=None):
        if changes and changes.get("first_name", {}).get("after") == "Halfway":
            raise Conflict("Refused after the rows were written.")
        return record_event(actor, action, object_type, object_id, changes)

    monkeypatch.setattr(contacts, "record_event", refuse_halfway)

    response = writer.post(
        BATCH,
        json={"records": [new("Halfway", "half@example.com"), new("Grace", "grace@navy.example")]},
    )

    assert statuses(response) == [409, 201]
    assert contacts_named(db, "Halfway") == 0
    assert stored(db, "half@example.com") is None
    assert stored(db, "grace@navy.example").first_name == "Grace"


def test_when_every_item_fails_the_answer_is_still_200_and_nothing_is_written(db, writer):
    response = writer.post(
        BATCH,
        json={"records": [{"attributes": {"title": "No name"}}, new("Bad", stage="nope")]},
    )

    assert response.status_code == 200
    assert statuses(response) == [422, 422]
    assert error_codes(response) == {0: "field_required_missing", 1: "field_value_invalid"}
    assert response.get_json()["meta"] == {"total": 2, "succeeded": 0, "failed": 2}
    assert contacts_named(db, "Bad") == 0


# Items that are malformed


def test_an_unknown_key_in_an_item_fails_that_item_only(db, writer):
    response = writer.post(
        BATCH,
        json={
            "records": [
                {"attributes": {"first_name": "Extra"}, "relationships": {}},
                new("Grace", "grace@navy.example"),
            ]
        },
    )

    assert response.status_code == 200
    assert statuses(response) == [400, 201]
    error = response.get_json()["data"][0]["error"]
    assert error["code"] == "unknown_field"
    assert error["details"]["fields"] == {
        "relationships": ["This key is not part of a batch item."]
    }
    assert contacts_named(db, "Extra") == 0
    assert stored(db, "grace@navy.example") is not None


@pytest.mark.parametrize(
    ("item", "code"),
    [
        ("Ada", "invalid_json"),
        ([], "invalid_json"),
        (None, "invalid_json"),
        ({}, "invalid_json"),
        ({"match": {"contact_emails": "lin@example.com"}, "match_by": "x"}, "unknown_field"),
    ],
)
def test_an_item_that_is_not_a_create_or_an_assert_is_refused_alone(db, writer, item, code):
    response = writer.post(BATCH, json={"records": [item, new("Grace", "grace@navy.example")]})

    assert response.status_code == 200
    assert statuses(response) == [400, 201]
    assert error_codes(response) == {0: code}
    assert stored(db, "lin@example.com") is None


def test_an_unknown_attribute_fails_that_item_with_unknown_field(db, writer):
    response = writer.post(
        BATCH, json={"records": [new("Grace", "grace@navy.example", shoe_size=7), new("Hedy")]}
    )

    assert statuses(response) == [400, 201]
    assert error_codes(response) == {0: "unknown_field"}
    assert contacts_named(db, "Grace") == 0


def test_a_match_on_a_type_without_assert_fails_that_item_with_405(db, writer, monkeypatch):
    monkeypatch.setitem(registry.BUILT_IN, "contact", replace(CONTACT, assertable=False))

    response = writer.post(
        BATCH,
        json={"records": [by_email("lin@example.com", first_name="Lin"), new("Grace")]},
    )

    assert response.status_code == 200
    assert statuses(response) == [405, 201]
    assert error_codes(response) == {0: "operation_not_supported"}
    assert contacts_named(db, "Lin") == 0
    assert contacts_named(db, "Grace") == 1


# The batch's size


def test_a_batch_of_100_items_is_accepted(db, writer):
    items = [new(f"Person{n}", f"person{n}@example.com") for n in range(100)]

    response = writer.post(BATCH, json={"records": items})

    assert response.status_code == 200
    assert response.get_json()["meta"] == {"total": 100, "succeeded": 100, "failed": 0}
    assert set(statuses(response)) == {201}
    db.session.expire_all()
    held = select(func.count()).select_from(ContactEmail).where(ContactEmail.email.like("person%"))
    assert db.session.scalar(held) == 100


def test_a_batch_of_101_items_is_refused_whole(db, writer):
    items = [new("Person", f"person{n}@example.com") for n in range(101)]

    response = writer.post(BATCH, json={"records": items})

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "batch_size_invalid"
    assert "101" in error["message"]
    assert contacts_named(db, "Person") == 0


def test_an_empty_batch_is_refused(db, writer):
    response = writer.post(BATCH, json={"records": []})

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "batch_size_invalid"


# The request itself


@pytest.mark.parametrize(
    ("send", "code"),
    [
        ({"data": "{not json", "content_type": "application/json"}, "invalid_json"),
        (
            {"data": "records=1", "content_type": "application/x-www-form-urlencoded"},
            "invalid_json",
        ),
        ({"json": [new("Grace")]}, "invalid_json"),
        ({"json": {}}, "invalid_json"),
        ({"json": {"records": {"attributes": {"first_name": "Grace"}}}}, "invalid_json"),
        ({"json": {"records": [new("Grace")], "atomic": True}}, "unknown_field"),
    ],
)
def test_a_malformed_body_is_refused_with_400_and_writes_nothing(db, writer, send, code):
    response = writer.post(BATCH, **send)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    assert contacts_named(db, "Grace") == 0


def test_an_unknown_record_type_is_404(db, writer):
    response = writer.post("/api/v2/spaceship/_batch", json={"records": [new("Grace")]})

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_record_type"


def test_a_key_with_crm_read_only_gets_403_and_writes_nothing(db, api_client):
    reader = api_client(permissions=[access.CRM_READ])

    response = reader.post(BATCH, json={"records": [new("Grace", "grace@navy.example")]})

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert stored(db, "grace@navy.example") is None


def test_no_key_is_401(db, client):
    response = client.post(BATCH, json={"records": [new("Grace")]})

    assert response.status_code == 401


# Audit and other types


def test_each_written_record_has_one_audit_event_and_failed_items_none(db, writer, ada):
    response = writer.post(
        BATCH,
        json={
            "records": [
                new("Grace", "grace@navy.example"),
                by_email("ada@analytical.example", title="Countess"),
                new("Impostor", "ada@analytical.example"),
                by_email("hedy@example.com", first_name="Hedy"),
            ]
        },
    )

    assert statuses(response) == [201, 200, 409, 201]
    db.session.expire_all()
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.api_key_id == writer.api_key.id).order_by(AuditEvent.id)
    ).all()
    written = [item["data"]["id"] for item in response.get_json()["data"] if "data" in item]
    assert [(e.object_type, str(e.object_id), e.action) for e in events] == [
        ("contact", written[0], "create"),
        ("contact", written[1], "update"),
        ("contact", written[2], "create"),
    ]
    assert events[1].changes["title"]["after"] == "Countess"


def test_accounts_are_batched_too(db, writer):
    response = writer.post(
        "/api/v2/account/_batch",
        json={
            "records": [
                {
                    "attributes": {
                        "name": "Analytical Engines Ltd",
                        "domain_name": "engines.example",
                    }
                },
                {
                    "match": {"domain_name": "engines.example"},
                    "attributes": {"industry": "Computing"},
                },
            ]
        },
    )

    assert response.status_code == 200
    assert statuses(response) == [201, 200]
    db.session.expire_all()
    firm = db.session.scalar(
        select(Company).join(CompanyDomain).where(CompanyDomain.domain == "engines.example")
    )
    assert (firm.name, firm.industry) == ("Analytical Engines Ltd", "Computing")
