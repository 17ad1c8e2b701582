"""Relationship actions of reference 002: create, close, list with filters; the task mirror."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.api.relationship_helpers import (
    ACTIONS_PATH,
    action_for,
    action_path,
    add_actions,
    audit_events,
    client_contact,
    company,
    contact_actions_path,
    error_fields,
    error_of,
    freeze_today,
    ids,
    names_field,
    people_and_places,
    snapshot,
    task_of,
)
from tests.factories import SquadFactory
from webapp import access
from webapp.api import schemas
from webapp.extensions import db as _db
from webapp.models import RelationshipAction
from webapp.services import actions as action_service

CALL = {"title": "Call about the renewal", "action_type": "call", "due_date": "2025-06-10"}


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def squad(db):
    return SquadFactory(name="North")


@pytest.fixture
def api(api_client, squad):
    return api_client(role="member", squad=squad, name="Mary Member")


@pytest.fixture
def firm(db):
    return company("Analytical Engines Ltd")


@pytest.fixture
def contact(db, api, firm):
    person = client_contact(api.user, company=firm)
    _db.session.commit()
    return person


def stored_action(db, action_id) -> RelationshipAction:
    db.session.expire_all()
    return db.session.get(RelationshipAction, int(action_id))


# Creating


def test_creating_an_action_answers_201_assigned_to_the_caller(db, api, contact, firm):
    body = CALL | {"description": "Q3 renewal", "message_body": "Hi Ada"}
    response = api.post(contact_actions_path(contact.id), json=body)
    assert response.status_code == 201
    payload = response.get_json()
    assert set(payload) == {"action"}
    schemas.ActionResponse.model_validate(payload)
    action = payload["action"]
    assert action["assigned_to_user_id"] == str(api.user.id)
    assert action["assigned_to_name"] == "Mary Member"
    assert (action["first_name"], action["last_name"]) == ("Ada", "Lovelace")
    assert action["contact_email"] == "ada@analytical.example"
    assert action["company_id"] == str(firm.id) and action["company_name"] == firm.name
    assert (action["status"], action["source"], action["due_date"]) == (
        "pending",
        "manual",
        "2025-06-10",
    )
    assert action["description"] == "Q3 renewal" and action["message_body"] == "Hi Ada"
    assert action["completed_at"] is None and action["overdue"] is False
    row = stored_action(db, action["id"])
    assert row.assigned_to_id == api.user.id and row.created_by_id == api.user.id


def test_the_action_centre_gets_a_task_with_the_same_title_assignee_and_due_date(db, api, contact):
    action = api.post(contact_actions_path(contact.id), json=CALL).get_json()["action"]
    task = task_of(db, int(action["id"]))
    assert action["task_id"] == str(task.id)
    assert (task.title, task.assigned_to_id, task.due_on) == (
        CALL["title"],
        api.user.id,
        date(2025, 6, 10),
    )
    assert (task.contact_id, task.status) == (contact.id, "pending")
    assert [e.action for e in audit_events(db, "relationship_action", int(action["id"]))] == [
        "create"
    ]
    assert [e.action for e in audit_events(db, "task", task.id)] == ["create"]


def test_the_joined_fields_are_empty_for_a_contact_without_email_or_company(api):
    loner = client_contact(api.user, "Grace", "Hopper", email=None)
    _db.session.commit()
    action = api.post(contact_actions_path(loner.id), json=CALL).get_json()["action"]
    assert action["contact_email"] is None
    assert action["company_id"] is None and action["company_name"] is None


def test_a_named_company_is_used_instead_of_the_primary_one(api, contact):
    other = company("Difference Engines plc")
    _db.session.commit()
    body = CALL | {"company_id": other.id}
    action = api.post(contact_actions_path(contact.id), json=body).get_json()["action"]
    assert (
        action["company_id"] == str(other.id) and action["company_name"] == "Difference Engines plc"
    )


def test_a_manager_may_assign_to_a_member_of_their_squad(db, api_client, make_user, squad, contact):
    manager = api_client(role="manager", squad=squad)
    colleague = make_user("member", squad=squad, name="Sam Squad")
    _db.session.commit()
    body = CALL | {"assigned_to_user_id": str(colleague.id)}
    response = manager.post(contact_actions_path(contact.id), json=body)
    assert response.status_code == 201
    action = response.get_json()["action"]
    assert action["assigned_to_user_id"] == str(colleague.id)
    assert action["assigned_to_name"] == "Sam Squad"
    assert task_of(db, int(action["id"])).assigned_to_id == colleague.id


def assignee_cases(make_user, squad):
    """(caller role, assignee) pairs where the assignee is outside the caller's scope."""
    other_squad = SquadFactory(name="South")
    return {
        "member to a squad colleague": ("member", make_user("member", squad=squad)),
        "manager to another squad": ("manager", make_user("member", squad=other_squad)),
        "member to a manager": ("member", make_user("manager", squad=squad)),
        "to a deactivated user": ("head", make_user("member", squad=squad, active=False)),
    }


@pytest.mark.parametrize(
    "case",
    [
        "member to a squad colleague",
        "manager to another squad",
        "member to a manager",
        "to a deactivated user",
    ],
)
def test_assigning_outside_ones_scope_is_422_and_writes_nothing(
    db, api_client, make_user, squad, contact, case
):
    role, assignee = assignee_cases(make_user, squad)[case]
    caller = api_client(role=role, squad=squad)
    before = snapshot(db)
    body = CALL | {"assigned_to_user_id": assignee.id}
    response = caller.post(contact_actions_path(contact.id), json=body)
    assert error_fields(response, 422, "validation_failed") == {"assigned_to_user_id"}
    assert snapshot(db) == before


CREATE_INVALID = [
    ({"title": "  "}, "title"),
    ({"title": None}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"action_type": "fax"}, "action_type"),
    ({"action_type": None}, "action_type"),
    ({"due_date": "2025-02-30"}, "due_date"),
    ({"due_date": "06-10"}, "due_date"),
    ({"due_date": "10/06/2025"}, "due_date"),
    ({"due_date": 20250610}, "due_date"),
    ({"description": 5}, "description"),
    ({"message_body": "x" * 1601}, "message_body"),
    ({"assigned_to_user_id": 999_999}, "assigned_to_user_id"),
    ({"assigned_to_user_id": "me"}, "assigned_to_user_id"),
    ({"assigned_to_user_id": True}, "assigned_to_user_id"),
    ({"company_id": 999_999}, "company_id"),
    ({"company_id": [1]}, "company_id"),
]


@pytest.mark.parametrize(("values", "field"), CREATE_INVALID, ids=str)
def test_create_names_the_bad_field_and_writes_nothing(db, api, contact, values, field):
    before = snapshot(db)
    response = api.post(contact_actions_path(contact.id), json=CALL | values)
    assert names_field(error_fields(response, 422, "validation_failed"), field)
    assert snapshot(db) == before


@pytest.mark.parametrize("missing", ["title", "action_type"])
def test_create_names_a_missing_required_field(db, api, contact, missing):
    before = snapshot(db)
    body = {k: v for k, v in CALL.items() if k != missing}
    assert error_fields(api.post(contact_actions_path(contact.id), json=body), 422) == {missing}
    assert snapshot(db) == before


def test_create_refuses_an_unknown_field_and_a_non_object_body(db, api, contact):
    before = snapshot(db)
    path = contact_actions_path(contact.id)
    assert error_fields(api.post(path, json=CALL | {"priority": 1}), 400, "unknown_field") == {
        "priority"
    }
    error_of(
        api.post(path, data="title=Call", content_type="application/json"), 400, "invalid_json"
    )
    error_of(api.post(path, json=[CALL]), 400, "invalid_json")
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("timezone", "due_date", "overdue"),
    [
        ("UTC", "2025-05-31", True),
        ("UTC", "2025-06-01", False),
        ("Pacific/Kiritimati", "2025-06-01", True),  # already 2 June there
    ],
)
def test_overdue_is_judged_in_the_assignees_own_timezone(
    api_client, contact, timezone, due_date, overdue
):
    caller = api_client(role="member", timezone=timezone)
    body = CALL | {"due_date": due_date}
    action = caller.post(contact_actions_path(contact.id), json=body).get_json()["action"]
    assert action["overdue"] is overdue
    listed = caller.get(ACTIONS_PATH).get_json()["actions"]
    assert [a["overdue"] for a in listed] == [overdue]


# Closing


@pytest.mark.parametrize("status", ["done", "dismissed"])
def test_closing_an_action_closes_its_task_in_the_same_request(db, api, contact, status):
    action = action_for(api.user, contact, due_date="2025-06-10")
    _db.session.commit()
    response = api.patch(action_path(action.id), json={"status": status})
    assert response.status_code == 200
    payload = response.get_json()
    assert set(payload) == {"action"}
    schemas.ActionResponse.model_validate(payload)
    body = payload["action"]
    assert body["status"] == status and body["completed_by_user_id"] == str(api.user.id)
    assert datetime.fromisoformat(body["completed_at"]).tzinfo is not None
    row = stored_action(db, action.id)
    task = task_of(db, action.id)
    assert (row.status, task.status) == (status, status)
    assert row.completed_at is not None and task.completed_at == row.completed_at
    assert audit_events(db, "relationship_action", action.id)[-1].action == status
    assert audit_events(db, "task", task.id)[-1].action == status


@pytest.mark.parametrize("status", ["pending", "archived", "", "DONE", "completed"])
def test_any_other_status_is_400_and_changes_nothing(db, api, contact, status):
    action = action_for(api.user, contact)
    _db.session.commit()
    before = snapshot(db)
    response = api.patch(action_path(action.id), json={"status": status})
    assert error_fields(response, 400) == {"status"}
    assert snapshot(db) == before
    assert stored_action(db, action.id).status == "pending"


@pytest.mark.parametrize("body", [{}, {"status": None}, {"status": 1}, {"status": ["done"]}])
def test_a_missing_or_non_text_status_is_refused_naming_status(db, api, contact, body):
    """The issue says "anything else 400"; the error family says wrong types are 422."""
    action = action_for(api.user, contact)
    _db.session.commit()
    response = api.patch(action_path(action.id), json=body)
    assert response.status_code in (400, 422)
    assert error_fields(response, response.status_code) == {"status"}
    assert stored_action(db, action.id).status == "pending"


def test_patch_refuses_other_fields_and_non_json(db, api, contact):
    action = action_for(api.user, contact)
    _db.session.commit()
    before = snapshot(db)
    path = action_path(action.id)
    response = api.patch(path, json={"status": "done", "title": "Renamed"})
    assert error_fields(response, 400, "unknown_field") == {"title"}
    error_of(api.patch(path, data="status=done"), 400, "invalid_json")
    assert snapshot(db) == before


def test_closing_an_unknown_action_is_404(db, api):
    before = snapshot(db)
    error_of(api.patch(action_path(999_999), json={"status": "done"}), 404)
    assert snapshot(db) == before


def test_an_unknown_contact_is_404_for_its_list_and_for_create(db, api):
    before = snapshot(db)
    error_of(api.get(contact_actions_path(999_999)), 404)
    error_of(api.post(contact_actions_path(999_999), json=CALL), 404)
    assert snapshot(db) == before


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
    with count_queries() as statements:
        assert caller.get(path).status_code == 200
    return len(statements)


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
