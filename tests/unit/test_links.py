"""Addresses built once: a row's from its list's one ``url_for`` (``row_link``), the layout's
once per app (``fixed_url``), and the menu only for pages that show it."""

from __future__ import annotations

import pytest
from flask import url_for

from webapp.services.validation import MAX_ID
from webapp.web.links import fixed_url, row_link

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
    "a contact's action": (
        "contact_relationships.set_action_status",
        "action_id",
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


@pytest.mark.parametrize(
    ("endpoint", "values"),
    [("today.index", {}), ("static", {"filename": "app.css"}), ("auth.sign_out", {})],
)
def test_a_fixed_address_is_url_for_own_under_each_mount_point(app, endpoint, values):
    for mount in ("", "/rapport"):
        with app.test_request_context("/", base_url=f"http://example.test{mount}/"):
            assert fixed_url(endpoint, **values) == url_for(endpoint, **values)
            assert fixed_url(endpoint, **values) == url_for(endpoint, **values)  # kept
            assert fixed_url(endpoint, **values).startswith(f"{mount}/")


def test_the_menu_shows_on_pages_and_is_not_built_for_fragments(client, login_as, monkeypatch):
    from webapp.web import navigation

    built = []  # the menu's addresses, as navigation_for asks for them
    real = navigation.fixed_url
    monkeypatch.setattr(
        navigation, "fixed_url", lambda *a, **k: built.append(a[0]) or real(*a, **k)
    )
    login_as("manager")
    page = client.get("/contacts").text
    assert 'aria-label="Main"' in page and ">Contacts</a>" in page
    assert "contacts.index" in built
    built.clear()
    fragment = client.get("/contacts", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and 'aria-label="Main"' not in fragment.text
    assert built == []
