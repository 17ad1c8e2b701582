"""Life events of reference 002: create, list, change, refuse bad input, and who may ask."""

from __future__ import annotations

import pytest

from tests.api.relationship_helpers import (
    BIRTHDAY,
    CARD_DUE,
    NEXT_BIRTHDAY,
    actions_listed,
    audit_events,
    auto_actions_of,
    client_contact,
    create,
    error_fields,
    error_of,
    event_path,
    event_row,
    events_path,
    freeze_today,
    ids,
    names_field,
    snapshot,
)
from webapp import access
from webapp.api import schemas
from webapp.extensions import db as _db
from webapp.services.api_keys import revoke_api_key


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def manager(api_client):
    return api_client(role="manager")


@pytest.fixture
def other_contact(db, api):
    person = client_contact(api.user, "Grace", "Hopper", email="grace@navy.example")
    _db.session.commit()
    return person


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
