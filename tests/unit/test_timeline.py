"""The timeline's order and its "Show older" cursor, across the three kinds of entry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests import factories
from webapp import access
from webapp.extensions import db as _db
from webapp.models import Interaction, Message, RelationshipAction
from webapp.services import timeline
from webapp.services.timeline import TimelineKey, parse_cursor


def _walk(viewer, contact_id: int, limit: int) -> list[tuple[str, int]]:
    """Every entry, page after page, as (kind, id)."""
    seen, before = [], None
    for _ in range(100):
        page = timeline.timeline_for(viewer, contact_id, limit, parse_cursor(before))
        seen += [(entry.kind, entry.record.id) for entry in page.entries]
        if page.older is None:
            return seen
        before = page.older
    raise AssertionError("the cursor never reached the end")


@pytest.fixture
def crowded(db):
    """A contact with interactions, messages and done actions crowded around two midnights in
    Auckland, several of them at the very same moment."""
    user = factories.UserFactory(role="executive", timezone="Pacific/Auckland")
    contact = factories.ContactFactory(owner=user)
    _db.session.flush()
    same = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)  # midnight, 21 Nov, in Auckland
    moments = [same, same, same, same - timedelta(microseconds=1), same + timedelta(hours=5)]
    moments += [datetime(2026, 11, 19, 11 + n % 3, n, tzinfo=UTC) for n in range(9)]
    for n, moment in enumerate(moments):
        _db.session.add(
            Message(
                contact_id=contact.id,
                channel="sms",
                direction="outbound" if n % 2 else "inbound",
                body=f"m{n}",
                status="sent",
                created_at=moment,
            )
        )
        _db.session.add(
            RelationshipAction(
                contact_id=contact.id,
                title=f"a{n}",
                action_type="call",
                assigned_to_id=user.id,
                status="done",
                completed_at=moment,
            )
        )
        _db.session.add(
            Interaction(
                contact_id=contact.id,
                kind="note",
                occurred_on=date(2026, 11, 20 + n % 2),
                summary=f"i{n}",
                created_at=moment,
            )
        )
    _db.session.flush()
    return access.actor_for_user(user), contact


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 20, 50])
def test_paging_visits_every_entry_once_in_the_same_order_as_one_page(crowded, limit):
    viewer, contact = crowded
    everything = timeline.timeline_for(viewer, contact.id, 1000).entries
    assert len(everything) == 42
    assert _walk(viewer, contact.id, limit) == [(e.kind, e.record.id) for e in everything]


def test_entries_are_newest_first_by_the_viewers_day_then_moment(crowded):
    viewer, contact = crowded
    keys = [entry.key for entry in timeline.timeline_for(viewer, contact.id, 1000).entries]
    assert keys == sorted(keys, reverse=True)
    messages = [
        e for e in timeline.timeline_for(viewer, contact.id, 1000).entries if e.kind == "message"
    ]
    # 11:00 UTC on the 20th is the first moment of the 21st in Auckland; a microsecond earlier
    # is still the 20th there.
    days = {e.body: e.key.day for e in messages}
    assert days["m0"] == date(2026, 11, 21) and days["m3"] == date(2026, 11, 20)


def test_a_cursor_reads_back_as_the_key_it_was_made_from():
    key = TimelineKey(date(2026, 11, 12), datetime(2026, 11, 12, 9, 30, 1, 123456, UTC), 2, 42)
    assert parse_cursor(key.token()) == key


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "x",
        "20261112.1.2",
        "20261112.1.9.4",
        "20261340.1.1.1",
        "2026-11-12.1.1.1",
        "1.2.3.4.5",
    ],
)
def test_an_unreadable_cursor_is_none(raw):
    assert parse_cursor(raw) is None


def test_a_page_has_no_older_cursor_when_nothing_is_left(crowded):
    viewer, contact = crowded
    page = timeline.timeline_for(viewer, contact.id, 42)
    assert len(page.entries) == 42 and page.older is None
    assert timeline.timeline_for(viewer, contact.id, 41).older is not None
