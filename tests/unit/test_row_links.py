"""A row's address built from the list's one ``url_for`` is the address ``url_for`` gives."""

from __future__ import annotations

import pytest
from flask import url_for

from webapp.services.validation import MAX_ID
from webapp.web.links import row_link

IDS = [1, 7, 42, 1000, 98765, MAX_ID - 1]
LINKS = {
    "a contact": ("contacts.show", "contact_id", {}),
    "with an anchor and a query": (
        "contacts.show",
        "contact_id",
        {"open": "timeline", "_anchor": "timeline"},
    ),
    "a status with the queue's filters": (
        "actions.set_status",
        "action_id",
        {"tab": "everyone", "q": "Ada & Bob's", "page": 3, "assignee": [4, 5]},
    ),
    "an id beside another id": (
        "contact_relationships.edit_life_event",
        "event_id",
        {"contact_id": 12},
    ),
    "a client's action, every one shown": (
        "clients.set_action_status",
        "action_id",
        {"company_id": 101, "actions": "all"},
    ),
}


@pytest.mark.parametrize("name", list(LINKS))
def test_each_row_gets_the_address_url_for_gives(app, name):
    endpoint, id_name, values = LINKS[name]
    with app.test_request_context("/"):
        link = row_link(endpoint, id_name, **values)
        for record_id in IDS:
            assert link(record_id) == url_for(endpoint, **{id_name: record_id}, **values)


def test_a_value_that_reads_like_the_stand_in_falls_back_to_url_for(app):
    with app.test_request_context("/"):
        link = row_link("actions.set_status", "action_id", page=MAX_ID)
        assert link(5) == url_for("actions.set_status", action_id=5, page=MAX_ID)
        assert link(5).startswith("/actions/5/")


def test_an_id_is_written_as_a_number_only(app):
    with app.test_request_context("/"):
        link = row_link("contacts.show", "contact_id")
        with pytest.raises(ValueError):
            link("5/../admin")
