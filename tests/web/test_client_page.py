"""The client page: the summary an account manager reads before a meeting, and its print layout."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest

from tests import factories
from tests.unit.relationship_builders import at_noon_utc, freeze_time
from tests.web.action_builders import HTMX, TODAY, add_action, sign_in, stored
from tests.web.contact_page_builders import actor, queries_for, section, visible_text
from tests.web.conversation_builders import add_message
from webapp.extensions import db as _db
from webapp.models import Partner, PermissionOverride
from webapp.models.base import utcnow
from webapp.services import life_events, profiles


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(TODAY))


def make_client(name="Acme Ltd", *, tier="strategic", manager=None):
    company = factories.CompanyFactory(name=name)
    factories.ClientProfileFactory(
        company=company, tier=tier, account_manager=manager, client_since=date(2019, 5, 1)
    )
    return company


def person_at(company, first_name, last_name="Person", *, primary=True, role="Buyer", **fields):
    contact = factories.ContactFactory(first_name=first_name, last_name=last_name, **fields)
    factories.ContactCompanyLinkFactory(
        contact=contact, company=company, is_primary=primary, role=role
    )
    return contact


def add_event(user, contact, title, on: date, **values):
    values = {
        "event_type": "other",
        "title": title,
        "event_date": on.isoformat(),
        "auto_action_enabled": False,
        **values,
    }
    return life_events.create_event(actor(user), contact.id, values)


def add_partner(company, name, amount=None, **fields):
    partner = Partner(
        company_id=company.id, partner_company_name=name, estimated_deal_size=amount, **fields
    )
    _db.session.add(partner)
    _db.session.flush()
    return partner


def page_of(client, company, **query) -> str:
    response = client.get(f"/clients/{company.id}", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def text_of(html: str, section_id: str) -> str:
    return unescape(visible_text(section(html, section_id)))


@pytest.fixture
def world(client, login_as, make_user):
    """Acme, a strategic client, with people, events, actions, partners and messages."""
    me = login_as("member", name="Mo Member")
    maria = make_user("manager", name="Maria Manager")
    acme = make_client(manager=maria)
    ann = person_at(acme, "Ann", "Archer", role="Chief Financial Officer", phones=[])
    factories.ContactEmailFactory(contact=ann, email="ann@acme.example")
    profiles.update_profile(
        actor(me),
        ann.id,
        {
            "preferred_name": "Annie",
            "communication_preference": "whatsapp",
            "communication_notes": "Mornings only, never on Fridays.",
            "assistant_name": "Pat Helper",
            "assistant_email": "pat@acme.example",
            "dietary_requirements": "Vegetarian, no nuts",
            "phone_number": "+442079460958",
            "whatsapp_number": "+447911123456",
        },
    )
    bob = person_at(acme, "Bob", "Zed", primary=False, role=None, title="Engineer")
    gone = person_at(acme, "Gone", "Away")
    gone.archived_at = utcnow()
    add_event(me, ann, "Ann's promotion party", TODAY + timedelta(days=10))
    add_event(me, bob, "Bob's wedding", TODAY + timedelta(days=45), event_type="wedding")
    add_event(me, bob, "Far away retirement", TODAY + timedelta(days=120))
    add_event(me, bob, "Past graduation", TODAY - timedelta(days=3))
    overdue = add_action(me, contact=ann, title="Call Annie back", due_on=TODAY - timedelta(2))
    soon = add_action(  # Acme is not Bob's primary company: filed under Acme by hand
        me,
        contact=bob,
        title="Send Bob the proposal",
        due_on=TODAY + timedelta(3),
        company_id=acme.id,
    )
    add_action(me, contact=ann, title="Old closed thing", status="done")
    ann.last_touch_on = TODAY - timedelta(days=8)  # after the closed action, which touched her
    theirs = add_action(maria, contact=ann, title="Maria's private call")
    add_partner(
        acme,
        "Initrode",
        Decimal("1000000.50"),
        relationship_type="Reseller",
        partner_contact_name="Ivy Init",
        partner_contact_email="ivy@initrode.example",
        notes="Renewal in Q3",
    )
    add_partner(acme, "Globex", Decimal("250000"))
    add_partner(acme, "Hooli")
    for n in range(12):
        add_message(ann, f"Message number {n}", commit=False)
    _db.session.commit()
    return {
        "me": me,
        "maria": maria,
        "acme": acme,
        "ann": ann,
        "bob": bob,
        "overdue": overdue,
        "soon": soon,
        "theirs": theirs,
    }


# --- the sections --------------------------------------------------------------------------------


def test_header_names_the_client_tier_account_manager_and_since(client, world):
    html = page_of(client, world["acme"])

    header = visible_text(html[html.index('<header class="page-header') : html.index("</header>")])
    assert "Acme Ltd" in header
    assert "Strategic client" in header
    assert "Account manager: Maria Manager" in header
    assert "Client since 1 May 2019" in header
    assert f'href="/companies/{world["acme"].id}/edit"' in html
    assert f'href="/clients/{world["acme"].id}?print=1" data-print' in html


def test_key_people_show_how_each_likes_to_be_contacted(client, world):
    html = page_of(client, world["acme"])

    people = text_of(html, "client-people")
    assert "Key people 2" in people
    assert "Ann Archer · goes by “Annie”" in people
    assert "Chief Financial Officer" in people
    assert "Prefers WhatsApp" in people
    assert "Mornings only, never on Fridays." in people
    assert "Phone +44 20 7946 0958" in people
    assert "WhatsApp +44 7911 123456" in people
    assert "Email ann@acme.example" in people
    assert "Assistant Pat Helper, pat@acme.example" in people
    assert "Dietary needs Vegetarian, no nuts" in people
    assert "Last touch 2 Mar 2027 (8 days ago)" in people
    assert "Engineer" in people  # Bob's job title, as he has no role at Acme
    assert "Gone Away" not in people  # archived


def test_primary_people_come_first(client, world):
    acme = world["acme"]
    person_at(acme, "Aaron", "Aardvark", primary=False)
    _db.session.commit()

    people = text_of(page_of(client, acme), "client-people")

    assert people.index("Ann Archer") < people.index("Aaron Aardvark") < people.index("Bob Zed")


def test_a_person_without_a_profile_reads_plainly(client, world):
    people = section(page_of(client, world["acme"]), "client-people")
    bob = people[people.index(f'id="client-person-{world["bob"].id}"') :]

    assert "Prefers" not in visible_text(bob)
    assert "Last touch Never" in visible_text(bob)


def test_next_90_days_lists_upcoming_events_on_a_timeline(client, world):
    html = page_of(client, world["acme"])

    upcoming = text_of(html, "client-upcoming")
    assert "Next 90 days 2" in upcoming
    assert "Ann's promotion party in 10 days Ann Archer · Other" in upcoming
    assert "Bob's wedding in 45 days Bob Zed · Wedding" in upcoming
    assert upcoming.index("promotion party") < upcoming.index("wedding")
    assert "Far away retirement" not in upcoming and "Past graduation" not in upcoming
    track = section(html, "client-upcoming")
    assert 'style="left: 11.11%"' in track and 'style="left: 50.00%"' in track


def test_pending_actions_are_those_the_viewer_may_see(client, world):
    actions = text_of(page_of(client, world["acme"]), "client-actions")

    assert "Pending actions 2" in actions
    assert "Call Annie back" in actions and "Overdue" in actions
    assert "Send Bob the proposal" in actions
    assert "Old closed thing" not in actions
    assert "Maria's private call" not in actions  # Maria's, and a member sees only their own
    assert actions.index("Call Annie back") < actions.index("Send Bob the proposal")


def test_an_executive_sees_everyones_actions(client, world, login_as):
    login_as("executive")

    actions = text_of(page_of(client, world["acme"]), "client-actions")

    assert "Pending actions 3" in actions and "Maria's private call" in actions


def test_partners_show_with_their_total_estimated_deal_size(client, world):
    partners = text_of(page_of(client, world["acme"]), "client-partners")

    assert "Partners 3" in partners
    assert "Initrode Reseller Renewal in Q3" in partners
    assert "Ivy Init ivy@initrode.example" in partners
    assert "1,000,000.50" in partners and "250,000" in partners
    assert "Total est. deal size 1,250,000.50" in partners
    assert partners.index("Initrode") < partners.index("Globex") < partners.index("Hooli")


def test_latest_messages_are_the_ten_newest(client, world):
    messages = section(page_of(client, world["acme"]), "client-messages")

    assert messages.count('class="list-group-item client-message"') == 10
    assert "To Ann Archer" in visible_text(messages)


def test_an_empty_client_shows_an_empty_state_in_every_section(client, login_as):
    login_as("member")
    quiet = make_client("Quiet Co")
    _db.session.commit()

    html = page_of(client, quiet)

    assert "No one at Quiet Co is in Rapport yet." in html
    assert "Nothing in the next 90 days" in html
    assert "Nothing pending for Quiet Co that you can see." in html
    assert "No partners recorded for Quiet Co." in html
    assert "No messages with Quiet Co’s people yet." in html
    assert "Account manager: nobody yet" in visible_text(html)


def test_key_people_show_up_to_50_with_a_link_to_all(client, login_as):
    login_as("member")
    big = make_client("Big Co")
    for n in range(52):
        person_at(big, f"Person{n:02d}", primary=False)
    _db.session.commit()

    people = text_of(page_of(client, big), "client-people")

    assert "Key people 52" in people
    assert "Showing 50 of 52. See them all" in people
    assert f'href="/contacts?company={big.id}"' in page_of(client, big)


# --- not a client, unknown, permissions ----------------------------------------------------------


def test_a_company_that_is_not_a_client_is_404_with_a_link_to_its_page(client, login_as):
    login_as("member")
    plain = factories.CompanyFactory(name="Plain Co")
    _db.session.commit()

    response = client.get(f"/clients/{plain.id}")

    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Plain Co is not a client" in html
    assert f'href="/companies/{plain.id}"' in html


def test_a_company_that_is_not_a_client_is_a_json_404_for_json_clients(client, login_as):
    login_as("member")
    plain = factories.CompanyFactory(name="Plain Co")
    _db.session.commit()

    response = client.get(f"/clients/{plain.id}", headers={"Accept": "application/json"})

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_a_client"


def test_an_unknown_company_is_404(client, login_as):
    login_as("member")

    response = client.get("/clients/987654")

    assert response.status_code == 404
    assert "No company with id 987654." in response.get_data(as_text=True)


def test_a_member_gets_update_buttons_but_no_delete(client, world):
    html = page_of(client, world["acme"])

    assert "/status" in section(html, "client-actions")
    partners = section(html, "client-partners")
    assert "Add partner" in partners and ">Edit</a>" in partners
    assert ">Delete</a>" not in partners


def test_a_manager_can_also_delete_partners(client, world, login_as):
    login_as("manager")

    partners = section(page_of(client, world["acme"]), "client-partners")

    assert partners.count(">Delete</a>") == 3


def test_a_viewer_without_update_sees_no_buttons(client, world, make_user):
    viewer = make_user("member")
    viewer.permission_overrides = [
        PermissionOverride(permission="relationships:update", granted=False)
    ]
    sign_in(client, viewer)
    add_action(viewer, contact=world["ann"], title="My read-only task")
    _db.session.commit()

    html = page_of(client, world["acme"])

    assert "My read-only task" in html
    assert "/status" not in section(html, "client-actions")
    assert "Add partner" not in html and ">Edit</a>" not in html
    assert "Edit company" not in html


def test_the_page_is_for_viewers_only(client, login_as, world):
    viewer = login_as("member")
    viewer.permission_overrides = [
        PermissionOverride(permission="relationships:view", granted=False)
    ]
    _db.session.commit()

    assert client.get(f"/clients/{world['acme'].id}").status_code == 403


# --- closing an action inline --------------------------------------------------------------------


def test_done_closes_the_action_and_the_section_comes_back_without_it(client, world):
    acme, overdue = world["acme"], world["overdue"]

    response = client.post(
        f"/clients/{acme.id}/actions/{overdue.id}/status", data={"status": "done"}, headers=HTMX
    )

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="client-actions"')
    assert "Call Annie back" not in html.replace("“Call Annie back” marked done.", "")
    assert "“Call Annie back” marked done." in html
    assert "Send Bob the proposal" in html
    assert stored(overdue) == ("done", "done")


def test_dismiss_without_javascript_redirects_back_to_the_section(client, world):
    acme, soon = world["acme"], world["soon"]

    response = client.post(
        f"/clients/{acme.id}/actions/{soon.id}/status", data={"status": "dismissed"}
    )

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/clients/{acme.id}#client-actions")
    assert stored(soon) == ("dismissed", "dismissed")
    assert "Send Bob the proposal" not in section(page_of(client, acme), "client-actions")


def test_an_action_out_of_the_viewers_scope_cannot_be_closed(client, world):
    acme, theirs = world["acme"], world["theirs"]

    response = client.post(
        f"/clients/{acme.id}/actions/{theirs.id}/status", data={"status": "done"}, headers=HTMX
    )

    assert response.status_code == 404
    assert stored(theirs) == ("pending", "pending")


def test_an_action_of_another_client_is_not_found_here(client, world):
    other = make_client("Other Co")
    carl = person_at(other, "Carl")
    carls = add_action(world["me"], contact=carl)
    _db.session.commit()

    response = client.post(
        f"/clients/{world['acme'].id}/actions/{carls.id}/status", data={"status": "done"}
    )

    assert response.status_code == 404
    assert stored(carls) == ("pending", "pending")


def test_a_status_that_is_not_done_or_dismissed_is_refused(client, world):
    overdue = world["overdue"]

    response = client.post(
        f"/clients/{world['acme'].id}/actions/{overdue.id}/status", data={"status": "maybe"}
    )

    assert response.status_code in (400, 422)
    assert stored(overdue) == ("pending", "pending")


def test_the_actions_section_answers_htmx_alone(client, world):
    response = client.get(f"/clients/{world['acme'].id}/actions", headers=HTMX)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Call Annie back" in html


# --- print ---------------------------------------------------------------------------------------


def test_print_layout_shows_every_section_without_navigation_or_buttons(client, world):
    html = page_of(client, world["acme"], print="1")

    assert '<body class="print-layout">' in html
    assert 'class="navbar' not in html
    for section_id in (
        "client-people",
        "client-upcoming",
        "client-actions",
        "client-partners",
        "client-messages",
    ):
        assert f'<section id="{section_id}"' in html
    assert "<form" not in html
    assert "Add partner" not in html and "/status" not in html
    assert "Annie" in html and "Total est. deal size 1,250,000.50" in visible_text(html)
    assert "data-print" in html  # the Print button of the print layout


# --- queries -------------------------------------------------------------------------------------


def test_the_page_runs_the_same_queries_for_5_and_for_60_contacts(client, count_queries, world):
    acme, me = world["acme"], world["me"]

    def add_people(start: int, count: int) -> None:
        for n in range(start, start + count):
            contact = person_at(acme, f"Extra{n}", primary=n % 2 == 0)
            factories.ContactEmailFactory(contact=contact)
            factories.ContactPhoneFactory(contact=contact)
            profiles.update_profile(actor(me), contact.id, {"preferred_name": f"E{n}"})
            add_event(me, contact, f"Event {n}", TODAY + timedelta(days=n % 80))
            add_action(me, contact=contact, due_on=TODAY + timedelta(days=n % 9))
            add_message(contact, f"Hello {n}", commit=False, sent_by=me)
            add_partner(acme, f"Partner {n}", Decimal(n))
        _db.session.commit()

    path = f"/clients/{acme.id}"
    add_people(0, 3)  # with Ann and Bob: five people
    with_five = queries_for(client, count_queries, path)
    add_people(3, 55)
    with_sixty = queries_for(client, count_queries, path)

    assert with_sixty == with_five, f"{with_five} queries with 5 people, {with_sixty} with 60"
    html = client.get(path).get_data(as_text=True)
    assert "Key people 60" in visible_text(html)


def test_the_company_page_of_a_client_links_to_its_summary(client, world):
    acme = world["acme"]
    plain = factories.CompanyFactory(name="Plain Co")
    _db.session.commit()

    company_page = client.get(f"/companies/{acme.id}").get_data(as_text=True)
    plain_page = client.get(f"/companies/{plain.id}").get_data(as_text=True)

    assert f'href="/clients/{acme.id}">Client summary</a>' in company_page
    assert "Client summary" not in plain_page
