"""Today: my overdue and due-this-week actions, and the coming life events of my contacts."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from tests import factories
from tests.unit.relationship_builders import at_noon_utc, freeze_time
from tests.web.action_builders import add_action, stored
from tests.web.contact_page_builders import queries_for
from webapp.extensions import db as _db
from webapp.models import LifeEvent, PermissionOverride
from webapp.models.base import utcnow

TODAY = date(2027, 3, 10)
HTMX = {"HX-Request": "true"}


def due_ids(html: str) -> list[int]:
    """Action ids in the order the "due this week" card lists them."""
    return [int(n) for n in re.findall(r'id="due-action-(\d+)"', html)]


def event_rows(html: str) -> dict[int, str]:
    """Each upcoming life event shown, with its row's visible text."""
    rows = re.findall(r'id="upcoming-event-(\d+)">(.*?)</li>', html, re.S)
    return {int(n): " ".join(re.sub(r"<[^>]+>", " ", row).split()) for n, row in rows}


def add_event(contact, month: int | None, day: int | None, *, year=None, recurs=True, **fields):
    """A life event stored as given (no auto-action: Today reads events, not their actions)."""
    event = LifeEvent(
        contact=contact,
        event_type=fields.pop("event_type", "birthday"),
        title=fields.pop("title", "Birthday"),
        event_month=month,
        event_day=day,
        event_year=year,
        recurs_annually=recurs,
        auto_action_enabled=False,
        **fields,
    )
    _db.session.add(event)
    _db.session.flush()
    return event


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(TODAY))


@pytest.fixture
def me(login_as):
    return login_as("member", name="Mo Member")


# --- my actions -----------------------------------------------------------------------------------


def test_today_lists_my_overdue_and_this_weeks_actions_overdue_first(client, me, make_user):
    late = add_action(me, due_on=TODAY - timedelta(days=3))
    today = add_action(me, due_on=TODAY)
    sunday = add_action(me, due_on=TODAY + timedelta(days=6))
    add_action(me, due_on=TODAY + timedelta(days=7))  # next week
    add_action(me)  # no due date
    add_action(me, due_on=TODAY, status="done")
    add_action(me, due_on=TODAY, status="dismissed")
    add_action(make_user(), due_on=TODAY)  # someone else's
    _db.session.commit()
    html = client.get("/").text
    assert due_ids(html) == [late.id, today.id, sunday.id]


def test_each_due_action_says_when_and_links_to_its_contact(client, me):
    contact = factories.ContactFactory(first_name="Ada", last_name="Lovelace", owner=me)
    late = add_action(me, contact=contact, title="Send the card", due_on=TODAY - timedelta(days=2))
    add_action(me, title="Call Grace", due_on=TODAY + timedelta(days=1))
    _db.session.commit()
    html = client.get("/").text
    row = re.search(rf'id="due-action-{late.id}">.*?</li>', html, re.S).group(0)
    assert "Send the card" in row and "due 2 days ago" in row and ">Overdue<" in row
    assert f'href="/contacts/{contact.id}">Ada Lovelace<' in row
    assert "due tomorrow" in html


def test_a_managers_today_shows_only_their_own_actions(client, login_as, make_user):
    squad = factories.SquadFactory()
    manager = login_as("manager", squad=squad)
    mine = add_action(manager, due_on=TODAY)
    add_action(make_user(squad=squad), due_on=TODAY)
    _db.session.commit()
    assert due_ids(client.get("/").text) == [mine.id]


def test_a_long_list_shows_the_first_ten_and_how_many_more(client, me):
    for n in range(12):
        add_action(me, due_on=TODAY - timedelta(days=n))
    _db.session.commit()
    html = client.get("/").text
    assert len(due_ids(html)) == 10
    assert "2 more in your queue" in html


def test_nothing_due_says_so(client, me):
    assert "Nothing overdue or due this week." in client.get("/").text


def test_marking_done_from_today_closes_the_action_and_its_task(client, me):
    first = add_action(me, due_on=TODAY)
    second = add_action(me, due_on=TODAY + timedelta(days=2))
    _db.session.commit()
    response = client.post(f"/today/actions/{first.id}/done", headers=HTMX)
    assert response.status_code == 200
    assert stored(first) == ("done", "done")
    assert due_ids(response.text) == [second.id]
    assert f"“{first.title}” marked done." in response.text
    assert "<html" not in response.text


def test_marking_done_without_htmx_goes_back_to_today(client, me):
    action = add_action(me, due_on=TODAY)
    _db.session.commit()
    response = client.post(f"/today/actions/{action.id}/done")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert stored(action) == ("done", "done")


def test_marking_someone_elses_action_done_from_today_is_not_found(client, me, make_user):
    other = add_action(make_user(), due_on=TODAY)
    _db.session.commit()
    assert client.post(f"/today/actions/{other.id}/done").status_code == 404
    assert stored(other) == ("pending", "pending")


def test_without_update_permission_today_lists_actions_without_buttons(client, me):
    add_action(me, due_on=TODAY)
    me.permission_overrides = [PermissionOverride(permission="relationships:update", granted=False)]
    _db.session.commit()
    html = client.get("/").text
    assert len(due_ids(html)) == 1 and "Mark done" not in html


# --- upcoming life events -------------------------------------------------------------------------


def test_upcoming_life_events_of_my_contacts_in_the_next_two_weeks(client, me, make_user):
    ada = factories.ContactFactory(first_name="Ada", last_name="Lovelace", owner=me)
    grace = factories.ContactFactory(first_name="Grace", last_name="Hopper", owner=me)
    today = add_event(ada, 3, 10)
    tomorrow = add_event(grace, 3, 11, event_type="anniversary", title="Wedding anniversary")
    later = add_event(ada, 3, 23, title="Work anniversary", event_type="work_anniversary")
    add_event(ada, 3, 24)  # 14 days away: outside the window
    add_event(ada, 3, 9)  # yesterday: next year
    add_event(factories.ContactFactory(owner=make_user()), 3, 12)  # not my contact
    add_event(factories.ContactFactory(owner=me, archived_at=utcnow()), 3, 12)  # archived
    _db.session.commit()
    rows = event_rows(client.get("/").text)
    assert list(rows) == [today.id, tomorrow.id, later.id]
    assert rows[today.id].startswith("Ada Lovelace Birthday") and "Today" in rows[today.id]
    assert (
        "Tomorrow" in rows[tomorrow.id] and "Wedding anniversary · Anniversary" in rows[tomorrow.id]
    )
    assert "In 13 days" in rows[later.id] and "23 March" in rows[later.id]


def test_an_upcoming_event_links_to_its_contact(client, me):
    ada = factories.ContactFactory(first_name="Ada", last_name="Lovelace", owner=me)
    add_event(ada, 3, 15)
    _db.session.commit()
    assert f'href="/contacts/{ada.id}">Ada Lovelace<' in client.get("/").text


def test_one_off_events_show_only_in_their_own_year(client, me):
    ada = factories.ContactFactory(owner=me)
    this_year = add_event(
        ada, 3, 12, year=2027, recurs=False, event_type="wedding", title="Wedding"
    )
    add_event(ada, 3, 12, year=2020, recurs=False, event_type="wedding", title="Old wedding")
    add_event(ada, 3, 12, year=2029, recurs=True, event_type="anniversary", title="Not yet")
    add_event(ada, None, None, title="Date unknown")
    _db.session.commit()
    assert list(event_rows(client.get("/").text)) == [this_year.id]


def test_a_29_february_birthday_shows_on_28_february_in_a_non_leap_year(client, me, monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(date(2027, 2, 20)))
    leapling = add_event(factories.ContactFactory(owner=me), 2, 29)
    _db.session.commit()
    rows = event_rows(client.get("/").text)
    assert list(rows) == [leapling.id]
    assert "In 8 days" in rows[leapling.id] and "28 February" in rows[leapling.id]


def test_a_29_february_birthday_shows_on_29_february_in_a_leap_year(client, me, monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(date(2028, 2, 27)))
    leapling = add_event(factories.ContactFactory(owner=me), 2, 29)
    _db.session.commit()
    rows = event_rows(client.get("/").text)
    assert "In 2 days" in rows[leapling.id] and "29 February" in rows[leapling.id]


def test_the_window_crosses_the_new_year(client, me, monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(date(2026, 12, 25)))
    contact = factories.ContactFactory(owner=me)
    christmas = add_event(contact, 12, 25, title="Christmas")
    new_year = add_event(contact, 1, 3, title="New year birthday")
    last_day = add_event(contact, 1, 7, title="Last day in the window")
    add_event(contact, 1, 8, title="Too late")
    _db.session.commit()
    rows = event_rows(client.get("/").text)
    assert list(rows) == [christmas.id, new_year.id, last_day.id]
    assert "In 9 days" in rows[new_year.id] and "3 January" in rows[new_year.id]
    assert "In 13 days" in rows[last_day.id]


def test_upcoming_events_count_days_in_my_own_timezone(client, login_as, monkeypatch):
    # 23:30 UTC on 9 March is 10 March in Auckland: a 10 March birthday is today there.
    freeze_time(monkeypatch, datetime(2027, 3, 9, 23, 30, tzinfo=UTC))
    me = login_as("member", timezone="Pacific/Auckland")
    event = add_event(factories.ContactFactory(owner=me), 3, 10)
    _db.session.commit()
    assert "Today" in event_rows(client.get("/").text)[event.id]


def test_the_soonest_twelve_events_show_and_a_link_lists_the_whole_fortnight(client, me):
    contacts = [
        factories.ContactFactory(first_name="Person", last_name=f"{n:02}", owner=me)
        for n in range(15)
    ]
    events = [add_event(contact, 3, 10 + n % 14) for n, contact in enumerate(contacts)]
    _db.session.commit()
    soonest = sorted(events, key=lambda event: (event.event_day, event.contact.last_name))

    html = client.get("/").text
    every = client.get("/?events=all").text

    assert list(event_rows(html)) == [event.id for event in soonest[:12]]
    assert 'href="/?events=all#events-heading">Show all 15 in the next two weeks</a>' in html
    assert list(event_rows(every)) == [event.id for event in soonest]
    assert "Show all" not in every


def test_twelve_events_or_fewer_need_no_show_all_link(client, me):
    for n in range(12):
        add_event(factories.ContactFactory(owner=me), 3, 11 + n)
    _db.session.commit()

    html = client.get("/").text

    assert len(event_rows(html)) == 12 and "Show all" not in html


def test_no_upcoming_events_says_how_to_add_them(client, me):
    assert "No birthdays or other life events" in client.get("/").text


def test_today_keeps_my_clients_and_recent_contacts(client, me):
    contact = factories.ContactFactory(first_name="Ada", last_name="Lovelace", owner=me)
    client_company = factories.ClientProfileFactory(account_manager_id=me.id).company
    _db.session.commit()
    html = client.get("/").text
    assert "Your recently updated contacts" in html and f'href="/contacts/{contact.id}"' in html
    assert "Clients you manage" in html and client_company.name in html


def test_a_recent_contact_shows_their_title_primary_company_and_first_email(client, me):
    ada = factories.ContactFactory(first_name="Ada", last_name="Lovelace", owner=me, title="CFO")
    old = factories.CompanyFactory(name="Old Employer")
    factories.ContactCompanyLinkFactory(contact=ada, company=old, is_primary=False)
    engines = factories.CompanyFactory(name="Analytical Engines")
    factories.ContactCompanyLinkFactory(contact=ada, company=engines, is_primary=True)
    factories.ContactEmailFactory(contact=ada, email="later@engines.example", position=1)
    factories.ContactEmailFactory(contact=ada, email="ada@engines.example", position=0)
    factories.ContactFactory(first_name="Alan", last_name="Turing", owner=me, title=None)
    _db.session.commit()

    html = client.get("/").text
    card = html[html.index('id="recent-heading"') :]
    card = " ".join(re.sub(r"<[^>]+>", " ", card[: card.index("</ul>")]).split())

    assert "Ada Lovelace CFO · Analytical Engines ada@engines.example" in card
    assert "Old Employer" not in card and "later@" not in card
    assert "Alan Turing" in card and "None" not in card


def test_without_relationships_view_today_shows_no_actions_or_events(client, me):
    add_action(me, due_on=TODAY)
    me.permission_overrides = [PermissionOverride(permission="relationships:view", granted=False)]
    _db.session.commit()
    response = client.get("/")
    assert response.status_code == 200
    assert "Overdue and due this week" not in response.text
    assert "Upcoming life events" not in response.text


# --- the same queries whatever the size of my book ------------------------------------------------


def _book(me, size: int, start: int = 0) -> None:
    """``size`` more contacts of mine, each at a client I manage, with a life event this week and an
    action due."""
    for n in range(start, start + size):
        client_company = factories.ClientProfileFactory(account_manager_id=me.id).company
        contact = factories.ContactFactory(owner=me, last_name=f"Book{n:03}")
        factories.ContactCompanyLinkFactory(contact=contact, company=client_company)
        add_event(contact, 3, 10 + n % 7)
        add_action(me, contact=contact, due_on=TODAY + timedelta(days=n % 5))
    _db.session.commit()


def test_today_runs_the_same_queries_for_3_and_30_contacts(client, me, count_queries):
    _book(me, 3)
    with_three = queries_for(client, count_queries, "/")
    _book(me, 27, start=3)
    with_thirty = queries_for(client, count_queries, "/")
    assert with_thirty == with_three, f"{with_three} queries with 3, {with_thirty} with 30"
    assert len(event_rows(client.get("/").text)) == 12  # the soonest; the rest behind Show all
