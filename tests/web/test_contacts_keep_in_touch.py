"""The contacts list's keep-in-touch view: last touch, overdue flags, filter and sort."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.factories import ClientProfileFactory, ContactCompanyLinkFactory, ContactFactory
from tests.unit.relationship_builders import freeze_time
from webapp.models import RelationshipProfile

TODAY = date(2026, 6, 1)
ADDED = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def people(db, login_as, monkeypatch):
    """Strategic clients (every 30 days) touched at different times, and one with no cadence."""
    freeze_time(monkeypatch, datetime(2026, 6, 1, 12, tzinfo=UTC))
    me = login_as("member")
    client = ClientProfileFactory(tier="strategic")

    def person(name: str, last_touch: date | None, cadence: int | None = None):
        contact = ContactFactory(first_name=name, last_name="Test", owner=me, created_at=ADDED)
        contact.last_touch_on = last_touch
        ContactCompanyLinkFactory(contact=contact, company=client.company)
        if cadence is not None:
            db.session.add(RelationshipProfile(contact_id=contact.id, cadence_days=cadence))
        return contact

    made = {
        "Long": person("Long", date(2026, 3, 1)),  # due 31 March: two months overdue
        "Lately": person("Lately", date(2026, 4, 25)),  # due 25 May: overdue
        "Soon": person("Soon", date(2026, 5, 10)),  # due 9 June: within two weeks
        "Fresh": person("Fresh", date(2026, 5, 30)),  # due 29 June
        "Off": person("Off", None, cadence=0),  # no reminders
    }
    db.session.commit()
    return made


def names_listed(client, query: str) -> list[str]:
    html = client.get(f"/contacts?{query}").get_data(as_text=True)
    names = ("Long", "Lately", "Soon", "Fresh", "Off")
    order = {name: html.find(f">{name} Test<") for name in names}
    return [name for name, at in sorted(order.items(), key=lambda kv: kv[1]) if at >= 0]


def test_the_list_shows_last_touch_and_flags_the_overdue(client, people):
    html = client.get("/contacts").get_data(as_text=True)
    assert "Last touch" in html
    assert "1 Mar 2026" in html
    assert html.count('title="A touch was due') == 2
    assert "Never" in html  # the contact with no touch at all


def test_filter_overdue_lists_only_contacts_due_a_touch(client, people):
    assert sorted(names_listed(client, "touch=overdue")) == ["Lately", "Long"]


def test_filter_due_soon_adds_those_due_within_two_weeks(client, people):
    assert sorted(names_listed(client, "touch=soon")) == ["Lately", "Long", "Soon"]


def test_sort_by_touch_due_puts_the_most_overdue_first_and_no_cadence_last(client, people):
    assert names_listed(client, "sort=touch_due") == ["Long", "Lately", "Soon", "Fresh", "Off"]


def test_an_unknown_touch_filter_counts_as_none(client, people):
    response = client.get("/contacts?touch=%27%3B--")
    assert response.status_code == 200
    assert len(names_listed(client, "touch=nonsense")) == 5


def test_the_filter_is_kept_in_the_page_links(client, people):
    html = client.get("/contacts?touch=overdue").get_data(as_text=True)
    assert '<option value="overdue" selected>Overdue</option>' in html
    assert "Clear filters" in html


def test_a_touch_due_today_is_due_soon_but_not_overdue(client, people, monkeypatch):
    freeze_time(monkeypatch, datetime(2026, 6, 9, 12, tzinfo=UTC))  # Soon is due today
    assert "Soon" not in names_listed(client, "touch=overdue")
    assert "Soon" in names_listed(client, "touch=soon")


def test_on_a_phone_the_name_carries_the_overdue_flag(client, people):
    html = client.get("/contacts?touch=overdue").get_data(as_text=True)
    assert html.count('show-sm-only">Touch overdue<') == 2
