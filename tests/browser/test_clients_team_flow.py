"""Issue 6's flows: the Clients list and a client page (partners, pending actions, print), and
the Team view an executive drills into a person's queue from; on a laptop, a phone and paper.

The client is ``seeded.client_team``'s, looked after by a squad of its own (an account manager
and a member), so no other test's queue or count includes its work, and no other test changes it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    ARTIFACTS,
    LAPTOP,
    PHONE,
    LiveServer,
    assert_fits_the_screen,
    shoot,
    sign_in,
)
from tests.browser.seed import COMPANIES, ClientTeam

pytestmark = pytest.mark.browser

A4 = {"width": 794, "height": 1123}  # CSS pixels
NOT_RELOADED = "a full page load would have forgotten window.__marker"
SEARCH = "Fernh"
NEW_PARTNER = "Brightwater Systems"
NEW_PARTNER_CONTACT = "Dana Whitfield"
NEW_DEAL, EDITED_DEAL = 120_000, 150_000
# What paper shows of the page's chrome: visible navigation, buttons and forms.
ON_PAPER = """() => [...document.querySelectorAll('nav, button, .btn, form')]
  .filter((el) => el.checkVisibility())
  .map((el) => `${el.tagName.toLowerCase()}: ${el.textContent.trim().slice(0, 40)}`)"""


def _team(live_server: LiveServer) -> ClientTeam:
    team = live_server.seeded.client_team
    assert team is not None, "the seed makes the client team"
    return team


def _money(amount: int) -> str:
    return f"{amount:,}"


def _not_reloaded(page: Page, what: str) -> None:
    assert page.evaluate("window.__marker") == 1, f"{what}: {NOT_RELOADED}"


def _main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def _region(page: Page, heading: str) -> Locator:
    """A section by its heading (which ends with a count badge)."""
    return page.get_by_role("region", name=re.compile(rf"^{re.escape(heading)}\b"))


def _partner_rows(page: Page, name: str) -> Locator:
    return _region(page, "Partners").get_by_role("row").filter(has_text=name)


def _partner_total(page: Page) -> Locator:
    return _region(page, "Partners").locator('[data-col="total"]')


def _partner_notice(page: Page) -> Locator:
    return _region(page, "Partners").get_by_role("status")


# --- 1. an account manager's client page ----------------------------------------------------------


def _find_the_client_by_typing(page: Page, team: ClientTeam) -> None:
    _main_nav(page).get_by_role("link", name="Clients").click()
    expect(page).to_have_url(re.compile(r"/clients$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
    clients = sum(1 for *_, tier in COMPANIES if tier) + 1  # and the client team's
    count = page.locator("#clients-count")
    expect(count).to_have_text(f"{clients} clients")
    row = page.get_by_role("row").filter(has_text=team.client_name)
    expect(row).to_contain_text(team.account_manager.name)
    expect(row.locator("[data-tier]")).to_have_text("Key")
    shoot(page, "70-clients")

    page.evaluate("window.__marker = 1")
    page.get_by_role("searchbox", name="Search clients by name or web domain").press_sequentially(
        SEARCH, delay=40
    )
    expect(count).to_have_text(f"1 client matching “{SEARCH}”")
    expect(page).to_have_url(re.compile(rf"/clients\?q={SEARCH}$"))
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)  # and the header
    _not_reloaded(page, "Searching the clients")
    shoot(page, "70-clients-search")
    page.get_by_role("link", name=team.client_name).click()


def _read_the_client_page(page: Page, team: ClientTeam) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(team.client_name)
    expect(page.locator(".client-header")).to_contain_text("Key client")
    expect(page.locator(".client-header")).to_contain_text(
        f"Account manager: {team.account_manager.name}"
    )

    people = _region(page, "Key people").get_by_role("list", name="Key people")
    expect(people.get_by_role("listitem")).to_have_count(len(team.key_people))
    for person in team.key_people:
        item = people.get_by_role("listitem").filter(has_text=person.name)
        expect(item.locator(".channel-pref")).to_have_text(f"Prefers {person.preferred_channel}")

    upcoming = _region(page, "Next 90 days").get_by_role("list", name="Events in the next 90 days")
    expect(upcoming.get_by_role("listitem")).to_contain_text(list(team.upcoming_events))

    pending = _region(page, "Pending actions").get_by_role("list", name="Pending actions")
    titles = (*team.manager_actions, *team.member_actions)  # the manager sees their squad's
    expect(pending.get_by_role("listitem")).to_have_count(len(titles))
    for title in titles:
        expect(pending.get_by_role("listitem").filter(has_text=title)).to_have_count(1)

    expect(_partner_rows(page, team.partner_name)).to_contain_text(_money(team.partner_deal_size))
    expect(_partner_total(page)).to_have_text(_money(team.partner_deal_size))
    expect(_region(page, "Latest messages")).to_contain_text(team.message_body)
    shoot(page, "71-client-page")


def _add_a_partner_fixing_the_errors(page: Page, team: ClientTeam) -> None:
    partners = _region(page, "Partners")
    partners.get_by_role("link", name="Add partner").click()
    form = page.get_by_role("form", name="Add a partner")
    expect(form.get_by_label("Partner company")).to_be_focused()
    form.get_by_label("Partner company").fill(NEW_PARTNER)
    form.get_by_label("Kind of partnership").fill("Reseller")
    form.get_by_label("Est. deal size").fill("-5000")
    form.get_by_label("Contact at the partner").fill(NEW_PARTNER_CONTACT)
    form.get_by_label("Contact's email").fill("dana at brightwater")
    form.get_by_role("button", name="Add partner").click()

    form = page.get_by_role("form", name="Add a partner")
    expect(form.get_by_role("alert")).to_have_text(re.compile("Some fields need attention"))
    deal = form.get_by_label("Est. deal size")
    expect(deal).to_have_attribute("aria-invalid", "true")
    expect(deal).to_have_accessible_description(re.compile("Use an amount of zero or more"))
    email = form.get_by_label("Contact's email")
    expect(email).to_have_accessible_description(re.compile("not a valid email address"))
    expect(deal).to_be_focused()  # the first field in trouble
    expect(form.get_by_label("Partner company")).to_have_value(NEW_PARTNER)  # kept
    expect(_partner_rows(page, NEW_PARTNER)).to_have_count(0)
    expect(_partner_total(page)).to_have_text(_money(team.partner_deal_size))
    shoot(page, "72-client-partner-errors")

    deal.fill(_money(NEW_DEAL))
    email.fill("dana.whitfield@brightwater.example")
    form.get_by_role("button", name="Add partner").click()
    expect(_partner_notice(page)).to_have_text(f"{NEW_PARTNER} added.")
    expect(page.get_by_role("form", name="Add a partner")).to_have_count(0)
    row = _partner_rows(page, NEW_PARTNER)
    expect(row).to_contain_text("Reseller")
    expect(row).to_contain_text(NEW_PARTNER_CONTACT)
    expect(row).to_contain_text(_money(NEW_DEAL))
    expect(_partner_total(page)).to_have_text(_money(team.partner_deal_size + NEW_DEAL))
    expect(_region(page, "Partners").get_by_role("heading", level=2)).to_have_text("Partners 2")


def _edit_and_delete_the_partner(page: Page, team: ClientTeam) -> None:
    _partner_rows(page, NEW_PARTNER).get_by_role("link", name=f"Edit {NEW_PARTNER}").click()
    form = page.get_by_role("form", name="Edit partner")
    expect(form.get_by_label("Partner company")).to_be_focused()  # before typing elsewhere
    expect(form.get_by_label("Est. deal size")).to_have_value(str(NEW_DEAL))
    form.get_by_label("Est. deal size").fill(str(EDITED_DEAL))
    form.get_by_role("button", name="Save partner").click()
    expect(_partner_notice(page)).to_have_text(f"{NEW_PARTNER} saved.")
    expect(_partner_rows(page, NEW_PARTNER)).to_contain_text(_money(EDITED_DEAL))
    expect(_partner_total(page)).to_have_text(_money(team.partner_deal_size + EDITED_DEAL))

    _partner_rows(page, NEW_PARTNER).get_by_role("link", name=f"Delete {NEW_PARTNER}").click()
    confirm = _region(page, "Partners").get_by_role("form", name=re.compile("^Delete the partner"))
    expect(confirm).to_contain_text(
        f"Delete the partner {NEW_PARTNER} (est. deal size {_money(EDITED_DEAL)})? "
        "This cannot be undone."
    )
    expect(_partner_total(page)).to_have_text(_money(team.partner_deal_size + EDITED_DEAL))
    confirm.get_by_role("button", name="Delete partner").click()
    expect(_partner_notice(page)).to_have_text(f"{NEW_PARTNER} deleted.")
    expect(_partner_rows(page, NEW_PARTNER)).to_have_count(0)
    expect(_partner_rows(page, team.partner_name)).to_have_count(1)
    expect(_partner_total(page)).to_have_text(_money(team.partner_deal_size))
    _not_reloaded(page, "Adding, editing and deleting a partner")


def _mark_an_action_done(page: Page, team: ClientTeam) -> None:
    actions = _region(page, "Pending actions")
    pending = actions.get_by_role("list", name="Pending actions").get_by_role("listitem")
    before = len(team.manager_actions) + len(team.member_actions)
    pending.filter(has_text=team.manager_action).get_by_role(
        "button", name=f"Done: {team.manager_action}"
    ).click()
    expect(actions.get_by_role("status")).to_have_text(f"“{team.manager_action}” marked done.")
    expect(pending.filter(has_text=team.manager_action)).to_have_count(0)
    expect(pending).to_have_count(before - 1)
    expect(actions.get_by_role("heading", level=2)).to_have_text(f"Pending actions {before - 1}")
    _not_reloaded(page, "Marking an action done")
    shoot(page, "73-client-page-after")

    _main_nav(page).get_by_role("link", name="Actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions")
    still_pending = [title for title in team.manager_actions if title != team.manager_action]
    table = page.get_by_role("table", name=re.compile(r"^Mine actions"))
    expect(page.locator("#actions-count")).to_have_text(
        f"{len(still_pending)} pending action{'' if len(still_pending) == 1 else 's'}"
    )
    expect(table.get_by_role("row").filter(has_text=team.manager_action)).to_have_count(0)
    for title in still_pending:
        expect(table.get_by_role("row").filter(has_text=title)).to_have_count(1)


def test_account_manager_works_a_client_from_the_clients_list(
    page: Page, live_server: LiveServer
) -> None:
    team = _team(live_server)
    assert page.viewport_size == LAPTOP
    sign_in(page, team.account_manager.email)
    _find_the_client_by_typing(page, team)
    _read_the_client_page(page, team)
    page.evaluate("window.__marker = 1")
    _add_a_partner_fixing_the_errors(page, team)
    _edit_and_delete_the_partner(page, team)
    _mark_an_action_done(page, team)


# --- 2. an executive drills from the Team view into a person's queue -----------------------------


def test_executive_drills_from_the_team_view_into_a_persons_queue(
    page: Page, live_server: LiveServer
) -> None:
    team = _team(live_server)
    sign_in(page, team.executive.email)
    _main_nav(page).get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team")
    expect(page.locator("#team-scope")).to_contain_text("Everyone at the firm, squad by squad")
    for total in ("open", "overdue", "done"):
        expect(page.locator(f'[data-total="{total}"]')).to_have_text(re.compile(r"^\d[\d,]*$"))

    squad = page.get_by_role("region", name=team.squad, exact=True)
    member = squad.get_by_role("row").filter(has_text=team.member.name)
    expect(member.locator('[data-count="open"]')).to_have_text(str(len(team.member_actions)))
    expect(member.locator('[data-count="overdue"]')).to_have_text("0")
    expect(member.locator('[data-count="done"]')).to_have_text(re.compile(r"^[1-9]\d*$"))
    expect(squad.get_by_role("row").filter(has_text=team.account_manager.name)).to_have_count(1)

    chart = page.get_by_role("img", name=re.compile(r"^Actions completed per week"))
    expect(chart).to_be_visible()
    lines = page.locator("svg.team-chart-svg.is-wide .chart-series")
    expect(lines).to_have_count(3)  # North, South and No squad
    legend = page.locator(".team-chart-legend li")
    expect(legend.filter(has_text=team.squad)).to_contain_text(re.compile(r"[1-9]\d* done"))
    shoot(page, "74-team")

    queue = re.compile(rf"^{re.escape(team.member.name)}\s*: open their queue$")
    member.get_by_role("link", name=queue).click()
    expect(page).to_have_url(re.compile(r"/actions\?tab=everyone&assignee=\d+$"))
    tabs = page.get_by_role("navigation", name="Whose actions")
    expect(tabs.get_by_role("link", name=re.compile(r"^Everyone"))).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_label("For").locator("option:checked")).to_have_text(team.member.name)
    count = len(team.member_actions)
    expect(page.locator("#actions-count")).to_have_text(f"{count} pending actions")
    rows = page.get_by_role("table", name=re.compile(r"^Everyone actions")).get_by_role("row")
    expect(rows).to_have_count(count + 1)  # and the header
    for title in team.member_actions:
        expect(rows.filter(has_text=title)).to_contain_text(team.member.name)
    shoot(page, "75-team-queue")


# --- 3. a member has no Team view ----------------------------------------------------------------


def test_member_has_no_team_link_and_is_refused_the_team_view(
    page: Page, live_server: LiveServer
) -> None:
    team = _team(live_server)
    sign_in(page, team.member.email)
    expect(_main_nav(page).get_by_role("link", name="Clients")).to_be_visible()
    expect(_main_nav(page).get_by_role("link", name="Team")).to_have_count(0)

    response = page.goto("/team")
    assert response is not None and response.status == 403, "a member is refused the Team view"
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"\S"))
    expect(page.get_by_text("Error 403")).to_be_visible()
    shoot(page, "76-team-refused")


# --- 4. on a phone --------------------------------------------------------------------------------


def test_client_page_and_team_view_fit_a_phone(phone_page: Page, live_server: LiveServer) -> None:
    page, team = phone_page, _team(live_server)
    assert page.viewport_size == PHONE
    sign_in(page, team.executive.email)
    page.goto("/clients")
    expect(page.get_by_role("row").filter(has_text=team.client_name)).to_be_visible()
    assert_fits_the_screen(page, "The clients list")
    shoot(page, "phone-72-clients")

    page.goto(f"/clients/{team.client_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(team.client_name)
    expect(_region(page, "Partners")).to_contain_text(team.partner_name)
    assert_fits_the_screen(page, "The client page")
    shoot(page, "phone-70-client")

    page.goto("/team")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team")
    expect(page.locator("svg.team-chart-svg.is-compact")).to_be_visible()
    expect(page.locator("svg.team-chart-svg.is-wide")).to_be_hidden()
    assert_fits_the_screen(page, "The Team view")
    shoot(page, "phone-71-team")


# --- 5. on paper ----------------------------------------------------------------------------------


def test_client_page_prints_without_navigation_or_buttons(
    page: Page, live_server: LiveServer
) -> None:
    team = _team(live_server)
    sign_in(page, team.account_manager.email)
    page.goto(f"/clients/{team.client_id}")
    printing = page.get_by_role("link", name="Print / PDF")
    expect(printing).to_have_attribute("href", re.compile(r"\?print=1$"))
    expect(printing).to_have_attribute("data-print", "")
    expect(_main_nav(page)).to_be_visible()

    page.emulate_media(media="print")
    page.set_viewport_size(A4)  # the screenshot shows the page as wide as the paper
    expect(_main_nav(page)).to_be_hidden()
    expect(printing).to_be_hidden()
    assert page.evaluate(ON_PAPER) == [], "paper shows no navigation, buttons or forms"
    expect(page.get_by_role("heading", level=1)).to_have_text(team.client_name)
    for heading in ("Key people", "Next 90 days", "Pending actions", "Partners"):
        expect(_region(page, heading)).to_be_visible()
    shoot(page, "77-client-print")

    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "client-summary.pdf"
    pdf.unlink(missing_ok=True)
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF"), "a PDF was written"
    assert pdf.stat().st_size > 10_000, f"the PDF has the summary in it ({pdf.stat().st_size} B)"
