"""Relationship actions of reference 002: lists with filters and pages, at a fixed query cost."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.api.relationship_helpers import (
    ACTIONS_PATH,
    TODAY,
    action_for,
    add_actions,
    client_contact,
    company,
    contact_actions_path,
    error_fields,
    freeze_today,
    ids,
    people_and_places,
)
from tests.factories import SquadFactory
from webapp import access
from webapp.api import schemas
from webapp.api.serializers import action_json
from webapp.extensions import db as _db
from webapp.services import actions as action_service
from webapp.services.action_queries import actions_query


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def squad(db):
    return SquadFactory(name="North")


# Lists, filters and pages


@pytest.fixture
def queue(db, api_client, make_user, squad, firm):
    """A manager's view: five actions of theirs and their squad colleague's, on two contacts."""
    manager = api_client(role="manager", squad=squad, name="Maggie Manager")
    colleague = make_user("member", squad=squad, name="Sam Squad")
    other_firm = company("Difference Engines plc")
    ada = client_contact(manager.user, company=firm)
    grace = client_contact(
        manager.user, "Grace", "Hopper", email="grace@navy.example", company=other_firm
    )
    mine = manager.user
    made = {
        "a1": action_for(mine, ada, action_type="call", due_date="2025-06-05"),
        "a2": action_for(mine, ada, action_type="card", due_date="2025-06-10"),
        "a3": action_for(mine, grace, action_type="gift", due_date="2025-06-15"),
        "a4": action_for(mine, grace, action_type="call"),
        "a5": action_for(colleague, grace, action_type="email", due_date="2025-06-20"),
    }
    actor = access.actor_for_user(mine)
    action_service.set_status(actor, made["a2"].id, "done")
    action_service.set_status(actor, made["a4"].id, "dismissed")
    _db.session.commit()
    return {
        "api": manager,
        "colleague": colleague,
        "ada": ada,
        "firm": firm,
        "other_firm": other_firm,
        "ids": {name: str(action.id) for name, action in made.items()},
    }


def listed(caller, query: str = "", path: str = ACTIONS_PATH) -> list[str]:
    response = caller.get(f"{path}?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return ids(response.get_json()["actions"])


def test_the_list_has_the_reference_shape_with_joined_fields(queue):
    response = queue["api"].get(ACTIONS_PATH)
    body = response.get_json()
    assert set(body) == {"actions", "meta", "links"}
    schemas.ActionList.model_validate(body)
    by_id = {action["id"]: action for action in body["actions"]}
    colleagues = by_id[queue["ids"]["a5"]]
    assert colleagues["assigned_to_name"] == "Sam Squad"
    assert (colleagues["first_name"], colleagues["last_name"]) == ("Grace", "Hopper")
    assert colleagues["contact_email"] == "grace@navy.example"
    assert colleagues["company_name"] == "Difference Engines plc"
    assert by_id[queue["ids"]["a1"]]["company_name"] == "Analytical Engines Ltd"
    assert by_id[queue["ids"]["a1"]]["assigned_to_name"] == "Maggie Manager"


def test_pending_come_first_soonest_due_first(queue):
    order = listed(queue["api"])
    expected_pending = [queue["ids"][name] for name in ("a1", "a3", "a5")]
    assert order[:3] == expected_pending
    assert set(order[3:]) == {queue["ids"]["a2"], queue["ids"]["a4"]}


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("status=pending", {"a1", "a3", "a5"}),
        ("status=done,dismissed", {"a2", "a4"}),
        ("status=done", {"a2"}),
        ("action_type=call", {"a1", "a4"}),
        ("action_type=gift,card", {"a2", "a3"}),
        ("due_after=2025-06-10", {"a2", "a3", "a5"}),
        ("due_before=2025-06-10", {"a1", "a2"}),
        ("due_after=2025-06-05&due_before=2025-06-15", {"a1", "a2", "a3"}),
        ("status=pending&action_type=call", {"a1"}),
    ],
)
def test_filters_narrow_the_list(queue, query, names):
    assert set(listed(queue["api"], query)) == {queue["ids"][name] for name in names}


def test_filter_by_assignee_contact_and_company(queue):
    names = queue["ids"]
    assert listed(queue["api"], f"assigned_to_user_id={queue['colleague'].id}") == [names["a5"]]
    assert set(listed(queue["api"], f"contact_id={queue['ada'].id}")) == {names["a1"], names["a2"]}
    by_company = set(listed(queue["api"], f"company_id={queue['other_firm'].id}"))
    assert by_company == {names["a3"], names["a4"], names["a5"]}


def test_the_contact_list_has_only_that_contacts_actions_and_takes_filters(queue):
    path = contact_actions_path(queue["ada"].id)
    names = queue["ids"]
    body = queue["api"].get(path).get_json()
    assert set(body) == {"actions", "meta", "links"}
    schemas.ActionList.model_validate(body)
    assert set(listed(queue["api"], path=path)) == {names["a1"], names["a2"]}
    assert listed(queue["api"], "status=pending", path=path) == [names["a1"]]


def page_query(link: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(link).query)


def test_pages_have_meta_and_links_that_keep_the_filters(queue):
    caller = queue["api"]
    first = caller.get(f"{ACTIONS_PATH}?per_page=2&action_type=call,gift,card,email").get_json()
    assert first["meta"] == {"page": 1, "per_page": 2, "total": 5}
    assert set(first["links"]) == {"self", "next"}
    assert page_query(first["links"]["next"])["action_type"] == ["call,gift,card,email"]
    second = caller.get(first["links"]["next"]).get_json()
    assert second["meta"]["page"] == 2 and set(second["links"]) == {"self", "next", "prev"}
    third = caller.get(second["links"]["next"]).get_json()
    assert set(third["links"]) == {"self", "prev"}
    seen = ids(first["actions"]) + ids(second["actions"]) + ids(third["actions"])
    assert sorted(seen) == sorted(queue["ids"].values())
    assert caller.get(f"{ACTIONS_PATH}?page=9").get_json()["actions"] == []


def test_the_contact_lists_links_point_at_the_contact_list(queue):
    path = contact_actions_path(queue["ada"].id)
    body = queue["api"].get(f"{path}?per_page=1").get_json()
    assert body["meta"]["total"] == 2
    assert urlsplit(body["links"]["next"]).path == path


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=open", "status"),
        ("status=pending,closed", "status"),
        ("action_type=fax", "action_type"),
        ("assigned_to_user_id=abc", "assigned_to_user_id"),
        ("assigned_to_user_id=0", "assigned_to_user_id"),
        ("due_before=2025-13-01", "due_before"),
        ("due_before=06-01", "due_before"),
        ("due_after=yesterday", "due_after"),
        ("due_after=2025-02-30", "due_after"),
        ("contact_id=-1", "contact_id"),
        ("company_id=x", "company_id"),
        ("page=0", "page"),
        ("per_page=501", "per_page"),
    ],
)
def test_a_bad_filter_is_a_422_naming_it(queue, query, field):
    response = queue["api"].get(f"{ACTIONS_PATH}?{query}")
    assert error_fields(response, 422, "validation_failed") == {field}


def test_every_bad_filter_is_named_at_once(queue):
    response = queue["api"].get(f"{ACTIONS_PATH}?status=open&due_after=x&company_id=y")
    assert error_fields(response, 422) == {"status", "due_after", "company_id"}


def test_a_bad_filter_on_the_contact_list_is_a_422_too(queue):
    path = contact_actions_path(queue["ada"].id)
    assert error_fields(queue["api"].get(f"{path}?due_before=soon"), 422) == {"due_before"}


# The same few queries however many actions there are


def statements_for(count_queries, caller, path: str) -> int:
    """The statements of one call, on a full page: a page that is not full tells its total
    without a count (docs/performance.md), one query fewer that is not growth."""
    with count_queries() as statements:
        assert caller.get(path, query_string={"per_page": 5}).status_code == 200
    return len(statements)


def test_a_page_that_is_not_full_is_totalled_without_a_count(queue, count_queries):
    """Five actions: a page of ten tells its total; a full page, and a page past the end, count;
    every page says five."""
    caller = queue["api"]
    query = "action_type=call,gift,card,email"

    def total_and_counts(args: str) -> tuple[int, list[str]]:
        with count_queries() as statements:
            answer = caller.get(f"{ACTIONS_PATH}?{query}&{args}").get_json()
        return answer["meta"]["total"], [s for s in statements if "count(" in s.lower()]

    assert total_and_counts("per_page=10") == (5, [])
    full, past = total_and_counts("per_page=5"), total_and_counts("per_page=2&page=9")
    assert full[0] == past[0] == 5
    assert full[1] and past[1]


def test_the_action_list_costs_the_same_queries_for_10_or_1000_actions(
    db, api_client, make_user, count_queries
):
    head = api_client(role="head")
    few = people_and_places(make_user, 5)
    add_actions(db, 10, *few)
    head.get(ACTIONS_PATH)  # warm up
    with_10 = statements_for(count_queries, head, ACTIONS_PATH)
    many = people_and_places(make_user, 40, "b")
    add_actions(db, 990, *many)
    with_1000 = statements_for(count_queries, head, ACTIONS_PATH)
    assert head.get(ACTIONS_PATH).get_json()["meta"]["total"] == 1000
    assert with_1000 == with_10


def test_the_contact_action_list_costs_the_same_queries_for_10_or_1000_actions(
    db, api_client, make_user, count_queries
):
    head = api_client(role="head")
    assignees, contacts, companies = people_and_places(make_user, 30)
    path = contact_actions_path(contacts[0].id)
    add_actions(db, 10, assignees[:3], contacts[:1], companies[:3])
    head.get(path)  # warm up
    with_10 = statements_for(count_queries, head, path)
    add_actions(db, 990, assignees, contacts[:1], companies)
    with_1000 = statements_for(count_queries, head, path)
    assert head.get(path).get_json()["meta"]["total"] == 1000
    assert with_1000 == with_10


def test_each_listed_action_says_what_its_record_says_page_after_page(api_client, make_user):
    """The list reads rows (``action_rows``), a page at a time: each item must be the action's
    own JSON read as a record, in the queue's order, and the pages must add up to the total."""
    executive = api_client(role="executive", name="Eve Executive")
    london = make_user("member", name="Lena London", timezone="Europe/London")
    auckland = make_user("member", name="Aroha Auckland", timezone="Pacific/Auckland")
    firm = company("Analytical Engines Ltd")
    ada = client_contact(london, company=firm)
    grace = client_contact(auckland, "Grace", "Hopper", email=None)
    _db.session.commit()
    for due in ("2025-05-30", TODAY.isoformat(), None):
        action_for(london, ada, title=f"Ada, due {due}", due_date=due)
        action_for(auckland, grace, title=f"Grace, due {due}", due_date=due, company_id=firm.id)
    _db.session.commit()

    listed, path = [], "/api/relationships/relationship-actions?per_page=4"
    while path:
        body = executive.get(path).get_json()
        assert body["meta"]["total"] == 6
        listed += body["actions"]
        path = body["links"].get("next")

    _db.session.expire_all()
    in_order = _db.session.scalars(actions_query(access.actor_for_user(executive.user)))
    assert listed == [action_json(action) for action in in_order]
    overdue = {item["title"] for item in listed if item["overdue"]}
    assert overdue == {"Ada, due 2025-05-30", "Grace, due 2025-05-30", f"Grace, due {TODAY}"}
    assert {item["company_name"] for item in listed} == {"Analytical Engines Ltd"}
    assert {item["contact_email"] for item in listed} == {"ada@analytical.example", None}
