"""The contact page's first screen arrives alone; each section below it loads as it scrolls into
view, shows a skeleton while it does, and works without JavaScript through a plain link."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Error, Page, Request, Route, expect
from sqlalchemy import select

from tests.browser.conftest import (
    LAPTOP,
    PHONE,
    LiveServer,
    assert_fits_the_screen,
    shoot,
    sign_in,
)
from webapp import access
from webapp.extensions import db
from webapp.models import User
from webapp.services import actions
from webapp.web.contact_sections import LAZY

pytestmark = pytest.mark.browser

SQUAD_MATE = "sam@rapport.example"  # tests/browser/seed.py
SECTION_REQUEST = re.compile(r"/contacts/\d+/sections/([a-z-]+)$")


def _section_requests(page: Page) -> list[str]:
    """The names of the sections the page fetches from now on, in order."""
    names: list[str] = []

    def seen(request: Request) -> None:
        found = SECTION_REQUEST.search(request.url)
        if found:
            names.append(found.group(1))

    page.on("request", seen)
    return names


def _open_the_contact(page: Page, live_server: LiveServer) -> list[str]:
    seeded = live_server.seeded
    sign_in(page, seeded.manager.email)
    fetched = _section_requests(page)
    page.goto(f"/contacts/{seeded.messaging_contact.id}", wait_until="networkidle")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pemberton")
    return fetched


def test_the_first_screen_comes_alone_and_each_section_loads_as_it_scrolls_in(
    page: Page, live_server: LiveServer
) -> None:
    assert page.viewport_size == LAPTOP
    fetched = _open_the_contact(page, live_server)
    assert fetched == [], f"the first screen fetched {fetched}"
    placeholder = page.locator("#timeline.lazy-section")
    expect(placeholder).to_have_attribute("aria-busy", "true")
    expect(placeholder.get_by_role("heading", name="Timeline")).to_be_attached()
    expect(placeholder.get_by_role("link", name="Show the timeline")).to_be_attached()
    shoot(page, "96-contact-first-screen")

    for section in LAZY:  # scrolled to, one after the other
        page.evaluate("(id) => document.getElementById(id)?.scrollIntoView()", section.name)
        expect(page.locator(f"#{section.name}.lazy-section")).to_have_count(0)
    assert sorted(set(fetched)) == sorted(section.name for section in LAZY)
    assert len(fetched) == len(LAZY), f"a section was fetched twice: {fetched}"
    expect(page.locator("[aria-busy=true]")).to_have_count(0)
    expect(page.get_by_role("form", name="Log interaction")).to_be_attached()
    expect(page.get_by_role("region", name=re.compile(r"^Conversation"))).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "97-contact-every-section")


def test_message_scrolls_to_the_conversation_which_loads_there(
    page: Page, live_server: LiveServer
) -> None:
    fetched = _open_the_contact(page, live_server)
    page.get_by_role("link", name="Message", exact=True).click()
    conversation = page.get_by_role("region", name=re.compile(r"^Conversation"))
    expect(conversation.get_by_role("form", name=re.compile(r"^New message to"))).to_be_visible()
    assert "conversation" in fetched


def test_without_javascript_a_section_opens_through_its_link(
    browser: Browser, browser_context_args: dict, live_server: LiveServer
) -> None:
    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        seeded = live_server.seeded
        sign_in(page, seeded.manager.email)
        page.goto(f"/contacts/{seeded.messaging_contact.id}")
        page.get_by_role("link", name="Show the timeline").click()
        expect(page).to_have_url(re.compile(r"\?open=timeline#timeline$"))
        expect(page.get_by_role("form", name="Log interaction")).to_be_visible()
        expect(page.get_by_role("link", name="Show the conversation")).to_be_visible()
    finally:
        context.close()


def test_the_sections_load_and_fit_on_a_phone(phone_page: Page, live_server: LiveServer) -> None:
    page = phone_page
    assert page.viewport_size == PHONE
    _open_the_contact(page, live_server)
    expect(page.locator(".lazy-section")).to_have_count(len(LAZY))
    for section in LAZY:
        page.evaluate("(id) => document.getElementById(id)?.scrollIntoView()", section.name)
        expect(page.locator(f"#{section.name}.lazy-section")).to_have_count(0)
    assert_fits_the_screen(page, "The contact page with every section loaded")
    shoot(page, "phone-96-contact-every-section")


def _pending_action(live_server: LiveServer, contact_id: int) -> str:
    """A call for the manager's squad mate to make, added as the API would: its title. (Not the
    manager's own: other tests count the manager's done actions.)"""
    title = f"Call about the Q3 review ({uuid.uuid4().hex[:6]})"
    with live_server.app.app_context():
        manager = db.session.scalar(select(User).filter_by(email=live_server.seeded.manager.email))
        mate = db.session.scalar(select(User).filter_by(email=SQUAD_MATE))
        values = {"title": title, "action_type": "call", "assigned_to_user_id": mate.id}
        actions.create_action(access.actor_for_user(manager), contact_id, values)
        db.session.commit()
    return title


def test_a_write_made_while_the_timeline_loads_shows_in_it(
    page: Page, live_server: LiveServer
) -> None:
    """Marking an action done while the timeline is still loading: the timeline's first answer,
    read before the write, is dropped for a second one, so the entry is there."""
    contact_id = live_server.seeded.messaging_contact.id
    title = _pending_action(live_server, contact_id)
    _open_the_contact(page, live_server)
    held: list[Route] = []  # the timeline's first load waits here

    def hold_the_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    timeline_url = re.compile(rf"/contacts/{contact_id}/sections/timeline$")
    page.route(timeline_url, hold_the_first)
    try:
        page.evaluate("document.getElementById('timeline').scrollIntoView()")
        for _ in range(100):  # the route handler runs as Playwright dispatches events
            if held:
                break
            page.wait_for_timeout(50)
        assert held, "scrolling to the timeline did not load it"
        before_the_write = held[0].fetch()  # what the server answered then
        page.evaluate("window.scrollTo(0, 0)")
        pending = page.get_by_role("list", name="Pending actions").get_by_role("listitem")
        pending.filter(has_text=title).get_by_role("button", name=f"Done: {title}").click()
        expect(pending.filter(has_text=title)).to_have_count(0)
        try:  # the stale answer arrives last; htmx has dropped the request by now
            held[0].fulfill(response=before_the_write)
        except Error:
            pass
        timeline = page.get_by_role("region", name="Timeline")
        newest = timeline.get_by_role("list", name="Timeline, newest first").get_by_role("listitem")
        expect(newest.first).to_contain_text("Action done")
        expect(newest.first).to_contain_text(title)
    finally:
        page.unroute(timeline_url)
