"""The life events service: fields, defaults, order, permissions, contact checks and audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import CompanyFactory
from tests.records import events_for, reload
from tests.unit.relationship_builders import (
    actions_of,
    actor_of,
    add_event,
    contact_of,
    freeze_time,
    user,
)
from webapp.models import LifeEvent, PermissionOverride
from webapp.services import calendar, life_events
from webapp.services.errors import NotFound, PermissionDenied, ValidationFailed


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_time(monkeypatch, datetime(2025, 6, 1, 12, tzinfo=UTC))


@pytest.fixture
def actor(db):
    return actor_of(user("member"))


@pytest.fixture
def contact(db, actor):
    return contact_of(actor.user)


def event_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(LifeEvent))


def refused_create(actor, contact, values: dict) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as failure:
        life_events.create_event(actor, contact.id, values)
    return failure.value.fields


# Creating


def test_create_stores_every_field(db, actor, contact):
    company = CompanyFactory()
    event = life_events.create_event(
        actor,
        contact.id,
        {
            "event_type": "anniversary",
            "title": "  Wedding anniversary ",
            "event_date": "2010-09-02",
            "recurs_annually": True,
            "description": "Married in Lisbon",
            "auto_action_enabled": True,
            "auto_action_days_before": 10,
            "company_id": company.id,
        },
    )
    stored = reload(db, event)
    assert (stored.event_type, stored.title, stored.description) == (
        "anniversary",
        "Wedding anniversary",
        "Married in Lisbon",
    )
    assert (stored.event_year, stored.event_month, stored.event_day) == (2010, 9, 2)
    assert (stored.recurs_annually, stored.auto_action_enabled) == (True, True)
    assert (stored.auto_action_days_before, stored.company_id) == (10, company.id)
    assert (stored.contact_id, stored.created_by_id) == (contact.id, actor.user_id)


def test_a_year_unknown_date_is_stored_without_a_year(db, actor, contact):
    event = add_event(actor, contact, "03-14")
    stored = reload(db, event)
    assert (stored.event_year, stored.event_month, stored.event_day) == (None, 3, 14)


@pytest.mark.parametrize(
    ("event_type", "recurs"),
    [("birthday", True), ("anniversary", True), ("wedding", False), ("promotion", False)],
)
def test_recurrence_defaults_to_the_event_types(db, actor, contact, event_type, recurs):
    event = add_event(actor, contact, "2025-09-02", event_type=event_type)
    assert reload(db, event).recurs_annually is recurs


def test_auto_action_is_on_unless_switched_off(db, actor, contact):
    assert reload(db, add_event(actor, contact, "09-02")).auto_action_enabled is True
    off = add_event(actor, contact, "09-03", auto_action_enabled=False)
    assert reload(db, off).auto_action_enabled is False


def test_create_is_audited(db, actor, contact):
    event = add_event(actor, contact, "03-14", title="Birthday")
    (created,) = events_for(db, event)
    assert (created.action, created.user_id) == ("create", actor.user_id)
    assert created.changes["title"] == {"before": None, "after": "Birthday"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": "Birthday"}, "event_type"),
        ({"event_type": "birthday"}, "title"),
        ({"event_type": "birthday", "title": "   "}, "title"),
        ({"event_type": "bar_mitzvah", "title": "x"}, "event_type"),
        ({"event_type": "birthday", "title": "x" * 201}, "title"),
        ({"event_type": "birthday", "title": "x", "event_date": "2023-02-29"}, "event_date"),
        ({"event_type": "birthday", "title": "x", "event_date": "14/03"}, "event_date"),
        ({"event_type": "birthday", "title": "x", "event_date": "1850-03-14"}, "event_date"),
        ({"event_type": "birthday", "title": "x", "recurs_annually": "yes"}, "recurs_annually"),
        ({"event_type": "birthday", "title": "x", "auto_action_enabled": 1}, "auto_action_enabled"),
        (
            {"event_type": "birthday", "title": "x", "auto_action_days_before": -1},
            "auto_action_days_before",
        ),
        (
            {"event_type": "birthday", "title": "x", "auto_action_days_before": 366},
            "auto_action_days_before",
        ),
        (
            {"event_type": "birthday", "title": "x", "auto_action_days_before": 2.5},
            "auto_action_days_before",
        ),
        ({"event_type": "birthday", "title": "x", "company_id": 987654}, "company_id"),
        ({"event_type": "birthday", "title": "x", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_written(db, actor, contact, values, field):
    assert field in refused_create(actor, contact, values)
    assert event_count(db) == 0


def test_every_problem_is_reported_at_once(db, actor, contact):
    fields = refused_create(actor, contact, {"event_type": "", "title": "", "event_date": "x"})
    assert set(fields) == {"event_type", "title", "event_date"}


def test_an_unknown_contact_is_not_found(db, actor):
    with pytest.raises(NotFound):
        life_events.create_event(actor, 987654, {"event_type": "birthday", "title": "x"})


def test_creating_needs_the_update_permission(db, contact):
    reader = user("member")
    reader.permission_overrides = [
        PermissionOverride(permission="relationships:update", granted=False)
    ]
    with pytest.raises(PermissionDenied):
        add_event(actor_of(reader), contact, "03-14")
    assert event_count(db) == 0


# Listing


def test_events_are_listed_latest_date_first_and_undated_last(db, actor, contact):
    undated = add_event(actor, contact, None, event_type="other", title="Someday")
    older = add_event(actor, contact, "2019-05-01", event_type="promotion", title="Director")
    newest = add_event(actor, contact, "2024-11-20", event_type="new_job", title="New job")
    middle = add_event(actor, contact, "2024-02-03", event_type="wedding", title="Wedding")
    other_contact = contact_of(actor.user, "Grace", "Hopper")
    add_event(actor, other_contact, "2025-01-01")
    listed = [e.id for e in life_events.list_events(actor, contact.id)]
    assert listed == [newest.id, middle.id, older.id, undated.id]


# Updating


def test_update_changes_only_the_given_fields_and_is_audited(db, actor, contact):
    event = add_event(actor, contact, "03-14", description="Likes tulips")
    life_events.update_event(actor, contact.id, event.id, {"title": "Ada's birthday"})
    stored = reload(db, event)
    assert (stored.title, stored.description, stored.event_month) == (
        "Ada's birthday",
        "Likes tulips",
        3,
    )
    update = events_for(db, event)[-1]
    assert (update.action, update.changes) == (
        "update",
        {"title": {"before": "Birthday", "after": "Ada's birthday"}},
    )


def test_an_update_that_changes_nothing_is_not_audited(db, actor, contact):
    event = add_event(actor, contact, "03-14", title="Birthday")
    life_events.update_event(
        actor, contact.id, event.id, {"title": " Birthday ", "event_date": "03-14"}
    )
    assert [e.action for e in events_for(db, event)] == ["create"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": None}, "title"),
        ({"event_type": None}, "event_type"),
        ({"event_type": "party"}, "event_type"),
        ({"event_date": "02-30"}, "event_date"),
        ({"company_id": 1}, "company_id"),  # the company is set when the event is made
        ({"contact_id": 1}, "contact_id"),
    ],
)
def test_bad_updates_are_refused_and_nothing_changes(db, actor, contact, values, field):
    event = add_event(actor, contact, "03-14", title="Birthday")
    with pytest.raises(ValidationFailed) as failure:
        life_events.update_event(actor, contact.id, event.id, {"description": "new", **values})
    assert field in failure.value.fields
    stored = reload(db, event)
    assert (stored.title, stored.event_type, stored.description) == ("Birthday", "birthday", None)


def test_clearing_the_date_dismisses_the_auto_action(db, actor, contact):
    event = add_event(actor, contact, "03-14")
    life_events.update_event(actor, contact.id, event.id, {"event_date": None})
    stored = reload(db, event)
    assert (stored.event_month, stored.event_day, stored.event_year) == (None, None, None)
    assert [a.status for a in actions_of(db, event.id)] == ["dismissed"]


def test_an_event_is_only_reached_through_its_own_contact(db, actor, contact):
    event = add_event(actor, contact, "03-14")
    stranger = contact_of(None, "Grace", "Hopper")
    with pytest.raises(NotFound):
        life_events.update_event(actor, stranger.id, event.id, {"title": "Hijacked"})
    with pytest.raises(NotFound):
        life_events.delete_event(actor_of(user("manager")), stranger.id, event.id)
    assert reload(db, event).title == "Birthday"


def test_an_unknown_event_is_not_found(db, actor, contact):
    with pytest.raises(NotFound):
        life_events.update_event(actor, contact.id, 987654, {"title": "x"})


# Deleting


def test_members_may_not_delete_events(db, actor, contact):
    event = add_event(actor, contact, "03-14")
    with pytest.raises(PermissionDenied):
        life_events.delete_event(actor, contact.id, event.id)
    assert reload(db, event) is not None
    assert [a.status for a in actions_of(db, event.id)] == ["pending"]


@pytest.mark.parametrize("role", ["manager", "head", "executive"])
def test_managers_and_above_delete_events_with_an_audit_trail(db, contact, role):
    deleter = actor_of(user(role))
    event = add_event(deleter, contact, "03-14", title="Birthday")
    event_id = event.id
    life_events.delete_event(deleter, contact.id, event_id)
    db.session.expire_all()
    assert db.session.get(LifeEvent, event_id) is None
    deleted = events_for(db, event)[-1]
    assert (deleted.action, deleted.user_id) == ("delete", deleter.user_id)
    assert deleted.changes["title"] == {"before": "Birthday", "after": None}


# --- which events fall on given days ------------------------------------------------------------


@pytest.mark.parametrize(
    "pairs",
    [
        calendar.month_days(date(2026, 12, 6), 91),  # the summary's and Today's 91 days ahead
        calendar.month_days(date(2028, 2, 1), 45),  # a leap February
        {(1, 31), (2, 1), (2, 28), (3, 1), (3, 3), (7, 4)},  # runs broken and across months
        set(),
    ],
    ids=["91 days from December", "a leap February", "scattered days", "no day"],
)
def test_on_month_days_selects_exactly_the_events_on_those_days(db, pairs):
    contact = contact_of(None)
    every_day = [date(2028, 1, 1) + timedelta(days=n) for n in range(366)]
    db.session.add_all(
        LifeEvent(
            contact_id=contact.id,
            event_type="anniversary",
            title=f"{day:%d %b}",
            event_month=day.month,
            event_day=day.day,
        )
        for day in every_day
    )
    db.session.flush()

    stmt = select(LifeEvent.event_month, LifeEvent.event_day).where(
        LifeEvent.contact_id == contact.id, life_events.on_month_days(pairs)
    )
    assert {tuple(row) for row in db.session.execute(stmt)} == set(pairs)
