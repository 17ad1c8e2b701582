"""A life event's auto-action through the API: made on create, moved on change, closed on delete."""

from __future__ import annotations

import pytest

from tests.api.relationship_helpers import (
    CARD_DUE,
    NEXT_BIRTHDAY,
    action_path,
    actions_listed,
    audit_events,
    auto_actions_of,
    company,
    create,
    event_path,
    event_row,
    freeze_today,
    snapshot,
    task_of,
)
from webapp.api import schemas
from webapp.extensions import db as _db
from webapp.models import RelationshipAction


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def manager(api_client):
    return api_client(role="manager")


def stored_action(db, action_id: int) -> RelationshipAction:
    db.session.expire_all()
    return db.session.get(RelationshipAction, action_id)


# Creating


def test_creating_an_event_makes_exactly_one_auto_action(db, api, contact, firm):
    event = create(api, contact)
    listed = actions_listed(api, contact)
    assert len(listed) == 1
    action = listed[0]
    assert action["life_event_id"] == event["id"] and action["source"] == "life_event"
    assert action["action_type"] == "card" and action["status"] == "pending"
    assert action["due_date"] == CARD_DUE and action["occurrence_date"] == NEXT_BIRTHDAY
    assert action["assigned_to_user_id"] == str(contact.owner_id)
    assert "Ada Lovelace" in action["title"] and "Birthday" in action["title"]
    assert action["company_id"] == str(firm.id)
    rows = auto_actions_of(db, int(event["id"]))
    assert [row.id for row in rows] == [int(action["id"])]
    task = task_of(db, rows[0].id)
    assert (task.title, task.due_on.isoformat(), task.status) == (
        action["title"],
        CARD_DUE,
        "pending",
    )


def test_no_auto_action_when_auto_action_enabled_is_false(db, api, contact):
    before = snapshot(db)
    event = create(api, contact, auto_action_enabled=False)
    assert event["auto_action_enabled"] is False
    assert actions_listed(api, contact) == []
    after = snapshot(db)
    assert after["relationship_actions"] == before["relationship_actions"]
    assert after["tasks"] == before["tasks"]
    assert after["life_events"] == before["life_events"] + 1


def test_the_lead_time_sets_the_auto_actions_due_date(db, api, contact):
    event = create(api, contact, auto_action_days_before=14)
    assert event["auto_action_days_before"] == 14
    assert actions_listed(api, contact)[0]["due_date"] == "2025-06-06"


@pytest.mark.parametrize(
    ("event_type", "action_type"),
    [("anniversary", "gift"), ("work_anniversary", "call"), ("promotion", "call")],
)
def test_the_auto_action_type_fits_the_event(api, contact, event_type, action_type):
    create(api, contact, event_type=event_type, title="Big day", event_date="2025-07-01")
    assert actions_listed(api, contact)[0]["action_type"] == action_type


def test_an_event_with_a_company_passes_it_to_its_auto_action(api, contact):
    other_firm = company("Difference Engines plc")
    _db.session.commit()
    event = create(api, contact, company_id=str(other_firm.id))
    assert event["company_id"] == str(other_firm.id)
    assert actions_listed(api, contact)[0]["company_id"] == str(other_firm.id)


def test_a_month_day_event_without_a_year_gets_its_auto_action(db, api, contact):
    event = create(api, contact, event_date="06-20")
    assert event["event_date"] == "06-20" and event["next_occurrence"] == NEXT_BIRTHDAY
    assert event_row(db, event).event_year is None
    assert [a["due_date"] for a in actions_listed(api, contact)] == [CARD_DUE]


def test_an_event_without_a_date_has_no_auto_action(db, api, contact):
    event = create(api, contact, event_type="other", title="Moved house", event_date=None)
    assert event["event_date"] is None and event["next_occurrence"] is None
    assert auto_actions_of(db, int(event["id"])) == []


def test_a_new_date_moves_the_pending_auto_action(db, api, contact):
    event = create(api, contact)
    before = actions_listed(api, contact)[0]
    response = api.patch(event_path(contact.id, event["id"]), json={"event_date": "1985-07-10"})
    assert response.get_json()["event"]["next_occurrence"] == "2025-07-10"
    after = actions_listed(api, contact)
    assert len(after) == 1 and after[0]["id"] == before["id"]
    assert after[0]["due_date"] == "2025-07-03" and after[0]["occurrence_date"] == "2025-07-10"
    assert task_of(db, int(before["id"])).due_on.isoformat() == "2025-07-03"


def test_a_new_lead_time_moves_the_pending_auto_action(db, api, contact):
    event = create(api, contact)
    before = actions_listed(api, contact)[0]
    body = {"auto_action_days_before": 2}
    assert api.patch(event_path(contact.id, event["id"]), json=body).status_code == 200
    after = actions_listed(api, contact)
    assert [a["id"] for a in after] == [before["id"]]
    assert after[0]["due_date"] == "2025-06-18"
    assert task_of(db, int(before["id"])).due_on.isoformat() == "2025-06-18"


def test_switching_the_auto_action_off_dismisses_it(db, api, contact):
    event = create(api, contact)
    action_id = int(actions_listed(api, contact)[0]["id"])
    body = {"auto_action_enabled": False}
    assert api.patch(event_path(contact.id, event["id"]), json=body).status_code == 200
    (action,) = auto_actions_of(db, int(event["id"]))
    assert action.status == "dismissed" and task_of(db, action_id).status == "dismissed"


def test_a_done_auto_action_is_not_moved_by_a_new_date(db, api, contact):
    event = create(api, contact)
    done = actions_listed(api, contact)[0]
    api.patch(action_path(done["id"]), json={"status": "done"})
    api.patch(event_path(contact.id, event["id"]), json={"event_date": "1985-07-10"})
    kept = stored_action(db, done["id"])
    assert kept.status == "done" and kept.due_on.isoformat() == CARD_DUE


# Deleting


def test_delete_answers_ok_removes_the_event_and_dismisses_its_auto_action(
    db, api, manager, contact
):
    event = create(api, contact)
    action_id = int(actions_listed(api, contact)[0]["id"])
    response = manager.delete(event_path(contact.id, event["id"]))
    assert response.status_code == 200
    assert response.get_json() == {"ok": True}
    schemas.Ok.model_validate(response.get_json())
    assert event_row(db, event) is None
    action = stored_action(db, action_id)
    assert action.status == "dismissed" and action.completed_at is not None
    assert task_of(db, action_id).status == "dismissed"
    deleted = audit_events(db, "life_event", int(event["id"]))[-1]
    assert deleted.action == "delete" and deleted.api_key_id == manager.api_key.id


def test_delete_leaves_a_done_auto_action_done(db, api, manager, contact):
    event = create(api, contact)
    done = actions_listed(api, contact)[0]
    api.patch(action_path(done["id"]), json={"status": "done"})
    assert manager.delete(event_path(contact.id, event["id"])).status_code == 200
    assert stored_action(db, done["id"]).status == "done"
    assert task_of(db, int(done["id"])).status == "done"
