"""The calendar feed: its settings page (create, replace, revoke) and the public ``.ics`` URL."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import sign_in_session
from tests.unit.relationship_builders import actor_of, freeze_time
from tests.web.action_builders import add_action
from webapp.extensions import db as _db
from webapp.models import CalendarFeed, LifeEvent
from webapp.services.calendar_feeds import create_feed

TODAY = date(2026, 11, 24)
FEED_URL_RE = re.compile(r'id="feed-url"[^>]*value="(http://localhost/calendar/[^"]+\.ics)"')


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_time(monkeypatch, datetime(2026, 11, 24, 12, tzinfo=UTC))


def create_link(client) -> tuple[str, str]:
    """Press "Create calendar link"; returns (the page, the feed's path as the page shows it)."""
    response = client.post("/settings/calendar")
    assert response.status_code == 201
    url = html.unescape(FEED_URL_RE.search(response.text).group(1))
    return response.text, url.removeprefix("http://localhost")


def feeds_of(user) -> list[CalendarFeed]:
    _db.session.expire_all()
    stmt = select(CalendarFeed).where(CalendarFeed.user_id == user.id).order_by(CalendarFeed.id)
    return list(_db.session.scalars(stmt))


def event_uids(response) -> set[str]:
    parsed = icalendar.Calendar.from_ical(response.data)
    return {str(event["UID"]) for event in parsed.walk("VEVENT")}


# --- the settings page ----------------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in_from_the_settings_page(client):
    response = client.get("/settings/calendar")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=/settings/calendar")


def test_page_without_a_link_offers_to_create_one_and_explains_how_to_subscribe(client, login_as):
    login_as("member")
    response = client.get("/settings/calendar")
    assert response.status_code == 200
    assert "You have no calendar link." in response.text
    assert "Create calendar link" in response.text
    assert "Revoke" not in response.text
    for app_name in ("Google Calendar", "Apple Calendar", "Outlook", "Subscribe from web"):
        assert app_name in response.text


def test_account_menu_links_to_the_calendar_feed_page(client, login_as):
    login_as("member")
    assert 'href="/settings/calendar">Calendar feed</a>' in client.get("/").text


def test_creating_a_link_shows_its_url_once(client, login_as):
    me = login_as("member")
    page, path = create_link(client)

    assert "Copy" in page and 'data-copy="#feed-url"' in page
    [feed] = feeds_of(me)
    assert feed.revoked_at is None
    reloaded = client.get("/settings/calendar")
    assert path not in reloaded.text
    assert "feed-url" not in reloaded.text
    assert "Replace link" in reloaded.text
    assert "Active" in reloaded.text


def test_the_page_with_the_new_url_is_not_cached(client, login_as):
    login_as("member")
    response = client.post("/settings/calendar")
    assert response.headers["Cache-Control"] == "no-store"


def test_replacing_the_link_stops_the_old_url(client, login_as):
    me = login_as("member")
    _, old_path = create_link(client)
    _, new_path = create_link(client)

    assert new_path != old_path
    assert client.get(old_path).status_code == 404
    assert client.get(new_path).status_code == 200
    assert [feed.revoked_at is None for feed in feeds_of(me)] == [False, True]


def test_revoking_the_link_stops_its_url(client, login_as):
    me = login_as("member")
    _, path = create_link(client)

    response = client.post("/settings/calendar/revoke", follow_redirects=True)

    assert "Calendar link revoked" in response.text
    assert "Create calendar link" in response.text
    assert client.get(path).status_code == 404
    assert [feed.revoked_at is not None for feed in feeds_of(me)] == [True]


def test_revoking_without_a_link_says_there_was_none(client, login_as):
    login_as("member")
    response = client.post("/settings/calendar/revoke", follow_redirects=True)
    assert "You had no calendar link to revoke." in response.text


def test_i_cannot_revoke_another_users_link(client, login_as):
    colleague = factories.UserFactory()
    theirs = create_feed(actor_of(colleague))
    _db.session.commit()
    login_as("executive", is_admin=True)

    # The form carries no id: whatever is sent, only the signed-in user's own link is revoked.
    client.post(
        "/settings/calendar/revoke",
        data={"feed_id": theirs.feed.id, "token": theirs.token, "user_id": colleague.id},
    )

    assert client.get(f"/calendar/{theirs.token}.ics").status_code == 200
    assert [feed.revoked_at for feed in feeds_of(colleague)] == [None]


def test_page_shows_when_the_link_was_created_and_last_fetched(client, login_as):
    login_as("member")
    _, path = create_link(client)
    assert "Never" in client.get("/settings/calendar").text

    client.get(path)

    page = client.get("/settings/calendar").text
    assert "Never" not in page
    assert page.count('datetime="2026-11-24T12:00:00+00:00"') == 2  # created, last fetched


def test_creating_a_link_needs_the_csrf_token(app, csrf_client, db):
    me = factories.UserFactory()
    _db.session.commit()
    sign_in_session(csrf_client, me.id)

    response = csrf_client.post("/settings/calendar")

    assert response.status_code == 400
    assert feeds_of(me) == []


# --- the feed URL ---------------------------------------------------------------------------------


def test_feed_answers_calendar_apps_without_a_session(client, db):
    me = factories.UserFactory()
    action = add_action(me, due_on=TODAY + timedelta(days=2))
    token = create_feed(actor_of(me)).token
    _db.session.commit()

    response = client.get(f"/calendar/{token}.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == "inline; filename=rapport.ics"
    assert response.headers["Cache-Control"] == "private, max-age=300"
    assert "Set-Cookie" not in response.headers
    assert event_uids(response) == {f"action-{action.id}@rapport"}


def test_feed_events_link_to_the_contact_page(client, db):
    me = factories.UserFactory()
    action = add_action(me, due_on=TODAY)
    token = create_feed(actor_of(me)).token
    _db.session.commit()

    parsed = icalendar.Calendar.from_ical(client.get(f"/calendar/{token}.ics").data)

    [event] = parsed.walk("VEVENT")
    assert str(event["URL"]) == f"http://localhost/contacts/{action.contact_id}"


def test_feed_holds_only_its_own_users_items(client, db):
    me, colleague = factories.UserFactory(), factories.UserFactory()
    mine = add_action(me, due_on=TODAY)
    add_action(colleague, due_on=TODAY)
    token = create_feed(actor_of(me)).token
    create_feed(actor_of(colleague))
    _db.session.commit()

    assert event_uids(client.get(f"/calendar/{token}.ics")) == {f"action-{mine.id}@rapport"}


@pytest.mark.parametrize("token", ["unknown", "A" * 43, "x" * 500])
def test_an_unknown_token_is_a_bare_404(client, db, token):
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert response.text == "Not found\n"


def test_a_revoked_token_is_a_bare_404(client, db):
    me = factories.UserFactory()
    token = create_feed(actor_of(me)).token
    create_feed(actor_of(me))  # replaces it
    _db.session.commit()

    response = client.get(f"/calendar/{token}.ics")

    assert response.status_code == 404
    assert response.text == "Not found\n"


def test_fetching_the_feed_records_last_use(client, db):
    me = factories.UserFactory()
    created = create_feed(actor_of(me))
    _db.session.commit()

    client.get(f"/calendar/{created.token}.ics")

    [feed] = feeds_of(me)
    assert feed.last_used_at == datetime(2026, 11, 24, 12, tzinfo=UTC)


def _statements_for_feed(client, count_queries, actions: int) -> int:
    me = factories.UserFactory()
    for n in range(actions):
        contact = factories.ContactFactory(owner=me)
        factories.ContactEmailFactory(contact=contact)
        factories.ContactCompanyLinkFactory(contact=contact)
        add_action(me, contact=contact, due_on=TODAY + timedelta(days=n % 20))
        _db.session.add(
            LifeEvent(
                contact=contact,
                event_type="birthday",
                title="Birthday",
                event_month=12,
                event_day=1 + n % 28,
                recurs_annually=True,
            )
        )
    token = create_feed(actor_of(me)).token
    _db.session.commit()
    with count_queries() as statements:
        response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert len(event_uids(response)) == 2 * actions  # an action and a birthday each
    return len(statements)


def test_feed_costs_the_same_queries_for_3_or_30_contacts_with_actions_and_events(
    client, db, count_queries
):
    assert _statements_for_feed(client, count_queries, 3) == _statements_for_feed(
        client, count_queries, 30
    )


def test_the_database_keeps_one_live_feed_per_user_even_when_creates_race(db):
    from sqlalchemy.exc import IntegrityError

    from webapp.models.base import utcnow

    owner = factories.UserFactory()
    create_feed(actor_of(owner))
    _db.session.flush()
    with pytest.raises(IntegrityError):  # a second live feed written behind the service's back
        with _db.session.begin_nested():
            _db.session.add(
                CalendarFeed(user_id=owner.id, token_hash="f" * 64, created_at=utcnow())
            )
    create_feed(actor_of(owner))  # the service revokes the old one first, so it may
    live = _db.session.scalars(
        select(CalendarFeed).where(
            CalendarFeed.user_id == owner.id, CalendarFeed.revoked_at.is_(None)
        )
    ).all()
    assert len(live) == 1
