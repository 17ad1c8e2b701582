"""Issue 8, people linked to people: a member links an assistant to her boss on the contact page
(a mistake first), reads the link from both pages, changes its type and back, removes another
link, then finds the assistant on the client's relationship map and clicks through to her page;
the map's list reads without the graph; the pages fit a phone.

The people are this module's own, at a client of their own, made through the services once per
live server: Peter Smith (touched lately, so he can introduce his assistant), his assistant Ada
Lovelace and their colleague Charles Babbage (linked to nobody at first), and for the phone walk
Mary Somerville, already "manager of" Grace Hopper. When the module is done they are archived,
so the modules after it count the seed's contacts and clients as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Dialog, Locator, Page, expect
from sqlalchemy import select

from tests.browser.conftest import (
    ARTIFACTS,
    LAPTOP,
    PHONE,
    LiveServer,
    assert_fits_the_screen,
    open_every_section,
    open_section,
    shoot,
    sign_in,
)
from webapp import access
from webapp.extensions import db
from webapp.models import ContactRelationship, RelationshipType, User
from webapp.services import companies, contact_relationships, contacts, interactions
from webapp.services.calendar import today_in

pytestmark = pytest.mark.browser

COMPANY = ("Analytical Engines Ltd", "analytical.example", "Precision engineering")
# first, last, title, role at the client
PETER = ("Peter", "Smith", "Managing Director", "Decision maker")
ADA = ("Ada", "Lovelace", "Executive Assistant", "Gatekeeper")
CHARLES = ("Charles", "Babbage", "Head of Engineering", "Champion")
MARY = ("Mary", "Somerville", "Finance Director", "Economic buyer")
GRACE = ("Grace", "Hopper", "Systems Architect", "Influencer")
PETER_TOUCHED_DAYS_AGO = 10
CHOOSE_A_TYPE = "Choose how they are related."
MAP = "#relationship-map"
GRAPH = "#relationship-map-graph"


@dataclass(frozen=True)
class LinkedPeople:
    """The module's client and its people (contact ids)."""

    company_id: int
    company_name: str
    member_id: int  # the member signed in: the people's account manager
    peter: int
    ada: int
    charles: int
    mary: int
    grace: int


def _name(person: tuple) -> str:
    return f"{person[0]} {person[1]}"


def _type_id(name: str) -> int:
    type_id = db.session.scalar(select(RelationshipType.id).where(RelationshipType.name == name))
    assert type_id is not None, f"the built-in relationship type {name!r} exists"
    return type_id


def _make_client(actor, manager: User, member: User):
    name, domain, industry = COMPANY
    return companies.create_company(
        actor,
        companies.CompanyInput(
            name=name,
            industry=industry,
            owner_id=manager.id,
            domains=[domain],
            is_client=True,
            client_tier="key",
            account_manager_id=member.id,
        ),
    )


def _make_people(live_server: LiveServer) -> LinkedPeople:
    """The client and its five people (the member's), committed for the live server."""
    seeded = live_server.seeded
    assert seeded.client_team is not None, "the seed makes the client team and its member"
    manager = db.session.scalar(select(User).where(User.email == seeded.manager.email))
    member = db.session.scalar(select(User).where(User.email == seeded.client_team.member.email))
    actor = access.actor_for_user(manager)
    company = _make_client(actor, manager, member)
    ids = {}
    for first, last, title, role in (PETER, ADA, CHARLES, MARY, GRACE):
        ids[first] = contacts.create_contact(
            actor,
            contacts.ContactInput(
                first_name=first,
                last_name=last,
                title=title,
                stage="customer",
                owner_id=member.id,
                emails=[f"{first}.{last}@{COMPANY[1]}".lower()],
                company_links=[contacts.CompanyLinkInput(company.id, role, True)],
            ),
        ).id
    touched_on = today_in(member.timezone) - timedelta(days=PETER_TOUCHED_DAYS_AGO)
    meeting = {"kind": "meeting", "occurred_on": touched_on.isoformat(), "summary": "Site tour"}
    interactions.log_interaction(access.actor_for_user(member), ids["Peter"], meeting)
    mary_manages_grace = {
        "contact_is": ids["Mary"],
        "relationship_type_id": _type_id("manager of"),
        "of_contact": ids["Grace"],
    }
    contact_relationships.create_relationship(actor, mary_manages_grace)
    db.session.commit()
    people = (ids[person[0]] for person in (PETER, ADA, CHARLES, MARY, GRACE))
    return LinkedPeople(company.id, company.name, member.id, *people)


def _archive_people(live_server: LiveServer, people: LinkedPeople) -> None:
    """Out of the lists again: the other modules count the seed's contacts and clients."""
    manager = db.session.scalar(select(User).where(User.email == live_server.seeded.manager.email))
    actor = access.actor_for_user(manager)
    for contact_id in (people.peter, people.ada, people.charles, people.mary, people.grace):
        contacts.archive_contact(actor, contact_id)
    companies.archive_company(actor, people.company_id)
    db.session.commit()


@pytest.fixture(scope="module")
def linked_people(live_server: LiveServer) -> Iterator[LinkedPeople]:
    """This module's client and people, for its tests; archived when they are done."""
    with live_server.app.app_context():
        people = _make_people(live_server)
        db.session.remove()
    try:
        yield people
    finally:
        with live_server.app.app_context():
            _archive_people(live_server, people)
            db.session.remove()


# --- helpers --------------------------------------------------------------------------------------


def _shoot_part(part: Locator, name: str) -> Path:
    """A screenshot of one section, easier to judge than the whole page."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    part.screenshot(path=str(path), animations="disabled")
    return path


def _links_between(live_server: LiveServer, one: int, other: int) -> list[tuple[int, str, int]]:
    """The stored edges between two people: (contact_is, type name, of_contact)."""
    pair = (one, other)
    with live_server.app.app_context():
        edges = db.session.scalars(
            select(ContactRelationship).where(
                ContactRelationship.contact_is_id.in_(pair),
                ContactRelationship.of_contact_id.in_(pair),
            )
        )
        found = [(e.contact_is_id, e.relationship_type.name, e.of_contact_id) for e in edges]
        db.session.remove()
    return found


def _people(page: Page) -> Locator:
    return page.locator("#people")


def _count(page: Page) -> Locator:
    return page.locator("#people-heading .badge")


def _link_to(page: Page, other: tuple) -> Locator:
    """The People section's line about ``other``."""
    return page.locator("li.person-link").filter(
        has=page.get_by_role("link", name=_name(other), exact=True)
    )


def _open_contact(page: Page, contact_id: int, person: tuple) -> None:
    page.goto(f"/contacts/{contact_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(_name(person))
    open_every_section(page)  # they load as they scroll into view
    page.evaluate("window.scrollTo(0, 0)")


def _open_the_form(page: Page) -> Locator:
    _people(page).get_by_role("link", name="Link a person").click()
    form = page.locator("#people-form")
    expect(form).to_be_visible()
    expect(form.get_by_label(re.compile(r"^How \w+ is related$"))).to_be_focused()
    return form


def _choice(form: Locator, person: tuple) -> Locator:
    """The radio button for ``person`` among the live search's matches."""
    label = form.locator("#people-choices label.list-group-item").filter(has_text=_name(person))
    return label.locator("input[name=other_id]")


def _search(form: Locator, text: str, person: tuple) -> Locator:
    """Type as a person types; the matches arrive without a page load. Returns their radio,
    once the answer for the whole text is in (an earlier one could swap a pick away)."""
    with form.page.expect_response(lambda r: "/people/choices?" in r.url and f"q={text}" in r.url):
        form.get_by_label("To whom").press_sequentially(text, delay=40)
    choice = _choice(form, person)
    expect(choice).to_be_visible()
    return choice


def _rmap(page: Page, script: str, arg=None):
    """Evaluate ``script`` (a function of the Cytoscape instance and ``arg``) on the map."""
    return page.evaluate(
        f"([arg]) => {{ const cy = document.getElementById('relationship-map').rmap; "
        f"return ({script})(cy, arg); }}",
        [arg],
    )


def _map_ready(page: Page) -> Locator:
    """The map card, drawn: it loads when scrolled into view (the client page's is below it)."""
    card = page.locator(MAP)
    card.scroll_into_view_if_needed()
    expect(card).to_have_attribute("data-map-state", "ready")
    return card


def _graph(page: Page) -> dict:
    return _rmap(
        page,
        """(cy) => ({
          nodes: cy.nodes().map((n) => n.id()),
          focus: cy.nodes('.focus').map((n) => n.id()),
          edges: cy.edges('.relationship')
            .map((e) => [e.source().id(), e.data('label'), e.target().id()]),
        })""",
    )


# Where a node is drawn once the map stops moving (the find animates the view): the same
# position and zoom over three frames in a row.
SETTLED_AT = """(id) => {
  const cy = document.getElementById('relationship-map').rmap;
  const at = cy.getElementById(id).renderedPosition();
  const key = `${at.x.toFixed(1)} ${at.y.toFixed(1)} ${cy.zoom().toFixed(4)}`;
  if (window.__rmapLast === key && !cy.animated()) window.__rmapSame += 1;
  else { window.__rmapLast = key; window.__rmapSame = 0; }
  return window.__rmapSame >= 3 ? at : null;
}"""


def _node_on_screen(page: Page, node_id: str) -> tuple[float, float]:
    """The page coordinates of a node's centre, the graph scrolled into view."""
    graph = page.locator(GRAPH)
    graph.scroll_into_view_if_needed()
    page.evaluate("window.__rmapLast = null; window.__rmapSame = 0")
    at = page.wait_for_function(SETTLED_AT, arg=node_id).json_value()
    box = graph.bounding_box()
    assert box is not None
    assert 0 < at["x"] < box["width"] and 0 < at["y"] < box["height"], (
        f"{node_id} is drawn at {at}, outside the graph's {box['width']}x{box['height']} box"
    )
    return box["x"] + at["x"], box["y"] + at["y"]


def _find_on_the_map(page: Page, text: str) -> None:
    finder = page.locator("form[data-rmap-find]")
    finder.get_by_label("Find a person").fill(text)
    finder.get_by_role("button", name="Find").click()


# --- 1. link an assistant, a mistake first, and read it from both pages ---------------------------


def _ada_starts_linked_to_nobody(page: Page, people: LinkedPeople) -> None:
    _open_contact(page, people.ada, ADA)
    expect(_count(page)).to_have_text("0")
    expect(_people(page)).to_contain_text("No links to other people yet.")
    expect(page.locator(MAP)).to_have_count(0)  # no map for a person linked to nobody
    intros = page.locator("section#introductions")
    expect(intros).to_contain_text("Nobody we have been in touch with in the last 90 days")
    expect(intros.get_by_role("link")).to_have_count(0)


def _link_without_a_type_then_with_one(page: Page, live_server: LiveServer, people) -> None:
    page.evaluate("window.__marker = 1")  # a full page load would forget it
    form = _open_the_form(page)
    expect(form.get_by_label("How Ada is related")).to_have_value("")
    peter = _search(form, "Pet", PETER)
    peter.check()  # "Pet" may match more than Peter: pick him
    expect(peter).to_be_checked()
    shoot(page, "90-people-form")
    _shoot_part(_people(page), "90-people-form-section")

    form.get_by_role("button", name="Link", exact=True).click()
    kind = page.get_by_label("How Ada is related")
    expect(kind).to_have_attribute("aria-invalid", "true")
    expect(kind).to_have_accessible_description(CHOOSE_A_TYPE)
    expect(page.locator("#people-relationship-error")).to_be_visible()
    expect(page.locator("#people-form").get_by_role("alert")).to_contain_text("need attention")
    expect(kind).to_be_focused()
    expect(page.get_by_label("To whom")).to_have_value("Pet")  # nothing typed is lost
    expect(_choice(page.locator("#people-form"), PETER)).to_be_checked()
    expect(_count(page)).to_have_text("0")
    assert _links_between(live_server, people.ada, people.peter) == [], "a mistake links nobody"
    _shoot_part(_people(page), "91-people-form-error")

    kind.select_option(label="assistant of")
    page.locator("#people-form").get_by_role("button", name="Link", exact=True).click()
    expect(page.locator("#people-form")).to_have_count(0)
    link = _link_to(page, PETER)
    expect(link).to_have_text(re.compile(r"^\s*Assistant of\s+Peter Smith\b"))
    expect(link).to_contain_text("Managing Director · Analytical Engines Ltd")
    expect(_count(page)).to_have_text("1")
    expect(page.locator("#people-heading")).to_be_focused()
    assert page.evaluate("window.__marker") == 1, "linking reloaded the whole page"
    assert _links_between(live_server, people.ada, people.peter) == [
        (people.ada, "assistant of", people.peter)
    ]
    _shoot_part(_people(page), "92-people-linked")


def _the_page_now_shows_her_map_and_who_can_introduce_her(page: Page, people) -> None:
    """Without a reload: the link tells the map and the introductions to fetch themselves."""
    card = _map_ready(page)
    assert page.evaluate("window.__marker") == 1, "the map came by reloading the whole page"
    expect(card.locator(".rmap-counts")).to_contain_text("1 relationship")
    graph = _graph(page)
    assert {f"contact-{people.ada}", f"contact-{people.peter}"} <= set(graph["nodes"])
    assert graph["focus"] == [f"contact-{people.ada}"]
    assert [f"contact-{people.ada}", "assistant of", f"contact-{people.peter}"] in graph["edges"]

    chain = page.locator("section#introductions .intro-chain")
    expect(chain).to_have_count(1)
    expect(chain.get_by_role("link", name="Peter Smith")).to_be_visible()
    expect(chain.locator(".intro-reading")).to_have_text("has assistant")
    expect(chain.locator("strong")).to_have_text("Ada Lovelace")
    expect(chain).to_contain_text("1 link away")
    shoot(page, "93-contact-with-map")
    _shoot_part(card, "93-contact-map-card")
    _shoot_part(page.locator("section#introductions"), "93-contact-introductions")


def _peter_reads_it_the_other_way(page: Page, people: LinkedPeople) -> str:
    """Follow the link to Peter's page; returns the link's element id (its relationship)."""
    link = _link_to(page, PETER)
    link_id = link.get_attribute("id")
    assert link_id and re.fullmatch(r"person-link-\d+", link_id)
    link.get_by_role("link", name="Peter Smith").click()
    expect(page).to_have_url(re.compile(rf"/contacts/{people.peter}(#.*)?$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Peter Smith")
    open_section(page, "people")  # scrolling down to it loads it
    his = page.locator(f"#{link_id}")
    expect(his).to_have_text(re.compile(r"^\s*Has assistant\s+Ada Lovelace\b"))
    expect(_count(page)).to_have_text("1")
    _shoot_part(_people(page), "94-people-the-other-side")
    return link_id


# --- 2. change the type on one page, read it on both; remove another link -----------------------


def _change_type(page: Page, link_id: str, other: tuple, to: str) -> None:
    person = page.locator(f"#{link_id}")
    kind = person.get_by_label(re.compile(rf"^How \w+ is related to {_name(other)}$"))
    kind.select_option(label=to)  # saves on change, no button
    reading = to[:1].upper() + to[1:]
    expect(page.locator(f"#{link_id}")).to_have_text(
        re.compile(rf"^\s*{re.escape(reading)}\s+{_name(other)}\b")
    )
    expect(page.locator(f"#{link_id}").locator("select option:checked")).to_have_text(to)


def _change_the_type_and_back(page: Page, live_server: LiveServer, people, link_id: str) -> None:
    _change_type(page, link_id, ADA, "colleague of")  # on Peter's page
    assert _links_between(live_server, people.ada, people.peter) == [
        (people.ada, "colleague", people.peter)
    ]
    page.locator(f"#{link_id}").get_by_role("link", name="Ada Lovelace").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Lovelace")
    open_section(page, "people")
    expect(page.locator(f"#{link_id}")).to_have_text(re.compile(r"^\s*Colleague of\s+Peter Smith"))

    _change_type(page, link_id, PETER, "assistant of")  # back, on Ada's page
    expect(_count(page)).to_have_text("1")
    assert _links_between(live_server, people.ada, people.peter) == [
        (people.ada, "assistant of", people.peter)
    ]


def _link_a_friend_then_remove_it(page: Page, live_server: LiveServer, people) -> None:
    form = _open_the_form(page)
    form.get_by_label("How Ada is related").select_option(label="friend of")
    charles = _search(form, "Babb", CHARLES)
    expect(charles).to_be_checked()  # the only match is picked already
    form.get_by_role("button", name="Link", exact=True).click()
    friend = _link_to(page, CHARLES)
    expect(friend).to_have_text(re.compile(r"^\s*Friend of\s+Charles Babbage"))
    expect(_count(page)).to_have_text("2")
    expect(page.locator(".people-group-heading")).to_have_text(["Friend", "Work"])

    asked: list[str] = []

    def answer(accept: bool):
        def handle(dialog: Dialog) -> None:
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return handle

    remove = friend.get_by_role("button", name="Remove the link to Charles Babbage")
    page.once("dialog", answer(accept=False))
    remove.click()
    assert asked == ["Unlink Ada Lovelace and Charles Babbage? Both pages lose this link."], asked
    expect(friend).to_be_visible()  # thought better of it: still linked
    assert len(_links_between(live_server, people.ada, people.charles)) == 1

    page.once("dialog", answer(accept=True))
    remove.click()
    expect(friend).to_have_count(0)
    expect(_count(page)).to_have_text("1")
    expect(_link_to(page, PETER)).to_be_visible()
    assert _links_between(live_server, people.ada, people.charles) == []

    _open_contact(page, people.charles, CHARLES)
    expect(_count(page)).to_have_text("0")
    expect(_people(page)).to_contain_text("No links to other people yet.")


# --- 3 and 4. the client's map: the graph, its list, find Ada and click through -----------------


def _open_the_client_map(page: Page, people: LinkedPeople) -> Locator:
    page.goto(f"/clients/{people.company_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(people.company_name)
    card = _map_ready(page)
    expect(card.locator(".rmap-counts")).to_contain_text("2 relationships")
    graph = _graph(page)
    everyone = {f"contact-{pid}" for pid in (people.peter, people.ada, people.charles)}
    assert everyone | {f"user-{people.member_id}"} <= set(graph["nodes"]), graph["nodes"]
    assert graph["focus"] == []
    assert sorted(graph["edges"]) == sorted(
        [
            [f"contact-{people.ada}", "assistant of", f"contact-{people.peter}"],
            [f"contact-{people.mary}", "manager of", f"contact-{people.grace}"],
        ]
    )
    legend = card.locator("[data-rmap-legend] li")
    expect(legend).to_contain_text([f"{people.company_name} (client)", "Account manager"])
    expect(legend.filter(has_text="Work link")).to_have_count(1)
    card.scroll_into_view_if_needed()
    shoot(page, "95-client-map")
    _shoot_part(card, "95-client-map-card")
    return card


def _zoom_in_and_fit(page: Page) -> None:
    fitted = _rmap(page, "(cy) => cy.zoom()")
    page.locator("[data-rmap-zoom=in]").click()
    page.wait_for_function(
        "(z) => document.getElementById('relationship-map').rmap.zoom() > z * 1.2", arg=fitted
    )
    page.locator("[data-rmap-fit]").click()
    page.wait_for_function(
        "(z) => Math.abs(document.getElementById('relationship-map').rmap.zoom() - z) < z * 0.01",
        arg=fitted,
    )


def _the_list_reads_without_the_graph(page: Page, people: LinkedPeople) -> None:
    """A keyboard or screen reader user opens the list: the same people and links."""
    listing = page.locator("details#relationship-map-list")
    expect(listing).not_to_have_attribute("open", "")  # folded away while the graph shows
    summary = listing.locator("summary")
    expect(summary).to_have_text("People and relationships as a list")
    summary.focus()
    page.keyboard.press("Enter")
    expect(listing).to_have_attribute("open", "")
    ada = listing.locator(f"li#relationship-map-person-{people.ada}")
    peter = listing.locator(f"li#relationship-map-person-{people.peter}")
    expect(ada.get_by_role("link", name="Ada Lovelace", exact=True).first).to_have_attribute(
        "href", f"/contacts/{people.ada}"
    )
    expect(ada.locator(".rmap-readings")).to_have_text(re.compile(r"assistant of\s+Peter Smith"))
    expect(peter.get_by_role("link", name="Peter Smith", exact=True).first).to_have_attribute(
        "href", f"/contacts/{people.peter}"
    )
    expect(peter.locator(".rmap-readings")).to_have_text(
        re.compile(r"has assistant\s+Ada Lovelace")
    )
    expect(ada).to_contain_text("Account manager:")
    page.keyboard.press("Enter")  # and folds it away again
    expect(listing).not_to_have_attribute("open", "")


def _find_ada_and_click_through(page: Page, live_server: LiveServer, people) -> None:
    card = page.locator(MAP)
    status = card.locator("[data-rmap-status]")
    _find_on_the_map(page, "Zebedee")
    expect(status).to_have_text("No one called “Zebedee” is on this map.")

    _find_on_the_map(page, "Ada")
    ada = f"contact-{people.ada}"
    expect(card).to_have_attribute("data-map-found", ada)
    expect(status).to_contain_text("Found Ada Lovelace, Gatekeeper at Analytical Engines Ltd.")
    expect(status.get_by_role("link", name="Open their page")).to_have_attribute(
        "href", f"/contacts/{people.ada}"
    )
    x, y = _node_on_screen(page, ada)
    _shoot_part(card, "96-client-map-found")
    page.mouse.click(x, y)
    expect(page).to_have_url(f"{live_server.url}/contacts/{people.ada}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Lovelace")


def test_member_links_an_assistant_and_finds_her_on_the_client_map(
    page: Page, live_server: LiveServer, linked_people: LinkedPeople
) -> None:
    assert page.viewport_size == LAPTOP
    people = linked_people
    sign_in(page, live_server.seeded.client_team.member.email)
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    _ada_starts_linked_to_nobody(page, people)
    _link_without_a_type_then_with_one(page, live_server, people)
    _the_page_now_shows_her_map_and_who_can_introduce_her(page, people)
    link_id = _peter_reads_it_the_other_way(page, people)
    _change_the_type_and_back(page, live_server, people, link_id)
    _link_a_friend_then_remove_it(page, live_server, people)

    _open_the_client_map(page, people)
    _zoom_in_and_fit(page)
    _the_list_reads_without_the_graph(page, people)
    _find_ada_and_click_through(page, live_server, people)


# --- 5. on a phone --------------------------------------------------------------------------------


def test_people_and_the_map_fit_a_phone(
    phone_page: Page, live_server: LiveServer, linked_people: LinkedPeople
) -> None:
    page, people = phone_page, linked_people
    assert page.viewport_size == PHONE
    sign_in(page, live_server.seeded.client_team.member.email)
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    _open_contact(page, people.mary, MARY)
    expect(_link_to(page, GRACE)).to_have_text(re.compile(r"^\s*Manager of\s+Grace Hopper"))
    form = _open_the_form(page)
    form.get_by_label("How Mary is related").select_option(label="colleague of")
    _search(form, "Hopper", GRACE).check()
    _people(page).scroll_into_view_if_needed()
    shoot(page, "phone-90-people-form")
    _shoot_part(_people(page), "phone-90-people-form-section")
    assert_fits_the_screen(page, "The contact page with the People form open")
    form.get_by_role("link", name="Cancel").click()
    expect(page.locator("#people-form")).to_have_count(0)
    expect(_count(page)).to_have_text("1")  # cancelled: nothing linked
    _map_ready(page)
    assert_fits_the_screen(page, "The contact page with its map")

    page.goto(f"/clients/{people.company_id}")
    card = _map_ready(page)
    card.scroll_into_view_if_needed()
    shoot(page, "phone-91-client-map")
    _shoot_part(card, "phone-91-client-map-card")
    assert_fits_the_screen(page, "The client page with its map")

    _find_on_the_map(page, "Grace")
    expect(card).to_have_attribute("data-map-found", f"contact-{people.grace}")
    x, y = _node_on_screen(page, f"contact-{people.grace}")
    page.touchscreen.tap(x, y)
    expect(page).to_have_url(f"{live_server.url}/contacts/{people.grace}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grace Hopper")
