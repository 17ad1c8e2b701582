"""The Actions page: tabs by scope with counts, filters kept in the URL, empty states, access."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests import factories
from tests.unit.relationship_builders import at_noon_utc, freeze_time
from tests.web.action_builders import (
    HTMX,
    TODAY,
    add_action,
    ids_of,
    listed_ids,
    sign_in,
    stored,
    tab_counts,
)
from webapp.extensions import db as _db
from webapp.models import PermissionOverride


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(TODAY))


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


def test_a_tabs_pages_count_its_pending_actions_and_a_filter_counts_its_own(
    client, app, monkeypatch, manager, make_user, squads
):
    monkeypatch.setitem(app.config, "ACTIONS_PER_PAGE", 2)
    teammate = make_user(squad=squads[0])
    for _ in range(3):
        add_action(manager)
    add_action(manager, status="done")
    for _ in range(4):
        add_action(teammate)
    _db.session.commit()

    def pages(query: str) -> str:
        return re.search(r"Page \d+ of \d+ · \d+ in all", client.get(f"/actions?{query}").text)[0]

    assert pages("tab=mine") == "Page 1 of 2 · 3 in all"
    assert pages("tab=squad&page=3") == "Page 3 of 4 · 7 in all"
    assert pages("tab=mine&status=all") == "Page 1 of 2 · 4 in all"
    assert pages(f"tab=squad&assignee={teammate.id}") == "Page 1 of 2 · 4 in all"


def test_mine_lists_only_my_actions_and_squad_adds_my_squads(client, manager, make_user, squads):
    teammate = make_user(squad=squads[0])
    outsider = make_user(squad=squads[1])
    mine, theirs = add_action(manager), add_action(teammate)
    add_action(outsider)
    _db.session.commit()
    assert listed_ids(client.get("/actions").text) == [mine.id]
    assert sorted(listed_ids(client.get("/actions?tab=squad").text)) == sorted([mine.id, theirs.id])


def test_each_viewers_queue_is_their_own_in_turn(client, manager, make_user, squads):
    """A queue's statement is kept per scope, filters and assignees (``action_rows``): asked
    for by one viewer and then another, each page lists the asker's own actions."""
    teammate = make_user(squad=squads[0])
    mine, theirs = add_action(manager), add_action(teammate)
    _db.session.commit()

    assert listed_ids(client.get("/actions?tab=mine").text) == [mine.id]
    sign_in(client, teammate)
    assert listed_ids(client.get("/actions?tab=mine").text) == [theirs.id]
    sign_in(client, manager)
    assert listed_ids(client.get("/actions?tab=mine").text) == [mine.id]


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


def contact_cell(html: str, action_id: int) -> str:
    row = html.split(f'<tr id="action-{action_id}"', 1)[1]
    return row.split('class="contact-cell">', 1)[1].split("</td>", 1)[0]


def test_each_row_names_the_actions_company_or_else_the_contacts_primary_one(client, login_as):
    me = login_as("member")
    own, primary, other = (factories.CompanyFactory(name=n) for n in ("Own Co", "Primary Co", "Z"))
    ada = factories.ContactFactory(owner=me)
    factories.ContactCompanyLinkFactory(contact=ada, company=other, is_primary=False)
    factories.ContactCompanyLinkFactory(contact=ada, company=primary, is_primary=True)
    loner = factories.ContactFactory(owner=me)
    filed = add_action(me, contact=ada, company_id=own.id)
    unfiled = add_action(me, contact=ada)
    unfiled.company_id = None  # filed under no company: the contact's primary one is shown
    nowhere = add_action(me, contact=loner)
    _db.session.flush()

    html = client.get("/actions").text

    assert "Own Co</div>" in contact_cell(html, filed.id)
    assert "Primary Co</div>" in contact_cell(html, unfiled.id)
    assert "<div" not in contact_cell(html, nowhere.id)


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
    assert f'name="company" value="{company.id}" data-combobox-value' in html
    assert 'name="company_name" value="Naval Computing"' in html
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
