"""The summary reads a client's people and events as plain rows (``summaries.KeyPerson``, rows of
an event's columns), not objects: what the API and the client page say of each must still be
what the contact's own record says (first email and phone by position, the link's role, else
the job title, who is primary here), and the two must agree."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.api.client_helpers import client_company, life_event, link, summary_path
from tests.api.relationship_helpers import client_contact, freeze_today
from tests.factories import ContactEmailFactory, ContactPhoneFactory, UserFactory
from webapp.extensions import db as _db
from webapp.models import RelationshipProfile

TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_today(monkeypatch, TODAY)


def people_json(api, firm) -> dict[str, dict]:
    response = api.get(summary_path(firm.id))
    assert response.status_code == 200, response.get_data(as_text=True)
    return {f"{p['first_name']} {p['last_name']}": p for p in response.get_json()["contacts"]}


def person_on_page(client, firm, contact) -> str:
    html = client.get(f"/clients/{firm.id}").text
    found = re.search(rf'id="client-person-{contact.id}">(.*?)</li>', html, re.S)
    assert found, f"{contact.full_name} is not on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_email_and_phone_are_the_first_by_position_not_the_first_added(
    api, client, client_firm, login_as
):
    ada = client_contact(api.user, email=None, company=client_firm)
    ContactEmailFactory(contact=ada, email="later@analytical.example", position=1)
    ContactEmailFactory(contact=ada, email="first@analytical.example", position=0)
    ContactPhoneFactory(contact=ada, number="+442079460001", position=1)
    ContactPhoneFactory(contact=ada, number="+442079460958", position=0)
    _db.session.commit()

    person = people_json(api, client_firm)["Ada Lovelace"]
    login_as("executive")
    page = person_on_page(client, client_firm, ada)

    assert (person["email"], person["phone"]) == ("first@analytical.example", "+442079460958")
    assert "Email first@analytical.example" in page and "later@" not in page
    assert "Phone +44 20 7946 0958" in page and "0001" not in page


def test_the_role_is_the_links_at_this_client_and_the_page_falls_back_to_the_title(
    api, client, client_firm, login_as
):
    elsewhere = client_company("Difference Engines Ltd")
    ada = client_contact(api.user, company=elsewhere)  # primary elsewhere
    ada.title = "Countess"
    link(ada, client_firm, role="Adviser")
    grace = client_contact(api.user, "Grace", "Hopper", email="grace@navy.example")
    grace.title = "Rear Admiral"
    link(grace, client_firm, primary=True, role=None)
    _db.session.commit()

    people = people_json(api, client_firm)
    login_as("executive")

    assert (people["Ada Lovelace"]["role"], people["Grace Hopper"]["role"]) == ("Adviser", None)
    ada_on_page = person_on_page(client, client_firm, ada)
    grace_on_page = person_on_page(client, client_firm, grace)
    assert "Adviser" in ada_on_page and "Countess" not in ada_on_page
    assert "Primary" not in ada_on_page
    assert "Rear Admiral" in grace_on_page and "Primary" in grace_on_page


def test_the_profile_fields_and_the_owner_come_with_each_person(api, client, client_firm, login_as):
    owner = UserFactory(name="Olive Owner")
    ada = client_contact(owner, company=client_firm)
    _db.session.add(
        RelationshipProfile(
            contact_id=ada.id,
            preferred_name="Countess",
            phone_number="+447911123456",
            communication_notes="Mornings only",
            twilio_opt_in=True,
            interests=["chess"],
        )
    )
    _db.session.commit()

    person = people_json(api, client_firm)["Ada Lovelace"]
    login_as("executive")
    page = person_on_page(client, client_firm, ada)

    assert person["owner_id"] == str(owner.id) and person["owner_name"] == "Olive Owner"
    assert (person["preferred_name"], person["twilio_opt_in"]) == ("Countess", True)
    assert (person["phone"], person["phone_number"]) == (None, "+447911123456")
    assert person["interests"] == ["chess"]
    # The profile's number is the one to call; the page shows it over the contact's own.
    assert "goes by “Countess”" in page and "Phone +44 7911 123456" in page
    assert "How to reach Mornings only" in page


def test_an_upcoming_event_names_its_person_in_the_api_and_on_the_page(
    api, client, client_firm, login_as
):
    ada = client_contact(api.user, company=client_firm)
    life_event(ada, "Ada's 36th", "06-10", recurs=True)
    _db.session.commit()

    response = api.get(summary_path(client_firm.id))
    login_as("executive")
    html = client.get(f"/clients/{client_firm.id}").text

    (event,) = response.get_json()["events"]
    assert (event["first_name"], event["last_name"], event["days_until"]) == ("Ada", "Lovelace", 9)
    assert event["next_occurrence"] == "2025-06-10"
    upcoming = html[html.index('id="client-upcoming"') :]
    assert "Ada&#39;s 36th" in upcoming and "Ada Lovelace · Other" in upcoming
