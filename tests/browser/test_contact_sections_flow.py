"""The contact page's first screen arrives alone; each section below it loads as it scrolls into
view, shows a skeleton while it does, and works without JavaScript through a plain link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from tests.browser.conftest import (
    LAPTOP,
    PHONE,
    LiveServer,
    assert_fits_the_screen,
    shoot,
    sign_in,
)
from webapp.web.contact_sections import LAZY

pytestmark = pytest.mark.browser

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
