"""The Digest page and the unread badge in the top bar."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.jobs.builders import contact_of, raw_event
from tests.unit.relationship_builders import at_noon_utc, freeze_time
from tests.web.action_builders import add_action
from webapp.extensions import db as _db
from webapp.models import AuditEvent, Digest
from webapp.services import digests

DAY = date(2026, 11, 24)  # a Tuesday


@pytest.fixture(autouse=True)
def on_the_day(monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(DAY))


def digest_for(user, day: date = DAY, *, read: bool = False) -> Digest:
    """The user's digest for ``day``, composed from what they have now, as the job stores it."""
    digest = Digest(user_id=user.id, digest_on=day, contents=digests.compose(user, day))
    if read:
        digest.read_at = at_noon_utc(day)
    _db.session.add(digest)
    _db.session.commit()
    return digest


def stored(digest: Digest) -> Digest:
    _db.session.expire_all()
    return _db.session.get(Digest, digest.id)


def item_html(html: str, element_id: str) -> str:
    """The markup of one list item, by its id."""
    found = re.search(rf'<li[^>]*id="{element_id}".*?</li>', html, re.S)
    assert found, f"no item #{element_id} on the page"
    return found.group(0)


def digest_link(html: str) -> str:
    """The Digest entry of the top bar."""
    found = re.search(r'<a class="nav-link digest-link[^"]*"(.*?)</a>', html, re.S)
    assert found, "no Digest entry in the top bar"
    return found.group(0)


@pytest.fixture
def busy_day(me):
    """My digest for DAY: one action due, one overdue, one birthday this week."""
    ada = contact_of(me, "Ada", "Lovelace")
    grace = contact_of(me, "Grace", "Hopper")
    due = add_action(me, contact=ada, title="Call Ada about the renewal", due_on=DAY)
    late = add_action(
        me, contact=grace, title="Send Grace the paper", due_on=DAY - timedelta(days=2)
    )
    birthday = raw_event(grace, 11, 26, title="Birthday")
    digest = digest_for(me)
    return {
        "ada": ada,
        "grace": grace,
        "due": due,
        "late": late,
        "birthday": birthday,
        "digest": digest,
    }


# --- the page -------------------------------------------------------------------------------------


def test_the_page_shows_the_days_actions_and_the_weeks_life_events(client, busy_day):
    html = client.get("/digest").get_data(as_text=True)

    assert "Tuesday 24 November 2026" in html
    due = item_html(html, f"digest-action-{busy_day['due'].id}")
    assert "Call Ada about the renewal" in due
    assert f'href="/contacts/{busy_day["ada"].id}"' in due
    assert "Overdue" not in due
    late = item_html(html, f"digest-action-{busy_day['late'].id}")
    assert "Send Grace the paper" in late
    assert '<span class="badge badge-overdue ms-1">Overdue</span>' in late
    assert "2 days overdue" in late
    event = item_html(html, f"digest-event-{busy_day['birthday'].id}")
    assert f'href="/contacts/{busy_day["grace"].id}"' in event
    assert "Grace Hopper" in event and "In 2 days" in event


def test_opening_the_digest_marks_it_read_once_and_audits_it(client, me, busy_day):
    digest = busy_day["digest"]

    assert client.get("/digest").status_code == 200
    first_read = stored(digest).read_at
    client.get("/digest")

    assert first_read is not None
    assert stored(digest).read_at == first_read
    events = _db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type == "digest", AuditEvent.object_id == digest.id
        )
    ).all()
    assert [(e.action, e.user_id, list(e.changes)) for e in events] == [
        ("update", me.id, ["read_at"])
    ]


def test_before_the_first_digest_the_page_says_when_it_comes(client, me):
    html = client.get("/digest").get_data(as_text=True)
    assert "No digest yet: your first one arrives tomorrow morning at 7:00 your time" in html


def test_the_page_shows_the_latest_digest_and_lists_the_previous_fourteen(client, me):
    add_action(me, due_on=DAY - timedelta(days=30))  # overdue every day: every digest has it
    days = [DAY - timedelta(days=n) for n in range(16)]  # today and the 15 days before
    made = {day: digest_for(me, day) for day in reversed(days)}

    html = client.get("/digest").get_data(as_text=True)

    listed = [int(n) for n in re.findall(r'href="/digest/(\d+)"', html)]
    assert listed == [made[day].id for day in days[1:15]]
    assert made[days[15]].id not in listed  # the 16th is too old to list
    assert digests.latest_for(me).id == made[DAY].id
    assert stored(made[DAY]).read_at is not None
    assert stored(made[days[1]]).read_at is None


def test_an_earlier_digest_opens_marked_read_and_says_it_is_earlier(client, me):
    add_action(me, due_on=DAY - timedelta(days=3))
    earlier = digest_for(me, DAY - timedelta(days=1))
    digest_for(me, DAY)

    response = client.get(f"/digest/{earlier.id}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Monday 23 November 2026" in html
    assert "An earlier digest" in html
    assert stored(earlier).read_at is not None


def test_someone_elses_digest_is_not_found_and_stays_unread(client, me, make_user):
    other = make_user("member")
    add_action(other, due_on=DAY)
    theirs = digest_for(other)

    response = client.get(f"/digest/{theirs.id}")

    assert response.status_code == 404
    assert stored(theirs).read_at is None


def test_executives_do_not_see_others_digests_either(client, login_as, make_user):
    login_as("executive")
    other = make_user("member")
    add_action(other, due_on=DAY)
    assert client.get(f"/digest/{digest_for(other).id}").status_code == 404


# --- the badge in the top bar ---------------------------------------------------------------------


def test_the_top_bar_counts_unread_digests(client, me):
    add_action(me, due_on=DAY - timedelta(days=2))
    digest_for(me, DAY - timedelta(days=1))
    digest_for(me, DAY)

    before = digest_link(client.get("/").get_data(as_text=True))
    client.get("/digest")
    after = digest_link(client.get("/").get_data(as_text=True))

    assert 'aria-label="Digest, 2 unread"' in before
    assert 'data-unread="2" aria-hidden="true">2</span>' in before
    assert 'aria-label="Digest, 1 unread"' in after


def test_no_badge_once_every_digest_is_read(client, me):
    add_action(me, due_on=DAY)
    digest_for(me, read=True)

    link = digest_link(client.get("/").get_data(as_text=True))

    assert 'aria-label="Digest"' in link
    assert "digest-badge" not in link


def test_the_badge_counts_only_my_digests(client, me, make_user):
    other = make_user("member")
    add_action(other, due_on=DAY)
    digest_for(other)
    assert "digest-badge" not in digest_link(client.get("/").get_data(as_text=True))


# --- cost -----------------------------------------------------------------------------------------


def _queries_to_open(client, count_queries) -> int:
    with count_queries() as statements:
        response = client.get("/digest")
    assert response.status_code == 200
    return len(statements)


def test_the_page_costs_the_same_queries_however_full_the_digest(client, login_as, count_queries):
    light = login_as("member")
    add_action(light, due_on=DAY)
    digest_for(light)
    light_queries = _queries_to_open(client, count_queries)

    heavy = login_as("member")
    for offset in range(20):
        contact = contact_of(heavy, "Person", f"Number {offset}")
        add_action(heavy, contact=contact, due_on=DAY - timedelta(days=offset))
        raw_event(contact, 11, 24 + offset % 7)
    for days_ago in range(15, -1, -1):
        digest_for(heavy, DAY - timedelta(days=days_ago))
    heavy_queries = _queries_to_open(client, count_queries)

    assert light_queries == heavy_queries
