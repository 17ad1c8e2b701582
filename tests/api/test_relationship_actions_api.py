"""Relationship actions of reference 002: create and close them; the task mirror."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.api.relationship_helpers import (
    ACTIONS_PATH,
    action_for,
    action_path,
    audit_events,
    client_contact,
    company,
    contact_actions_path,
    error_fields,
    error_of,
    freeze_today,
    names_field,
    snapshot,
    task_of,
)
from tests.factories import SquadFactory
from webapp.api import schemas
from webapp.extensions import db as _db
from webapp.models import RelationshipAction

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
