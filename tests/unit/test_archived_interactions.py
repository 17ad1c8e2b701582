"""Archiving and restoring an interaction (``services.interactions``): off the timeline, no
longer a touch, kept with its history; and who may do it, through which permission."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests import factories
from tests.records import events_for, reload
from webapp import access
from webapp.access import Actor
from webapp.extensions import db as _db
from webapp.models import Interaction
from webapp.services import calendar, interactions, timeline
from webapp.services.errors import NotFound, PermissionDenied

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_time(monkeypatch):
    monkeypatch.setattr(calendar, "now", lambda: NOW)


@pytest.fixture
def mary(db):
    return factories.UserFactory(role="member", name="Mary Member")


@pytest.fixture
def robert(db):
    contact = factories.ContactFactory(first_name="Robert", last_name="Smith")
    _db.session.flush()
    return contact


def as_actor(user, *permissions: str) -> Actor:
    """The user with all their permissions, or (given) with exactly these."""
    if not permissions:
        return access.actor_for_user(user)
    return Actor(user=user, permissions=frozenset(permissions))


def log(user, contact, day: str, kind: str = "call") -> Interaction:
    values = {"kind": kind, "occurred_on": day, "summary": f"{kind} on {day}"}
    return interactions.log_interaction(as_actor(user), contact.id, values)


def on_timeline(user, contact) -> list[int]:
    page = timeline.timeline_for(as_actor(user), contact.id)
    return [entry.record.id for entry in page.entries if entry.kind == "interaction"]


def test_an_archived_interaction_is_no_touch_and_not_on_the_timeline(mary, robert):
    older = log(mary, robert, "2026-11-10")
    newer = log(mary, robert, "2026-11-20")

    interactions.archive_interaction(as_actor(mary), newer.id)

    assert reload(_db, robert).last_touch_on == date(2026, 11, 10)
    assert on_timeline(mary, robert) == [older.id]
    assert reload(_db, newer).archived_at is not None


def test_restoring_makes_it_a_touch_on_the_timeline_again(mary, robert):
    older = log(mary, robert, "2026-11-10")
    newer = log(mary, robert, "2026-11-20")
    interactions.archive_interaction(as_actor(mary), newer.id)

    interactions.restore_interaction(as_actor(mary), newer.id)

    assert reload(_db, robert).last_touch_on == date(2026, 11, 20)
    assert on_timeline(mary, robert) == [newer.id, older.id]
    assert reload(_db, newer).archived_at is None


def test_archiving_every_interaction_leaves_no_last_touch(mary, robert):
    only = log(mary, robert, "2026-11-20")

    interactions.archive_interaction(as_actor(mary), only.id)

    assert reload(_db, robert).last_touch_on is None


def test_archiving_twice_or_restoring_a_live_one_records_nothing_more(mary, robert):
    call = log(mary, robert, "2026-11-20")

    interactions.restore_interaction(as_actor(mary), call.id)
    interactions.archive_interaction(as_actor(mary), call.id)
    first_archived_at = reload(_db, call).archived_at
    interactions.archive_interaction(as_actor(mary), call.id)

    assert [e.action for e in events_for(_db, call)] == ["create", "archive"]
    assert reload(_db, call).archived_at == first_archived_at


def test_another_member_may_not_archive_or_restore_it(mary, robert):
    call = log(mary, robert, "2026-11-20")
    colleague = factories.UserFactory(role="member")

    with pytest.raises(PermissionDenied):
        interactions.archive_interaction(as_actor(colleague), call.id)
    interactions.archive_interaction(as_actor(mary), call.id)
    with pytest.raises(PermissionDenied):
        interactions.restore_interaction(as_actor(colleague), call.id)

    assert reload(_db, call).archived_at is not None


def test_someone_with_manage_may_archive_and_restore_it(mary, robert):
    call = log(mary, robert, "2026-11-20")
    manager = factories.UserFactory(role="manager")

    interactions.archive_interaction(as_actor(manager), call.id)
    assert reload(_db, call).archived_at is not None
    interactions.restore_interaction(as_actor(manager), call.id)

    assert reload(_db, call).archived_at is None
    assert [(e.action, e.user_id) for e in events_for(_db, call)][1:] == [
        ("archive", manager.id),
        ("restore", manager.id),
    ]


def test_the_pages_cannot_edit_or_delete_an_archived_interaction(mary, robert):
    call = log(mary, robert, "2026-11-20")
    interactions.archive_interaction(as_actor(mary), call.id)

    with pytest.raises(NotFound):
        interactions.update_interaction(
            as_actor(mary), call.id, {"summary": "Changed"}, contact_id=robert.id
        )
    with pytest.raises(NotFound):
        interactions.delete_interaction(as_actor(mary), call.id, contact_id=robert.id)

    assert reload(_db, call).summary == "call on 2026-11-20"


def test_the_api_passes_crm_write_instead_of_relationships_update(mary, robert):
    api_key_holder = as_actor(mary, access.CRM_READ, access.CRM_WRITE)
    values = {"kind": "note", "occurred_on": "2026-11-20", "summary": "Logged by key"}

    with pytest.raises(PermissionDenied):
        interactions.log_interaction(api_key_holder, robert.id, values)
    logged = interactions.log_interaction(
        api_key_holder, robert.id, values, permission=access.CRM_WRITE
    )

    assert logged.created_by_id == mary.id
    assert reload(_db, robert).last_touch_on == date(2026, 11, 20)


def test_archiving_needs_the_permission_the_channel_names(mary, robert):
    call = log(mary, robert, "2026-11-20")
    pages_only = as_actor(mary, access.RELATIONSHIPS_VIEW, access.RELATIONSHIPS_UPDATE)

    with pytest.raises(PermissionDenied) as refused:
        interactions.archive_interaction(pages_only, call.id, permission=access.CRM_WRITE)

    assert refused.value.details["permission"] == access.CRM_WRITE
    assert reload(_db, call).archived_at is None


def test_archiving_an_interaction_that_does_not_exist_is_not_found(mary):
    with pytest.raises(NotFound):
        interactions.archive_interaction(as_actor(mary), 987654)
