"""Auto-actions from life events: when they are due, for whom, what they ask, one per occurrence."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from tests.records import events_for
from tests.unit.relationship_builders import (
    actions_of,
    actor_of,
    add_event,
    at_noon_utc,
    contact_of,
    freeze_time,
    only_pending,
    pending_of,
    task_of,
    user,
)
from webapp.models import RelationshipAction
from webapp.services import actions, life_events
from webapp.services.life_event_types import DEFAULT_DAYS_BEFORE, LIFE_EVENT_TYPES

TODAY = date(2025, 6, 1)  # not a leap year


@pytest.fixture
def owner(db):
    return user("member", name="Olive Owner")


@pytest.fixture
def actor(db, owner):
    return actor_of(owner)


@pytest.fixture
def contact(db, owner):
    return contact_of(owner, "Ada", "Lovelace")


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(TODAY))


# When it is due


def test_the_default_lead_time_is_seven_days(db, actor, contact):
    assert DEFAULT_DAYS_BEFORE == 7
    event = add_event(actor, contact, "06-20")
    action = only_pending(db, event.id)
    assert action.occurrence_on == date(2025, 6, 20)
    assert action.due_on == date(2025, 6, 13)


def test_the_event_types_lead_time_comes_from_the_one_table(db, actor, contact, monkeypatch):
    longer = dataclasses.replace(LIFE_EVENT_TYPES["anniversary"], days_before=21)
    monkeypatch.setitem(LIFE_EVENT_TYPES, "anniversary", longer)
    event = add_event(actor, contact, "2010-07-30", event_type="anniversary", title="Wedding day")
    assert only_pending(db, event.id).due_on == date(2025, 7, 9)


def test_the_events_own_lead_time_wins(db, actor, contact):
    event = add_event(actor, contact, "06-20", auto_action_days_before=3)
    assert only_pending(db, event.id).due_on == date(2025, 6, 17)


def test_a_lead_time_of_zero_is_due_on_the_day(db, actor, contact):
    event = add_event(actor, contact, "06-20", auto_action_days_before=0)
    assert only_pending(db, event.id).due_on == date(2025, 6, 20)


@pytest.mark.parametrize("event_date", ["06-01", "06-02", "06-05"], ids=["today", "tomorrow", "4d"])
def test_late_notice_is_due_today_never_in_the_past(db, actor, contact, event_date):
    event = add_event(actor, contact, event_date)
    action = only_pending(db, event.id)
    assert action.due_on == TODAY
    assert action.occurrence_on.year == 2025


def test_an_event_later_today_is_this_years_occurrence(db, actor, contact, monkeypatch):
    freeze_time(monkeypatch, datetime(2025, 6, 1, 0, 5, tzinfo=UTC))
    event = add_event(actor, contact, "1980-06-01")
    action = only_pending(db, event.id)
    assert (action.occurrence_on, action.due_on) == (TODAY, TODAY)


def test_lead_time_crosses_the_year_boundary(db, actor, contact, monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(date(2025, 12, 1)))
    event = add_event(actor, contact, "01-03")
    action = only_pending(db, event.id)
    assert action.occurrence_on == date(2026, 1, 3)
    assert action.due_on == date(2025, 12, 27)


def test_a_year_unknown_birthday_gets_its_next_occurrence(db, actor, contact):
    event = add_event(actor, contact, "03-14")
    action = only_pending(db, event.id)
    assert (action.occurrence_on, action.due_on) == (date(2026, 3, 14), date(2026, 3, 7))


@pytest.mark.parametrize("event_date", ["02-29", "2000-02-29"])
def test_a_29_february_birthday_falls_on_28_february_in_a_non_leap_year(
    db, actor, contact, monkeypatch, event_date
):
    freeze_time(monkeypatch, at_noon_utc(date(2025, 2, 1)))
    event = add_event(actor, contact, event_date)
    action = only_pending(db, event.id)
    assert (action.occurrence_on, action.due_on) == (date(2025, 2, 28), date(2025, 2, 21))


def test_a_29_february_birthday_is_on_the_29th_in_a_leap_year(db, actor, contact, monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(date(2028, 2, 1)))
    event = add_event(actor, contact, "02-29")
    assert only_pending(db, event.id).occurrence_on == date(2028, 2, 29)


def test_a_past_one_off_event_gets_no_action(db, actor, contact):
    event = add_event(actor, contact, "2024-05-01", event_type="promotion", title="Made partner")
    assert actions_of(db, event.id) == []


def test_an_event_without_a_date_gets_no_action(db, actor, contact):
    event = add_event(actor, contact, None, event_type="other", title="Someday")
    assert actions_of(db, event.id) == []


# The assignee's calendar, not UTC's


def test_today_is_the_owners_in_kiritimati(db, monkeypatch):
    # 12:00 UTC on 13 March is 02:00 on 14 March at UTC+14: the birthday is today, due today.
    freeze_time(monkeypatch, datetime(2025, 3, 13, 12, tzinfo=UTC))
    owner = user("member", timezone="Pacific/Kiritimati")
    event = add_event(actor_of(owner), contact_of(owner), "03-14")
    action = only_pending(db, event.id)
    assert (action.occurrence_on, action.due_on) == (date(2025, 3, 14), date(2025, 3, 14))


def test_today_is_the_owners_in_pago_pago(db, monkeypatch):
    # 05:00 UTC on 14 March is 18:00 on 13 March at UTC-11: a 13 March birthday is still today.
    freeze_time(monkeypatch, datetime(2025, 3, 14, 5, tzinfo=UTC))
    owner = user("member", timezone="Pacific/Pago_Pago")
    event = add_event(actor_of(owner), contact_of(owner), "03-13")
    action = only_pending(db, event.id)
    assert (action.occurrence_on, action.due_on) == (date(2025, 3, 13), date(2025, 3, 13))


def test_the_owners_timezone_counts_not_the_person_adding_the_event(db, monkeypatch):
    freeze_time(monkeypatch, datetime(2025, 3, 14, 5, tzinfo=UTC))
    owner = user("member", timezone="Pacific/Pago_Pago")
    colleague = user("member", timezone="Pacific/Kiritimati")
    event = add_event(actor_of(colleague), contact_of(owner), "03-13")
    action = only_pending(db, event.id)
    assert action.assigned_to_id == owner.id
    assert action.occurrence_on == date(2025, 3, 13)


# Whose it is and what it asks


def test_it_is_assigned_to_the_contacts_owner(db, owner, contact):
    colleague = user("member")
    event = add_event(actor_of(colleague), contact, "06-20")
    action = only_pending(db, event.id)
    assert action.assigned_to_id == owner.id
    assert action.source == "life_event"
    assert action.created_by_id == colleague.id


def test_without_an_owner_it_falls_to_whoever_added_the_event(db):
    adder = user("member")
    event = add_event(actor_of(adder), contact_of(None), "06-20")
    assert only_pending(db, event.id).assigned_to_id == adder.id


def test_an_owner_who_has_left_hands_it_to_whoever_added_the_event(db):
    adder = user("member")
    event = add_event(actor_of(adder), contact_of(user("member", active=False)), "06-20")
    assert only_pending(db, event.id).assigned_to_id == adder.id


@pytest.mark.parametrize(
    ("event_type", "action_type"),
    [("birthday", "card"), ("anniversary", "gift"), ("other", "call"), ("promotion", "call")],
)
def test_the_action_type_fits_the_event(db, actor, contact, event_type, action_type):
    event = add_event(actor, contact, "2025-06-20", event_type=event_type, title="Big day")
    assert only_pending(db, event.id).action_type == action_type


def test_the_action_type_of_each_event_type_comes_from_the_one_table():
    assert LIFE_EVENT_TYPES["birthday"].action_type == "card"
    assert LIFE_EVENT_TYPES["anniversary"].action_type == "gift"
    assert LIFE_EVENT_TYPES["other"].action_type == "call"


def test_the_title_names_the_person_and_the_event(db, actor, contact):
    event = add_event(actor, contact, "06-20", title="50th birthday")
    title = only_pending(db, event.id).title
    assert "Ada Lovelace" in title
    assert "50th birthday" in title


def test_the_action_is_for_the_contact_and_mirrored_in_the_action_centre(db, actor, contact):
    event = add_event(actor, contact, "06-20")
    action = only_pending(db, event.id)
    task = task_of(db, action)
    assert action.contact_id == contact.id == task.contact_id
    assert (task.title, task.assigned_to_id, task.due_on, task.status) == (
        action.title,
        action.assigned_to_id,
        action.due_on,
        "pending",
    )


# One per (event, occurrence)


def test_the_database_refuses_a_second_action_for_the_same_occurrence(db, actor, contact):
    event = add_event(actor, contact, "06-20")
    first = only_pending(db, event.id)
    duplicate = RelationshipAction(
        contact_id=contact.id,
        title="Again",
        action_type="card",
        assigned_to_id=first.assigned_to_id,
        status="dismissed",
        source="life_event",
        life_event_id=event.id,
        occurrence_on=first.occurrence_on,
    )
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(duplicate)
        db.session.flush()
    assert [a.id for a in actions_of(db, event.id)] == [first.id]


def test_disabled_auto_action_creates_none(db, actor, contact):
    event = add_event(actor, contact, "06-20", auto_action_enabled=False)
    assert actions_of(db, event.id) == []


def test_turning_auto_action_on_creates_it_and_off_dismisses_it(db, actor, contact):
    event = add_event(actor, contact, "06-20", auto_action_enabled=False)
    life_events.update_event(actor, contact.id, event.id, {"auto_action_enabled": True})
    action = only_pending(db, event.id)
    life_events.update_event(actor, contact.id, event.id, {"auto_action_enabled": False})
    assert pending_of(db, event.id) == []
    stored = actions_of(db, event.id)
    assert [(a.id, a.status, a.task.status) for a in stored] == [
        (action.id, "dismissed", "dismissed")
    ]


def test_turning_auto_action_back_on_gives_a_pending_action_again(db, actor, contact):
    event = add_event(actor, contact, "06-20")
    life_events.update_event(actor, contact.id, event.id, {"auto_action_enabled": False})
    life_events.update_event(actor, contact.id, event.id, {"auto_action_enabled": True})
    action = only_pending(db, event.id)
    assert action.due_on == date(2025, 6, 13)
    assert task_of(db, action).status == "pending"


def test_a_new_date_moves_the_pending_action(db, actor, contact):
    event = add_event(actor, contact, "06-20")
    before = only_pending(db, event.id)
    life_events.update_event(actor, contact.id, event.id, {"event_date": "07-10"})
    after = only_pending(db, event.id)
    assert after.id == before.id
    assert (after.occurrence_on, after.due_on) == (date(2025, 7, 10), date(2025, 7, 3))
    assert task_of(db, after).due_on == date(2025, 7, 3)
    assert len(actions_of(db, event.id)) == 1


def test_a_new_lead_time_moves_the_pending_action(db, actor, contact):
    event = add_event(actor, contact, "06-20")
    before = only_pending(db, event.id)
    life_events.update_event(actor, contact.id, event.id, {"auto_action_days_before": 14})
    after = only_pending(db, event.id)
    assert (after.id, after.due_on) == (before.id, date(2025, 6, 6))
    assert task_of(db, after).due_on == date(2025, 6, 6)


def test_a_new_type_and_title_revise_the_pending_action_and_its_task(db, actor, contact):
    event = add_event(actor, contact, "06-20")
    before = only_pending(db, event.id)
    changes = {"event_type": "anniversary", "title": "Silver wedding"}
    life_events.update_event(actor, contact.id, event.id, changes)
    after = only_pending(db, event.id)
    assert (after.id, after.action_type) == (before.id, "gift")
    assert "Silver wedding" in after.title
    assert task_of(db, after).title == after.title


def test_a_date_with_no_occurrence_ahead_dismisses_the_pending_action(db, actor, contact):
    event = add_event(actor, contact, "06-20", event_type="promotion", title="Made partner")
    life_events.update_event(actor, contact.id, event.id, {"event_date": "2024-06-20"})
    assert pending_of(db, event.id) == []
    assert [a.status for a in actions_of(db, event.id)] == ["dismissed"]


def test_a_done_occurrence_gets_no_second_action_when_the_title_changes(db, actor, contact):
    event = add_event(actor, contact, "06-20")
    done = only_pending(db, event.id)
    actions.set_status(actor, done.id, "done")
    life_events.update_event(actor, contact.id, event.id, {"title": "Birthday (60th)"})
    stored = actions_of(db, event.id)
    assert [(a.id, a.status) for a in stored] == [(done.id, "done")]


def test_a_dismissed_occurrence_stays_dismissed_when_the_event_is_edited(db, actor, contact):
    event = add_event(actor, contact, "06-20")
    dismissed = only_pending(db, event.id)
    actions.set_status(actor, dismissed.id, "dismissed")
    life_events.update_event(actor, contact.id, event.id, {"description": "Likes tulips"})
    life_events.update_event(actor, contact.id, event.id, {"title": "Birthday!"})
    assert [(a.id, a.status) for a in actions_of(db, event.id)] == [(dismissed.id, "dismissed")]


def test_deleting_the_event_dismisses_pending_and_keeps_done(db, monkeypatch):
    manager = user("manager")
    actor = actor_of(manager)
    contact = contact_of(manager)
    event = add_event(actor, contact, "06-20")
    done = only_pending(db, event.id)
    actions.set_status(actor, done.id, "done")
    freeze_time(monkeypatch, at_noon_utc(date(2025, 6, 25)))  # next year's occurrence is ahead
    life_events.update_event(actor, contact.id, event.id, {"title": "Birthday (moved on)"})
    pending = only_pending(db, event.id)
    assert pending.occurrence_on == date(2026, 6, 20)

    life_events.delete_event(actor, contact.id, event.id)

    kept = {a.id: a for a in _actions_by_id(db, done.id, pending.id)}
    assert (kept[done.id].status, kept[done.id].life_event_id) == ("done", None)
    assert (kept[pending.id].status, kept[pending.id].life_event_id) == ("dismissed", None)
    assert kept[pending.id].task.status == "dismissed"
    assert [e.action for e in events_for(db, kept[pending.id])] == ["create", "dismissed"]


def _actions_by_id(db, *ids: int) -> list[RelationshipAction]:
    db.session.flush()
    db.session.expire_all()
    return [db.session.get(RelationshipAction, action_id) for action_id in ids]
