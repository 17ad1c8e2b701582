"""The due life-event actions job: each occurrence gets its action once its lead window opens."""

from __future__ import annotations

from datetime import date

import pytest

from tests.jobs.builders import (
    actions_for,
    at,
    contact_of,
    occurrences_of,
    owner,
    raw_event,
    row_counts,
    run_due_actions,
)
from tests.unit.relationship_builders import actor_of, add_event, freeze_time
from webapp.jobs.due_actions import longest_lead, occurrence_days
from webapp.models import AuditEvent, Task
from webapp.services.life_event_types import LIFE_EVENT_TYPES


@pytest.fixture
def ada(db):
    return contact_of(owner())


# --- the occurrence window ---------------------------------------------------------------------


def test_the_window_covers_one_year_from_today_with_each_month_day_once():
    days = occurrence_days(date(2026, 11, 24))
    assert days[0] == (11, 24, date(2026, 11, 24))
    assert days[-1] == (11, 23, date(2027, 11, 23))
    month_days = [(month, day) for month, day, _ in days]
    assert len(month_days) == len(set(month_days)) == 366  # 29 February included


def test_29_february_falls_on_28_february_in_a_common_year():
    days = occurrence_days(date(2026, 11, 24))
    assert (2, 29, date(2027, 2, 28)) in days
    assert (2, 28, date(2027, 2, 28)) in days


def test_29_february_is_itself_in_a_leap_year():
    days = occurrence_days(date(2027, 6, 1))
    assert (2, 29, date(2028, 2, 29)) in days
    assert (2, 28, date(2028, 2, 28)) in days


# --- every year, once the lead window opens ------------------------------------------------------


def test_a_birthday_gets_its_action_when_the_lead_window_opens(db, ada):
    event = raw_event(ada, 12, 10, lead=7)

    assert run_due_actions(date(2026, 12, 2)).created == 0
    result = run_due_actions(date(2026, 12, 3))

    assert result.created == 1
    [action] = actions_for(event)
    assert action.occurrence_on == date(2026, 12, 10)
    assert action.due_on == date(2026, 12, 3)
    assert action.title == "Send a card to Ada Lovelace: Birthday (10 December)"
    assert (action.action_type, action.source, action.status) == ("card", "life_event", "pending")
    assert action.assigned_to_id == ada.owner_id


def test_each_following_year_gets_its_own_action(db, ada):
    event = raw_event(ada, 3, 14, year=1990, lead=7)
    for year in (2027, 2028, 2029):
        run_due_actions(date(year, 3, 7))
    assert occurrences_of(event) == [date(2027, 3, 14), date(2028, 3, 14), date(2029, 3, 14)]


def test_last_years_action_done_or_not_does_not_stop_this_years(db, ada):
    event = raw_event(ada, 3, 14, lead=7)
    run_due_actions(date(2027, 3, 10))
    run_due_actions(date(2028, 3, 10))
    assert [a.status for a in actions_for(event)] == [
        "pending",
        "pending",
    ]  # nothing auto-dismissed


def test_the_action_comes_with_its_task_and_is_audited(db, ada):
    event = raw_event(ada, 12, 10, lead=7)
    run_due_actions(date(2026, 12, 5))
    [action] = actions_for(event)
    task = db.session.query(Task).filter_by(relationship_action_id=action.id).one()
    assert (task.title, task.due_on, task.status) == (action.title, action.due_on, "pending")
    audited = db.session.query(AuditEvent).filter(AuditEvent.object_id.in_([action.id, task.id]))
    assert {(e.object_type, e.action, e.user_id) for e in audited} >= {
        ("relationship_action", "create", None),
        ("task", "create", None),
    }


def test_the_type_default_lead_time_applies_when_the_event_has_none(db, ada):
    event = raw_event(ada, 12, 10)  # birthdays: 7 days
    run_due_actions(date(2026, 12, 2))
    assert actions_for(event) == []
    run_due_actions(date(2026, 12, 3))
    assert occurrences_of(event) == [date(2026, 12, 10)]


def test_a_long_lead_time_reaches_into_next_year(db, ada):
    event = raw_event(ada, 2, 1, lead=90)
    run_due_actions(date(2026, 11, 3))
    assert occurrences_of(event) == [date(2027, 2, 1)]
    assert actions_for(event)[0].due_on == date(2026, 11, 3)


def test_the_longest_lead_of_any_event_sets_how_far_ahead_the_job_looks(db, ada):
    assert longest_lead() == max(rules.days_before for rules in LIFE_EVENT_TYPES.values())
    raw_event(ada, 2, 1, lead=300)
    raw_event(ada, 3, 1, lead=365, enabled=False)  # no action: its lead does not count
    assert longest_lead() == 300


def test_a_year_long_lead_time_still_finds_its_occurrence_a_year_ahead(db, ada):
    event = raw_event(ada, 11, 2, lead=365)
    near = raw_event(ada, 11, 10, lead=7)

    run_due_actions(date(2026, 11, 3))

    assert occurrences_of(event) == [date(2027, 11, 2)]  # 364 days ahead
    assert occurrences_of(near) == [date(2026, 11, 10)]


def test_a_lead_window_crossing_1_january(db, ada):
    event = raw_event(ada, 1, 3, lead=7)
    run_due_actions(date(2026, 12, 26))
    assert actions_for(event) == []
    run_due_actions(date(2026, 12, 27))
    [action] = actions_for(event)
    assert (action.occurrence_on, action.due_on) == (date(2027, 1, 3), date(2026, 12, 27))


def test_a_29_february_birthday_is_marked_on_28_february_in_common_years(db, ada):
    event = raw_event(ada, 2, 29, lead=7)
    run_due_actions(date(2027, 2, 21))
    run_due_actions(date(2028, 2, 22))
    assert occurrences_of(event) == [date(2027, 2, 28), date(2028, 2, 29)]
    assert "(28 February)" in actions_for(event)[0].title


def test_an_event_without_a_year_recurs_whatever_its_flag(db, ada):
    event = raw_event(ada, 6, 1, recurs=False, lead=7)
    run_due_actions(date(2027, 5, 30))
    run_due_actions(date(2028, 5, 30))
    assert occurrences_of(event) == [date(2027, 6, 1), date(2028, 6, 1)]


def test_a_dated_one_off_event_happens_once(db, ada):
    event = raw_event(ada, 6, 1, year=2027, recurs=False, lead=7, event_type="wedding")
    run_due_actions(date(2027, 5, 30))
    run_due_actions(date(2028, 5, 30))
    assert occurrences_of(event) == [date(2027, 6, 1)]
    assert actions_for(event)[0].action_type == "gift"


def test_a_recurring_event_starts_in_its_own_year(db, ada):
    event = raw_event(ada, 6, 1, year=2028, recurs=True, lead=7, event_type="work_anniversary")
    run_due_actions(date(2027, 5, 30))
    run_due_actions(date(2028, 5, 30))
    assert occurrences_of(event) == [date(2028, 6, 1)]


def test_an_event_added_after_its_window_opened_is_due_today(db, ada):
    event = raw_event(ada, 12, 3, lead=14)
    run_due_actions(date(2026, 12, 1))
    [action] = actions_for(event)
    assert (action.occurrence_on, action.due_on) == (date(2026, 12, 3), date(2026, 12, 1))


def test_an_event_entered_through_the_app_late_is_due_today_and_not_made_twice(
    db, monkeypatch, ada
):
    freeze_time(monkeypatch, at(2026, 12, 1))
    event = add_event(actor_of(ada.owner), ada, "1980-12-03")
    [action] = actions_for(event)
    assert action.due_on == date(2026, 12, 1)
    assert run_due_actions().created == 0
    assert len(actions_for(event)) == 1


# --- who and when: the owner's own day -----------------------------------------------------------


def test_each_owner_gets_the_action_on_their_own_calendar_day(db, monkeypatch):
    honolulu = contact_of(owner("Pacific/Honolulu"), "Kai")  # UTC-10
    tonga = contact_of(owner("Pacific/Tongatapu"), "Sione")  # UTC+13
    late = raw_event(honolulu, 1, 4, lead=7)
    early = raw_event(tonga, 1, 4, lead=7)

    freeze_time(
        monkeypatch, at(2026, 12, 27, hour=11)
    )  # 01:00 in Honolulu, 00:00 next day in Tonga
    run_due_actions()
    assert occurrences_of(early) == [date(2027, 1, 4)]
    assert actions_for(early)[0].due_on == date(2026, 12, 28)
    assert actions_for(late) == []

    freeze_time(monkeypatch, at(2026, 12, 28, hour=10))  # midnight in Honolulu
    run_due_actions()
    assert actions_for(late)[0].due_on == date(2026, 12, 28)


def test_tick_date_is_everyones_day(db, monkeypatch):
    freeze_time(monkeypatch, at(2026, 6, 1))
    event = raw_event(contact_of(owner("Pacific/Honolulu")), 12, 10, lead=7)
    run_due_actions(date(2026, 12, 3))
    assert occurrences_of(event) == [date(2026, 12, 10)]


def test_contacts_without_an_active_owner_are_skipped_and_counted(db):
    gone = owner(active=False)
    raw_event(contact_of(None, "Nobody"), 12, 10, lead=7)
    raw_event(contact_of(gone, "Left"), 12, 10, lead=7)

    result = run_due_actions(date(2026, 12, 5))

    assert (result.created, result.skipped) == (0, 2)
    assert result.details == {"no_active_owner": 2}


def test_archived_contacts_and_disabled_events_get_nothing(db, ada):
    from webapp.services import calendar

    off = raw_event(ada, 12, 10, lead=7, enabled=False)
    archived = contact_of(owner(), "Archie", archived_at=calendar.now())
    gone = raw_event(archived, 12, 10, lead=7)
    assert run_due_actions(date(2026, 12, 5)).created == 0
    assert actions_for(off) == actions_for(gone) == []


def test_the_event_company_or_else_the_contacts_primary_company(db):
    from tests.factories import CompanyFactory, ContactCompanyLinkFactory

    person = contact_of(owner())
    employer, other = CompanyFactory(), CompanyFactory()
    ContactCompanyLinkFactory(contact=person, company=employer, is_primary=True)
    plain = raw_event(person, 12, 10, lead=7)
    elsewhere = raw_event(person, 12, 11, lead=7, title="Board anniversary")
    elsewhere.company_id = other.id
    run_due_actions(date(2026, 12, 5))
    assert actions_for(plain)[0].company_id == employer.id
    assert actions_for(elsewhere)[0].company_id == other.id


def test_a_preferred_name_is_used_in_the_title(db, ada):
    from webapp.models import RelationshipProfile

    db.session.add(RelationshipProfile(contact_id=ada.id, preferred_name="Addy"))
    event = raw_event(ada, 12, 10, lead=7)
    run_due_actions(date(2026, 12, 5))
    assert actions_for(event)[0].title.startswith("Send a card to Addy Lovelace:")


# --- idempotent --------------------------------------------------------------------------------


def test_ticking_the_same_day_twice_creates_nothing_new_and_writes_nothing(db, ada):
    raw_event(ada, 12, 10, lead=7)
    raw_event(contact_of(owner(), "Grace", "Hopper"), 12, 8, lead=7)
    assert run_due_actions(date(2026, 12, 5)).created == 2
    before = row_counts()

    again = run_due_actions(date(2026, 12, 5))

    assert (again.created, again.skipped) == (0, 0)
    assert row_counts() == before


def test_a_tick_killed_half_way_is_finished_by_the_next(db, monkeypatch):
    from webapp.jobs import due_actions
    from webapp.services import generated_actions

    events = [raw_event(contact_of(owner(), f"P{i}"), 12, 10, lead=7) for i in range(5)]
    monkeypatch.setattr(due_actions, "BATCH_SIZE", 2)
    real = generated_actions.open_generated
    calls = []

    def dies_on_the_second_batch(source, rows):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("the process was killed")
        return real(source, rows)

    monkeypatch.setattr(generated_actions, "open_generated", dies_on_the_second_batch)
    with pytest.raises(RuntimeError):
        run_due_actions(date(2026, 12, 5))
    db.session.rollback()
    assert sum(len(actions_for(e)) for e in events) == 2  # the first batch was committed

    monkeypatch.setattr(generated_actions, "open_generated", real)
    assert run_due_actions(date(2026, 12, 5)).created == 3
    assert [len(actions_for(e)) for e in events] == [1] * 5
