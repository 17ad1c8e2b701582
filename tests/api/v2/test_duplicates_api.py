"""Duplicates over the records API: the pairs, "not a duplicate", merging, and the 410 of a
merged record; each answer as the OpenAPI document says, each error with its code."""

from __future__ import annotations

import pytest

from tests import factories
from tests.api.v2.conftest import error_of
from tests.api.v2.test_openapi_v2 import assert_documented
from tests.unit.merging_builders import firm, person, rows
from webapp.extensions import db as _db
from webapp.models import Company, Contact

PAIRS = "/api/v2/contact/_duplicates"
MERGE = "/api/v2/contact/{record_id}/merge"


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/openapi.json").get_json()


@pytest.fixture
def acme(db):
    return firm("Acme Ltd", "acme.example")


@pytest.fixture
def pair(api, acme):
    """John Smith and Jon Smith at Acme, both owned by the caller."""
    john = person(api.user, "John", "Smith", emails=("john@acme.example",), company=acme)
    jon = person(api.user, "Jon", "Smith", emails=("JOHN@acme.example",), company=acme)
    _db.session.commit()
    return john, jon


def test_the_pairs_come_in_the_list_envelope_strongest_first(client, api, pair, document):
    john, jon = pair

    response = api.get(PAIRS)

    assert_documented(document, "get", PAIRS, response)
    body = response.get_json()
    assert body["meta"] == {"page": 1, "per_page": 25, "total": 1}
    found = body["data"][0]
    assert found["ids"] == [str(john.id), str(jon.id)]
    assert [r["code"] for r in found["reasons"]] == ["same_email", "close_name_same_company"]
    assert [r["attributes"]["first_name"] for r in found["records"]] == ["John", "Jon"]


def test_the_pairs_are_paged(api, acme):
    for n in range(3):
        person(api.user, "Ada", f"Lovelace{n}", phones=(f"+44791112345{n}",))
        person(api.user, "Augusta", f"King{n}", phones=(f"+44791112345{n}",))
    _db.session.commit()

    first = api.get(f"{PAIRS}?per_page=2").get_json()
    second = api.get(first["links"]["next"]).get_json()

    assert first["meta"]["total"] == 3 and len(first["data"]) == 2
    assert len(second["data"]) == 1 and "next" not in second["links"]


def test_a_pair_marked_not_a_duplicate_leaves_the_list(client, api, pair, document):
    john, jon = pair
    path = "/api/v2/contact/_not_duplicates"

    marked = api.post(path, json={"ids": [str(jon.id), john.id]})
    again = api.post(path, json={"ids": [john.id, jon.id]})

    assert_documented(document, "post", path, marked)
    assert marked.get_json()["meta"] == {"action": "created"}
    assert again.get_json()["meta"] == {"action": "unchanged"}
    assert api.get(PAIRS).get_json()["data"] == []


def test_merging_answers_with_the_kept_contact_and_what_moved(client, api, pair, document):
    john, jon = pair

    response = api.post(
        MERGE.format(record_id=john.id),
        json={"from": [str(jon.id)], "values": {"first_name": "Jon"}},
    )

    assert_documented(document, "post", MERGE, response)
    body = response.get_json()
    assert body["data"]["id"] == str(john.id)
    assert body["data"]["attributes"]["first_name"] == "Jon"
    assert body["data"]["attributes"]["contact_emails"] == ["john@acme.example"]
    assert body["meta"]["merged"] == [str(jon.id)]


def test_a_merged_contact_answers_410_with_where_it_went(api, pair):
    john, jon = pair
    api.post(MERGE.format(record_id=john.id), json={"from": [jon.id]})

    error = error_of(api.get(f"/api/v2/contact/{jon.id}"), 410, "record_merged")

    assert error["details"]["merged_into"] == str(john.id)


def test_a_chain_of_merges_is_followed_to_its_end(api, pair, acme):
    john, jon = pair
    johnny = person(api.user, "Johnny", "Smith", company=acme)
    _db.session.commit()
    api.post(MERGE.format(record_id=jon.id), json={"from": [johnny.id]})
    api.post(MERGE.format(record_id=john.id), json={"from": [jon.id]})

    error = error_of(api.get(f"/api/v2/contact/{johnny.id}"), 410, "record_merged")

    assert error["details"]["merged_into"] == str(john.id)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"from": ["KEPT"]}, 422, "merge_into_itself"),
        ({"from": ["999999"]}, 404, "record_not_found"),
        ({"from": ["OTHER"], "values": {"shoe_size": 9}}, 400, "unknown_field"),
        ({"from": ["OTHER"], "values": {"first_name": "Bob"}}, 422, "field_value_invalid"),
        ({"from": "OTHER"}, 400, "invalid_json"),
        ({"from": []}, 400, "invalid_json"),
        ({"from": ["x"]}, 422, "field_value_invalid"),
        ({"values": {}}, 400, "invalid_json"),
        ({"from": ["OTHER"], "keep": True}, 400, "unknown_field"),
    ],
    ids=[
        "itself",
        "unknown id",
        "unknown field",
        "value not one of theirs",
        "from not a list",
        "from empty",
        "not an id",
        "no from",
        "unknown key",
    ],
)
def test_a_merge_refused_answers_with_its_code_and_changes_nothing(api, pair, body, status, code):
    john, jon = pair
    ids = {"KEPT": str(john.id), "OTHER": str(jon.id)}
    if isinstance(body.get("from"), list):
        body = body | {"from": [ids.get(i, i) for i in body["from"]]}
    elif body.get("from") == "OTHER":
        body = body | {"from": ids["OTHER"]}

    error_of(api.post(MERGE.format(record_id=john.id), json=body), status, code)

    assert rows(Contact, id=jon.id)[0].merged_into_id is None


def test_more_than_ten_at_once_is_refused(api, pair):
    john, _jon = pair
    many = [person(api.user, "Jon", f"Smith{n}").id for n in range(11)]
    _db.session.commit()

    error_of(
        api.post(MERGE.format(record_id=john.id), json={"from": many}), 422, "too_many_records"
    )


def test_merging_a_contact_merged_already_is_410(api, pair, acme):
    john, jon = pair
    api.post(MERGE.format(record_id=john.id), json={"from": [jon.id]})
    johnny = person(api.user, "Johnny", "Smith", company=acme)
    _db.session.commit()

    error = error_of(
        api.post(MERGE.format(record_id=johnny.id), json={"from": [jon.id]}), 410, "record_merged"
    )
    assert error["details"]["merged_into"] == str(john.id)


def test_a_member_who_owns_one_of_them_is_refused(api, acme):
    mine = person(api.user, "John", "Smith", company=acme)
    theirs = person(factories.UserFactory(role="member"), "Jon", "Smith", company=acme)
    _db.session.commit()

    error_of(
        api.post(MERGE.format(record_id=mine.id), json={"from": [theirs.id]}), 403, "forbidden"
    )


def test_a_manager_may_merge_anyones(api_client, acme):
    manager = api_client(role="manager")
    first = person(factories.UserFactory(role="member"), "John", "Smith", company=acme)
    second = person(factories.UserFactory(role="member"), "Jon", "Smith", company=acme)
    _db.session.commit()

    response = manager.post(MERGE.format(record_id=first.id), json={"from": [second.id]})

    assert response.status_code == 200, response.text


def test_creating_a_contact_whose_email_exists_names_that_contact(api, pair):
    john, _jon = pair

    response = api.post(
        "/api/v2/contact",
        json={"attributes": {"first_name": "Johnny", "contact_emails": ["john@acme.example"]}},
    )

    error = error_of(response, 409, "conflict")
    assert error["details"]["contact_id"] == john.id
    assert error["details"]["contact_emails"] == ["john@acme.example"]


# --- accounts ---


def test_accounts_are_paired_merged_and_answer_410_after(client, api, document):
    acme = firm("Acme Ltd", "acme.example", owner=api.user)
    again = firm("ACME Limited", "www.ACME.example", owner=api.user)
    _db.session.commit()

    listed = api.get("/api/v2/account/_duplicates")
    merged = api.post(f"/api/v2/account/{acme.id}/merge", json={"from": [again.id]})

    assert_documented(document, "get", "/api/v2/account/_duplicates", listed)
    codes = [r["code"] for r in listed.get_json()["data"][0]["reasons"]]
    assert codes == ["same_domain", "same_name"]
    assert_documented(document, "post", "/api/v2/account/{record_id}/merge", merged)
    assert rows(Company, id=again.id)[0].merged_into_id == acme.id
    error = error_of(api.get(f"/api/v2/account/{again.id}"), 410, "record_merged")
    assert error["details"]["merged_into"] == str(acme.id)
