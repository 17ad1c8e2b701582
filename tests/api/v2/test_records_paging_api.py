"""Record lists: page paging, cursor paging, bad list parameters, and a fixed cost in queries."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from tests import factories
from tests.api.v2.conftest import error_of, fields_named, ids_of, sort_key
from webapp.extensions import db as _db
from webapp.services.records.registry import record_type

CONTACT = record_type("contact")
FIRST_NAMES = ("Cal", "Ada", "Eve", "Bea", "Dot")


@pytest.fixture
def api(api_client):
    """An executive, who sees every queue: tasks can be assigned to anyone."""
    return api_client(role="executive", name="Eve Executive")


@pytest.fixture
def contacts(create) -> list[dict]:
    """Five contacts, created out of alphabetical order."""
    return [create("contact", {"first_name": name}) for name in FIRST_NAMES]


def query_of(link: str) -> dict[str, list[str]]:
    parts = urlsplit(link)
    assert parts.path == "/api/v2/contact"
    return parse_qs(parts.query, keep_blank_values=True)


def walk(api, path: str, cursor: str = "", **args) -> tuple[list[str], int]:
    """Every id a cursor walk gives, following ``meta.next_cursor``; and how many pages it took."""
    seen: list[str] = []
    pages = 0
    while cursor is not None:
        response = api.get(path, query_string=args | {"cursor": cursor})
        seen += ids_of(response)
        cursor = response.get_json()["meta"]["next_cursor"]
        pages += 1
        assert pages <= 50, "the walk never ends"
    return seen, pages


def forged(*position) -> str:
    """A cursor Rapport never gave: the same encoding, any content."""
    return base64.urlsafe_b64encode(json.dumps(list(position)).encode()).decode().rstrip("=")


# --- page paging ---


def test_the_first_page_has_meta_and_links_to_the_next(api, contacts):
    response = api.get("/api/v2/contact", query_string={"per_page": 2})

    assert ids_of(response) == [c["id"] for c in contacts[:2]]
    body = response.get_json()
    meta = body["meta"]
    assert (meta["page"], meta["per_page"], meta["total"]) == (1, 2, 5)
    assert meta["next_cursor"]
    assert set(body["links"]) == {"self", "next"}
    assert query_of(body["links"]["next"])["page"] == ["2"]
    assert query_of(body["links"]["self"])["page"] == ["1"]


def test_a_middle_page_links_both_ways(api, contacts):
    response = api.get("/api/v2/contact", query_string={"per_page": 2, "page": 2})

    assert ids_of(response) == [c["id"] for c in contacts[2:4]]
    links = response.get_json()["links"]
    assert set(links) == {"self", "next", "prev"}
    assert query_of(links["prev"])["page"] == ["1"]
    assert query_of(links["next"])["page"] == ["3"]


def test_the_last_page_has_no_next(api, contacts):
    response = api.get("/api/v2/contact", query_string={"per_page": 2, "page": 3})

    assert ids_of(response) == [contacts[4]["id"]]
    body = response.get_json()
    assert body["meta"]["next_cursor"] is None
    assert set(body["links"]) == {"self", "prev"}


def test_a_page_past_the_end_is_empty(api, contacts):
    response = api.get("/api/v2/contact", query_string={"per_page": 2, "page": 9})

    assert ids_of(response) == []
    assert response.get_json()["meta"]["total"] == 5


def test_page_links_keep_the_sort_and_the_filters(api, create):
    for name in ("Ada", "Ada", "Ada"):
        create("contact", {"first_name": name, "stage": "working"})

    response = api.get(
        "/api/v2/contact", query_string={"per_page": 1, "sort": "-id", "first_name": "ada"}
    )

    query = query_of(response.get_json()["links"]["next"])
    assert query["sort"] == ["-id"]
    assert query["first_name"] == ["ada"]
    assert query["per_page"] == ["1"]


def test_the_total_counts_only_what_the_filter_keeps(api, create):
    create("contact", {"first_name": "Ada"})
    create("contact", {"first_name": "Ada"})
    create("contact", {"first_name": "Bea"})

    response = api.get("/api/v2/contact", query_string={"first_name": "Ada"})

    assert response.get_json()["meta"]["total"] == 2


def test_pages_follow_the_sort(api, contacts):
    by_name = sorted(contacts, key=lambda c: c["attributes"]["first_name"])

    first = api.get("/api/v2/contact", query_string={"sort": "first_name", "per_page": 3})
    second = api.get(
        "/api/v2/contact", query_string={"sort": "first_name", "per_page": 3, "page": 2}
    )

    assert ids_of(first) + ids_of(second) == [c["id"] for c in by_name]


@pytest.mark.parametrize("per_page", ["0", "101", "ten", "-1"])
def test_a_per_page_outside_1_to_100_is_refused(api, per_page):
    response = api.get("/api/v2/contact", query_string={"per_page": per_page})

    error = error_of(response, 422, "validation_failed")
    assert fields_named(error) == {"per_page"}


# --- cursor paging ---


def test_an_empty_cursor_starts_a_cursor_walk(api, contacts):
    response = api.get("/api/v2/contact", query_string={"cursor": "", "per_page": 2})

    assert ids_of(response) == [c["id"] for c in contacts[:2]]
    body = response.get_json()
    assert set(body["meta"]) == {"per_page", "next_cursor"}
    assert body["meta"]["per_page"] == 2
    next_link = query_of(body["links"]["next"])
    assert next_link["cursor"] == [body["meta"]["next_cursor"]]
    assert "page" not in next_link


def test_the_next_cursor_gives_the_next_records(api, contacts):
    first = api.get("/api/v2/contact", query_string={"cursor": "", "per_page": 2})
    cursor = first.get_json()["meta"]["next_cursor"]

    response = api.get("/api/v2/contact", query_string={"cursor": cursor, "per_page": 2})

    assert ids_of(response) == [c["id"] for c in contacts[2:4]]


def test_a_cursor_walk_ends_without_a_next_cursor(api, contacts):
    seen, pages = walk(api, "/api/v2/contact", per_page=2)

    assert seen == [c["id"] for c in contacts]
    assert pages == 3


def test_the_last_cursor_page_has_no_next_link(api, contacts):
    response = api.get("/api/v2/contact", query_string={"cursor": "", "per_page": 5})

    body = response.get_json()
    assert body["meta"]["next_cursor"] is None
    assert set(body["links"]) == {"self"}


@pytest.mark.record_fields(lambda field: field.sortable)
@pytest.mark.parametrize("direction", ["", "-"], ids=["ascending", "descending"])
def test_a_cursor_walk_gives_every_record_once_in_sort_order(
    api, samples, create, record_kind, field, direction
):
    # Repeated values: records that tie on the sort are ordered by id, across pages too.
    made = [
        create(record_kind.api_name, samples.attributes(record_kind, field, n))
        for n in (1, 2, 0, 1, 0, 2, 1)
    ]
    expected = sorted(made, key=lambda record: sort_key(field, record), reverse=direction == "-")

    seen, _ = walk(
        api, f"/api/v2/{record_kind.api_name}", sort=f"{direction}{field.api_name}", per_page=2
    )

    assert seen == [record["id"] for record in expected]


def test_a_cursor_walk_neither_skips_nor_repeats_when_records_are_added(api, contacts, create):
    first = api.get("/api/v2/contact", query_string={"cursor": "", "per_page": 2})
    added = create("contact", {"first_name": "Fay"})

    rest, _ = walk(api, "/api/v2/contact", first.get_json()["meta"]["next_cursor"], per_page=2)

    assert ids_of(first) + rest == [c["id"] for c in contacts] + [added["id"]]


def test_a_cursor_used_with_another_sort_is_400_invalid_cursor(api, contacts):
    first = api.get("/api/v2/contact", query_string={"cursor": "", "per_page": 2})
    cursor = first.get_json()["meta"]["next_cursor"]

    response = api.get("/api/v2/contact", query_string={"cursor": cursor, "sort": "first_name"})

    error = error_of(response, 400, "invalid_cursor")
    assert fields_named(error) == {"cursor"}


def test_a_cursor_used_with_the_reverse_sort_is_400_invalid_cursor(api, contacts):
    first = api.get(
        "/api/v2/contact", query_string={"cursor": "", "per_page": 2, "sort": "first_name"}
    )
    cursor = first.get_json()["meta"]["next_cursor"]

    response = api.get("/api/v2/contact", query_string={"cursor": cursor, "sort": "-first_name"})

    error_of(response, 400, "invalid_cursor")


@pytest.mark.parametrize(
    "cursor",
    ["garbage!!", "bm90IGpzb24", "W10", "eyJhIjogMX0", forged("id", 1, "seven")],
    ids=["not base64", "not json", "empty list", "an object", "id not a number"],
)
def test_a_cursor_rapport_did_not_give_is_400_invalid_cursor(api, contacts, cursor):
    response = api.get("/api/v2/contact", query_string={"cursor": cursor})

    error_of(response, 400, "invalid_cursor")


@pytest.mark.parametrize(
    "sort_value", [None, {"name": "Ada"}, ["Ada"]], ids=["null", "an object", "a list"]
)
def test_a_forged_cursor_with_a_sort_value_of_the_wrong_shape_is_400(api, contacts, sort_value):
    cursor = forged("first_name", sort_value, int(contacts[0]["id"]))

    response = api.get("/api/v2/contact", query_string={"cursor": cursor, "sort": "first_name"})

    error_of(response, 400, "invalid_cursor")


def test_a_forged_datetime_cursor_that_is_not_a_date_is_400(api, contacts):
    cursor = forged("created_at", "yesterday", int(contacts[0]["id"]))

    response = api.get("/api/v2/contact", query_string={"cursor": cursor, "sort": "created_at"})

    error_of(response, 400, "invalid_cursor")


def test_page_and_cursor_together_are_400_invalid_cursor(api, contacts):
    response = api.get("/api/v2/contact", query_string={"cursor": "", "page": 1})

    error_of(response, 400, "invalid_cursor")


# --- bad list parameters ---


def test_an_unknown_filter_is_400_unknown_field(api, contacts):
    response = api.get("/api/v2/contact", query_string={"shoe_size": "7"})

    error = error_of(response, 400, "unknown_field")
    assert fields_named(error) == {"shoe_size"}


def test_a_filter_on_a_field_that_is_not_filterable_is_400(api, contacts):
    response = api.get("/api/v2/contact", query_string={"title": "CTO"})

    error = error_of(response, 400, "field_not_filterable")
    assert fields_named(error) == {"title"}


@pytest.mark.parametrize("sort", ["shoe_size", "-shoe_size", "title", "-", "", "--id"])
def test_a_sort_by_anything_but_a_sortable_field_is_400_invalid_sort(api, contacts, sort):
    response = api.get("/api/v2/contact", query_string={"sort": sort})

    error = error_of(response, 400, "invalid_sort")
    assert fields_named(error) == {"sort"}


@pytest.mark.parametrize(
    ("name", "value"),
    [("owner", "abc"), ("id", "x1"), ("contact_emails", "not an email")],
)
def test_a_filter_value_the_field_cannot_read_is_400_invalid_filter(api, contacts, name, value):
    response = api.get("/api/v2/contact", query_string={name: value})

    error = error_of(response, 400, "invalid_filter")
    assert fields_named(error) == {name}


def test_a_boolean_filter_takes_only_true_or_false(api, create):
    create("account", {"name": "Engines"})

    response = api.get("/api/v2/account", query_string={"is_client": "maybe"})

    error = error_of(response, 400, "invalid_filter")
    assert fields_named(error) == {"is_client"}


def test_filters_combine(api, create, samples):
    owner, other = samples.users[0].id, samples.users[1].id
    wanted = create("contact", {"first_name": "Ada", "owner": owner})
    create("contact", {"first_name": "Ada", "owner": other})
    create("contact", {"first_name": "Bea", "owner": owner})

    response = api.get("/api/v2/contact", query_string={"first_name": "ada", "owner": owner})

    assert ids_of(response) == [wanted["id"]]


# --- cost ---


def many_contacts(how_many: int) -> None:
    owner = factories.UserFactory()
    for _ in range(how_many):
        contact = factories.ContactFactory(owner=owner)
        factories.ContactEmailFactory(contact=contact)
        factories.ContactPhoneFactory(contact=contact)
    _db.session.commit()


def many_accounts(how_many: int) -> None:
    for _ in range(how_many):
        profile = factories.ClientProfileFactory()
        factories.CompanyDomainFactory(company=profile.company)
        factories.CompanyDomainFactory(company=profile.company)
    _db.session.commit()


def queries_to_list(api, count_queries, path: str, args: dict) -> int:
    with count_queries() as statements:
        response = api.get(path, query_string=args)
    assert response.status_code == 200, response.text
    return len(statements)


@pytest.mark.parametrize(
    "args", [{"per_page": 100}, {"cursor": "", "per_page": 100}], ids=["page", "cursor"]
)
@pytest.mark.parametrize(
    ("path", "build"),
    [("/api/v2/contact", many_contacts), ("/api/v2/account", many_accounts)],
    ids=["contacts", "accounts"],
)
def test_a_list_costs_the_same_queries_for_3_or_30_records(api, count_queries, path, build, args):
    build(3)
    few = queries_to_list(api, count_queries, path, args)
    build(27)

    many = queries_to_list(api, count_queries, path, args)

    assert len(ids_of(api.get(path, query_string=args))) == 30
    assert many == few


def test_one_contact_is_read_with_its_emails_and_phones_in_one_query(api, create, count_queries):
    """Joined in the record's own query, three emails and two phones still come once each,
    in their order, the first being primary."""
    emails = ["ada@one.example", "ada@two.example", "ada@three.example"]
    phones = ["+442079460001", "+442079460002"]
    created = create("contact", {"first_name": "Ada", "contact_emails": emails})
    _db.session.commit()
    api.patch(f"/api/v2/contact/{created['id']}", json={"attributes": {"phone_numbers": phones}})
    _db.session.expunge_all()

    with count_queries() as statements:
        response = api.get(f"/api/v2/contact/{created['id']}")

    assert response.status_code == 200, response.text
    attributes = response.get_json()["data"]["attributes"]
    assert attributes["contact_emails"] == emails
    assert attributes["phone_numbers"] == phones
    assert attributes["primary_email"] == "ada@one.example"
    assert [s for s in statements if "contact_emails" in s or "contact_phones" in s] == [
        s for s in statements if "FROM contacts" in s
    ]
    assert len(statements) == 2  # who is calling, then the contact with its emails and phones


def counts_in(statements: list[str]) -> list[str]:
    return [s for s in statements if "count(" in s.lower()]


def test_only_a_page_that_cannot_tell_its_total_counts_the_list(
    api, create, count_queries, monkeypatch
):
    """A last page that is not full is totalled from what it holds; a full page and a page past
    the end count, and every page gives the same total."""
    for n in range(5):
        create("contact", {"first_name": f"Ann{n}"})
    _db.session.commit()

    def page(number: int) -> tuple[dict, list[str]]:
        with count_queries() as statements:
            response = api.get("/api/v2/contact", query_string={"per_page": 2, "page": number})
        assert response.status_code == 200, response.text
        return response.get_json(), statements

    (full, full_sql), (last, last_sql), (past, past_sql) = page(2), page(3), page(9)

    assert [full["meta"]["total"], last["meta"]["total"], past["meta"]["total"]] == [5, 5, 5]
    assert len(last["data"]) == 1 and "next" not in last["links"] and past["data"] == []
    assert counts_in(full_sql) and counts_in(past_sql)
    assert counts_in(last_sql) == []
