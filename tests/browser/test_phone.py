"""On a phone (390 x 844) the contacts pages fit the screen and the menu folds away."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, LiveServer, assert_fits_the_screen, shoot, sign_in

pytestmark = pytest.mark.browser


def test_contacts_list_and_contact_page_fit_a_phone_screen(
    phone_page: Page, live_server: LiveServer
) -> None:
    page, seeded = phone_page, live_server.seeded
    assert page.viewport_size == PHONE
    sign_in(page, seeded.manager.email)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shoot(page, "phone-01-today")

    menu = page.get_by_role("button", name="Toggle navigation")
    expect(menu).to_be_visible()
    contacts_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts")
    expect(contacts_link).to_be_hidden()
    menu.click()
    contacts_link.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Contacts")
    expect(page.locator("#contacts-count")).to_have_text(f"{seeded.contact_count} contacts")
    assert_fits_the_screen(page, "The contacts list")
    shoot(page, "phone-02-contacts")

    page.get_by_role("link", name=seeded.target_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(seeded.target_name)
    assert_fits_the_screen(page, "The contact page")
    shoot(page, "phone-03-contact")

    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_label("First name")).to_be_visible()
    assert_fits_the_screen(page, "The contact form")
    shoot(page, "phone-04-contact-edit")
