"""Records API relationships (reference 000): read, add, patch an edge and remove a link between a
contact and an account, from either side, with the errors, permissions, audit trail and pages."""

from __future__ import annotations

import pytest

from tests.api.relationship_helpers import audit_events, error_of
from tests.api.v2.relationship_helpers import (
    account_with_contacts,
    accounts_of,
    contact_with_accounts,
    contacts_of,
    edge_path,
    edges_listed,
    link,
    minimal_record,
    new_account,
    new_contact,
    related_path,
    stored_edges,
    walk,
)
from webapp import access
from webapp.services.records.registry import record_types

PRIMARY = {"role": None, "is_primary": True}
SECONDARY = {"role": None, "is_primary": False}


@pytest.fixture
def sarah(api) -> str:
    return new_contact(api, "Sarah", "sarah@acme.com", last_name="Connor")


@pytest.fixture
def acme(api) -> str:
    return new_account(api, "Acme", "acme.com")


@pytest.fixture
def beta(api) -> str:
    return new_account(api, "Beta", "beta.com")


@pytest.fixture
def gamma(api) -> str:
    return new_account(api, "Gamma", "gamma.com")


@pytest.fixture
def sarah_at_acme_and_beta(api, sarah, acme, beta) -> str:
    """Sarah linked to Acme (primary, first) then to Beta."""
    link(api, accounts_of(sarah), acme)
    link(api, accounts_of(sarah), beta)
    return sarah


@pytest.fixture
def read_only_api(api_client):
    return api_client(permissions=[access.CRM_READ])


@pytest.fixture
def no_crm_api(api_client):
    return api_client(permissions=[access.RELATIONSHIPS_VIEW, access.RELATIONSHIPS_UPDATE])


def archive(api, record_type: str, record_id: str) -> None:
    response = api.delete(f"/api/v2/{record_type}/{record_id}")
    assert response.status_code in (200, 204), response.text


def update_events(db, contact_id: str) -> list:
    return [e for e in audit_events(db, "contact", int(contact_id)) if e.action == "update"]


# --- reading -------------------------------------------------------------------------------------


def test_a_contact_lists_its_accounts_with_their_edges(api, sarah, acme):
    link(api, accounts_of(sarah), acme, role="CTO")

    response = api.get(accounts_of(sarah))

    assert response.status_code == 200, response.text
    body = response.get_json()
    assert body["parent"] == {"id": sarah, "record_type": "contact"}
    assert body["relationship"] == "accounts"
    [item] = body["data"]
    assert (item["id"], item["record_type"]) == (acme, "account")
    assert item["attributes"]["name"] == "Acme"
    assert item["attributes"]["domain_name"] == "acme.com"
    assert item["edge"] == {"role": "CTO", "is_primary": True}
    assert body["meta"] == {"page": 1, "per_page": 25, "total": 1}
    assert set(body["links"]) == {"self"}


def test_an_account_lists_the_same_edges_its_contacts_see(api, sarah_at_acme_and_beta, acme, beta):
    sarah = sarah_at_acme_and_beta
    api.patch(edge_path("contact", sarah, "accounts", beta), json={"role": "Advisor"})

    from_acme = api.get(contacts_of(acme)).get_json()
    from_beta = api.get(contacts_of(beta)).get_json()

    assert from_acme["parent"] == {"id": acme, "record_type": "account"}
    assert from_acme["relationship"] == "contacts"
    [person] = from_acme["data"]
    assert (person["id"], person["record_type"]) == (sarah, "contact")
    assert person["attributes"]["primary_email"] == "sarah@acme.com"
    assert person["edge"] == PRIMARY
    assert [(p["id"], p["edge"]) for p in from_beta["data"]] == [
        (sarah, {"role": "Advisor", "is_primary": False})
    ]
    assert edges_listed(api.get(accounts_of(sarah))) == [
        (acme, PRIMARY),
        (beta, {"role": "Advisor", "is_primary": False}),
    ]


def test_a_link_added_from_the_account_shows_on_the_contact(api, sarah, acme):
    response = api.post(contacts_of(acme), json={"related_record_id": sarah, "role": "Buyer"})

    assert response.status_code == 201, response.text
    assert edges_listed(api.get(accounts_of(sarah))) == [
        (acme, {"role": "Buyer", "is_primary": True})
    ]


def test_archived_accounts_are_hidden_unless_asked_for(api, sarah_at_acme_and_beta, acme, beta):
    sarah = sarah_at_acme_and_beta
    archive(api, "account", beta)

    hidden = api.get(accounts_of(sarah)).get_json()
    shown = api.get(accounts_of(sarah) + "?include_archived=true").get_json()

    assert [item["id"] for item in hidden["data"]] == [acme]
    assert hidden["meta"]["total"] == 1
    assert [item["id"] for item in shown["data"]] == [acme, beta]
    assert shown["data"][1]["attributes"]["archived_at"] is not None
    assert shown["meta"]["total"] == 2


def test_archived_contacts_are_hidden_from_an_account_unless_asked_for(api, sarah, acme):
    link(api, accounts_of(sarah), acme)
    colleague = new_contact(api, "Kyle", "kyle@acme.com")
    link(api, accounts_of(colleague), acme)
    archive(api, "contact", colleague)

    assert [i for i, _ in edges_listed(api.get(contacts_of(acme)))] == [sarah]
    shown = api.get(contacts_of(acme) + "?include_archived=true")
    assert sorted(i for i, _ in edges_listed(shown)) == sorted([sarah, colleague])


def test_an_archived_parent_is_not_found(db, api, sarah, acme):
    link(api, accounts_of(sarah), acme)
    archive(api, "contact", sarah)

    edge = edge_path("contact", sarah, "accounts", acme)
    for response in (
        api.get(accounts_of(sarah)),
        api.post(accounts_of(sarah), json={"related_record_id": acme}),
        api.patch(edge, json={"role": "CTO"}),
        api.delete(edge),
    ):
        error_of(response, 404, "record_not_found")
    assert stored_edges(db, sarah) == {acme: PRIMARY}


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v2/contact/999999/relationship/accounts", 404, "record_not_found"),
        ("/api/v2/account/999999/relationship/contacts", 404, "record_not_found"),
        ("/api/v2/widget/1/relationship/accounts", 404, "unknown_record_type"),
        ("/api/v2/contact/1/relationship/accounts?include_archived=maybe", 400, "invalid_filter"),
        ("/api/v2/contact/1/relationship/accounts?per_page=0", 422, "validation_failed"),
        ("/api/v2/contact/1/relationship/accounts?per_page=101", 422, "validation_failed"),
    ],
)
def test_reading_a_missing_parent_or_bad_arguments_is_refused(api, sarah, path, status, code):
    error_of(api.get(path.replace("/1/", f"/{sarah}/")), status, code)


def test_an_unknown_relationship_is_404_on_every_method(api, sarah, acme):
    path = related_path("contact", sarah, "companies")
    for response in (
        api.get(path),
        api.post(path, json={"related_record_id": acme}),
        api.patch(f"{path}/{acme}", json={"role": "CTO"}),
        api.delete(f"{path}/{acme}"),
    ):
        error = error_of(response, 404, "unknown_relationship")
        assert error["details"]["relationship"] == "companies"


def test_per_page_one_walks_every_link_once(api, sarah_at_acme_and_beta, acme, beta, gamma):
    sarah = sarah_at_acme_and_beta
    link(api, accounts_of(sarah), gamma)

    pages = walk(api, accounts_of(sarah) + "?per_page=1")

    assert [[item["id"] for item in page["data"]] for page in pages] == [[acme], [beta], [gamma]]
    assert [page["meta"] for page in pages] == [
        {"page": n, "per_page": 1, "total": 3} for n in (1, 2, 3)
    ]
    assert ["prev" in page["links"] for page in pages] == [False, True, True]
    assert ["next" in page["links"] for page in pages] == [True, True, False]
    assert api.get(pages[2]["links"]["prev"]).get_json()["data"] == pages[1]["data"]


def test_following_next_keeps_showing_archived_links(
    api, sarah_at_acme_and_beta, acme, beta, gamma
):
    sarah = sarah_at_acme_and_beta
    link(api, accounts_of(sarah), gamma)
    archive(api, "account", beta)

    pages = walk(api, accounts_of(sarah) + "?per_page=1&include_archived=true")

    assert [item["id"] for page in pages for item in page["data"]] == [acme, beta, gamma]


def test_a_page_past_the_end_is_empty(api, sarah_at_acme_and_beta):
    body = api.get(accounts_of(sarah_at_acme_and_beta) + "?page=5").get_json()

    assert body["data"] == []
    assert body["meta"] == {"page": 5, "per_page": 25, "total": 2}
    assert "next" not in body["links"]


# --- adding --------------------------------------------------------------------------------------


def test_linking_by_id_creates_the_first_link_as_primary(db, api, sarah, acme):
    response = api.post(accounts_of(sarah), json={"related_record_id": acme})

    assert response.status_code == 201, response.text
    body = response.get_json()
    assert body["meta"] == {"action": "created"}
    assert (body["data"]["id"], body["data"]["record_type"]) == (acme, "account")
    assert body["data"]["edge"] == PRIMARY
    assert stored_edges(db, sarah) == {acme: PRIMARY}


def test_linking_by_domain_match_takes_the_edge_fields(
    db, api, sarah_at_acme_and_beta, acme, gamma
):
    sarah = sarah_at_acme_and_beta
    response = api.post(
        accounts_of(sarah),
        json={"related_record_match": {"domain_name": "gamma.com"}, "role": "CTO"},
    )

    assert response.status_code == 201, response.text
    assert response.get_json()["data"]["id"] == gamma
    assert stored_edges(db, sarah)[gamma] == {"role": "CTO", "is_primary": False}
    assert stored_edges(db, sarah)[acme] == PRIMARY


@pytest.mark.parametrize(
    "match",
    [
        {"primary_email": "sarah@acme.com"},
        {"contact_emails": "sarah@acme.com"},
        {"contact_emails": ["sarah@acme.com", "nobody@acme.com"]},
        {"primary_email": "Sarah@ACME.com"},
    ],
)
def test_an_account_links_a_contact_matched_by_email(db, api, sarah, acme, match):
    response = api.post(contacts_of(acme), json={"related_record_match": match})

    assert response.status_code == 201, response.text
    assert response.get_json()["data"]["id"] == sarah
    assert stored_edges(db, sarah) == {acme: PRIMARY}


def test_linking_again_updates_only_the_edge_fields_given(
    db, api, sarah_at_acme_and_beta, acme, beta
):
    sarah = sarah_at_acme_and_beta
    api.patch(edge_path("contact", sarah, "accounts", acme), json={"role": "CEO"})

    again = api.post(accounts_of(sarah), json={"related_record_id": acme})
    renamed = api.post(contacts_of(beta), json={"related_record_id": sarah, "role": "Board"})

    assert again.status_code == 200, again.text
    assert again.get_json()["meta"] == {"action": "updated"}
    assert again.get_json()["data"]["edge"] == {"role": "CEO", "is_primary": True}
    assert renamed.status_code == 200, renamed.text
    assert renamed.get_json()["meta"] == {"action": "updated"}
    assert stored_edges(db, sarah) == {
        acme: {"role": "CEO", "is_primary": True},
        beta: {"role": "Board", "is_primary": False},
    }


def test_linking_a_new_primary_demotes_the_old_one(db, api, sarah, acme, beta):
    link(api, accounts_of(sarah), acme)

    response = api.post(accounts_of(sarah), json={"related_record_id": beta, "is_primary": True})

    assert response.status_code == 201, response.text
    assert stored_edges(db, sarah) == {acme: SECONDARY, beta: PRIMARY}
    assert edges_listed(api.get(accounts_of(sarah))) == [(beta, PRIMARY), (acme, SECONDARY)]
    assert edges_listed(api.get(contacts_of(acme))) == [(sarah, SECONDARY)]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"role": "CTO"},
        {"related_record_id": "1", "related_record_match": {"domain_name": "x.com"}},
    ],
    ids=["empty", "edge-only", "both"],
)
def test_a_target_is_named_exactly_once(db, api, sarah, acme, body):
    error_of(api.post(accounts_of(sarah), json=body), 400, "invalid_json")
    assert stored_edges(db, sarah) == {}


@pytest.mark.parametrize(
    "body",
    ["not json", "[1, 2]", "null"],
)
def test_a_body_that_is_not_a_json_object_is_refused(db, api, sarah, body):
    response = api.post(accounts_of(sarah), data=body, content_type="application/json")
    error_of(response, 400, "invalid_json")


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"title": "CTO"}, 400, "unknown_field", "title"),
        ({"role": "x" * 121}, 422, "field_value_invalid", "role"),
        ({"role": 7}, 422, "field_value_invalid", "role"),
        ({"is_primary": "yes"}, 422, "field_value_invalid", "is_primary"),
        ({"is_primary": 1}, 422, "field_value_invalid", "is_primary"),
        ({"is_primary": None}, 422, "field_value_invalid", "is_primary"),
    ],
)
def test_bad_edge_fields_are_refused_and_nothing_is_linked(
    db, api, sarah, acme, body, status, code, field
):
    response = api.post(accounts_of(sarah), json={"related_record_id": acme, **body})

    error = error_of(response, status, code)
    assert set(error["details"]["fields"]) == {field}
    assert stored_edges(db, sarah) == {}
    assert update_events(db, sarah) == []


def test_a_role_of_120_characters_is_kept_whole(db, api, sarah, acme):
    response = api.post(accounts_of(sarah), json={"related_record_id": acme, "role": "r" * 120})

    assert response.status_code == 201, response.text
    assert stored_edges(db, sarah)[acme]["role"] == "r" * 120


@pytest.mark.parametrize(
    "match",
    [{"name": "Acme"}, {"industry": "Software"}, {"domain_name": "acme.com", "name": "Acme"}],
)
def test_matching_by_a_field_that_is_not_unique_is_refused(db, api, sarah, acme, match):
    error = error_of(
        api.post(accounts_of(sarah), json={"related_record_match": match}),
        400,
        "invalid_matching_field",
    )
    assert set(error["details"]["fields"]) == set(match) - {"domain_name"}
    assert stored_edges(db, sarah) == {}


def test_a_match_that_finds_two_contacts_is_ambiguous(db, api, sarah, acme):
    kyle = new_contact(api, "Kyle", "kyle@acme.com")
    match = {"contact_emails": ["sarah@acme.com", "kyle@acme.com"]}

    error = error_of(api.post(contacts_of(acme), json={"related_record_match": match}), 409)

    assert error["code"] == "ambiguous_match"
    assert sorted(error["details"]["record_ids"]) == sorted([sarah, kyle])
    assert stored_edges(db, sarah) == {} and stored_edges(db, kyle) == {}


def test_a_match_that_finds_two_accounts_is_ambiguous(db, api, sarah, acme, beta):
    match = {"domains": ["acme.com", "beta.com"]}

    error = error_of(api.post(accounts_of(sarah), json={"related_record_match": match}), 409)

    assert error["code"] == "ambiguous_match"
    assert sorted(error["details"]["record_ids"]) == sorted([acme, beta])
    assert stored_edges(db, sarah) == {}


def test_a_match_of_two_emails_of_one_contact_is_not_ambiguous(db, api, acme):
    sarah = new_contact(api, "Sarah", "sarah@acme.com", "s.connor@acme.com")
    match = {"contact_emails": ["sarah@acme.com", "s.connor@acme.com"]}

    response = api.post(contacts_of(acme), json={"related_record_match": match})

    assert response.status_code == 201, response.text
    assert stored_edges(db, sarah) == {acme: PRIMARY}


@pytest.mark.parametrize(
    "target",
    [
        {"related_record_id": "999999"},
        {"related_record_id": 999999},
        {"related_record_id": "abc"},
        {"related_record_id": True},
        {"related_record_id": None},
        {"related_record_match": {"domain_name": "nowhere.com"}},
    ],
)
def test_a_target_that_does_not_exist_is_not_found(db, api, sarah, target):
    error_of(api.post(accounts_of(sarah), json=target), 404, "target_record_not_found")
    assert stored_edges(db, sarah) == {}


@pytest.mark.parametrize(
    "target", [{"related_record_id": "ACME"}, {"related_record_match": {"domain_name": "acme.com"}}]
)
def test_an_archived_target_is_not_found(db, api, sarah, acme, target):
    archive(api, "account", acme)
    body = {k: (acme if v == "ACME" else v) for k, v in target.items()}

    error_of(api.post(accounts_of(sarah), json=body), 404, "target_record_not_found")
    assert stored_edges(db, sarah) == {}


def test_an_archived_contact_cannot_be_linked_from_an_account(db, api, sarah, acme):
    archive(api, "contact", sarah)

    for target in (
        {"related_record_id": sarah},
        {"related_record_match": {"primary_email": "sarah@acme.com"}},
    ):
        error_of(api.post(contacts_of(acme), json=target), 404, "target_record_not_found")
    assert stored_edges(db, sarah) == {}


def test_linking_to_a_missing_or_archived_parent_is_not_found(db, api, sarah, acme):
    error_of(
        api.post(accounts_of(999999), json={"related_record_id": acme}), 404, "record_not_found"
    )
    archive(api, "account", acme)
    error_of(
        api.post(contacts_of(acme), json={"related_record_id": sarah}), 404, "record_not_found"
    )
    assert stored_edges(db, sarah) == {}


# --- patching an edge ----------------------------------------------------------------------------


def test_patching_an_edge_sets_role_and_moves_the_primary(
    db, api, sarah_at_acme_and_beta, acme, beta
):
    sarah = sarah_at_acme_and_beta

    response = api.patch(
        edge_path("contact", sarah, "accounts", beta), json={"role": "CTO", "is_primary": True}
    )

    assert response.status_code == 200, response.text
    item = response.get_json()["data"]
    assert (item["id"], item["record_type"]) == (beta, "account")
    assert item["attributes"]["name"] == "Beta"
    assert item["edge"] == {"role": "CTO", "is_primary": True}
    assert stored_edges(db, sarah) == {acme: SECONDARY, beta: {"role": "CTO", "is_primary": True}}
    assert edges_listed(api.get(contacts_of(acme))) == [(sarah, SECONDARY)]


def test_patching_from_the_account_side_changes_the_same_edge(
    db, api, sarah_at_acme_and_beta, acme, beta
):
    sarah = sarah_at_acme_and_beta

    response = api.patch(edge_path("account", beta, "contacts", sarah), json={"is_primary": True})

    assert response.status_code == 200, response.text
    assert response.get_json()["data"]["id"] == sarah
    assert response.get_json()["data"]["edge"] == PRIMARY
    assert stored_edges(db, sarah) == {acme: SECONDARY, beta: PRIMARY}


def test_a_patch_of_role_alone_keeps_the_primary(db, api, sarah_at_acme_and_beta, acme, beta):
    sarah = sarah_at_acme_and_beta

    api.patch(edge_path("contact", sarah, "accounts", acme), json={"role": "CEO"})
    cleared = api.patch(edge_path("contact", sarah, "accounts", acme), json={"role": None})

    assert cleared.status_code == 200, cleared.text
    assert stored_edges(db, sarah) == {acme: PRIMARY, beta: SECONDARY}


def test_a_contact_keeps_its_primary_account(db, api, sarah_at_acme_and_beta, acme, beta):
    sarah = sarah_at_acme_and_beta

    error = error_of(
        api.patch(edge_path("contact", sarah, "accounts", acme), json={"is_primary": False}),
        422,
        "field_value_invalid",
    )

    assert set(error["details"]["fields"]) == {"is_primary"}
    assert stored_edges(db, sarah) == {acme: PRIMARY, beta: SECONDARY}


def test_is_primary_false_on_a_secondary_link_changes_nothing(
    db, api, sarah_at_acme_and_beta, acme, beta
):
    sarah = sarah_at_acme_and_beta

    response = api.patch(edge_path("contact", sarah, "accounts", beta), json={"is_primary": False})

    assert response.status_code == 200, response.text
    assert stored_edges(db, sarah) == {acme: PRIMARY, beta: SECONDARY}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"title": "CTO"}, 400, "unknown_field"),
        ({"related_record_id": "1"}, 400, "unknown_field"),
        ({"role": "x" * 121}, 422, "field_value_invalid"),
        ({"is_primary": "true"}, 422, "field_value_invalid"),
        ({"is_primary": None}, 422, "field_value_invalid"),
    ],
)
def test_a_bad_patch_is_refused_and_changes_nothing(
    db, api, sarah_at_acme_and_beta, acme, beta, body, status, code
):
    sarah = sarah_at_acme_and_beta
    before = len(update_events(db, sarah))

    error_of(api.patch(edge_path("contact", sarah, "accounts", beta), json=body), status, code)

    assert stored_edges(db, sarah) == {acme: PRIMARY, beta: SECONDARY}
    assert len(update_events(db, sarah)) == before


@pytest.mark.parametrize("body", ["[]", "null", "role=CTO"])
def test_a_patch_body_that_is_not_a_json_object_is_refused(db, api, sarah, acme, body):
    link(api, accounts_of(sarah), acme)

    response = api.patch(
        edge_path("contact", sarah, "accounts", acme), data=body, content_type="application/json"
    )

    error_of(response, 400, "invalid_json")
    assert stored_edges(db, sarah) == {acme: PRIMARY}


def test_patching_a_link_that_does_not_exist_is_not_found(db, api, sarah, acme, beta):
    link(api, accounts_of(sarah), acme)

    for response in (
        api.patch(edge_path("contact", sarah, "accounts", beta), json={"role": "CTO"}),
        api.patch(edge_path("contact", sarah, "accounts", 999999), json={"role": "CTO"}),
        api.patch(edge_path("account", beta, "contacts", sarah), json={"role": "CTO"}),
    ):
        error_of(response, 404, "target_record_not_found")
    error_of(
        api.patch(edge_path("contact", 999999, "accounts", acme), json={"role": "CTO"}),
        404,
        "record_not_found",
    )
    assert stored_edges(db, sarah) == {acme: PRIMARY}


# --- removing ------------------------------------------------------------------------------------


def test_removing_a_link_deletes_it_from_both_sides(db, api, sarah_at_acme_and_beta, acme, beta):
    sarah = sarah_at_acme_and_beta

    response = api.delete(edge_path("account", beta, "contacts", sarah))

    assert response.status_code == 204
    assert response.get_data() == b""
    assert stored_edges(db, sarah) == {acme: PRIMARY}
    assert edges_listed(api.get(contacts_of(beta))) == []
    assert edges_listed(api.get(accounts_of(sarah))) == [(acme, PRIMARY)]


def test_removing_the_primary_link_makes_the_next_account_primary(
    db, api, sarah_at_acme_and_beta, acme, beta, gamma
):
    sarah = sarah_at_acme_and_beta
    link(api, accounts_of(sarah), gamma, role="Advisor")

    response = api.delete(edge_path("contact", sarah, "accounts", acme))

    assert response.status_code == 204
    assert stored_edges(db, sarah) == {
        beta: PRIMARY,
        gamma: {"role": "Advisor", "is_primary": False},
    }
    assert edges_listed(api.get(contacts_of(beta))) == [(sarah, PRIMARY)]


def test_removing_the_last_link_leaves_no_accounts(db, api, sarah, acme):
    link(api, accounts_of(sarah), acme)

    assert api.delete(edge_path("contact", sarah, "accounts", acme)).status_code == 204
    assert stored_edges(db, sarah) == {}
    assert edges_listed(api.get(accounts_of(sarah))) == []


def test_removing_a_link_that_does_not_exist_is_not_found(db, api, sarah, acme, beta):
    link(api, accounts_of(sarah), acme)

    assert api.delete(edge_path("contact", sarah, "accounts", acme)).status_code == 204
    for response in (
        api.delete(edge_path("contact", sarah, "accounts", acme)),
        api.delete(edge_path("account", beta, "contacts", sarah)),
        api.delete(edge_path("contact", sarah, "accounts", 999999)),
    ):
        error_of(response, 404, "target_record_not_found")
    error_of(api.delete(edge_path("contact", 999999, "accounts", acme)), 404, "record_not_found")


# --- permissions ---------------------------------------------------------------------------------


def calls(sarah: str, acme: str, beta: str) -> dict[str, tuple[str, str, dict | None]]:
    """One request of each kind, on Sarah linked to Acme and Beta."""
    edge = edge_path("contact", sarah, "accounts", beta)
    return {
        "GET": ("GET", accounts_of(sarah), None),
        "POST": ("POST", contacts_of(acme), {"related_record_id": sarah, "role": "Spy"}),
        "PATCH": ("PATCH", edge, {"is_primary": True}),
        "DELETE": ("DELETE", edge, None),
    }


def send(caller, method: str, path: str, body: dict | None):
    return (
        getattr(caller, method.lower())(path, json=body)
        if body
        else getattr(caller, method.lower())(path)
    )


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE"])
def test_without_an_api_key_every_call_is_401(
    db, client, api, sarah_at_acme_and_beta, acme, beta, method
):
    _, path, body = calls(sarah_at_acme_and_beta, acme, beta)[method]

    error_of(client.open(path, method=method, json=body), 401, "unauthenticated")
    error_of(
        client.open(path, method=method, json=body, headers={"Authorization": "Bearer nope"}), 401
    )
    assert stored_edges(db, sarah_at_acme_and_beta) == {acme: PRIMARY, beta: SECONDARY}


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE"])
def test_a_key_without_crm_permissions_is_403(
    db, no_crm_api, sarah_at_acme_and_beta, acme, beta, method
):
    error = error_of(
        send(no_crm_api, *calls(sarah_at_acme_and_beta, acme, beta)[method]), 403, "forbidden"
    )

    assert error["details"]["permission"] == (
        access.CRM_READ if method == "GET" else access.CRM_WRITE
    )
    assert stored_edges(db, sarah_at_acme_and_beta) == {acme: PRIMARY, beta: SECONDARY}


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_a_read_only_key_reads_but_cannot_write(
    db, read_only_api, sarah_at_acme_and_beta, acme, beta, method
):
    sarah = sarah_at_acme_and_beta

    assert edges_listed(send(read_only_api, *calls(sarah, acme, beta)["GET"])) == [
        (acme, PRIMARY),
        (beta, SECONDARY),
    ]
    error = error_of(send(read_only_api, *calls(sarah, acme, beta)[method]), 403, "forbidden")
    assert error["details"]["permission"] == access.CRM_WRITE
    assert stored_edges(db, sarah) == {acme: PRIMARY, beta: SECONDARY}


# --- the pages and the audit trail agree ---------------------------------------------------------


def test_the_pages_show_a_link_made_through_the_api(client, login_as, api, sarah, acme):
    link(api, accounts_of(sarah), acme, role="Chief Technology Officer")
    login_as("member")

    contact_page = client.get(f"/contacts/{sarah}")
    company_page = client.get(f"/companies/{acme}")

    assert contact_page.status_code == 200
    assert "Acme" in contact_page.text
    assert "Chief Technology Officer" in contact_page.text
    assert company_page.status_code == 200
    assert "Sarah Connor" in company_page.text
    assert "Chief Technology Officer" in company_page.text


def test_the_company_page_drops_a_person_unlinked_through_the_api(
    client, login_as, api, sarah, acme
):
    link(api, accounts_of(sarah), acme)
    api.delete(edge_path("account", acme, "contacts", sarah))
    login_as("member")

    assert "Sarah Connor" not in client.get(f"/companies/{acme}").text
    assert "Not linked to any company" in client.get(f"/contacts/{sarah}").text


def test_each_write_is_audited_on_the_contact_with_the_api_key(db, api, sarah, acme, beta):
    link(api, accounts_of(sarah), acme)
    link(api, contacts_of(beta), sarah, role="CTO")
    api.patch(edge_path("contact", sarah, "accounts", beta), json={"is_primary": True})
    api.delete(edge_path("account", acme, "contacts", sarah))

    events = update_events(db, sarah)

    assert [e.api_key_id for e in events] == [api.api_key.id] * 4
    assert {e.user_id for e in events} == {api.user.id}
    assert [e.changes["company_links"] for e in events] == [
        {"before": [], "after": [{"company_id": int(acme), "role": None, "is_primary": True}]},
        {
            "before": [{"company_id": int(acme), "role": None, "is_primary": True}],
            "after": [
                {"company_id": int(acme), "role": None, "is_primary": True},
                {"company_id": int(beta), "role": "CTO", "is_primary": False},
            ],
        },
        {
            "before": [
                {"company_id": int(acme), "role": None, "is_primary": True},
                {"company_id": int(beta), "role": "CTO", "is_primary": False},
            ],
            "after": [
                {"company_id": int(acme), "role": None, "is_primary": False},
                {"company_id": int(beta), "role": "CTO", "is_primary": True},
            ],
        },
        {
            "before": [
                {"company_id": int(beta), "role": "CTO", "is_primary": True},
                {"company_id": int(acme), "role": None, "is_primary": False},
            ],
            "after": [{"company_id": int(beta), "role": "CTO", "is_primary": True}],
        },
    ]
    assert all(set(e.changes) == {"company_links"} for e in events)


def test_linking_again_with_nothing_new_writes_no_event(db, api, sarah, acme):
    link(api, accounts_of(sarah), acme, role="CTO")

    again = api.post(accounts_of(sarah), json={"related_record_id": acme, "role": "CTO"})

    assert again.status_code == 200, again.text
    assert len(update_events(db, sarah)) == 1


# --- cost ----------------------------------------------------------------------------------------


def queries_to_list(api, count_queries, path: str) -> int:
    with count_queries() as statements:
        response = api.get(path)
    assert response.status_code == 200, response.text
    return len(statements)


def test_listing_accounts_costs_the_same_queries_for_2_and_20(db, api, count_queries):
    few, many = contact_with_accounts(2), contact_with_accounts(20)
    db.session.commit()
    api.get(accounts_of(few.id))  # warm up: the first request may load what later ones reuse

    with_two = queries_to_list(api, count_queries, accounts_of(few.id))
    with_twenty = queries_to_list(api, count_queries, accounts_of(many.id))

    assert len(api.get(accounts_of(many.id)).get_json()["data"]) == 20
    assert with_twenty == with_two


def test_listing_contacts_costs_the_same_queries_for_2_and_20(db, api, count_queries):
    few, many = account_with_contacts(2), account_with_contacts(20)
    db.session.commit()
    api.get(contacts_of(few.id))

    with_two = queries_to_list(api, count_queries, contacts_of(few.id))
    with_twenty = queries_to_list(api, count_queries, contacts_of(many.id))

    assert len(api.get(contacts_of(many.id)).get_json()["data"]) == 20
    assert with_twenty == with_two


# --- what each record type supports (from the registry) ------------------------------------------

DECLARED = [
    pytest.param(kind, spec.api_name, id=f"{kind.api_name}.{spec.api_name}")
    for kind in record_types()
    for spec in kind.relationships
]


@pytest.mark.parametrize(("record_kind", "api_name"), DECLARED)
def test_every_declared_relationship_can_be_read(api, record_kind, api_name):
    record_id = minimal_record(api, record_kind)

    response = api.get(related_path(record_kind.api_name, record_id, api_name))

    assert response.status_code == 200, response.text
    body = response.get_json()
    assert body["parent"] == {"id": record_id, "record_type": record_kind.api_name}
    assert body["relationship"] == api_name
    # A singleton kept by a required field of the parent (a note's contact) lists that record.
    required = record_kind.field(api_name)
    if required is not None and required.required:
        record = api.get(f"/api/v2/{record_kind.api_name}/{record_id}").get_json()["data"]
        assert [item["id"] for item in body["data"]] == [record["attributes"][api_name]]
    else:
        assert body["data"] == []
        assert body["meta"]["total"] == 0


@pytest.mark.parametrize(
    "record_kind", [pytest.param(kind, id=kind.api_name) for kind in record_types()]
)
def test_an_undeclared_relationship_is_unknown(api, record_kind):
    record_id = minimal_record(api, record_kind)
    undeclared = "no_such_relationship"
    assert record_kind.relationship(undeclared) is None

    error = error_of(
        api.get(related_path(record_kind.api_name, record_id, undeclared)),
        404,
        "unknown_relationship",
    )
    assert error["details"] == {"record_type": record_kind.api_name, "relationship": undeclared}
