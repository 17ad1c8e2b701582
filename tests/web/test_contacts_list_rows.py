"""The contacts list reads its rows as plain columns (``contact_search.ListedContact``), not as
contacts with their collections: each column must still say what the contact's own record says
(its first email and phone, its primary company, its tags in order, when a touch is due)."""

from __future__ import annotations

import re
from datetime import timedelta

from tests import factories
from webapp.extensions import db as _db
from webapp.models import ContactTag, RelationshipProfile
from webapp.models.base import utcnow
from webapp.services import touches
from webapp.services.calendar import today_in


def row_of(html: str, contact) -> str:
    """The text of the contact's row in the results table, tags dropped."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        if f'href="/contacts/{contact.id}"' in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    raise AssertionError(f"no row for contact {contact.id}")


def test_a_row_shows_the_first_email_and_phone_by_position_not_by_when_added(client, login_as):
    login_as("member")
    ada = factories.ContactFactory(first_name="Ada", last_name="Lovelace")
    factories.ContactEmailFactory(contact=ada, email="later@engines.example", position=1)
    factories.ContactEmailFactory(contact=ada, email="first@engines.example", position=0)
    factories.ContactPhoneFactory(contact=ada, number="+442079460001", position=1)
    factories.ContactPhoneFactory(contact=ada, number="+442079460958", position=0)
    _db.session.commit()

    row = row_of(client.get("/contacts").text, ada)

    assert "first@engines.example" in row and "later@engines.example" not in row
    assert "+44 20 7946 0958" in row and "+44 20 7946 0001" not in row
    _db.session.expire_all()
    assert (ada.primary_email, ada.primary_phone) == ("first@engines.example", "+442079460958")


def test_a_row_names_the_primary_company_even_when_it_was_linked_second(client, login_as):
    login_as("member")
    ada = factories.ContactFactory(first_name="Ada", last_name="Lovelace")
    factories.ContactCompanyLinkFactory(
        contact=ada, company=factories.CompanyFactory(name="Old Employer"), is_primary=False
    )
    factories.ContactCompanyLinkFactory(
        contact=ada, company=factories.CompanyFactory(name="Analytical Engines"), is_primary=True
    )
    _db.session.commit()

    row = row_of(client.get("/contacts").text, ada)

    assert "Analytical Engines" in row and "Old Employer" not in row
    _db.session.expire_all()
    assert ada.primary_company.name == "Analytical Engines"


def test_a_contact_with_nothing_but_a_name_has_empty_cells_not_none(client, login_as):
    login_as("member")
    alan = factories.ContactFactory(first_name="Alan", last_name="Turing", title=None)
    _db.session.commit()

    row = row_of(client.get("/contacts").text, alan)

    assert row == "Alan Turing Never working"
    assert "None" not in row


def test_tags_are_listed_alphabetically_whatever_their_case(client, login_as):
    login_as("member")
    ada = factories.ContactFactory(first_name="Ada", last_name="Lovelace")
    for name in ("gamma", "Beta", "alpha"):
        _db.session.add(ContactTag(contact=ada, name=name))
    _db.session.commit()

    html = client.get("/contacts").text

    assert re.findall(r'class="badge tag-badge">([^<]+)<', html) == ["alpha", "Beta", "gamma"]
    _db.session.expire_all()
    assert ada.tag_names == ["alpha", "Beta", "gamma"]


def test_the_touch_badge_follows_the_cadence_rule_of_the_contact_page(client, login_as):
    """A client's tier sets the cadence unless the contact's own profile sets one; a touch is due
    that many days after the last one, and "Overdue" only once the day is past."""
    login_as("member")
    today = today_in("UTC")
    strategic = factories.ClientProfileFactory(tier="strategic").company  # every 30 days
    standard = factories.ClientProfileFactory(tier="standard").company  # every 90 days
    people = {
        "overdue by tier": (strategic, None, 31),
        "due today by tier": (standard, None, 90),
        "not yet due": (standard, None, 89),
        "own cadence wins": (standard, 14, 20),
        "no cadence at all": (None, None, 400),
    }
    contacts = {}
    for label, (company, cadence, days_ago) in people.items():
        contact = factories.ContactFactory(
            first_name=label.title(), last_name="Row", last_touch_on=today - timedelta(days_ago)
        )
        if company is not None:
            factories.ContactCompanyLinkFactory(contact=contact, company=company)
        if cadence is not None:
            _db.session.add(RelationshipProfile(contact=contact, cadence_days=cadence))
        contacts[label] = contact
    _db.session.commit()

    html = client.get("/contacts").text
    badges = {label: _touch_badge(row_of(html, contact)) for label, contact in contacts.items()}

    assert badges == {
        "overdue by tier": "Overdue",
        "due today by tier": "Due today",
        "not yet due": None,
        "own cadence wins": "Overdue",
        "no cadence at all": None,
    }
    _db.session.expire_all()
    for label, contact in contacts.items():
        due = touches.next_touch_due(contact, contact.relationship_profile)
        expected = "Overdue" if due and due < today else "Due today" if due == today else None
        assert badges[label] == expected, label


def _touch_badge(row: str) -> str | None:
    found = re.search(r"\b(Overdue|Due today)\b", row)
    return found.group(1) if found else None


def test_an_archived_contact_is_marked_and_its_owner_named(client, login_as, make_user):
    login_as("member")
    alice = make_user(name="Alice Owner")
    old = factories.ContactFactory(first_name="Charles", last_name="Babbage", owner=alice)
    old.archived_at = utcnow()
    _db.session.commit()

    row = row_of(client.get("/contacts?archived=1").text, old)

    assert row.startswith("Charles Babbage Archived")
    assert "Alice Owner" in row


def test_the_total_counts_every_match_and_the_last_page_holds_the_rest(client, login_as):
    login_as("member")
    factories.ContactFactory.create_batch(27, last_name="Counted")
    factories.ContactFactory.create_batch(3, last_name="Other")
    _db.session.commit()

    whole = client.get("/contacts").text
    second = client.get("/contacts?page=2").text
    searched = client.get("/contacts?q=Counted&page=2").text

    assert "30 contacts" in whole and len(re.findall(r"<tr>", whole)) == 1 + 25
    assert len(re.findall(r"<tr>", second)) == 1 + 5
    assert re.search(r"27 contacts\s+matching “Counted”", searched)
    assert len(re.findall(r"<tr>", searched)) == 1 + 2
