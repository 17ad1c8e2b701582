"""The calendar feed service: tokens (made, stored as hashes, revoked) and what the iCal holds."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import select

from tests import factories
from tests.unit.relationship_builders import actor_of, freeze_time
from tests.web.action_builders import add_action
from webapp.extensions import db as _db
from webapp.models import AuditEvent, CalendarFeed, LifeEvent, PermissionOverride
from webapp.services import calendar_feeds
from webapp.services.calendar_feeds import build_ics, create_feed, feed_for_token, revoke_feed

TODAY = date(2026, 11, 24)  # 2027 has no 29 February


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_time(monkeypatch, datetime(2026, 11, 24, 12, tzinfo=UTC))


@pytest.fixture
def me(db):
    return factories.UserFactory(name="Mo Member")


def life_event(contact, month, day, year=None, *, recurs=True, title="Birthday", **fields):
    """A life event stored as is (no auto-actions), so the feed shows only what a test adds."""
    event = LifeEvent(
        contact=contact,
        event_type=fields.pop("event_type", "birthday"),
        title=title,
        event_month=month,
        event_day=day,
        event_year=year,
        recurs_annually=recurs,
        **fields,
    )
    _db.session.add(event)
    _db.session.flush()
    return event


def feed_events(ics: bytes) -> dict[str, icalendar.Event]:
    """The feed's events by UID (the feed must parse as iCal)."""
    parsed = icalendar.Calendar.from_ical(ics)
    return {str(event["UID"]): event for event in parsed.walk("VEVENT")}


def day_of(event: icalendar.Event) -> date:
    return event.decoded("DTSTART")


# --- what the feed holds ------------------------------------------------------------------------


def test_feed_holds_the_users_pending_actions_on_their_due_day(me):
    ada = factories.ContactFactory(first_name="Ada", last_name="Lovelace", owner=me)
    action = add_action(
        me, contact=ada, title="Send a card", action_type="card", due_on=TODAY + timedelta(days=3)
    )

    events = feed_events(build_ics(me, TODAY, type_labels={"card": "Card"}))

    event = events[f"action-{action.id}@rapport"]
    assert day_of(event) == TODAY + timedelta(days=3)
    assert event.decoded("DTEND") == TODAY + timedelta(days=4)  # all day
    assert str(event["SUMMARY"]) == "Send a card"
    assert "Contact: Ada Lovelace" in str(event["DESCRIPTION"])
    assert "Action: Card" in str(event["DESCRIPTION"])
    assert str(event["TRANSP"]) == "TRANSPARENT"


def test_overdue_actions_of_the_last_30_days_say_so_and_older_ones_are_left_out(me):
    recent = add_action(me, title="Call Ada", due_on=TODAY - timedelta(days=30))
    stale = add_action(me, title="Call Bob", due_on=TODAY - timedelta(days=31))
    today = add_action(me, title="Call Cy", due_on=TODAY)

    events = feed_events(build_ics(me, TODAY))

    assert str(events[f"action-{recent.id}@rapport"]["SUMMARY"]) == "Overdue: Call Ada"
    assert str(events[f"action-{today.id}@rapport"]["SUMMARY"]) == "Call Cy"
    assert f"action-{stale.id}@rapport" not in events


def test_feed_leaves_out_closed_undated_and_other_peoples_actions(me):
    kept = add_action(me, due_on=TODAY + timedelta(days=1))
    add_action(me, due_on=TODAY + timedelta(days=1), status="done")
    add_action(me, due_on=TODAY + timedelta(days=1), status="dismissed")
    add_action(me)  # no due date: nothing to put on a calendar
    colleague = factories.UserFactory()
    # Even on my own contact, a colleague's action is theirs.
    mine = factories.ContactFactory(owner=me)
    add_action(colleague, contact=mine, due_on=TODAY + timedelta(days=1))

    events = feed_events(build_ics(me, TODAY))

    assert set(events) == {f"action-{kept.id}@rapport"}


def test_an_executive_feed_has_only_their_own_actions_not_everyone_they_can_see(db):
    boss = factories.UserFactory(role="executive")
    own = add_action(boss, due_on=TODAY)
    add_action(factories.UserFactory(), due_on=TODAY)

    assert set(feed_events(build_ics(boss, TODAY))) == {f"action-{own.id}@rapport"}


def test_feed_holds_life_events_of_contacts_the_user_owns_on_their_next_occurrence(me):
    ada = factories.ContactFactory(first_name="Ada", last_name="Lovelace", owner=me)
    birthday = life_event(ada, 3, 10, description="Likes dark chocolate")
    passed = life_event(ada, 11, 1, 1990, title="Work anniversary", event_type="work_anniversary")

    events = feed_events(build_ics(me, TODAY))

    event = events[f"life-event-{birthday.id}-2027-03-10@rapport"]
    assert day_of(event) == date(2027, 3, 10)  # no year known: the next 10 March
    assert str(event["SUMMARY"]) == "Ada Lovelace: Birthday"
    assert "Life event: Birthday" in str(event["DESCRIPTION"])
    assert "Likes dark chocolate" in str(event["DESCRIPTION"])
    assert day_of(events[f"life-event-{passed.id}-2027-11-01@rapport"]) == date(2027, 11, 1)


def test_a_29_february_birthday_falls_on_28_february_in_a_year_without_one(me):
    leap_born = life_event(factories.ContactFactory(owner=me), 2, 29, 1996)

    events = feed_events(build_ics(me, TODAY))

    assert day_of(events[f"life-event-{leap_born.id}-2027-02-28@rapport"]) == date(2027, 2, 28)


def test_life_events_beyond_a_year_or_already_over_are_left_out(me):
    contact = factories.ContactFactory(owner=me)
    in_400_days = TODAY + timedelta(days=400)
    life_event(contact, in_400_days.month, in_400_days.day, in_400_days.year, recurs=False)
    life_event(contact, 6, 1, 2024, recurs=False, title="Wedding", event_type="wedding")
    in_a_year = TODAY + timedelta(days=365)
    last_day = life_event(contact, in_a_year.month, in_a_year.day, in_a_year.year, recurs=False)
    today = life_event(contact, TODAY.month, TODAY.day)

    events = feed_events(build_ics(me, TODAY))

    assert set(events) == {
        f"life-event-{last_day.id}-{in_a_year.isoformat()}@rapport",
        f"life-event-{today.id}-{TODAY.isoformat()}@rapport",
    }


def test_feed_leaves_out_other_owners_and_archived_contacts_life_events(me):
    life_event(factories.ContactFactory(owner=factories.UserFactory()), 12, 1)
    life_event(factories.ContactFactory(owner=None), 12, 2)
    archived = factories.ContactFactory(owner=me, archived_at=datetime(2026, 1, 1, tzinfo=UTC))
    life_event(archived, 12, 3)

    assert feed_events(build_ics(me, TODAY)) == {}


def test_events_link_to_the_contact_page_when_the_caller_can_build_the_link(me):
    contact = factories.ContactFactory(owner=me)
    action = add_action(me, contact=contact, due_on=TODAY)
    event = life_event(contact, 12, 24)

    linked = feed_events(build_ics(me, TODAY, contact_url=lambda cid: f"https://r.test/c/{cid}"))
    bare = feed_events(build_ics(me, TODAY))

    assert str(linked[f"action-{action.id}@rapport"]["URL"]) == f"https://r.test/c/{contact.id}"
    assert str(linked[f"life-event-{event.id}-2026-12-24@rapport"]["URL"]).endswith(
        f"/c/{contact.id}"
    )
    assert all("URL" not in item for item in bare.values())


def test_someone_who_may_not_see_relationships_gets_an_empty_calendar(me):
    me.permission_overrides = [PermissionOverride(permission="relationships:view", granted=False)]
    add_action(me, due_on=TODAY)
    life_event(factories.ContactFactory(owner=me), 12, 1)

    parsed = icalendar.Calendar.from_ical(build_ics(me, TODAY))

    assert parsed.walk("VEVENT") == []
    assert str(parsed["X-WR-CALNAME"]) == "Rapport: Mo Member"


def test_fetch_counts_days_in_the_users_own_timezone(db):
    # At 12:00 UTC on 24 November it is already 25 November in Auckland.
    kiwi = factories.UserFactory(timezone="Pacific/Auckland")
    due_today_utc = add_action(kiwi, title="Call", due_on=TODAY)
    token = create_feed(actor_of(kiwi)).token

    events = feed_events(calendar_feeds.fetch(token))

    assert str(events[f"action-{due_today_utc.id}@rapport"]["SUMMARY"]) == "Overdue: Call"


# --- tokens ---------------------------------------------------------------------------------------


def test_a_new_feed_stores_only_the_hash_of_a_long_random_token(me, db):
    created = create_feed(actor_of(me))

    assert len(created.token) >= 43  # 32 random bytes, url-safe
    stored = db.session.scalars(select(CalendarFeed)).all()
    assert [(f.user_id, f.token_hash) for f in stored] == [
        (me.id, hashlib.sha256(created.token.encode()).hexdigest())
    ]
    assert feed_for_token(created.token) is created.feed


def test_creating_a_feed_again_revokes_the_old_one_and_audits_both(me, db):
    first = create_feed(actor_of(me))
    second = create_feed(actor_of(me))

    assert feed_for_token(first.token) is None
    assert feed_for_token(second.token) is second.feed
    assert first.feed.revoked_at is not None
    audited = db.session.execute(
        select(AuditEvent.action, AuditEvent.object_id, AuditEvent.user_id)
        .where(AuditEvent.object_type == "calendar_feed")
        .order_by(AuditEvent.id)
    ).all()
    assert audited == [
        ("create", first.feed.id, me.id),
        ("revoke", first.feed.id, me.id),
        ("create", second.feed.id, me.id),
    ]


def test_revoking_stops_only_the_actors_own_feed(me):
    colleague = factories.UserFactory()
    theirs = create_feed(actor_of(colleague))
    mine = create_feed(actor_of(me))

    assert revoke_feed(actor_of(me)) is mine.feed
    assert revoke_feed(actor_of(me)) is None  # nothing left to revoke

    assert feed_for_token(mine.token) is None
    assert feed_for_token(theirs.token) is theirs.feed


@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 129, "../../etc/passwd"])
def test_unknown_tokens_find_no_feed(me, token):
    create_feed(actor_of(me))
    assert feed_for_token(token) is None


def test_a_deactivated_users_feed_stops_working(me):
    created = create_feed(actor_of(me))
    me.active = False
    assert feed_for_token(created.token) is None
    assert calendar_feeds.fetch(created.token) is None


def test_fetching_notes_when_the_feed_was_last_used(me):
    created = create_feed(actor_of(me))
    assert created.feed.last_used_at is None

    calendar_feeds.fetch(created.token)

    assert created.feed.last_used_at == datetime(2026, 11, 24, 12, tzinfo=UTC)
