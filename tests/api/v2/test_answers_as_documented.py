"""Answers the fuzzer found outside the document, now in it: linking a record that is already
linked (meta.action "updated"), and archiving a task that mirrors a relationship action (409)."""

from __future__ import annotations

from tests.api.relationship_helpers import action_for, client_contact
from tests.api.v2.relationship_helpers import accounts_of, link, new_account, new_contact
from tests.api.v2.test_openapi_v2 import assert_documented
from webapp.extensions import db as _db

LINK = "/api/v2/contact/{record_id}/relationship/{api_name}"


def document_of(client) -> dict:
    return client.get("/api/openapi.json").get_json()


def test_linking_an_already_linked_record_answers_as_documented(client, api):
    sarah, acme = new_contact(api), new_account(api)
    link(api, accounts_of(sarah), acme)

    again = api.post(accounts_of(sarah), json={"related_record_id": acme, "role": "CTO"})

    assert again.status_code == 200, again.text
    assert again.get_json()["meta"] == {"action": "updated"}
    assert_documented(document_of(client), "post", LINK, again)


def test_archiving_a_task_that_mirrors_an_action_is_a_documented_conflict(client, api):
    action = action_for(api.user, client_contact(api.user))
    _db.session.commit()

    response = api.delete(f"/api/v2/task/{action.task.id}")

    assert response.status_code == 409, response.text
    assert response.get_json()["error"]["code"] == "task_mirrors_action"
    paths = document_of(client)["paths"]
    assert "409" in paths["/api/v2/task/{record_id}"]["delete"]["responses"]
    assert "409" not in paths["/api/v2/note/{record_id}"]["delete"]["responses"]
