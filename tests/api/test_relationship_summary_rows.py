"""The summary reads a client's people and events as plain rows (``summaries.KeyPerson``, rows of
an event's columns), not objects: what the API and the client page say of each must still be
what the contact's own record says (first email and phone by position, the link's role, else
the job title, who is primary here), and the two must agree."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.api.client_helpers import client_company, life_event, link, message, summary_path
from tests.api.relationship_helpers import action_for, client_contact, freeze_today
from tests.factories import ContactEmailFactory, ContactPhoneFactory, UserFactory
from webapp.api.serializers import action_json
from webapp.extensions import db as _db
from webapp.models import Partner, RelationshipAction, RelationshipProfile

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


def test_the_summarys_actions_say_what_each_action_record_says(api_client, client_firm, make_user):
    """The summary reads its actions as rows (``action_rows``); each must be what the action's
    own JSON, read as a record, says: the contact's first email (or none), the action's company
    else the contact's primary one, the task, and overdue in the assignee's own timezone."""
    executive = api_client(role="executive", name="Eve Executive")
    london = make_user("member", name="Lena London", timezone="Europe/London")
    auckland = make_user("member", name="Aroha Auckland", timezone="Pacific/Auckland")
    elsewhere = client_company("Difference Engines Ltd")
    ada = client_contact(london, company=client_firm)
    ContactEmailFactory(contact=ada, email="second@analytical.example", position=1)
    grace = client_contact(auckland, "Grace", "Hopper", email=None, company=client_firm)
    alan = client_contact(
        london, "Alan", "Turing", email="alan@bletchley.example", company=elsewhere
    )
    _db.session.commit()
    action_for(london, ada, title="Due today in London", due_date=TODAY.isoformat())
    action_for(auckland, grace, title="Due today in Auckland", due_date=TODAY.isoformat())
    action_for(auckland, grace, title="No date")
    filed_here = {"title": "Filed here", "company_id": client_firm.id, "due_date": "2025-05-01"}
    action_for(london, alan, **filed_here)
    action_for(london, alan, title="Filed elsewhere", due_date="2025-05-01")  # not this client's
    _db.session.commit()

    response = executive.get(summary_path(client_firm.id))
    assert response.status_code == 200, response.get_data(as_text=True)
    listed = response.get_json()["actions"]

    _db.session.expire_all()
    records = {a.id: a for a in _db.session.scalars(select(RelationshipAction))}
    assert listed == [action_json(records[int(item["id"])]) for item in listed]
    by_title = {item["title"]: item for item in listed}
    assert list(by_title) == [
        "Filed here",
        "Due today in London",
        "Due today in Auckland",
        "No date",
    ]
    assert by_title["Due today in Auckland"]["overdue"] is True  # already tomorrow there
    assert by_title["Due today in London"]["overdue"] is False
    assert by_title["Filed here"]["overdue"] is True
    assert by_title["No date"]["overdue"] is False
    assert by_title["Due today in London"]["contact_email"] == "ada@analytical.example"
    assert by_title["No date"]["contact_email"] is None
    assert by_title["Filed here"]["company_name"] == "Analytical Engines Ltd"
    assert by_title["Due today in London"]["company_name"] == "Analytical Engines Ltd"
    assert all(item["task_id"] for item in listed)
    assert by_title["Due today in Auckland"]["assigned_to_name"] == "Aroha Auckland"


def test_two_clients_read_through_the_same_kept_statements_each_get_their_own(
    api_client, client, login_as
):
    """Each part of a summary is one statement built once with the client's id bound
    (docs/performance.md, "Expressions built once"): one client's summary, then another's, must
    each name their own people, events, actions, partners and messages, on the page too."""
    executive = api_client(role="executive", name="Eve Executive")
    firms = [client_company("Analytical Engines Ltd"), client_company("Difference Engines Ltd")]
    people = [
        client_contact(executive.user, name, "Person", email=None, company=firm)
        for name, firm in zip(("Ada", "Alan"), firms, strict=True)
    ]
    for firm, person in zip(firms, people, strict=True):
        life_event(person, f"{person.first_name}'s day", "06-10", recurs=True)
        _db.session.add(Partner(company_id=firm.id, partner_company_name=f"{firm.name} partner"))
        message(person, f"Hello from {person.first_name}", datetime(2025, 5, 30, tzinfo=UTC))
    _db.session.commit()
    for person in people:
        action_for(executive.user, person, title=f"Call {person.first_name}")
    _db.session.commit()

    login_as("executive")
    for firm, person, other in ((firms[0], people[0], people[1]), (firms[1], people[1], people[0])):
        summary = executive.get(summary_path(firm.id)).get_json()
        assert [p["first_name"] for p in summary["contacts"]] == [person.first_name]
        assert [e["title"] for e in summary["events"]] == [f"{person.first_name}'s day"]
        assert [a["title"] for a in summary["actions"]] == [f"Call {person.first_name}"]
        assert [p["partner_company_name"] for p in summary["partners"]] == [f"{firm.name} partner"]
        assert [m["body"] for m in summary["messages"]] == [f"Hello from {person.first_name}"]
        page = client.get(f"/clients/{firm.id}").text
        assert f"Call {person.first_name}" in page and f"Hello from {person.first_name}" in page
        assert f"Call {other.first_name}" not in page and f"{other.first_name}'s day" not in page
