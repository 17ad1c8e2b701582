"""The Actions page: tabs by scope with counts, filters kept in the URL, closing one or several."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests import factories
from tests.unit.relationship_builders import at_noon_utc, freeze_time
from webapp.extensions import db as _db
from webapp.models import PermissionOverride, RelationshipAction, Task
from webapp.services import actions as action_service

TODAY = date(2027, 3, 10)
HTMX = {"HX-Request": "true"}


# --- builders shared by the Actions and Today page tests ------------------------------------------


def add_action(assignee, *, contact=None, title=None, status="pending", **fields):
    """An action (and its task) through the service; ``status`` closes it after opening."""
    contact = contact or factories.ContactFactory(owner=assignee)
    new = action_service.NewAction(
        contact=contact,
        title=title or f"Call {contact.first_name}",
        action_type=fields.pop("action_type", "call"),
        assigned_to=assignee,
        **fields,
    )
    action = action_service.open_action(None, new)
    if status != "pending":
        action_service.close_action(None, action, status)
    _db.session.flush()
    return action


def listed_ids(html: str) -> list[int]:
    """Action ids in the order the table lists them."""
    return [int(n) for n in re.findall(r'<tr id="action-(\d+)"', html)]


def tab_counts(html: str) -> dict[str, int]:
    """Each tab shown, with the pending count its badge says."""
    found = re.findall(r'data-count="(\w+)">([\d,]+)<', html)
    return {tab: int(count.replace(",", "")) for tab, count in found}


def stored(action) -> tuple[str, str]:
    """(action status, task status) as the database has them now."""
    _db.session.expire_all()
    action = _db.session.get(RelationshipAction, action.id)
    task = _db.session.scalar(select(Task).where(Task.relationship_action_id == action.id))
    return action.status, task.status


def sign_in(client, user) -> None:
    _db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(TODAY))


@pytest.fixture
def squads(db):
    return factories.SquadFactory(name="North"), factories.SquadFactory(name="South")


@pytest.fixture
def manager(login_as, squads):
    return login_as("manager", name="Maya Manager", squad=squads[0])


# --- tabs and counts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "tabs"),
    [
        ("member", ["mine"]),
        ("manager", ["mine", "squad"]),
        ("head", ["mine", "everyone"]),
        ("executive", ["mine", "everyone"]),
    ],
)
def test_tabs_are_the_scopes_the_role_may_use(client, login_as, squads, role, tabs):
    login_as(role, squad=squads[0])
    response = client.get("/actions")
    assert response.status_code == 200
    assert re.findall(r'data-tab="(\w+)"', response.text) == tabs


def test_a_manager_without_a_squad_has_only_their_own_tab(client, login_as):
    login_as("manager", squad=None)
    assert re.findall(r'data-tab="(\w+)"', client.get("/actions").text) == ["mine"]


def test_each_tab_counts_its_pending_actions(client, manager, make_user, squads):
    teammate = make_user(squad=squads[0])
    outsider = make_user(squad=squads[1])
    add_action(manager), add_action(manager), add_action(manager, status="done")
    for _ in range(3):
        add_action(teammate)
    add_action(teammate, status="dismissed")
    add_action(outsider)
    _db.session.commit()
    assert tab_counts(client.get("/actions").text) == {"mine": 2, "squad": 5}


def test_mine_lists_only_my_actions_and_squad_adds_my_squads(client, manager, make_user, squads):
    teammate = make_user(squad=squads[0])
    outsider = make_user(squad=squads[1])
    mine, theirs = add_action(manager), add_action(teammate)
    add_action(outsider)
    _db.session.commit()
    assert listed_ids(client.get("/actions").text) == [mine.id]
    assert sorted(listed_ids(client.get("/actions?tab=squad").text)) == sorted([mine.id, theirs.id])


def test_only_tabs_with_other_people_show_whom_each_action_is_for(
    client, manager, make_user, squads
):
    teammate = make_user(name="Tess Teammate", squad=squads[0])
    add_action(manager), add_action(teammate)
    _db.session.commit()
    assert ">For</th>" not in client.get("/actions").text
    squad_page = client.get("/actions?tab=squad").text
    assert ">For</th>" in squad_page and "Tess Teammate" in squad_page


def test_the_navigation_links_to_the_actions_page(client, login_as):
    login_as("member")
    assert 'href="/actions"' in client.get("/").text


# --- filters --------------------------------------------------------------------------------------


@pytest.fixture
def mixed(client, login_as):
    """A member's actions: every status, two types, due dates around today."""
    me = login_as("member", name="Mo Member")
    engines = factories.CompanyFactory(name="Analytical Engines")
    acts = {
        "overdue": add_action(me, due_on=TODAY - timedelta(days=2), action_type="card"),
        "today": add_action(me, due_on=TODAY),
        "week": add_action(me, due_on=TODAY + timedelta(days=6), company_id=engines.id),
        "month": add_action(me, due_on=TODAY + timedelta(days=29)),
        "later": add_action(me, due_on=TODAY + timedelta(days=30)),
        "undated": add_action(me),
        "done": add_action(me, due_on=TODAY, status="done"),
        "dismissed": add_action(me, due_on=TODAY, status="dismissed"),
    }
    _db.session.commit()
    return {"me": me, "engines": engines, **acts}


def ids_of(mixed, *names) -> list[int]:
    return [mixed[name].id for name in names]


def test_pending_actions_are_listed_overdue_first_then_by_due_date(client, mixed):
    html = client.get("/actions").text
    assert listed_ids(html) == ids_of(
        mixed, "overdue", "today", "week", "month", "later", "undated"
    )
    assert "6 pending actions" in html


def test_an_overdue_action_says_so_in_words(client, mixed):
    html = client.get("/actions").text
    row = re.search(rf'<tr id="action-{mixed["overdue"].id}".*?</tr>', html, re.S).group(0)
    assert ">Overdue<" in row and "8 Mar 2027" in row
    other = re.search(rf'<tr id="action-{mixed["week"].id}".*?</tr>', html, re.S).group(0)
    assert "Overdue" not in other


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=done", ["done"]),
        ("status=dismissed", ["dismissed"]),
        ("type=card", ["overdue"]),
        ("due=overdue", ["overdue"]),
        ("due=today", ["today"]),
        ("due=week", ["today", "week"]),
        ("due=month", ["today", "week", "month"]),
        ("due=none", ["undated"]),
        ("status=done&due=today", ["done"]),
    ],
)
def test_each_filter_narrows_the_list(client, mixed, query, expected):
    response = client.get(f"/actions?{query}")
    assert response.status_code == 200
    assert listed_ids(response.text) == ids_of(mixed, *expected)


def test_status_all_lists_pending_then_closed(client, mixed):
    ids = listed_ids(client.get("/actions?status=all").text)
    assert len(ids) == 8
    assert set(ids[-2:]) == set(ids_of(mixed, "done", "dismissed"))


def test_company_filter_lists_that_companys_actions(client, mixed):
    html = client.get(f"/actions?company={mixed['engines'].id}").text
    assert listed_ids(html) == ids_of(mixed, "week")


def test_due_windows_count_from_the_viewers_own_today(client, login_as, monkeypatch):
    # 23:30 UTC on 9 March is already 10 March in Auckland.
    freeze_time(monkeypatch, at_noon_utc(TODAY - timedelta(days=1)).replace(hour=23, minute=30))
    me = login_as("member", timezone="Pacific/Auckland")
    due = add_action(me, due_on=TODAY)
    _db.session.commit()
    assert listed_ids(client.get("/actions?due=today").text) == [due.id]


def test_assignee_filter_lists_one_person_of_the_tab(client, manager, make_user, squads):
    teammate = make_user(name="Tia Teammate", squad=squads[0])
    add_action(manager)
    theirs = add_action(teammate)
    _db.session.commit()
    html = client.get(f"/actions?tab=squad&assignee={teammate.id}").text
    assert listed_ids(html) == [theirs.id]
    assert f'<option value="{teammate.id}" selected>Tia Teammate</option>' in html


def test_assignee_filter_offers_only_people_in_the_tabs_scope(client, manager, make_user, squads):
    make_user(name="Tia Teammate", squad=squads[0])
    outsider = make_user(name="Otto Outsider", squad=squads[1])
    add_action(outsider)
    _db.session.commit()
    html = client.get(f"/actions?tab=squad&assignee={outsider.id}").text
    assert "Tia Teammate" in html and "Otto Outsider" not in html
    assert listed_ids(html) == []  # the outsider is ignored as a filter: the squad's (none) show


def test_the_url_keeps_the_tab_and_filters(client, manager, squads):
    company = factories.CompanyFactory(name="Naval Computing")
    _db.session.commit()
    query = f"tab=squad&status=all&type=gift&due=week&company={company.id}"
    html = client.get(f"/actions?{query}").text
    assert '<input type="hidden" name="tab" value="squad">' in html
    for selected in ('value="all" selected', 'value="gift" selected', 'value="week" selected'):
        assert selected in html
    assert f'<option value="{company.id}" selected>Naval Computing</option>' in html
    mine_link = re.search(r'href="([^"]+)"\s+data-tab="mine"', html).group(1)
    kept = parse_qs(urlsplit(mine_link.replace("&amp;", "&")).query)
    assert kept == {
        "tab": ["mine"],
        "status": ["all"],
        "type": ["gift"],
        "due": ["week"],
        "company": [str(company.id)],
    }


def test_filter_form_pushes_its_url_and_htmx_gets_the_results_with_fresh_tabs(client, mixed):
    page = client.get("/actions").text
    assert 'hx-push-url="true"' in page and 'method="get"' in page
    response = client.get("/actions?type=card", headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert listed_ids(response.text) == ids_of(mixed, "overdue")
    assert 'id="action-tabs" aria-label="Whose actions" hx-swap-oob="true"' in response.text
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    "query",
    [
        "tab=everyone",
        "tab=squad",
        "tab=%00",
        "status=open",
        "status=",
        "type=fax",
        "due=yesterday",
        "assignee=abc",
        "assignee=-3",
        "assignee=99999999999999999999",
        "company=abc",
        "company=999999",
        "page=abc",
        "page=-1",
        "page=99999999999999999999",
        "status=done&status=pending&type[]=x",
    ],
)
def test_bad_or_unknown_filter_values_are_ignored(client, mixed, query):
    response = client.get(f"/actions?{query}")
    assert response.status_code == 200
    if "status=done" not in query:
        assert listed_ids(response.text) == listed_ids(client.get("/actions").text)


def test_pages_hold_the_configured_number_of_actions(client, app, monkeypatch, mixed):
    monkeypatch.setitem(app.config, "ACTIONS_PER_PAGE", 4)
    first = client.get("/actions?type=call").text
    second = client.get("/actions?type=call&page=2").text
    assert len(listed_ids(first)) == 4 and len(listed_ids(second)) == 1
    assert "Page 1 of 2" in first
    assert re.search(r'href="/actions\?[^"]*page=2', first)
    assert "type=call" in re.search(r'href="(/actions\?[^"]*page=2[^"]*)"', first).group(1)


# --- empty states ---------------------------------------------------------------------------------


def test_an_empty_queue_says_what_to_do(client, login_as):
    login_as("member")
    html = client.get("/actions").text
    assert "You are all caught up" in html
    assert 'href="/contacts"' in html


def test_filters_matching_nothing_offer_to_clear_them(client, mixed):
    html = client.get("/actions?type=gift").text
    assert "No actions match these filters." in html
    assert 'href="/actions?tab=mine"' in html


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


# --- permissions ----------------------------------------------------------------------------------


def _without(user, permission: str) -> None:
    user.permission_overrides = [PermissionOverride(permission=permission, granted=False)]


def test_the_page_needs_relationships_view(client, mixed):
    _without(mixed["me"], "relationships:view")
    _db.session.commit()
    assert client.get("/actions").status_code == 403


def test_closing_needs_relationships_update(client, mixed):
    _without(mixed["me"], "relationships:update")
    _db.session.commit()
    html = client.get("/actions").text
    assert listed_ids(html)
    assert "Mark done" not in html and "bulk-actions" not in html
    single = client.post(f"/actions/{mixed['today'].id}/status", data={"status": "done"})
    bulk = client.post("/actions/status", data={"status": "done", "ids": [mixed["week"].id]})
    assert (single.status_code, bulk.status_code) == (403, 403)
    assert stored(mixed["today"]) == ("pending", "pending")
    assert stored(mixed["week"]) == ("pending", "pending")
