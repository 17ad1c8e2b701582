"""The Company filter in a browser: type part of a name, pick the company with the keyboard or the
mouse, and the list narrows in place; text that means several companies offers them as links."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, assert_fits_the_screen, shoot, sign_in

pytestmark = pytest.mark.browser


def _company_field(page: Page):
    return page.get_by_role("combobox", name="Company")


def _suggestions(page: Page):
    return page.get_by_role("listbox", name="Companies found")


def _company_cells(page: Page) -> list[str]:
    """The company column of each contact the results list."""
    return page.locator("#contact-results tbody tr td:nth-child(2)").all_inner_texts()


def test_a_manager_narrows_contacts_to_a_company_by_typing_and_picking(
    page: Page, live_server: LiveServer
) -> None:
    seeded = live_server.seeded
    sign_in(page, seeded.manager.email)
    page.goto("/contacts")
    count = page.locator("#contacts-count")
    expect(count).to_have_text(f"{seeded.contact_count} contacts")
    page.evaluate("window.__marker = 1")  # a full page load would forget it

    field = _company_field(page)
    field.press_sequentially("copper", delay=30)
    option = _suggestions(page).get_by_role("option", name=re.compile("Copperleaf Energy"))
    expect(option).to_be_visible()
    expect(option).to_contain_text("copperleaf.example")
    expect(field).to_have_attribute("aria-expanded", "true")
    shoot(page, "company-filter-01-suggestions")

    field.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(field).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    field.press("Enter")

    expect(field).to_have_value("Copperleaf Energy")
    expect(_suggestions(page)).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/contacts\?company=\d+(&sort=\w+)?$"))  # no company_name
    expect(count).not_to_have_text(f"{seeded.contact_count} contacts")
    cells = _company_cells(page)
    assert cells and set(cells) == {"Copperleaf Energy"}, cells
    assert page.evaluate("window.__marker") == 1, "picking a company reloaded the whole page"
    shoot(page, "company-filter-02-picked")

    field.fill("")  # no text: any company again
    expect(count).to_have_text(f"{seeded.contact_count} contacts")
    expect(page).not_to_have_url(re.compile("company"))


def test_text_that_means_several_companies_offers_them(page: Page, live_server: LiveServer) -> None:
    seeded = live_server.seeded
    sign_in(page, seeded.manager.email)
    page.goto("/contacts")
    field = _company_field(page)

    field.fill("le")  # Copperleaf, Bramble, Larchmont Legal, Harbour & Vale
    field.press("Enter")

    expect(field).to_have_attribute("aria-invalid", "true")
    feedback = page.locator("#contact-company-feedback")
    expect(feedback).to_contain_text("Several companies match “le”: pick one.")
    expect(field).to_have_accessible_description(re.compile("Several companies match"))
    shoot(page, "company-filter-03-several")

    feedback.get_by_role("link", name=re.compile("Bramble Logistics")).click()
    expect(field).to_have_value("Bramble Logistics")
    expect(field).not_to_have_attribute("aria-invalid", "true")
    cells = _company_cells(page)
    assert cells and set(cells) == {"Bramble Logistics"}, cells


def test_typed_text_that_means_one_company_picks_it_on_enter(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server.seeded.manager.email)
    page.goto("/contacts")
    field = _company_field(page)

    field.fill("quaysi")
    expect(_suggestions(page).get_by_role("option")).to_have_count(1)
    field.press("Escape")  # closes the list; Enter then sends the text itself
    expect(_suggestions(page)).to_be_hidden()
    field.press("Enter")

    expect(field).to_have_value("Quayside Media")
    cells = _company_cells(page)
    assert cells and set(cells) == {"Quayside Media"}, cells


def test_the_actions_queue_narrows_to_a_company_picked_with_the_mouse(
    page: Page, live_server: LiveServer
) -> None:
    seeded = live_server.seeded
    company = seeded.relationship_contact.company
    sign_in(page, seeded.manager.email)
    page.goto("/actions")

    field = _company_field(page)
    field.press_sequentially(company[:6], delay=30)
    _suggestions(page).get_by_role("option", name=re.compile(re.escape(company))).click()

    expect(field).to_have_value(company)
    expect(page).to_have_url(re.compile(r"/actions\?tab=mine&company=\d+$"))
    rows = page.locator("#action-results tbody tr")
    expect(rows.first).to_be_visible()
    for text in rows.all_inner_texts():
        assert company in text, text
    expect(field).to_be_focused()


def test_the_suggestions_fit_a_phone(phone_page: Page, live_server: LiveServer) -> None:
    page = phone_page
    sign_in(page, live_server.seeded.manager.email)
    page.goto("/contacts")
    _company_field(page).press_sequentially("north", delay=30)
    expect(_suggestions(page).get_by_role("option")).to_have_count(1)
    assert_fits_the_screen(page, "the contacts list with the company suggestions open")
    shoot(page, "company-filter-04-phone")
