"""``POST /api/v2/{contact|account}/_assert``: create-or-update by a unique field."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.api.v2.conftest import error_of, fields_named, ids_of, query_value
from tests.records import events_for
from webapp.extensions import db as _db
from webapp.models import Company, Contact
from webapp.services.records.registry import record_type, record_types

CONTACT = record_type("contact")
ADA = "ada@engines.example"


def count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def assert_contact(api, match, attributes=None):
    body = {"match": match} | ({"attributes": attributes} if attributes is not None else {})
    return api.post("/api/v2/contact/_assert", json=body)


def test_assert_with_no_match_creates_the_record(api):
    response = assert_contact(
        api, {"contact_emails": ADA}, {"first_name": "Ada", "stage": "working", "title": "CTO"}
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["meta"] == {"action": "created"}
    attributes = body["data"]["attributes"]
    assert (attributes["first_name"], attributes["title"]) == ("Ada", "CTO")
    assert attributes["contact_emails"] == [ADA]
    assert count(Contact) == 1


def test_assert_with_a_match_updates_that_record(api, create):
    ada = create("contact", {"first_name": "Ada", "contact_emails": [ADA], "title": "Analyst"})

    response = assert_contact(api, {"contact_emails": ADA}, {"title": "CTO"})

    assert response.status_code == 200
    body = response.get_json()
    assert body["meta"] == {"action": "updated"}
    assert body["data"]["id"] == ada["id"]
    assert body["data"]["attributes"]["title"] == "CTO"
    assert body["data"]["attributes"]["first_name"] == "Ada"
    assert count(Contact) == 1


def test_asserting_twice_creates_once_then_updates(api):
    first = assert_contact(api, {"contact_emails": ADA}, {"first_name": "Ada"})
    second = assert_contact(api, {"contact_emails": ADA}, {"first_name": "Ada", "title": "CTO"})

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["data"]["id"] == second.get_json()["data"]["id"]
    assert count(Contact) == 1


def test_assert_matches_an_email_whatever_its_case(api, create):
    ada = create("contact", {"first_name": "Ada", "contact_emails": [ADA]})

    response = assert_contact(api, {"contact_emails": ADA.upper()}, {"title": "CTO"})

    assert response.status_code == 200
    assert response.get_json()["data"]["id"] == ada["id"]


def test_assert_by_a_list_matches_any_of_its_values(api, create):
    ada = create("contact", {"first_name": "Ada", "contact_emails": [ADA]})

    response = assert_contact(
        api, {"contact_emails": ["unknown@elsewhere.example", ADA]}, {"title": "CTO"}
    )

    assert response.status_code == 200
    assert response.get_json()["data"]["id"] == ada["id"]


def test_assert_creating_with_a_list_keeps_every_matched_email(api):
    response = assert_contact(
        api, {"contact_emails": [ADA, "ada@home.example"]}, {"first_name": "Ada"}
    )

    assert response.status_code == 201
    emails = response.get_json()["data"]["attributes"]["contact_emails"]
    assert emails == [ADA, "ada@home.example"]


def test_assert_matching_two_records_is_409_ambiguous_match(api, create):
    ada = create("contact", {"first_name": "Ada", "contact_emails": [ADA]})
    grace = create("contact", {"first_name": "Grace", "contact_emails": ["grace@navy.example"]})

    response = assert_contact(
        api, {"contact_emails": [ADA, "grace@navy.example"]}, {"title": "Changed"}
    )

    error = error_of(response, 409, "ambiguous_match")
    assert sorted(error["details"]["record_ids"]) == sorted([ada["id"], grace["id"]])
    for record in (ada, grace):
        assert api.get(f"/api/v2/contact/{record['id']}").get_json()["data"] == record


def test_assert_by_two_unique_fields_naming_two_records_is_ambiguous(api, create):
    create("contact", {"first_name": "Ada", "contact_emails": [ADA]})
    create("contact", {"first_name": "Grace", "contact_emails": ["grace@navy.example"]})

    response = assert_contact(
        api, {"contact_emails": ADA, "primary_email": "grace@navy.example"}, {"title": "X"}
    )

    error_of(response, 409, "ambiguous_match")


def test_assert_by_a_field_that_is_not_unique_is_400_invalid_matching_field(api, create):
    create("contact", {"first_name": "Ada"})

    response = assert_contact(api, {"first_name": "Ada"}, {"title": "CTO"})

    error = error_of(response, 400, "invalid_matching_field")
    assert fields_named(error) == {"first_name"}
    assert count(Contact) == 1


@pytest.mark.record_fields(lambda field: not field.unique, kinds=lambda kind: kind.assertable)
def test_every_field_that_is_not_unique_is_refused_as_a_match(api, samples, record_kind, field):
    response = api.post(
        f"/api/v2/{record_kind.api_name}/_assert",
        json={"match": {field.api_name: "x"}, "attributes": samples.required(record_kind)},
    )

    error = error_of(response, 400, "invalid_matching_field")
    assert fields_named(error) == {field.api_name}


@pytest.mark.record_fields(
    lambda field: field.unique and field.creatable, kinds=lambda kind: kind.assertable
)
def test_every_unique_field_creates_then_updates(api, samples, record_kind, field):
    match = {field.api_name: samples.one(field, 0)}
    path = f"/api/v2/{record_kind.api_name}/_assert"

    created = api.post(path, json={"match": match, "attributes": samples.required(record_kind, 0)})
    updated = api.post(path, json={"match": match, "attributes": samples.required(record_kind, 1)})

    assert created.status_code == 201, created.text
    assert updated.status_code == 200, updated.text
    assert created.get_json()["meta"]["action"] == "created"
    assert updated.get_json()["meta"]["action"] == "updated"
    record = updated.get_json()["data"]
    assert record["id"] == created.get_json()["data"]["id"]
    assert query_value(record["attributes"][field.api_name]) == query_value(match[field.api_name])
    for name, value in samples.required(record_kind, 1).items():
        assert record["attributes"][name] == value
    assert ids_of(api.get(f"/api/v2/{record_kind.api_name}")) == [record["id"]]


def test_assert_by_id_updates_that_record(api, create):
    ada = create("contact", {"first_name": "Ada"})

    response = assert_contact(api, {"id": ada["id"]}, {"title": "CTO"})

    assert response.status_code == 200
    assert response.get_json()["data"]["attributes"]["title"] == "CTO"


def test_assert_by_an_id_that_matches_nothing_is_404_and_creates_nothing(api):
    response = assert_contact(api, {"id": "987654321"}, {"first_name": "Ada"})

    error_of(response, 404, "record_not_found")
    assert count(Contact) == 0


def test_assert_an_account_by_domain_name(api, create):
    account = create("account", {"name": "Engines", "domains": ["engines.example"]})

    response = api.post(
        "/api/v2/account/_assert",
        json={
            "match": {"domain_name": "https://www.Engines.example/"},
            "attributes": {"industry": "Computing"},
        },
    )

    assert response.status_code == 200
    assert response.get_json()["data"]["id"] == account["id"]
    assert response.get_json()["data"]["attributes"]["industry"] == "Computing"
    assert count(Company) == 1


def test_assert_creating_without_a_required_field_is_422(api):
    response = assert_contact(api, {"contact_emails": ADA}, {"title": "CTO"})

    error = error_of(response, 422, "field_required_missing")
    assert fields_named(error) == {"first_name"}
    assert count(Contact) == 0


def test_assert_updating_with_a_field_that_is_not_updatable_is_400(api, create):
    create("contact", {"first_name": "Ada", "contact_emails": [ADA]})

    response = assert_contact(api, {"contact_emails": ADA}, {"created_at": "2020-01-01T00:00:00"})

    error = error_of(response, 400, "field_not_updatable")
    assert fields_named(error) == {"created_at"}


def test_assert_with_a_bad_value_changes_nothing(api, create):
    ada = create("contact", {"first_name": "Ada", "contact_emails": [ADA]})

    response = assert_contact(api, {"contact_emails": ADA}, {"stage": "bogus"})

    error_of(response, 422, "field_value_invalid")
    assert api.get(f"/api/v2/contact/{ada['id']}").get_json()["data"] == ada


def test_assert_with_a_match_value_that_is_not_an_email_is_422(api):
    response = assert_contact(api, {"contact_emails": "not an email"}, {"first_name": "Ada"})

    error = error_of(response, 422, "field_value_invalid")
    assert fields_named(error) == {"contact_emails"}
    assert count(Contact) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"attributes": {"first_name": "Ada"}},
        {"match": {}, "attributes": {"first_name": "Ada"}},
        {"match": ADA, "attributes": {"first_name": "Ada"}},
        {"match": {"contact_emails": ADA}, "attributes": ["Ada"]},
    ],
    ids=["no match", "empty match", "match not an object", "attributes not an object"],
)
def test_assert_with_a_malformed_body_is_400_invalid_json(api, body):
    response = api.post("/api/v2/contact/_assert", json=body)

    error_of(response, 400, "invalid_json")
    assert count(Contact) == 0


def test_assert_with_an_empty_list_of_values_is_refused(api):
    response = assert_contact(api, {"contact_emails": []}, {"first_name": "Ada"})

    error_of(response, 422, "field_value_invalid")
    assert count(Contact) == 0


def test_assert_with_an_unknown_top_level_key_is_400_unknown_field(api):
    response = api.post(
        "/api/v2/contact/_assert",
        json={"match": {"contact_emails": ADA}, "attributes": {"first_name": "Ada"}, "upsert": 1},
    )

    error = error_of(response, 400, "unknown_field")
    assert fields_named(error) == {"upsert"}


def test_assert_on_an_unknown_record_type_is_404_unknown_record_type(api):
    response = api.post(
        "/api/v2/spaceship/_assert",
        json={"match": {"registry": "NCC-1701"}, "attributes": {"name": "Enterprise"}},
    )

    error = error_of(response, 404, "unknown_record_type")
    assert error["details"] == {"record_type": "spaceship"}


@pytest.mark.parametrize(
    "record_kind",
    [pytest.param(kind, id=kind.api_name) for kind in record_types() if not kind.assertable],
)
def test_assert_on_a_type_without_it_is_405_and_writes_nothing(api, samples, record_kind):
    response = api.post(
        f"/api/v2/{record_kind.api_name}/_assert",
        json={"match": {"id": "1"}, "attributes": samples.required(record_kind)},
    )

    error = error_of(response, 405, "operation_not_supported")
    assert error["details"] == {"record_type": record_kind.api_name}
    assert ids_of(api.get(f"/api/v2/{record_kind.api_name}")) == []


def test_assert_leaves_audit_events_naming_the_api_key(api):
    assert_contact(api, {"contact_emails": ADA}, {"first_name": "Ada"})
    response = assert_contact(api, {"contact_emails": ADA}, {"title": "CTO"})

    contact = _db.session.get(Contact, int(response.get_json()["data"]["id"]))
    events = events_for(_db, contact)
    assert [event.action for event in events] == ["create", "update"]
    assert {event.api_key_id for event in events} == {api.api_key.id}
