"""Issue 3's flow: profile and life event on a contact page, its action done from the queue.

The contact is the seeded manager's own (``seeded.relationship_contact``), so the birthday's
auto-action lands in the manager's "Mine" queue. Dates are counted from the manager's today.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import PHONE, LiveServer, Seeded, assert_fits_the_screen, shoot, sign_in
from webapp.services.calendar import today_in

pytestmark = pytest.mark.browser

PREFERRED_NAME = "Teddy"
INTERESTS = ["sailing", "jazz", "Arsenal"]
BIRTHDAY_IN = 10  # days from today
CARD_LEAD = 7  # a birthday's default lead time: the card is due a week ahead
NOT_RELOADED = "a full page load would have forgotten window.__marker"


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _short_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _today(seeded: Seeded) -> date:
    return today_in(seeded.manager.timezone)


def _card_title(seeded: Seeded, birthday: date) -> str:
    """What the birthday's auto-action is called: it uses the preferred name."""
    last = seeded.relationship_contact.last_name
    return f"Send a card to {PREFERRED_NAME} {last}: Birthday ({birthday.day} {birthday:%B})"


def _open_contact(page: Page, seeded: Seeded) -> None:
    contact = seeded.relationship_contact
    page.goto(f"/contacts/{contact.id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(contact.last_name)


def _actions_region(page: Page) -> Locator:
    return page.get_by_role("region", name=re.compile(r"^Actions\b"))


def _pending_badge(actions: Locator) -> Locator:
    return actions.get_by_role("heading", level=2).locator(".badge")


def _mine_count(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Whose actions").locator('[data-count="mine"]')


# --- the flow, step by step --------------------------------------------------------------------


def _edit_the_profile_inline(page: Page, seeded: Seeded) -> None:
    contact = seeded.relationship_contact
    page.get_by_role("link", name="Edit relationship profile").click()
    form_region = page.get_by_role("region", name="Edit relationship profile")
    expect(form_region.get_by_label("Dietary requirements")).to_have_value(re.compile(r"\S"))
    form_region.get_by_label("Preferred name").fill(PREFERRED_NAME)
    form_region.get_by_label("Interests").fill(", ".join(INTERESTS))
    shoot(page, "20-contact-profile-form")
    form_region.get_by_role("button", name="Save profile").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{PREFERRED_NAME} {contact.last_name}"
    )
    expect(page.locator("#contact-heading")).to_contain_text(f"Full name: {contact.name}")
    profile = page.get_by_role("region", name="Relationship profile")
    expect(profile.get_by_role("list", name="Interests").get_by_role("listitem")).to_have_text(
        INTERESTS
    )
    expect(profile).to_contain_text(PREFERRED_NAME)
    expect(profile.get_by_role("link", name="Edit relationship profile")).to_be_visible()
    assert page.evaluate("window.__marker") == 1, f"Saving the profile: {NOT_RELOADED}"
    shoot(page, "20-contact-profile")


def _add_a_birthday(page: Page, seeded: Seeded) -> str:
    """Add a birthday ``BIRTHDAY_IN`` days away; returns its auto-action's title."""
    today = _today(seeded)
    birthday = today + timedelta(days=BIRTHDAY_IN)
    events = page.get_by_role("region", name=re.compile(r"^Life events"))
    actions = _actions_region(page)
    expect(_pending_badge(actions)).to_have_text("1 pending")  # the work anniversary's call

    events.get_by_role("link", name="Add life event").click()
    form = events.get_by_role("form", name="Add a life event")
    form.get_by_label("Type").select_option(label="Birthday")
    form.get_by_label("Title").fill("Birthday")
    form.get_by_label("Date").fill(f"1984-{birthday:%m-%d}")  # 1984 was a leap year
    shoot(page, "21-life-event-form")
    form.get_by_role("button", name="Add life event").click()

    expect(form).to_have_count(0)
    rows = events.get_by_role("list", name="Life events").get_by_role("listitem")
    expect(rows).to_have_count(2)
    added = rows.filter(has_text=re.compile(r"^\s*Birthday"))
    expect(added).to_contain_text(_long_date(birthday.replace(year=1984)))
    expect(added).to_contain_text(f"Next {_long_date(birthday)}")
    expect(added).to_contain_text(f"in {BIRTHDAY_IN} days")
    expect(added).to_contain_text(f"Action due {CARD_LEAD} days before")
    expect(rows.filter(has_text=seeded.relationship_contact.seeded_event)).to_have_count(1)

    title = _card_title(seeded, birthday)
    due = birthday - timedelta(days=CARD_LEAD)
    expect(_pending_badge(actions)).to_have_text("2 pending")
    card = actions.get_by_role("list", name="Pending actions").get_by_role("listitem")
    card = card.filter(has_text=title)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Card")
    expect(card).to_contain_text("From a life event")
    expect(card).to_contain_text(f"Due {_long_date(due)} (in {BIRTHDAY_IN - CARD_LEAD} days)")
    expect(card).to_contain_text(f"for {seeded.manager.name}")
    expect(card.get_by_role("button", name=f"Done: {title}")).to_be_visible()
    assert page.evaluate("window.__marker") == 1, f"Adding the life event: {NOT_RELOADED}"
    shoot(page, "21-life-event-added")
    return title


def _find_it_in_my_queue(page: Page, seeded: Seeded, title: str) -> Locator:
    pending = seeded.relationship_contact.manager_pending_actions + 1
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions")
    tabs = page.get_by_role("navigation", name="Whose actions")
    expect(tabs.get_by_role("link", name=re.compile(r"^Mine"))).to_have_attribute(
        "aria-current", "page"
    )
    expect(_mine_count(page)).to_have_text(str(pending))
    expect(page.locator("#actions-count")).to_have_text(f"{pending} pending actions")

    table = page.get_by_role("table", name="Mine actions, page 1 of 1")
    expect(table.get_by_role("row")).to_have_count(pending + 1)  # and the header
    row = table.get_by_role("row").filter(has_text=title)
    expect(row).to_have_count(1)
    contact = seeded.relationship_contact
    expect(row.get_by_role("link", name=contact.name)).to_be_visible()
    expect(row).to_contain_text(contact.company)
    expect(row).to_contain_text("Card")
    due = _today(seeded) + timedelta(days=BIRTHDAY_IN - CARD_LEAD)
    expect(row).to_contain_text(_short_date(due))
    # Overdue first (the seeded call, due two days ago), then by due date.
    expect(table.get_by_role("row").nth(1)).to_contain_text("Overdue")
    shoot(page, "22-actions-queue")
    return row


def _mark_it_done(page: Page, seeded: Seeded, title: str, row: Locator) -> None:
    left = seeded.relationship_contact.manager_pending_actions
    page.evaluate("window.__marker = 2")
    row.get_by_role("button", name=f"Mark done: {title}").click()

    notice = page.locator("#actions-notice")
    expect(notice).to_have_text(f"“{title}” marked done.")
    expect(notice).to_be_focused()
    expect(page.get_by_role("row").filter(has_text=title)).to_have_count(0)
    expect(_mine_count(page)).to_have_text(str(left))
    expect(page.locator("#actions-count")).to_have_text(f"{left} pending actions")
    expect(page.get_by_role("status").filter(has_text="marked done")).to_have_count(1)
    assert page.evaluate("window.__marker") == 2, f"Marking it done: {NOT_RELOADED}"
    shoot(page, "23-action-done")

    page.get_by_label("Status").select_option(label="Done")
    expect(page).to_have_url(re.compile(r"/actions\?(.+&)?status=done(&|$)"))
    expect(page.locator("#actions-count")).to_have_text("1 done action")
    done_row = page.get_by_role("row").filter(has_text=title)
    expect(done_row).to_have_count(1)
    expect(done_row).to_contain_text("Done")
    expect(done_row.get_by_role("button")).to_have_count(0)
    expect(_mine_count(page)).to_have_text(str(left))  # tabs count what is pending
    shoot(page, "24-actions-done-filter")


def _the_contact_page_and_today_agree(page: Page, seeded: Seeded, title: str) -> None:
    _open_contact(page, seeded)
    actions = _actions_region(page)
    expect(_pending_badge(actions)).to_have_text("1 pending")
    expect(actions.get_by_role("list", name="Pending actions")).not_to_contain_text(title)
    actions.get_by_text("Done and dismissed (1)").click()
    closed = actions.get_by_role("list", name="Done and dismissed actions")
    expect(closed.get_by_role("listitem").filter(has_text=title)).to_contain_text(
        f"by {seeded.manager.name}"
    )
    shoot(page, "25-contact-action-closed")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    upcoming = page.get_by_role("region", name="Upcoming life events")
    birthday = upcoming.get_by_role("listitem").filter(has_text=seeded.relationship_contact.name)
    expect(birthday).to_contain_text("Birthday")
    expect(birthday).to_contain_text(f"In {BIRTHDAY_IN} days")
    due_soon = page.get_by_role("region", name="Overdue and due this week")
    expect(due_soon).not_to_contain_text(title)
    shoot(page, "26-today")


def test_manager_adds_a_birthday_and_completes_its_card_action_from_the_queue(
    page: Page, live_server: LiveServer
) -> None:
    seeded = live_server.seeded
    sign_in(page, seeded.manager.email)
    _open_contact(page, seeded)
    page.evaluate("window.__marker = 1")  # a full page load would forget it
    _edit_the_profile_inline(page, seeded)
    title = _add_a_birthday(page, seeded)
    row = _find_it_in_my_queue(page, seeded, title)
    _mark_it_done(page, seeded, title, row)
    _the_contact_page_and_today_agree(page, seeded, title)


# --- on a phone ----------------------------------------------------------------------------------


def test_contact_relationship_sections_and_actions_page_fit_a_phone(
    phone_page: Page, live_server: LiveServer
) -> None:
    page, seeded = phone_page, live_server.seeded
    assert page.viewport_size == PHONE
    sign_in(page, seeded.manager.email)
    _open_contact(page, seeded)
    for section in ("Relationship profile", "Actions", "Life events"):
        expect(page.get_by_role("region", name=re.compile(rf"^{section}\b"))).to_be_visible()
    assert_fits_the_screen(page, "The contact page")
    shoot(page, "phone-20-contact-relationships")

    page.get_by_role("link", name="Edit relationship profile").click()
    expect(page.get_by_label("Preferred name")).to_be_visible()
    assert_fits_the_screen(page, "The profile form")
    shoot(page, "phone-21-profile-form")
    page.get_by_role("region", name="Edit relationship profile").get_by_role(
        "link", name="Cancel"
    ).click()
    expect(page.get_by_role("link", name="Edit relationship profile")).to_be_visible()

    page.get_by_role("link", name="Add life event").click()
    expect(page.get_by_role("form", name="Add a life event")).to_be_visible()
    assert_fits_the_screen(page, "The life event form")
    shoot(page, "phone-22-life-event-form")

    page.goto("/actions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions")
    expect(page.get_by_role("table", name=re.compile(r"^Mine actions"))).to_be_visible()
    assert_fits_the_screen(page, "The Actions page")
    shoot(page, "phone-23-actions")


# --- with the keyboard only ----------------------------------------------------------------------


def _tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until ``target`` has the keyboard; fail if it never does."""
    for _ in range(limit):
        if target.evaluate("(el) => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} cannot be reached with Tab")


def test_profile_can_be_edited_and_saved_with_the_keyboard_alone(
    page: Page, live_server: LiveServer
) -> None:
    seeded = live_server.seeded
    sign_in(page, seeded.manager.email)
    _open_contact(page, seeded)
    diet = "Pescatarian, no shellfish"

    _tab_to(page, page.get_by_role("link", name="Edit relationship profile"))
    page.keyboard.press("Enter")
    form_region = page.get_by_role("region", name="Edit relationship profile")
    expect(form_region.get_by_label("Prefers to be contacted by")).to_be_focused()

    dietary = form_region.get_by_label("Dietary requirements")
    _tab_to(page, dietary)
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(diet)
    _tab_to(page, form_region.get_by_role("button", name="Save profile"))
    page.keyboard.press("Enter")

    profile = page.get_by_role("region", name="Relationship profile")
    expect(profile).to_contain_text(diet)
    expect(profile.get_by_role("heading", name="Relationship profile")).to_be_focused()
    page.keyboard.press("Tab")
    expect(profile.get_by_role("link", name="Edit relationship profile")).to_be_focused()
