"""Issue 5's flows: keeping in touch on the contact page, the scheduler's check-ins and digests,
the calendar feed, and the admin's view of the scheduler.

The contacts are ``seeded.keep_in_touch``'s, at the strategic client (every 30 days): one with a
meeting logged lately, one added long ago and never touched. A scheduler tick runs in the test,
in the live app's own context, for the manager's today; ticks are idempotent, so whichever test
ticks first makes the check-in and the digest, and the others find them.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    LAPTOP,
    PHONE,
    LiveServer,
    Seeded,
    assert_fits_the_screen,
    open_every_section,
    shoot,
    sign_in,
)
from webapp.jobs import runner
from webapp.jobs.base import Clock
from webapp.services.calendar import today_in

pytestmark = pytest.mark.browser

NOT_RELOADED = "a full page load would have forgotten window.__marker"
CALL_DAYS_AGO = 3
CALL_SUMMARY = "Called about the pilot in Leeds: wants a proposal by Friday"
NEW_CADENCE = 14
SEEDED_OVERDUE_CALL = "Call about the renewal meeting"  # the manager's, due two days ago


def _today(seeded: Seeded) -> date:
    return today_in(seeded.manager.timezone)


def _short_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _check_in_title(seeded: Seeded) -> str:
    return f"Check in with {seeded.keep_in_touch.lapsed_name}"


def _tick(live_server: LiveServer) -> None:
    """One pass of every job for the manager's today, as the scheduler process would run it."""
    with live_server.app.app_context():
        outcomes = runner.tick(Clock(fixed_day=_today(live_server.seeded)))
        failed = {o.job.name: o.tick.error for o in outcomes if not o.ok}
    assert not failed, f"scheduled jobs failed: {failed}"


def _not_reloaded(page: Page, what: str) -> None:
    assert page.evaluate("window.__marker") == 1, f"{what}: {NOT_RELOADED}"


# --- where things are -----------------------------------------------------------------------------


def _card(page: Page) -> Locator:
    return page.get_by_role("region", name="Keep in touch")


def _timeline(page: Page) -> Locator:
    return page.get_by_role("region", name="Timeline")


def _timeline_entries(page: Page) -> Locator:
    return (
        _timeline(page).get_by_role("list", name="Timeline, newest first").get_by_role("listitem")
    )


def _open_contact(page: Page, contact_id: int, last_name: str) -> None:
    page.goto(f"/contacts/{contact_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(last_name)
    open_every_section(page)  # they load as they scroll into view
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate("window.__marker = 1")  # a full page load would forget it


def _bell(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main").locator(".digest-link")


# --- 1. logging a call and changing the cadence ---------------------------------------------------


def _log_a_call(page: Page, seeded: Seeded) -> None:
    called_on = _today(seeded) - timedelta(days=CALL_DAYS_AGO)
    form = _timeline(page).get_by_role("form", name="Log interaction")
    form.get_by_label("Kind").select_option(label="Call")
    form.get_by_label("Date").fill(called_on.isoformat())
    form.get_by_label("Summary").fill(CALL_SUMMARY)
    shoot(page, "50-keep-in-touch-log-form")
    form.get_by_role("button", name="Log interaction").click()

    notice = _timeline(page).get_by_role("status")
    expect(notice).to_have_text("Call logged.")
    expect(notice).to_be_focused()
    newest = _timeline_entries(page).first
    expect(newest).to_contain_text("Call")
    expect(newest).to_contain_text(CALL_SUMMARY)
    expect(newest).to_contain_text(_short_date(called_on))
    expect(_timeline_entries(page).nth(1)).to_contain_text(
        seeded.keep_in_touch.logging_last_summary
    )
    expect(form.get_by_label("Summary")).to_have_value("")  # ready for the next one

    card = _card(page)
    cadence = seeded.keep_in_touch.tier_cadence_days
    expect(card.locator(".keep-in-touch-last")).to_have_text(
        re.compile(rf"{_short_date(called_on)}\s+\({CALL_DAYS_AGO} days ago\)")
    )
    expect(card.locator(".keep-in-touch-next")).to_have_text(
        re.compile(rf"\(in {cadence - CALL_DAYS_AGO} days\)")
    )
    _not_reloaded(page, "Logging a call")
    shoot(page, "51-keep-in-touch-call-logged")


def _open_and_cancel_the_edit_form(
    page: Page, kind: str, day: date, summary: str, shot: str
) -> None:
    """Edit opens the interaction's form in its place, the keyboard on Kind; Cancel puts it back."""
    _timeline(page).get_by_role("link", name=f"Edit {kind} of {_short_date(day)}").click()
    form = _timeline(page).get_by_role("form", name="Edit interaction")
    expect(form.get_by_label("Summary")).to_have_value(summary)
    expect(form.get_by_label("Kind")).to_be_focused()
    shoot(page, shot)
    form.get_by_role("link", name="Cancel").click()
    expect(form).to_have_count(0)
    expect(_timeline_entries(page).filter(has_text=summary)).to_have_count(1)


def _assert_save_beside_the_select(card: Locator) -> None:
    """The cadence setting keeps Save on the select's row, at any width."""
    select = card.get_by_role("combobox", name="How often").bounding_box()
    save = card.get_by_role("button", name="Save").bounding_box()
    assert select and save, "the cadence select and its Save button are on screen"
    assert abs((select["y"] + select["height"] / 2) - (save["y"] + save["height"] / 2)) < 2
    assert save["x"] >= select["x"] + select["width"], "Save sits right of the select"


def _change_the_cadence(page: Page, seeded: Seeded) -> None:
    card = _card(page)
    _assert_save_beside_the_select(card)
    card.get_by_role("combobox", name="How often").select_option(label=f"Every {NEW_CADENCE} days")
    card.get_by_role("button", name="Save").click()

    card = _card(page)
    expect(card.locator(".keep-in-touch-cadence")).to_have_text(f"Every {NEW_CADENCE} days")
    due = _today(seeded) - timedelta(days=CALL_DAYS_AGO) + timedelta(days=NEW_CADENCE)
    expect(card.locator(".keep-in-touch-next")).to_have_text(
        re.compile(rf"{_short_date(due)}\s+\(in {NEW_CADENCE - CALL_DAYS_AGO} days\)")
    )
    expect(card.get_by_role("combobox", name="How often")).to_have_value(str(NEW_CADENCE))
    expect(card.get_by_role("heading", name="Keep in touch")).to_be_focused()
    _not_reloaded(page, "Changing the cadence")
    shoot(page, "52-keep-in-touch-cadence-changed")


def test_manager_logs_a_call_and_the_keep_in_touch_card_follows_without_a_reload(
    page: Page, live_server: LiveServer
) -> None:
    seeded, people = live_server.seeded, live_server.seeded.keep_in_touch
    assert page.viewport_size == LAPTOP
    sign_in(page, seeded.manager.email)
    _open_contact(page, people.logging_id, people.logging_name.split()[-1])

    card = _card(page)
    last_days = people.logging_last_touch_days
    expect(card.locator(".keep-in-touch-last")).to_contain_text(f"({last_days} days ago)")
    expect(card.locator(".keep-in-touch-next")).to_contain_text(
        f"(in {people.tier_cadence_days - last_days} days)"
    )
    expect(card.locator(".keep-in-touch-cadence")).to_have_text(
        f"Every {people.tier_cadence_days} days (Strategic client default)"
    )
    expect(_timeline_entries(page)).to_have_count(1)

    _log_a_call(page, seeded)
    called_on = _today(seeded) - timedelta(days=CALL_DAYS_AGO)
    _open_and_cancel_the_edit_form(
        page, "call", called_on, CALL_SUMMARY, "51-keep-in-touch-edit-form"
    )
    _change_the_cadence(page, seeded)


# --- 2. a lapsed cadence: the list, the scheduler's check-in, and done ----------------------------


def _the_overdue_filter_finds_them(page: Page, seeded: Seeded) -> None:
    people = seeded.keep_in_touch
    page.goto("/contacts")
    page.get_by_label("Keep in touch").select_option(label="Overdue")
    expect(page).to_have_url(re.compile(r"/contacts\?(.+&)?touch=overdue(&|$)"))
    expect(page.locator("#contacts-count")).to_have_text("1 contact")
    row = page.get_by_role("row").filter(has_text=people.lapsed_name)
    expect(row).to_have_count(1)
    expect(row.get_by_title(re.compile("A touch was due"))).to_have_text("Overdue")
    expect(row).to_contain_text("Never")
    shoot(page, "53-contacts-overdue")

    page.get_by_label("Keep in touch").select_option(label="Anyone")
    page.get_by_label("Sort by").select_option(label="Touch due")
    expect(page.locator("#contacts-count")).to_have_text(f"{seeded.contact_count} contacts")
    expect(page.get_by_role("row").nth(1)).to_contain_text(people.lapsed_name)


def _the_check_in_is_in_my_queue(page: Page, seeded: Seeded) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions")
    row = page.get_by_role("row").filter(has_text=_check_in_title(seeded))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(seeded.keep_in_touch.company)
    expect(row).to_contain_text("Call")
    expect(row).to_contain_text(_short_date(_today(seeded)))
    shoot(page, "54-actions-check-in")
    row.get_by_role("link", name=seeded.keep_in_touch.lapsed_name).click()


def _done_from_the_contact_page(page: Page, seeded: Seeded) -> None:
    people, title = seeded.keep_in_touch, _check_in_title(seeded)
    expect(page.get_by_role("heading", level=1)).to_contain_text(people.lapsed_name)
    page.evaluate("window.__marker = 1")
    card = _card(page)
    expect(card.locator(".keep-in-touch-last")).to_have_text("No touch yet")
    expect(card.locator(".badge-overdue")).to_have_text("Overdue")
    overdue_by = people.lapsed_added_days - people.tier_cadence_days
    expect(card.locator(".keep-in-touch-next")).to_contain_text(f"({overdue_by} days ago)")
    actions = page.get_by_role("region", name=re.compile(r"^Actions\b"))
    check_in = actions.get_by_role("list", name="Pending actions").get_by_role("listitem")
    check_in = check_in.filter(has_text=title)
    expect(check_in).to_contain_text("No touch recorded yet.")
    shoot(page, "55-contact-lapsed")

    check_in.get_by_role("button", name=f"Done: {title}").click()
    expect(actions.get_by_role("list", name="Pending actions")).to_have_count(0)
    card = _card(page)
    expect(card.locator(".keep-in-touch-last")).to_have_text(
        re.compile(rf"{_short_date(_today(seeded))}\s+\(today\)")
    )
    expect(card.locator(".badge-overdue")).to_have_count(0)
    expect(card.locator(".keep-in-touch-next")).to_contain_text(
        f"(in {people.tier_cadence_days} days)"
    )
    done = _timeline_entries(page).first
    expect(done).to_contain_text("Action done")
    expect(done).to_contain_text(title)
    _not_reloaded(page, "Marking the check-in done")
    shoot(page, "56-contact-check-in-done")


def test_a_lapsed_cadence_becomes_a_check_in_that_marking_done_clears(
    page: Page, live_server: LiveServer
) -> None:
    seeded = live_server.seeded
    sign_in(page, seeded.manager.email)
    _the_overdue_filter_finds_them(page, seeded)
    _tick(live_server)
    _the_check_in_is_in_my_queue(page, seeded)
    _done_from_the_contact_page(page, seeded)


# --- 3. the morning digest ------------------------------------------------------------------------


def _menu_dot(page: Page) -> str:
    """What the phone's menu button shows in its corner: a dot while a digest is unread."""
    menu = page.get_by_role("button", name="Toggle navigation")
    return menu.evaluate("(el) => getComputedStyle(el, '::after').content")


def test_the_bell_counts_the_new_digest_until_it_is_opened(
    page: Page, phone_page: Page, live_server: LiveServer
) -> None:
    seeded, phone = live_server.seeded, phone_page
    _tick(live_server)
    sign_in(page, seeded.manager.email)
    bell = _bell(page)
    expect(bell).to_have_accessible_name("Digest, 1 unread")
    expect(bell.locator(".digest-badge")).to_have_text("1")
    shoot(page, "57-digest-bell")

    sign_in(phone, seeded.manager.email)  # on a phone the bell is folded into the menu
    expect(_bell(phone)).to_be_hidden()
    assert _menu_dot(phone) == '""', "the menu button shows a dot for the unread digest"
    phone.get_by_role("button", name="Toggle navigation").click()
    expect(_bell(phone)).to_have_accessible_name("Digest, 1 unread")
    shoot(phone, "phone-54-digest-in-menu")

    bell.click()
    today = _today(seeded)
    expect(page.get_by_role("heading", level=1)).to_have_text("Digest")
    expect(page.locator(".page-header time")).to_have_text(f"{today:%A} {today.day} {today:%B %Y}")
    due_today = page.get_by_role("region", name="Due today")
    expect(
        due_today.get_by_role("listitem").filter(has_text=_check_in_title(seeded))
    ).to_contain_text(seeded.keep_in_touch.lapsed_name)
    overdue = page.get_by_role("region", name="Overdue")
    expect(overdue.get_by_role("listitem").filter(has_text=SEEDED_OVERDUE_CALL)).to_contain_text(
        "(2 days overdue)"
    )
    expect(bell).to_have_accessible_name("Digest")
    expect(bell.locator(".digest-badge")).to_have_count(0)
    expect(bell).to_have_attribute("aria-current", "page")
    shoot(page, "58-digest")

    phone.goto("/digest")
    expect(phone.get_by_role("region", name="Due today")).to_contain_text(_check_in_title(seeded))
    assert _menu_dot(phone) == "none", "no dot once the digest is read"
    assert_fits_the_screen(phone, "The digest")
    shoot(phone, "phone-52-digest")


# --- 4. the calendar feed -------------------------------------------------------------------------


def test_calendar_link_is_created_copied_fetched_and_revoked(
    page: Page, live_server: LiveServer
) -> None:
    seeded = live_server.seeded
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, seeded.manager.email)
    page.get_by_role("button", name=seeded.manager.name).click()
    page.get_by_role("link", name="Calendar feed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar feed")
    shoot(page, "59-calendar-none")

    page.get_by_role("button", name="Create calendar link").click()
    link = page.get_by_role("textbox", name="Calendar link")
    expect(link).to_have_value(re.compile(rf"^{re.escape(live_server.url)}/calendar/.+\.ics$"))
    url = link.input_value()
    copy = page.get_by_role("button", name="Copy")
    copy.click()
    expect(page.locator("#feed-url-copied")).to_have_text("Copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == url
    shoot(page, "60-calendar-created")

    feed = page.request.get(url)
    assert feed.status == 200, f"the new link answered {feed.status}"
    assert feed.headers["content-type"].startswith("text/calendar")
    assert feed.text().startswith("BEGIN:VCALENDAR")
    assert SEEDED_OVERDUE_CALL in feed.text().replace("\r\n ", "")

    page.goto("/settings/calendar")  # the link is shown once: afterwards only its status
    expect(page.get_by_role("textbox", name="Calendar link")).to_have_count(0)
    status = page.get_by_role("region", name="Your calendar link")
    expect(status).to_contain_text("Active")
    expect(status.locator("[data-feed-last-used]")).not_to_have_text("Never")  # just fetched
    page.get_by_role("button", name="Revoke").click()
    dialog = page.get_by_role("dialog", name="Revoke your calendar link?")
    expect(dialog).to_be_visible()
    shoot(page, "61-calendar-revoke")
    dialog.get_by_role("button", name="Revoke link").click()
    expect(page.get_by_role("button", name="Create calendar link")).to_be_visible()
    shoot(page, "62-calendar-revoked")

    gone = page.request.get(url)
    assert gone.status == 404, f"the revoked link answered {gone.status}"


# --- 5. the admin's view of the scheduler ---------------------------------------------------------


def test_admin_sees_each_job_healthy_and_its_ticks_with_counts(
    page: Page, live_server: LiveServer
) -> None:
    _tick(live_server)
    sign_in(page, live_server.seeded.admin.email)
    page.get_by_role("button", name=live_server.seeded.admin.name).click()
    page.get_by_role("link", name="Users").click()
    page.get_by_role("navigation", name="Admin sections").get_by_role(
        "link", name="Scheduler"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scheduler")

    jobs = page.locator("#scheduler-jobs > div")
    expect(jobs).to_have_count(4)
    for job in jobs.all():
        expect(job).to_contain_text("Healthy")
    ticks = page.get_by_role("table", name="Recent scheduler runs, newest first")
    rows = ticks.get_by_role("row")
    newest = [rows.nth(n).get_by_role("cell").nth(1) for n in range(1, 5)]
    order = ("stuck_messages", "digests", "cadence", "due_actions")
    for cell, job in zip(newest, order, strict=True):
        expect(cell.locator("code")).to_have_text(job)
    expect(newest[1]).to_contain_text("Morning digests")
    # Whichever tick came first made the lapsed contact's check-in and the manager's digest.
    for job in ("cadence", "digests"):
        of_job = rows.filter(has=page.locator("code", has_text=re.compile(rf"^{job}$")))
        made = of_job.filter(has=page.get_by_role("cell", name="1", exact=True))
        expect(made.first).to_contain_text("OK")
    shoot(page, "63-admin-scheduler")


# --- on a phone -----------------------------------------------------------------------------------


def test_keep_in_touch_pages_fit_a_phone(phone_page: Page, live_server: LiveServer) -> None:
    page, seeded, people = phone_page, live_server.seeded, live_server.seeded.keep_in_touch
    assert page.viewport_size == PHONE
    sign_in(page, seeded.manager.email)
    _open_contact(page, people.logging_id, people.logging_name.split()[-1])
    expect(_card(page).get_by_role("combobox", name="How often")).to_be_visible()
    _assert_save_beside_the_select(_card(page))
    expect(_timeline(page).get_by_role("form", name="Log interaction")).to_be_visible()
    assert_fits_the_screen(page, "The contact page")
    shoot(page, "phone-50-contact-keep-in-touch")
    met_on = _today(seeded) - timedelta(days=people.logging_last_touch_days)
    _open_and_cancel_the_edit_form(
        page, "meeting", met_on, people.logging_last_summary, "phone-50-edit-interaction"
    )

    page.goto("/contacts?touch=soon&sort=touch_due")
    expect(page.get_by_label("Keep in touch")).to_have_value("soon")
    assert_fits_the_screen(page, "The contacts list, filtered")
    shoot(page, "phone-51-contacts-touch-due")

    page.goto("/settings/calendar")
    page.get_by_role("button", name="Create calendar link").click()
    expect(page.get_by_role("textbox", name="Calendar link")).to_be_visible()
    assert_fits_the_screen(page, "The calendar feed page")
    shoot(page, "phone-53-calendar-created")
    page.get_by_role("button", name="Revoke").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke link").click()
    expect(page.get_by_role("button", name="Create calendar link")).to_be_visible()
