"""A client's partners (reference 002): add, list, change and remove them, amounts kept exactly,
bad input refused. Which company, who may ask and query counts: test_partners_access_api.py."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.api.client_helpers import (
    PARTNER,
    PARTNER_FIELDS,
    client_company,
    created_partner,
    partner_path,
    partner_row,
    partner_snapshot,
    partners_path,
    stored_cents,
)
from tests.api.relationship_helpers import (
    audit_events,
    client_contact,
    error_fields,
    error_of,
    ids,
    names_field,
)
from webapp import access
from webapp.api import schemas
from webapp.extensions import db as _db

FULL = {
    "partner_company_name": "Babbage & Sons",
    "partner_contact_name": "Charles Babbage",
    "partner_contact_email": "Charles@Babbage.Example",
    "relationship_type": "Implementation partner",
    "estimated_deal_size": 250000.5,
    "notes": "Builds the difference engine with us",
}


def exact(response) -> dict:
    """The response body with every JSON number read as a ``Decimal``, digit for digit."""
    return json.loads(response.get_data(as_text=True), parse_float=Decimal)


def post_with_raw_deal_size(api, firm, number: str):
    """POST a partner whose ``estimated_deal_size`` is ``number``, written into the JSON as is."""
    data = '{"partner_company_name": "Exact Ltd", "estimated_deal_size": ' + number + "}"
    return api.post(partners_path(firm.id), data=data, content_type="application/json")


# Adding


def test_adding_a_partner_answers_201_with_every_field(db, api, client_firm, ada):
    response = api.post(partners_path(client_firm.id), json=FULL | {"contact_id": str(ada.id)})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"partner"}
    schemas.PartnerResponse.model_validate(body)
    partner = body["partner"]
    assert partner["company_id"] == str(client_firm.id)
    assert partner["partner_company_name"] == "Babbage & Sons"
    assert partner["partner_contact_name"] == "Charles Babbage"
    assert partner["partner_contact_email"] == "charles@babbage.example"
    assert partner["relationship_type"] == "Implementation partner"
    assert partner["estimated_deal_size"] == 250000.5
    assert partner["notes"] == "Builds the difference engine with us"
    assert (partner["contact_id"], partner["contact_name"]) == (str(ada.id), "Ada Lovelace")
    row = partner_row(db, partner["id"])
    assert row.company_id == client_firm.id and row.contact_id == ada.id
    assert row.estimated_deal_size == Decimal("250000.50")


def test_only_the_partner_company_name_is_needed(db, api, client_firm):
    response = api.post(partners_path(client_firm.id), json={"partner_company_name": "Solo"})
    assert response.status_code == 201
    partner = response.get_json()["partner"]
    assert partner["partner_company_name"] == "Solo"
    for name in PARTNER_FIELDS[1:]:
        assert partner[name] is None, name
    assert partner["contact_name"] is None
    assert stored_cents(db, partner["id"]) is None


def test_adding_a_partner_is_audited(db, api, client_firm):
    partner = created_partner(api, client_firm, estimated_deal_size=99.99)
    events = audit_events(db, "partner", int(partner["id"]))
    assert [e.action for e in events] == ["create"]
    assert events[0].api_key_id == api.api_key.id and events[0].user_id == api.user.id
    assert events[0].changes["partner_company_name"]["after"] == "Babbage & Sons"
    assert events[0].changes["estimated_deal_size"]["after"] == "99.99"


def test_empty_text_is_stored_as_nothing(db, api, client_firm):
    partner = created_partner(api, client_firm, partner_contact_email="", notes="   ")
    assert partner["partner_contact_email"] is None and partner["notes"] is None


# Amounts are exact: what is sent comes back digit for digit, and sits in the database as cents

EXACT = [
    ("0.1", 10),
    ("0.2", 20),
    ("0.3", 30),
    ("0.07", 7),
    ("1.1", 110),
    ("19.99", 1999),
    ("1250.5", 125050),
    ("0", 0),
    ("250000", 25000000),
    ("1234567890123.45", 123456789012345),
    ("9999999999999.99", 999999999999999),
]


@pytest.mark.parametrize(("sent", "cents"), EXACT, ids=[sent for sent, _ in EXACT])
def test_a_deal_size_comes_back_exactly_as_sent_and_is_stored_in_cents(
    db, api, client_firm, sent, cents
):
    response = post_with_raw_deal_size(api, client_firm, sent)
    assert response.status_code == 201, response.get_data(as_text=True)
    created = exact(response)["partner"]
    assert created["estimated_deal_size"] == Decimal(sent)
    assert stored_cents(db, created["id"]) == cents
    listed = exact(api.get(partners_path(client_firm.id)))["partners"]
    assert [p["estimated_deal_size"] for p in listed] == [Decimal(sent)]


def test_a_whole_amount_is_a_json_integer_and_cents_a_json_number(api, client_firm):
    whole = created_partner(api, client_firm, estimated_deal_size=5e5)["estimated_deal_size"]
    assert whole == 500000 and isinstance(whole, int)
    cents = created_partner(api, client_firm, estimated_deal_size=5.5)["estimated_deal_size"]
    assert cents == 5.5 and isinstance(cents, float)


def test_amounts_of_several_partners_add_up_exactly(db, api, client_firm):
    for amount in (0.1, 0.2):
        created_partner(api, client_firm, estimated_deal_size=amount)
    total = _db.session.execute(
        _db.text("SELECT SUM(estimated_deal_size_cents) FROM partners WHERE company_id = :id"),
        {"id": client_firm.id},
    ).scalar_one()
    assert total == 30  # 0.30 exactly, not 0.30000000000000004


# Refusals: each bad field is named, and nothing is written

CREATE_INVALID = [
    ({"partner_company_name": None}, "partner_company_name"),
    ({"partner_company_name": ""}, "partner_company_name"),
    ({"partner_company_name": "   "}, "partner_company_name"),
    ({"partner_company_name": 42}, "partner_company_name"),
    ({"partner_company_name": "x" * 201}, "partner_company_name"),
    ({"partner_contact_name": ["Charles"]}, "partner_contact_name"),
    ({"partner_contact_email": "not an email"}, "partner_contact_email"),
    ({"partner_contact_email": "charles@"}, "partner_contact_email"),
    ({"partner_contact_email": 7}, "partner_contact_email"),
    ({"relationship_type": {"kind": "reseller"}}, "relationship_type"),
    ({"relationship_type": "x" * 81}, "relationship_type"),
    ({"estimated_deal_size": -1}, "estimated_deal_size"),
    ({"estimated_deal_size": -0.01}, "estimated_deal_size"),
    ({"estimated_deal_size": 10.005}, "estimated_deal_size"),
    ({"estimated_deal_size": 0.001}, "estimated_deal_size"),
    ({"estimated_deal_size": 0.1 + 0.2}, "estimated_deal_size"),  # 0.30000000000000004
    ({"estimated_deal_size": 10_000_000_000_000}, "estimated_deal_size"),
    ({"estimated_deal_size": 1e300}, "estimated_deal_size"),
    ({"estimated_deal_size": "1000"}, "estimated_deal_size"),
    ({"estimated_deal_size": True}, "estimated_deal_size"),
    ({"estimated_deal_size": [1000]}, "estimated_deal_size"),
    ({"notes": 12}, "notes"),
    ({"contact_id": 999_999}, "contact_id"),
    ({"contact_id": "999999"}, "contact_id"),
    ({"contact_id": "abc"}, "contact_id"),
    ({"contact_id": 0}, "contact_id"),
    ({"contact_id": -3}, "contact_id"),
    ({"contact_id": 1.5}, "contact_id"),
    ({"contact_id": True}, "contact_id"),
    ({"contact_id": 2**31}, "contact_id"),
]


@pytest.mark.parametrize(("values", "field"), CREATE_INVALID, ids=str)
def test_create_names_the_bad_field_and_writes_nothing(db, api, client_firm, values, field):
    before = partner_snapshot(db)
    response = api.post(partners_path(client_firm.id), json=FULL | values)
    assert names_field(error_fields(response, 422, "validation_failed"), field)
    assert partner_snapshot(db) == before


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400", "-0.5"])
def test_a_deal_size_that_is_no_amount_is_refused(db, api, client_firm, number):
    before = partner_snapshot(db)
    response = post_with_raw_deal_size(api, client_firm, number)
    assert error_fields(response, 422, "validation_failed") == {"estimated_deal_size"}
    assert partner_snapshot(db) == before


def test_a_missing_partner_company_name_is_named(db, api, client_firm):
    before = partner_snapshot(db)
    body = {k: v for k, v in FULL.items() if k != "partner_company_name"}
    response = api.post(partners_path(client_firm.id), json=body)
    assert error_fields(response, 422, "validation_failed") == {"partner_company_name"}
    assert partner_snapshot(db) == before


def test_every_bad_field_is_named_at_once(db, api, client_firm):
    before = partner_snapshot(db)
    body = PARTNER | {
        "partner_contact_email": "nobody",
        "contact_id": 999_999,
        "estimated_deal_size": 1.234,
    }
    response = api.post(partners_path(client_firm.id), json=body)
    fields = error_fields(response, 422, "validation_failed")
    assert fields == {"partner_contact_email", "contact_id", "estimated_deal_size"}
    assert partner_snapshot(db) == before


@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_field_partners_do_not_have_is_unknown_field(db, api, client_firm, partner, method):
    path = (
        partners_path(client_firm.id)
        if method == "post"
        else partner_path(client_firm.id, partner["id"])
    )
    before = partner_snapshot(db)
    for unknown in ("website", "company_id", "id"):
        response = getattr(api, method)(path, json=PARTNER | {unknown: "x"})
        assert error_fields(response, 400, "unknown_field") == {unknown}
    assert partner_snapshot(db) == before


@pytest.mark.parametrize("data", ["not json", "", "[1, 2]", '"Babbage"', "42", "null"])
def test_a_body_that_is_not_a_json_object_is_invalid_json(db, api, client_firm, partner, data):
    before = partner_snapshot(db)
    for call, path in (
        (api.post, partners_path(client_firm.id)),
        (api.patch, partner_path(client_firm.id, partner["id"])),
    ):
        error_of(call(path, data=data, content_type="application/json"), 400, "invalid_json")
    assert partner_snapshot(db) == before


def test_json_sent_without_the_json_content_type_is_invalid_json(db, api, client_firm):
    before = partner_snapshot(db)
    response = api.post(partners_path(client_firm.id), data=json.dumps(PARTNER))
    error_of(response, 400, "invalid_json")
    assert partner_snapshot(db) == before


# Listing


def test_the_list_has_the_clients_partners_largest_deal_first(db, api, client_firm):
    other_client = client_company("Difference Engines plc")
    _db.session.commit()
    created_partner(api, other_client, partner_company_name="Not ours")
    made = {
        name: created_partner(api, client_firm, partner_company_name=name, **deal)["id"]
        for name, deal in (
            ("Unpriced", {}),
            ("Small", {"estimated_deal_size": 10}),
            ("Large", {"estimated_deal_size": 1_000_000}),
            ("Medium", {"estimated_deal_size": 5000.25}),
        )
    }
    response = api.get(partners_path(client_firm.id))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"partners"}
    schemas.PartnerList.model_validate(body)
    assert ids(body["partners"]) == [made[n] for n in ("Large", "Medium", "Small", "Unpriced")]


def test_a_client_without_partners_lists_none(api, client_firm):
    assert api.get(partners_path(client_firm.id)).get_json() == {"partners": []}


def test_the_list_names_the_linked_contact(api, client_firm, ada):
    created_partner(api, client_firm, contact_id=ada.id)
    (listed,) = api.get(partners_path(client_firm.id)).get_json()["partners"]
    assert (listed["contact_id"], listed["contact_name"]) == (str(ada.id), "Ada Lovelace")


# Changing


def test_patch_changes_the_given_fields_and_leaves_the_others(db, api, client_firm, ada):
    partner = created_partner(api, client_firm, **FULL)
    path = partner_path(client_firm.id, partner["id"])
    response = api.patch(path, json={"relationship_type": "Co-sell", "estimated_deal_size": 0.1})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"partner"}
    schemas.PartnerResponse.model_validate(body)
    changed = exact(response)["partner"]
    assert changed["relationship_type"] == "Co-sell"
    assert changed["estimated_deal_size"] == Decimal("0.1")
    for name in ("partner_company_name", "partner_contact_name", "partner_contact_email", "notes"):
        assert changed[name] == partner[name], name
    assert stored_cents(db, partner["id"]) == 10
    update = audit_events(db, "partner", int(partner["id"]))[-1]
    assert update.action == "update"
    assert update.changes["relationship_type"] == {
        "before": "Implementation partner",
        "after": "Co-sell",
    }
    assert update.changes["estimated_deal_size"] == {"before": "250000.50", "after": "0.10"}


@pytest.mark.parametrize("field", PARTNER_FIELDS[1:])
def test_patch_with_null_clears_a_field(db, api, client_firm, ada, field):
    partner = created_partner(api, client_firm, **FULL, contact_id=ada.id)
    assert partner[field] is not None
    response = api.patch(partner_path(client_firm.id, partner["id"]), json={field: None})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["partner"][field] is None
    row = partner_row(db, partner["id"])
    assert getattr(row, field) is None
    assert row.partner_company_name == "Babbage & Sons"


def test_clearing_the_linked_contact_clears_its_name(api, client_firm, ada):
    partner = created_partner(api, client_firm, contact_id=ada.id)
    response = api.patch(partner_path(client_firm.id, partner["id"]), json={"contact_id": None})
    changed = response.get_json()["partner"]
    assert (changed["contact_id"], changed["contact_name"]) == (None, None)


def test_linking_another_contact_names_the_new_one(db, api, client_firm, ada):
    grace = client_contact(api.user, "Grace", "Hopper", email="grace@navy.example")
    _db.session.commit()
    partner = created_partner(api, client_firm, contact_id=ada.id)
    path = partner_path(client_firm.id, partner["id"])
    response = api.patch(path, json={"contact_id": grace.id})
    changed = response.get_json()["partner"]
    assert (changed["contact_id"], changed["contact_name"]) == (str(grace.id), "Grace Hopper")
    listed = api.get(partners_path(client_firm.id)).get_json()["partners"][0]
    assert listed["contact_name"] == "Grace Hopper"


def test_the_partner_company_name_cannot_be_cleared(db, api, client_firm, partner):
    before = partner_snapshot(db)
    for empty in (None, "", "  "):
        response = api.patch(
            partner_path(client_firm.id, partner["id"]), json={"partner_company_name": empty}
        )
        assert error_fields(response, 422, "validation_failed") == {"partner_company_name"}
    assert partner_snapshot(db) == before
    assert partner_row(db, partner["id"]).partner_company_name == "Babbage & Sons"


def test_an_empty_patch_changes_nothing_and_audits_nothing(db, api, client_firm, partner):
    before = partner_snapshot(db)
    response = api.patch(partner_path(client_firm.id, partner["id"]), json={})
    assert response.status_code == 200
    assert response.get_json()["partner"] == partner
    assert partner_snapshot(db) == before


UPDATE_INVALID = [
    ({"partner_company_name": 3}, "partner_company_name"),
    ({"partner_contact_email": "charles at babbage"}, "partner_contact_email"),
    ({"estimated_deal_size": -5}, "estimated_deal_size"),
    ({"estimated_deal_size": 12.345}, "estimated_deal_size"),
    ({"estimated_deal_size": 10_000_000_000_000.5}, "estimated_deal_size"),
    ({"estimated_deal_size": "12"}, "estimated_deal_size"),
    ({"contact_id": 999_999}, "contact_id"),
    ({"contact_id": "x"}, "contact_id"),
    ({"notes": False}, "notes"),
]


@pytest.mark.parametrize(("values", "field"), UPDATE_INVALID, ids=str)
def test_update_names_the_bad_field_and_changes_nothing(db, api, client_firm, values, field):
    partner = created_partner(api, client_firm, **FULL)
    before = partner_snapshot(db)
    body = {"notes": "must not be saved", "estimated_deal_size": 1} | values
    response = api.patch(partner_path(client_firm.id, partner["id"]), json=body)
    assert names_field(error_fields(response, 422, "validation_failed"), field)
    assert partner_snapshot(db) == before
    row = partner_row(db, partner["id"])
    assert row.notes == FULL["notes"] and row.estimated_deal_size == Decimal("250000.50")


# Removing


def test_delete_removes_the_partner_and_audits_what_it_was(db, manager, api, client_firm):
    partner = created_partner(api, client_firm, estimated_deal_size=1234.5)
    response = manager.delete(partner_path(client_firm.id, partner["id"]))
    assert response.status_code == 200
    assert response.get_json() == {"ok": True}
    schemas.Ok.model_validate(response.get_json())
    assert partner_row(db, partner["id"]) is None
    assert api.get(partners_path(client_firm.id)).get_json() == {"partners": []}
    deleted = audit_events(db, "partner", int(partner["id"]))[-1]
    assert deleted.action == "delete" and deleted.api_key_id == manager.api_key.id
    assert deleted.changes["partner_company_name"]["before"] == "Babbage & Sons"
    assert deleted.changes["estimated_deal_size"]["before"] == "1234.50"


def test_a_member_cannot_delete_a_partner(db, api, client_firm, partner):
    before = partner_snapshot(db)
    error = error_of(api.delete(partner_path(client_firm.id, partner["id"])), 403, "forbidden")
    assert error["details"] == {"permission": access.RELATIONSHIPS_MANAGE}
    assert partner_snapshot(db) == before
    assert partner_row(db, partner["id"]) is not None


def test_deleting_twice_is_404_the_second_time(manager, client_firm, partner):
    path = partner_path(client_firm.id, partner["id"])
    assert manager.delete(path).status_code == 200
    error_of(manager.delete(path), 404, "record_not_found")
