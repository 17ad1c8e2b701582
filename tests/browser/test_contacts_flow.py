"""The day-one flow: sign in, find a contact by typing, open it, and edit it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, shoot, sign_in

pytestmark = pytest.mark.browser

SEARCHBOX = "Search contacts by name, email or company"
NEW_PHONE = "+44 20 7946 0958"


def _is_search_request(request) -> bool:
    return request.headers.get("hx-request") == "true" and "q=" in request.url


def _with_query(live_server: LiveServer, q: str) -> re.Pattern[str]:
    """The contacts list URL carrying ``q`` (other arguments, such as the sort, may come along)."""
    return re.compile(rf"^{re.escape(live_server.url)}/contacts\?(.+&)?q={re.escape(q)}(&|$)")


def _sign_in_to_today(page: Page, live_server: LiveServer) -> None:
    page.goto("/sign-in")
    shoot(page, "01-sign-in")
    sign_in(page, live_server.seeded.manager.email)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Good to see you, Maya"))
    expect(page).to_have_url(f"{live_server.url}/")
    shoot(page, "02-today")


def _search_as_the_user_types(page: Page, live_server: LiveServer) -> None:
    seeded = live_server.seeded
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacts")
    count = page.locator("#contacts-count")
    expect(count).to_have_text(f"{seeded.contact_count} contacts")
    first_page = page.get_by_role("table", name="Contacts, page 1 of 2")
    expect(first_page.get_by_role("row")).to_have_count(26)  # the header and 25 contacts
    shoot(page, "03-contacts")

    page.evaluate("window.__marker = 1")  # a full page load would forget it
    with page.expect_request(_is_search_request) as search:
        page.get_by_role("searchbox", name=SEARCHBOX).press_sequentially(
            seeded.target_last_name, delay=30
        )

    results = page.get_by_role("table", name="Contacts, page 1 of 1")
    expect(count).to_have_text(f"1 contact matching “{seeded.target_last_name}”")
    expect(results.get_by_role("row")).to_have_count(2)
    expect(results.get_by_role("link", name=seeded.target_name)).to_be_visible()
    expect(page).to_have_url(_with_query(live_server, seeded.target_last_name))
    assert page.evaluate("window.__marker") == 1, "the search reloaded the whole page"
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    assert search.value.headers.get("x-csrftoken") == token, "htmx did not send the CSRF token"
    shoot(page, "04-contacts-search")


def _back_and_forward_follow_the_search(page: Page, live_server: LiveServer) -> None:
    seeded = live_server.seeded
    count = page.locator("#contacts-count")
    searchbox = page.get_by_role("searchbox", name=SEARCHBOX)

    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/contacts")
    expect(count).to_have_text(f"{seeded.contact_count} contacts")
    expect(searchbox).to_have_value("")

    page.go_forward()
    expect(page).to_have_url(_with_query(live_server, seeded.target_last_name))
    expect(count).to_have_text(f"1 contact matching “{seeded.target_last_name}”")
    expect(searchbox).to_have_value(seeded.target_last_name)
    assert page.evaluate("window.__marker") == 1, "back/forward reloaded the whole page"


def _open_the_contact(page: Page, live_server: LiveServer) -> None:
    seeded = live_server.seeded
    page.get_by_role("link", name=seeded.target_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(seeded.target_name)
    details = page.get_by_role("region", name="Details")
    expect(details).to_contain_text("Head of Procurement")
    companies = page.get_by_role("region", name="Companies")
    expect(companies.get_by_role("link", name=seeded.target_company)).to_be_visible()
    expect(companies).to_contain_text("Primary")
    shoot(page, "05-contact")


def _invalid_edit_shows_the_error_and_saves_nothing(page: Page, live_server: LiveServer) -> None:
    seeded = live_server.seeded
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit {seeded.target_name}")
    page.get_by_label("Job title").fill("Chief Procurement Officer")
    page.get_by_label("Emails").fill("not-an-email")
    page.get_by_role("button", name="Save contact").first.click()

    emails = page.get_by_label("Emails")
    expect(emails).to_have_attribute("aria-invalid", "true")
    expect(emails).to_have_accessible_description(
        re.compile("not-an-email is not a valid email address")
    )
    expect(page.get_by_role("alert")).to_contain_text("Some fields need attention")
    expect(page.get_by_label("Job title")).to_have_value("Chief Procurement Officer")
    shoot(page, "06-contact-edit-error")

    page.get_by_role("link", name="Cancel").first.click()
    expect(page.get_by_role("region", name="Details")).to_contain_text("Head of Procurement")


def _valid_edit_is_saved(page: Page, live_server: LiveServer) -> None:
    seeded = live_server.seeded
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Job title").fill("Chief Procurement Officer")
    phones = page.get_by_label("Phone numbers")
    phones.fill(f"{phones.input_value()}\n{NEW_PHONE}")
    page.get_by_role("button", name="Save contact").first.click()

    expect(page.get_by_role("alert")).to_contain_text(f"{seeded.target_name} saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text(seeded.target_name)
    details = page.get_by_role("region", name="Details")
    expect(details).to_contain_text("Chief Procurement Officer")
    expect(details.get_by_role("link", name=NEW_PHONE)).to_be_visible()
    history = page.get_by_role("region", name="Recent history")
    expect(history).to_contain_text(re.compile(r"Changed (job )?title, phone numbers"))
    shoot(page, "07-contact-saved")


def test_manager_signs_in_finds_a_contact_as_they_type_and_edits_it(
    page: Page, live_server: LiveServer
) -> None:
    _sign_in_to_today(page, live_server)
    _search_as_the_user_types(page, live_server)
    _back_and_forward_follow_the_search(page, live_server)
    _open_the_contact(page, live_server)
    _invalid_edit_shows_the_error_and_saves_nothing(page, live_server)
    _valid_edit_is_saved(page, live_server)
