"""The action lists' filters as the document gives them: each may be sent empty (a form's blank
field) and then reads as not given; a contact's own list takes its contact from the path only."""

from __future__ import annotations

import pytest

from tests.api.relationship_helpers import (
    ACTION_LIST_FILTERS,
    action_for,
    client_contact,
    company,
)
from webapp.extensions import db as _db

ALL_ACTIONS = "/api/relationships/relationship-actions"
EMPTY_FILTERS = ACTION_LIST_FILTERS  # each may be sent empty, meaning "not filtered"


def query_parameters(client, path: str) -> dict[str, dict]:
    document = client.get("/api/openapi.json").get_json()
    parameters = document["paths"][path]["get"]["parameters"]
    return {p["name"]: p for p in parameters if p["in"] == "query"}


@pytest.fixture
def listed(api):
    """Two actions of the caller's, for two contacts."""
    firm = company("Fuzz Engines Ltd")
    ada = client_contact(api.user, company=firm)
    grace = client_contact(api.user, "Grace", "Hopper", email="grace@fuzz.example", company=firm)
    action_for(api.user, ada)
    action_for(api.user, grace)
    _db.session.commit()
    return ada, grace


def test_every_filter_is_documented_as_allowed_empty(client):
    parameters = query_parameters(client, ALL_ACTIONS)
    assert {n for n, p in parameters.items() if p.get("allowEmptyValue")} == set(EMPTY_FILTERS)
    assert not parameters["page"].get("allowEmptyValue")


@pytest.mark.parametrize("name", EMPTY_FILTERS)
def test_an_empty_filter_lists_as_if_it_was_not_sent(api, listed, name):
    response = api.get(f"{ALL_ACTIONS}?{name}=")
    assert response.status_code == 200, response.text
    assert response.get_json()["meta"]["total"] == 2


def test_an_empty_page_is_still_refused(api, listed):
    response = api.get(f"{ALL_ACTIONS}?page=")
    assert response.status_code == 422, response.text
    assert "page" in response.get_json()["error"]["details"]["fields"]


def test_a_contacts_list_documents_no_contact_id_filter_and_ignores_one(client, api, listed):
    ada, grace = listed
    path = f"/api/relationships/contacts/{ada.id}/relationship-actions"
    assert "contact_id" not in query_parameters(
        client, "/api/relationships/contacts/{contact_id}/relationship-actions"
    )
    response = api.get(f"{path}?contact_id={grace.id}")
    assert response.status_code == 200, response.text
    assert [a["contact_id"] for a in response.get_json()["actions"]] == [str(ada.id)]
