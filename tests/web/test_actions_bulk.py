"""Closing actions from the Actions page, one or several at once, and their tasks with them."""

from __future__ import annotations

import re

import pytest

from tests.unit.relationship_builders import at_noon_utc, freeze_time
from tests.web.action_builders import (
    HTMX,
    TODAY,
    add_action,
    ids_of,
    listed_ids,
    stored,
    tab_counts,
)
from webapp.extensions import db as _db
from webapp.models import RelationshipAction


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(TODAY))


# --- closing one action ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["done", "dismissed"])
def test_closing_one_action_closes_its_task_and_rerenders_the_results(client, mixed, status):
    target = mixed["today"]
    response = client.post(
        f"/actions/{target.id}/status?tab=mine", data={"status": status}, headers=HTMX
    )
    assert response.status_code == 200
    assert stored(target) == (status, status)
    assert target.id not in listed_ids(response.text)
    word = "marked done" if status == "done" else "dismissed"
    assert f"“{target.title}” {word}." in response.text
    assert tab_counts(response.text) == {"mine": 5}  # the count went down with it


def test_closing_records_who_and_when(client, mixed):
    client.post(f"/actions/{mixed['week'].id}/status", data={"status": "done"}, headers=HTMX)
    _db.session.expire_all()
    action = _db.session.get(RelationshipAction, mixed["week"].id)
    assert action.completed_by_id == mixed["me"].id
    assert action.completed_at is not None


def test_closing_keeps_the_view_it_was_done_from(client, mixed):
    response = client.post(
        f"/actions/{mixed['overdue'].id}/status?tab=mine&type=call",
        data={"status": "done"},
        headers=HTMX,
    )
    assert listed_ids(response.text) == ids_of(mixed, "today", "week", "month", "later", "undated")


def test_without_htmx_closing_redirects_back_to_the_same_view(client, mixed):
    response = client.post(
        f"/actions/{mixed['today'].id}/status?tab=mine&due=week", data={"status": "done"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/actions?tab=mine&due=week"
    assert stored(mixed["today"]) == ("done", "done")
    assert "marked done" in client.get(response.headers["Location"]).text


@pytest.mark.parametrize("status", ["pending", "", "closed"])
def test_a_status_other_than_done_or_dismissed_changes_nothing(client, mixed, status):
    response = client.post(f"/actions/{mixed['today'].id}/status", data={"status": status})
    assert response.status_code == 400
    assert stored(mixed["today"]) == ("pending", "pending")


def test_someone_elses_action_is_not_found(client, mixed, make_user):
    other = add_action(make_user())
    _db.session.commit()
    response = client.post(f"/actions/{other.id}/status", data={"status": "done"})
    assert response.status_code == 404
    assert stored(other) == ("pending", "pending")


def test_rows_offer_mark_done_and_dismiss_with_a_progress_indicator(client, mixed):
    html = client.get("/actions").text
    row = re.search(rf'<tr id="action-{mixed["today"].id}".*?</tr>', html, re.S).group(0)
    assert f'hx-post="/actions/{mixed["today"].id}/status?tab=mine"' in row
    assert 'name="status" value="done"' in row and 'name="status" value="dismissed"' in row
    assert "htmx-indicator" in row


# --- closing several at once ----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["done", "dismissed"])
def test_bulk_closes_every_selected_action_and_its_task(client, mixed, status):
    chosen = [mixed["overdue"], mixed["month"], mixed["undated"]]
    response = client.post(
        "/actions/status?tab=mine",
        data={"status": status, "ids": [a.id for a in chosen]},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert all(stored(a) == (status, status) for a in chosen)
    assert stored(mixed["today"]) == ("pending", "pending")
    assert listed_ids(response.text) == ids_of(mixed, "today", "week", "later")
    word = "marked done" if status == "done" else "dismissed"
    assert f"3 actions {word}." in response.text
    assert tab_counts(response.text) == {"mine": 3}


def test_bulk_with_an_out_of_scope_action_changes_nothing_and_is_not_found(
    client, mixed, make_user
):
    other = add_action(make_user())
    _db.session.commit()
    response = client.post(
        "/actions/status",
        data={"status": "done", "ids": [mixed["today"].id, other.id]},
        headers=HTMX,
    )
    assert response.status_code == 404
    assert stored(mixed["today"]) == ("pending", "pending")
    assert stored(other) == ("pending", "pending")


def test_bulk_with_an_id_that_cannot_exist_changes_nothing(client, mixed):
    response = client.post(
        "/actions/status", data={"status": "done", "ids": [mixed["today"].id, "x1"]}
    )
    assert response.status_code == 404
    assert stored(mixed["today"]) == ("pending", "pending")


def test_bulk_with_nothing_selected_asks_for_a_selection(client, mixed):
    response = client.post("/actions/status", data={"status": "done"}, headers=HTMX)
    assert response.status_code == 422
    assert "Select one or more actions first." in response.text
    assert len(listed_ids(response.text)) == 6


def test_bulk_with_a_bad_status_changes_nothing(client, mixed):
    response = client.post("/actions/status", data={"status": "pending", "ids": [mixed["done"].id]})
    assert response.status_code == 400
    assert stored(mixed["done"]) == ("done", "done")


def test_bulk_bar_and_checkboxes_belong_to_one_form(client, mixed):
    html = client.get("/actions").text
    assert '<form id="bulk-actions"' in html
    assert 'data-select-all="bulk-actions"' in html
    boxes = re.findall(r'name="ids" value="(\d+)" form="bulk-actions"', html)
    assert sorted(map(int, boxes)) == sorted(listed_ids(html))


def test_closed_actions_have_no_checkbox_or_buttons(client, mixed):
    html = client.get("/actions?status=done").text
    assert 'name="ids"' not in html and "bulk-actions" not in html
    assert ">Done<" in html
