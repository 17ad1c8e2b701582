"""Schemathesis against ``/api/openapi.json``, in process: every documented operation, called with
an admin's API key on a few seeded records, answers no 5xx, only documented statuses and content
types, bodies that match the document, the JSON error envelope for every error, a 4xx for input
the document rules out, and a 401 exactly when the key is missing or mangled.

The run is bounded and reproducible: the coverage phase (boundary and invalid values, fixed by
the document) plus a few derandomized examples per operation, and no example database, so CI
sends the same requests every time. For a deeper search, locally:
``FUZZ_MAX_EXAMPLES=100 FUZZ_SEED=7 .venv/bin/pytest -q tests/api/test_fuzz_openapi.py``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
import schemathesis
from flask import current_app, g
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.exceptions import HTTPException

from tests.api.client_helpers import client_company, created_partner
from tests.api.message_helpers import opted_in_contact
from tests.api.relationship_helpers import client_contact
from webapp.extensions import db as _db
from webapp.services.validation import MAX_ID

if TYPE_CHECKING:
    from schemathesis import Case

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "5"))  # per operation, fuzzing phase
SEED = os.environ.get("FUZZ_SEED")  # unset: derandomized, the same examples on every run

CONFIG: dict[str, Any] = {
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": SEED is None, "database": "none"},
    "phases": {"stateful": {"enabled": False}},
} | ({"seed": int(SEED)} if SEED else {})

PROJECT = {
    "slug": "fuzz_project",
    "name": "Fuzz project",
    "attributes": [
        {"slug": "code", "name": "Code", "value_type": "text", "required": True, "unique": True},
        {"slug": "budget", "name": "Budget", "value_type": "number"},
        {
            "slug": "client",
            "name": "Client contact",
            "value_type": "relation",
            "target_record_type": "contact",
        },
    ],
}


@schemathesis.check
def error_envelope(ctx, response, case) -> bool | None:
    """Every 4xx and 5xx is ``{"error": {"code", "message", "details"}}`` in JSON."""
    if response.status_code < 400:
        return None
    body = response.json()
    error = body.get("error") if isinstance(body, dict) else None
    assert isinstance(error, dict), f"Not the error envelope: {response.text[:200]}"
    assert isinstance(error.get("code"), str) and error["code"], "The envelope has no code"
    assert isinstance(error.get("message"), str), "The envelope has no message"
    assert isinstance(error.get("details"), dict), "The envelope has no details object"
    return True


# ``Authorization`` as the run's caller sends it; set by the ``api_schema`` fixture.
VALID_AUTHORIZATION: dict[str, str] = {}


@schemathesis.check
def keyed(ctx, response, case) -> bool | None:
    """With the caller's key, never a 401; with no key or a mangled header (cases that test the
    security scheme), always one, unless the path is no route at all (a 404 before any view)."""
    sent = response.request.headers.get("Authorization")
    if sent == VALID_AUTHORIZATION["header"]:
        assert response.status_code != 401, f"401 with a valid key: {response.text[:200]}"
    elif _routes(response.request):
        assert response.status_code == 401, f"{response.status_code} for Authorization: {sent!r}"
    return True


def _routes(request) -> bool:
    """Whether the request's path and method reach a view."""
    try:
        current_app.url_map.bind("localhost").match(urlsplit(request.url).path, request.method)
    except HTTPException:
        return False
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    error_envelope,
    keyed,
]
# A batch answers each item alone: an item that breaks the schema gets its own error inside a
# 200 (the batch tests hold it to that), so invalid items are not a rejected request.
BATCH_CHECKS = [check for check in CHECKS if check is not negative_data_rejection]


@pytest.fixture
def caller(api_client):
    """An admin executive's key: every permission, so admin-only operations are fuzzed too."""
    return api_client(role="executive", name="Fuzz Admin", is_admin=True)


def _created(caller, path: str, body: dict, key: str = "data") -> int:
    """POST ``body``; the new object's id (under ``key`` in the answer)."""
    response = caller.post(path, json=body)
    assert response.status_code == 201, response.text
    return int(response.get_json()[key]["id"])


def _seed(caller) -> dict[str, list[int]]:
    """A client company with people, events, actions, a partner, a message, an opportunity, a
    custom object and its record, and a contact relationship; their ids by path parameter."""
    firm = client_company("Fuzz Engines Ltd")
    ada = client_contact(caller.user, company=firm)
    grace = opted_in_contact(caller.user, "Grace", "Hopper", email="grace@fuzz.example")
    _db.session.commit()
    base = f"/api/relationships/contacts/{ada.id}"
    birthday = {"event_type": "birthday", "title": "Birthday", "event_date": "12-10"}
    event = _created(caller, f"{base}/life-events", birthday, "event")
    card = {"title": "Send a card", "action_type": "card"}
    action = _created(caller, f"{base}/relationship-actions", card, "action")
    partner = created_partner(caller, firm)
    opportunity = _created(
        caller, "/api/v2/opportunity", {"attributes": {"name": "Fuzz deal", "account": firm.id}}
    )
    schema = caller.post("/api/v2/_schema", json=PROJECT)
    assert schema.status_code == 201, schema.text
    project = _created(
        caller, f"/api/v2/{PROJECT['slug']}", {"attributes": {"code": "F1", "client": ada.id}}
    )
    types = caller.get("/api/v2/relationship-types").get_json()["data"]
    link = caller.post(
        "/api/v2/contact-relationships",
        json={"contact_is": ada.id, "relationship_type_id": types[0]["id"], "of_contact": grace.id},
    )
    assert link.status_code == 201, link.text
    contacts = [ada.id, grace.id]
    return {
        "contact_id": contacts,
        "company_id": [firm.id],
        "event_id": [event],
        "action_id": [action],
        "partner_id": [int(partner["id"])],
        "type_id": [int(types[-1]["id"])],
        "relationship_id": [int(link.get_json()["data"]["id"])],
        "record_id": [*contacts, firm.id, opportunity, project],
        "target_id": [*contacts, firm.id, opportunity],
    }


@pytest.fixture
def api_schema(app, db, caller, fake_twilio, monkeypatch, request):
    """The live document, loaded from the app after seeding (so the custom object is in it)."""
    # Schemathesis names each operation's subtest through ``node._nodeid``, which pytest 9.2
    # no longer has; give it one (the names it writes there are only for reports).
    request.node._nodeid = request.node.nodeid
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "1000000 per minute")
    seeded = _seed(caller)
    # The key as the document's own bearer scheme: schemathesis sends it on every request and
    # does not count a request that lacks it as bad input of the operation.
    auth = {"auth": {"openapi": {"bearer": {"bearer": caller.secret}}}}
    monkeypatch.setitem(VALID_AUTHORIZATION, "header", f"Bearer {caller.secret}")
    config = schemathesis.Config.from_dict(CONFIG | auth)
    loaded = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=config)

    @loaded.hook
    def flatmap_path_parameters(context, path_parameters: dict[str, Any]):
        """Often swap a valid generated id for a seeded one, so real records are hit, not only
        404s (an invalid id, in a negative case, stays: it is what the case tests)."""
        choices = [path_parameters]
        for name, ids in seeded.items() if path_parameters else ():
            value = path_parameters.get(name)
            if type(value) is int and 1 <= value <= MAX_ID:
                choices += [path_parameters | {name: known} for known in ids]
        return st.sampled_from(choices)

    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_api_answers_every_input_as_documented(case: Case):
    # Requests share the test's app context: forget the previous request's actor, as
    # ``FreshIdentityClient`` does for the other tests.
    for per_request in ("actor", "_login_user", "unmatched_count"):
        g.pop(per_request, None)
    checks = BATCH_CHECKS if case.operation.path.endswith("/_batch") else CHECKS
    case.call_and_validate(checks=checks)
