"""A contact has one birthday: the profile's and the birthday life event's follow each other."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.unit.relationship_builders import (
    actor_of,
    add_event,
    at_noon_utc,
    contact_of,
    freeze_time,
    only_pending,
    user,
)
from webapp.models import LifeEvent, RelationshipProfile
from webapp.services import life_events, profiles

TODAY = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(TODAY))


@pytest.fixture
def owner(db):
    return user("member")


@pytest.fixture
def contact(owner):
    return contact_of(owner, "Grace", "Hopper")


def birthday_events(db, contact) -> list[LifeEvent]:
    db.session.flush()
    stmt = select(LifeEvent).where(
        LifeEvent.contact_id == contact.id, LifeEvent.event_type == "birthday"
    )
    return list(db.session.scalars(stmt))


def stored_profile(db, contact) -> RelationshipProfile:
    db.session.flush()
    db.session.expire_all()
    return db.session.scalar(
        select(RelationshipProfile).where(RelationshipProfile.contact_id == contact.id)
    )


def test_setting_the_profile_birthday_adds_a_birthday_event_with_its_card(db, owner, contact):
    profiles.update_profile(actor_of(owner), contact.id, {"birthday": "03-14"})

    [event] = birthday_events(db, contact)
    assert (event.event_month, event.event_day, event.event_year) == (3, 14, None)
    assert event.recurs_annually is True
    action = only_pending(db, event.id)
    assert action.action_type == "card"
    assert action.due_on == date(2026, 3, 7)


def test_changing_the_profile_birthday_moves_the_event_and_its_pending_card(db, owner, contact):
    actor = actor_of(owner)
    profiles.update_profile(actor, contact.id, {"birthday": "03-14"})
    [event] = birthday_events(db, contact)
    card = only_pending(db, event.id)

    profiles.update_profile(actor, contact.id, {"birthday": "1980-04-02"})

    [moved] = birthday_events(db, contact)
    assert moved.id == event.id
    assert (moved.event_month, moved.event_day, moved.event_year) == (4, 2, 1980)
    assert only_pending(db, event.id).id == card.id
    assert only_pending(db, event.id).due_on == date(2026, 3, 26)


def test_adding_a_birthday_event_fills_in_the_profile_birthday(db, owner, contact):
    add_event(actor_of(owner), contact, "1985-07-09")

    profile = stored_profile(db, contact)
    assert (profile.birthday_month, profile.birthday_day, profile.birthday_year) == (7, 9, 1985)
    assert len(birthday_events(db, contact)) == 1  # the profile does not add a second event


def test_editing_the_birthday_event_keeps_a_year_unknown_birthday_unknown(db, owner, contact):
    actor = actor_of(owner)
    event = add_event(actor, contact, "1985-07-09")

    life_events.update_event(actor, contact.id, event.id, {"event_date": "07-10"})

    profile = stored_profile(db, contact)
    assert (profile.birthday_month, profile.birthday_day, profile.birthday_year) == (7, 10, None)


def test_other_event_types_leave_the_profile_alone(db, owner, contact):
    add_event(actor_of(owner), contact, "2019-06-08", event_type="anniversary", title="Wedding")

    assert stored_profile(db, contact) is None


def test_clearing_the_profile_birthday_removes_its_event(db, owner, contact):
    """One fact, one home: a profile without a birthday has no birthday life event either
    (undoing an import that brought the birthday in clears it this way)."""
    actor = actor_of(owner)
    profiles.update_profile(actor, contact.id, {"birthday": "03-14"})

    profiles.update_profile(actor, contact.id, {"birthday": None})

    assert stored_profile(db, contact).birthday_month is None
    assert birthday_events(db, contact) == []
