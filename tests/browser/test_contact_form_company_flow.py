"""The contact form's Company field in a browser: type part of a name, pick the company with the
keyboard, save, and the contact is linked to it; text that means several companies is refused
under the field."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import LiveServer, assert_fits_the_screen, shoot, sign_in
from webapp import access
from webapp.extensions import db
from webapp.models import Contact, User
from webapp.services import contacts

pytestmark = pytest.mark.browser


@pytest.fixture
def archived_after(live_server: LiveServer) -> Iterator[None]:
    """Contacts this module saves are archived when the test is done: other modules count the
    seed's contacts."""
    yield
    with live_server.app.app_context():
        manager = db.session.scalar(
            select(User).where(User.email == live_server.seeded.manager.email)
        )
        saved = select(Contact.id).where(
            Contact.last_name == "Picked", Contact.archived_at.is_(None)
        )
        for contact_id in db.session.scalars(saved).all():
            contacts.archive_contact(access.actor_for_user(manager), contact_id)
        db.session.commit()


def _company_field(page: Page, n: int = 0):
    return page.locator(f"#company_links-{n}-company_name")


def test_a_member_links_a_new_contact_to_a_company_by_typing_and_picking(
    page: Page, live_server: LiveServer, archived_after: None
) -> None:
    sign_in(page, live_server.seeded.manager.email)
    page.goto("/contacts/new")
    page.get_by_label("First name").fill("Rowan")
    page.get_by_label("Last name").fill("Picked")

    field = _company_field(page)
    expect(field).to_have_attribute("role", "combobox")
    expect(field).to_have_accessible_name("Company")
    field.press_sequentially("copper", delay=30)
    suggestions = page.get_by_role("listbox", name="Companies found")
    option = suggestions.get_by_role("option", name=re.compile("Copperleaf Energy"))
    expect(option).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    shoot(page, "contact-form-company-01-suggestions")

    field.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    field.press("Enter")  # picks the company; does not send the form

    expect(field).to_have_value("Copperleaf Energy")
    expect(suggestions).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/contacts/new$"))
    hidden = page.locator('input[name="company_links-0-company_id"]')
    expect(hidden).to_have_value(re.compile(r"^\d+$"))

    page.get_by_label("Role").first.fill("Treasurer")
    page.get_by_role("button", name="Save contact").first.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Rowan Picked")
    expect(page.locator("main")).to_contain_text("Copperleaf Energy")


def test_text_that_means_several_companies_is_refused_under_the_field(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server.seeded.manager.email)
    page.goto("/contacts/new")
    page.get_by_label("First name").fill("Vague")

    field = _company_field(page)
    field.fill("le")  # Copperleaf, Bramble, Larchmont Legal, Harbour & Vale
    page.get_by_role("button", name="Save contact").first.click()

    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("Several companies match “le”"))
    expect(page.locator("#company_links-0-company_name-error")).to_contain_text("Copperleaf")
    expect(field).to_have_value("le")
    shoot(page, "contact-form-company-02-several")
    assert_fits_the_screen(page, "The contact form with a company error")
