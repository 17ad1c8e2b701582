"""Life events of reference 002: list, create (with its auto-action), change, delete."""

from __future__ import annotations

import pytest

from tests.api.relationship_helpers import (
    action_path,
    audit_events,
    auto_actions_of,
    client_contact,
    company,
    contact_actions_path,
    error_fields,
    error_of,
    event_path,
    events_path,
    freeze_today,
    ids,
    names_field,
    snapshot,
    task_of,
)
from webapp import access
from webapp.api import schemas
from webapp.extensions import db as _db
from webapp.models import LifeEvent, RelationshipAction
from webapp.services.api_keys import revoke_api_key

BIRTHDAY = {"event_type": "birthday", "title": "Birthday", "event_date": "1985-06-20"}
# Today is 1 June 2025: the birthday next falls on 20 June, its card is due a week before.
NEXT_BIRTHDAY, CARD_DUE = "2025-06-20", "2025-06-13"


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def api(api_client):
    return api_client(role="member")


@pytest.fixture
def manager(api_client):
    return api_client(role="manager")


@pytest.fixture
def firm(db):
    return company("Analytical Engines Ltd")


@pytest.fixture
def contact(db, api, firm):
    person = client_contact(api.user, company=firm)
    _db.session.commit()
    return person


@pytest.fixture
def other_contact(db, api):
    person = client_contact(api.user, "Grace", "Hopper", email="grace@navy.example")
    _db.session.commit()
    return person


def create(api, contact, **values) -> dict:
    response = api.post(events_path(contact.id), json=BIRTHDAY | values)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["event"]


def actions_listed(api, contact) -> list[dict]:
    return api.get(contact_actions_path(contact.id)).get_json()["actions"]


def event_row(db, event: dict) -> LifeEvent | None:
    db.session.expire_all()
    return db.session.get(LifeEvent, int(event["id"]))


def stored_action(db, action_id: int) -> RelationshipAction:
    db.session.expire_all()
    return db.session.get(RelationshipAction, action_id)


# Creating


def test_creating_an_event_answers_201_with_the_event(db, api, contact):
    response = api.post(events_path(contact.id), json=BIRTHDAY | {"description": "Loves cake"})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"event"}
    schemas.LifeEventResponse.model_validate(body)
    event = body["event"]
    assert event["contact_id"] == str(contact.id)
    assert (event["event_type"], event["title"]) == ("birthday", "Birthday")
    assert event["event_date"] == "1985-06-20" and event["next_occurrence"] == NEXT_BIRTHDAY
    assert event["recurs_annually"] is True  # a birthday's default
    assert event["auto_action_enabled"] is True and event["auto_action_days_before"] == 7
    assert event["description"] == "Loves cake" and event["company_id"] is None
    row = event_row(db, event)
    assert (row.event_month, row.event_day, row.event_year) == (6, 20, 1985)
    created = audit_events(db, "life_event", row.id)
    assert [e.action for e in created] == ["create"] and created[0].api_key_id == api.api_key.id


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


# Listing


def test_events_are_listed_latest_date_first(api, contact):
    created = {
        date: create(api, contact, event_type="other", title=f"On {date}", event_date=date)["id"]
        for date in ("2020-05-01", "2023-01-15", "1999-12-31")
    }
    undated = create(api, contact, event_type="other", title="Some day", event_date=None)["id"]
    response = api.get(events_path(contact.id))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"events"}
    schemas.LifeEventList.model_validate(body)
    listed = ids(body["events"])
    dated = [created[d] for d in ("2023-01-15", "2020-05-01", "1999-12-31")]
    assert [i for i in listed if i in dated] == dated
    assert listed[-1] == undated and len(listed) == 4


def test_only_the_contacts_own_events_are_listed(api, contact, other_contact):
    mine = create(api, contact)
    create(api, other_contact)
    assert ids(api.get(events_path(contact.id)).get_json()["events"]) == [mine["id"]]


def test_a_contact_without_events_lists_none(api, contact):
    assert api.get(events_path(contact.id)).get_json() == {"events": []}


# Changing


def test_patch_changes_the_given_fields_and_returns_the_event(db, api, contact):
    event = create(api, contact)
    response = api.patch(event_path(contact.id, event["id"]), json={"title": "40th birthday"})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"event"}
    schemas.LifeEventResponse.model_validate(body)
    assert body["event"]["title"] == "40th birthday" and body["event"]["event_date"] == "1985-06-20"
    row = event_row(db, event)
    assert row.title == "40th birthday"
    update = audit_events(db, "life_event", row.id)[-1]
    assert update.action == "update" and update.changes["title"]["after"] == "40th birthday"


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


# Refusals: the field is named, and nothing is written

CREATE_INVALID = [
    ({"title": None}, "title"),
    ({"title": "   "}, "title"),
    ({"event_type": "party"}, "event_type"),
    ({"event_type": 3}, "event_type"),
    ({"event_date": "13-45"}, "event_date"),
    ({"event_date": "2026-02-30"}, "event_date"),
    ({"event_date": "20/06/1985"}, "event_date"),
    ({"event_date": 19850620}, "event_date"),
    ({"recurs_annually": "yes"}, "recurs_annually"),
    ({"auto_action_enabled": None}, "auto_action_enabled"),
    ({"auto_action_enabled": "false"}, "auto_action_enabled"),
    ({"auto_action_days_before": -1}, "auto_action_days_before"),
    ({"auto_action_days_before": 366}, "auto_action_days_before"),
    ({"auto_action_days_before": "7"}, "auto_action_days_before"),
    ({"description": ["cake"]}, "description"),
    ({"company_id": 999_999}, "company_id"),
    ({"company_id": "abc"}, "company_id"),
    ({"company_id": 1.5}, "company_id"),
]


@pytest.mark.parametrize(("values", "field"), CREATE_INVALID, ids=str)
def test_create_names_the_bad_field_and_writes_nothing(db, api, contact, values, field):
    before = snapshot(db)
    response = api.post(events_path(contact.id), json=BIRTHDAY | values)
    assert names_field(error_fields(response, 422, "validation_failed"), field)
    assert snapshot(db) == before


@pytest.mark.parametrize("missing", ["event_type", "title"])
def test_create_names_a_missing_required_field(db, api, contact, missing):
    before = snapshot(db)
    body = {k: v for k, v in BIRTHDAY.items() if k != missing}
    assert error_fields(api.post(events_path(contact.id), json=body), 422) == {missing}
    assert snapshot(db) == before


UPDATE_INVALID = [
    ({"title": ""}, "title"),
    ({"title": None}, "title"),
    ({"event_type": "party"}, "event_type"),
    ({"event_date": "13-45"}, "event_date"),
    ({"event_date": "2026-02-30"}, "event_date"),
    ({"recurs_annually": 1}, "recurs_annually"),
    ({"auto_action_days_before": 400}, "auto_action_days_before"),
]


@pytest.mark.parametrize(("values", "field"), UPDATE_INVALID, ids=str)
def test_update_names_the_bad_field_and_changes_nothing(db, api, contact, values, field):
    event = create(api, contact)
    action = actions_listed(api, contact)[0]
    before = snapshot(db)
    body = {"description": "must not be saved", "auto_action_days_before": 1} | values
    response = api.patch(event_path(contact.id, event["id"]), json=body)
    assert names_field(error_fields(response, 422, "validation_failed"), field)
    assert snapshot(db) == before
    row = event_row(db, event)
    assert row.description is None and row.auto_action_days_before is None
    assert actions_listed(api, contact)[0]["due_date"] == action["due_date"] == CARD_DUE


@pytest.mark.parametrize(
    ("method", "values"),
    [
        ("post", BIRTHDAY | {"colour": "red"}),
        ("patch", {"colour": "red"}),
        ("patch", {"company_id": 1}),
    ],
)
def test_a_field_the_endpoint_does_not_take_is_unknown_field(db, api, contact, method, values):
    event = create(api, contact)
    path = events_path(contact.id) if method == "post" else event_path(contact.id, event["id"])
    before = snapshot(db)
    response = getattr(api, method)(path, json=values)
    unknown = next(iter(set(values) - set(BIRTHDAY)))
    assert error_fields(response, 400, "unknown_field") == {unknown}
    assert snapshot(db) == before


@pytest.mark.parametrize("data", ["not json", "", "[1, 2]", '"Birthday"', "42"])
def test_a_body_that_is_not_a_json_object_is_invalid_json(db, api, contact, data):
    event = create(api, contact)
    before = snapshot(db)
    for call, path in (
        (api.post, events_path(contact.id)),
        (api.patch, event_path(contact.id, event["id"])),
    ):
        error_of(call(path, data=data, content_type="application/json"), 400, "invalid_json")
    assert snapshot(db) == before


# Who may ask


def endpoints(contact, event_id: int) -> list[tuple[str, str, dict | None, str]]:
    """(method, path, body, the permission it needs) for each life-event endpoint."""
    return [
        ("get", events_path(contact.id), None, access.RELATIONSHIPS_VIEW),
        ("post", events_path(contact.id), BIRTHDAY, access.RELATIONSHIPS_UPDATE),
        (
            "patch",
            event_path(contact.id, event_id),
            {"title": "Party"},
            access.RELATIONSHIPS_UPDATE,
        ),
        ("delete", event_path(contact.id, event_id), None, access.RELATIONSHIPS_MANAGE),
    ]


def call(api, method: str, path: str, body: dict | None):
    return getattr(api, method)(path, json=body) if body is not None else getattr(api, method)(path)


@pytest.fixture
def event(api, contact):
    return create(api, contact)


def test_without_a_key_or_with_a_revoked_one_every_method_is_401(db, client, api, contact, event):
    unauthenticated = [client]
    revoke_api_key(access.actor_for_user(api.user), api.api_key.id)
    _db.session.commit()
    unauthenticated.append(api)
    before = snapshot(db)
    for caller in unauthenticated:
        for method, path, body, _permission in endpoints(contact, event["id"]):
            error_of(call(caller, method, path, body), 401, "unauthenticated")
    assert snapshot(db) == before


@pytest.mark.parametrize("index", range(4), ids=["get", "post", "patch", "delete"])
def test_each_method_needs_its_permission(db, api_client, contact, event, index):
    method, path, body, needed = endpoints(contact, event["id"])[index]
    others = [p for p in access.ROLE_DEFAULTS["manager"] if p != needed]
    lacking = api_client(permissions=others, role="manager")
    before = snapshot(db)
    error = error_of(call(lacking, method, path, body), 403, "forbidden")
    assert error["details"] == {"permission": needed}
    assert snapshot(db) == before
    holding = api_client(permissions=[needed], role="manager")
    assert call(holding, method, path, body).status_code in (200, 201)


def test_a_member_cannot_delete_an_event(db, api, contact, event):
    before = snapshot(db)
    error_of(api.delete(event_path(contact.id, event["id"])), 403, "forbidden")
    assert snapshot(db) == before
    assert event_row(db, event) is not None


def test_an_unknown_contact_is_404_for_every_method(db, manager, contact, event):
    before = snapshot(db)
    for method, path, body, _permission in endpoints(contact, event["id"]):
        response = call(manager, method, path.replace(f"/{contact.id}/", "/999999/"), body)
        error_of(response, 404)
    assert snapshot(db) == before


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_an_unknown_event_is_404(db, manager, contact, method):
    body = {"title": "X"} if method == "patch" else None
    before = snapshot(db)
    error_of(call(manager, method, event_path(contact.id, 999_999), body), 404)
    assert snapshot(db) == before


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_an_event_of_another_contact_is_404_and_untouched(
    db, manager, contact, other_contact, event, method
):
    before = snapshot(db)
    body = {"title": "Hijacked"} if method == "patch" else None
    error_of(call(manager, method, event_path(other_contact.id, event["id"]), body), 404)
    assert snapshot(db) == before
    row = event_row(db, event)
    assert row is not None and row.title == "Birthday"
    assert auto_actions_of(db, row.id)[0].status == "pending"
