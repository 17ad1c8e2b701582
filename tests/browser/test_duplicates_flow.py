"""A merge from the Duplicates page, "Not a duplicate", the companies' pairs, and both pages on a
phone. Each test makes its own records (committed through the services, as the seed's manager)
and archives them afterwards, so the other tests' lists and queues stay as seeded."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect
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
from webapp.access import Actor
from webapp.extensions import db
from webapp.models import Company, Contact, RelationshipAction, User
from webapp.services import actions, archiving, companies, contacts, life_events
from webapp.services.calendar import today_in

pytestmark = pytest.mark.browser

BIRTH_YEAR = 1984  # a leap year: a birthday on 29 February can be written in it
JON_EMAIL = "jon.smith@wrenfield.example"
JOHN_EMAIL = "johnsmith.carpentry@mailbox.example"
LEASE_ACTION = "Send John the signed lease"
GOLF_TAG, SUPPLIER_TAG = "Golf day", "Timber supplier"
MARKED = "Marked as not a duplicate: the pair will not be suggested again."
MERGED_AWAY = "That contact was merged into this one; its history is here."
# On the phone: addresses as long as an import brings, which once made the merge table scroll.
DESSAI_EMAIL = "priyanka.dessai.personal@longer-mailbox-provider.example"
DESAI_LINKEDIN = "https://www.linkedin.com/in/priyanka-desai-harbourlight-consulting"
DESSAI_LINKEDIN = "https://www.linkedin.com/in/priyankadessaiharbourlightconsulting"


@dataclass
class Records:
    """The test's own companies and contacts, made and committed through the services as the
    seed's manager, and archived afterwards (their pending actions dismissed)."""

    live_server: LiveServer
    contact_ids: list[int] = field(default_factory=list)
    company_ids: list[int] = field(default_factory=list)

    def _manager(self) -> User:
        email = self.live_server.seeded.manager.email
        return db.session.scalar(select(User).where(User.email == email))

    def today(self) -> date:
        return today_in(self.live_server.seeded.manager.timezone)

    def company(self, name: str, domain: str) -> int:
        with self.live_server.app.app_context():
            manager = self._manager()
            made = companies.create_company(
                access.actor_for_user(manager),
                companies.CompanyInput(name=name, owner_id=manager.id, domains=[domain]),
            )
            db.session.commit()
            self.company_ids.append(made.id)
            return made.id

    def person(
        self,
        first: str,
        last: str,
        company_id: int,
        email: str,
        *,
        tags: tuple[str, ...] = (),
        linkedin: str | None = None,
        birthday: date | None = None,
        action: str | None = None,
    ) -> int:
        """The manager's contact at the company; a birthday (without a card) and a call to make
        in 20 days if given."""
        with self.live_server.app.app_context():
            manager = self._manager()
            actor = access.actor_for_user(manager)
            made = contacts.create_contact(
                actor,
                contacts.ContactInput(
                    first_name=first,
                    last_name=last,
                    title="Operations Director",
                    owner_id=manager.id,
                    emails=[email],
                    company_links=[contacts.CompanyLinkInput(company_id, "Champion", True)],
                    tags=list(tags),
                    linkedin_url=linkedin,
                ),
            )
            if birthday:
                life_events.create_event(
                    actor,
                    made.id,
                    {
                        "event_type": "birthday",
                        "title": f"{first}'s birthday",
                        "event_date": birthday.isoformat(),
                        "auto_action_enabled": False,
                    },
                )
            if action:
                due = self.today() + timedelta(days=20)
                actions.create_action(
                    actor,
                    made.id,
                    {"title": action, "action_type": "call", "due_date": due.isoformat()},
                )
            db.session.commit()
            self.contact_ids.append(made.id)
            return made.id

    def birthday(self) -> date:
        """Half a year away: in nobody's coming week, whenever the tests run."""
        return (self.today() + timedelta(days=180)).replace(year=BIRTH_YEAR)

    def archive_all(self) -> None:
        with self.live_server.app.app_context():
            actor = access.actor_for_user(self._manager())
            pending = select(RelationshipAction).where(
                RelationshipAction.contact_id.in_(self.contact_ids),
                RelationshipAction.status == "pending",
            )
            for action in db.session.scalars(pending).all():
                actions.close_action(actor, action, "dismissed")
            _archive(actor, Contact, self.contact_ids, "contact")
            _archive(actor, Company, self.company_ids, "company")
            db.session.commit()
            db.session.remove()


def _archive(actor: Actor, model: type, ids: list[int], object_type: str) -> None:
    for record in db.session.scalars(select(model).where(model.id.in_(ids))).all():
        archiving.archive(actor, record, object_type)


@pytest.fixture
def records(live_server: LiveServer) -> Iterator[Records]:
    made = Records(live_server)
    yield made
    made.archive_all()


@dataclass(frozen=True)
class Namesakes:
    """One person in Rapport twice: the older record (kept unless swapped) and the newer."""

    kept_id: int
    merged_id: int
    birthday: date


def _jon_and_john(records: Records) -> Namesakes:
    """Typed in twice at Wrenfield Joinery: "Jon" by hand, then "John" from his own address,
    with a birthday and a call to make; each with a tag."""
    joinery = records.company("Wrenfield Joinery", "wrenfield.example")
    jon = records.person("Jon", "Smith", joinery, JON_EMAIL, tags=(GOLF_TAG,))
    birthday = records.birthday()
    john = records.person(
        "John",
        "Smith",
        joinery,
        JOHN_EMAIL,
        tags=(SUPPLIER_TAG,),
        birthday=birthday,
        action=LEASE_ACTION,
    )
    return Namesakes(jon, john, birthday)


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- where things are -----------------------------------------------------------------------------


def _pair(page: Page, first: str, second: str) -> Locator:
    """A likely pair on the Duplicates page, by the names it shows."""
    return page.get_by_role("listitem", name=f"{first} and {second}", exact=True)


def _field_radio(page: Page, label: str, value: str) -> Locator:
    return page.get_by_role("radio", name=f"{label}: {value}", exact=True)


def _tab(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Duplicates of").get_by_role("link", name=name)


def _open_duplicates_from_contacts(page: Page) -> None:
    page.goto("/contacts")
    page.get_by_role("link", name="Duplicates", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Duplicates")
    expect(_tab(page, "Contacts")).to_have_attribute("aria-current", "page")


# --- the merge, step by step ----------------------------------------------------------------------


def _the_pair_is_listed_with_its_reason(page: Page) -> Locator:
    pair = _pair(page, "Jon Smith", "John Smith")
    expect(pair.locator("[data-reason]")).to_have_text(["Close names at Wrenfield Joinery"])
    expect(pair).to_contain_text(JON_EMAIL)
    expect(pair).to_contain_text(JOHN_EMAIL)
    shoot(page, "110-duplicates")
    return pair


def _the_merge_page_shows_both_side_by_side(page: Page, namesakes: Namesakes) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge contacts")
    expect(page.locator(".page-header")).to_contain_text(
        "Jon Smith is kept; John Smith is folded into it and archived."
    )
    table = page.get_by_role("table")
    records = table.get_by_role("columnheader")  # the first names the fields' column
    expect(records.nth(1)).to_contain_text("Jon Smith")
    expect(records.nth(1)).to_contain_text("Kept")
    expect(records.nth(2)).to_contain_text("John Smith")
    expect(records.nth(2).get_by_role("link", name="Keep this one instead")).to_be_visible()
    # The names differ: the kept record's spelling wins unless someone says otherwise.
    expect(_field_radio(page, "First name", "Jon")).to_be_checked()
    expect(_field_radio(page, "First name", "John")).not_to_be_checked()
    birthday = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Birthday"))
    expect(birthday.get_by_role("cell")).to_have_text(["(empty)", _long_date(namesakes.birthday)])
    summary = page.get_by_role("region", name="What comes over to Jon Smith")
    expect(summary).to_contain_text("1 action and 1 life event.")


def _choosing_a_name_and_merging(page: Page) -> None:
    _field_radio(page, "First name", "John").check()
    expect(_field_radio(page, "First name", "Jon")).not_to_be_checked()
    shoot(page, "111-merge")
    page.get_by_role("button", name="Merge into Jon Smith").click()


def _the_kept_contact_has_everything(page: Page, namesakes: Namesakes) -> None:
    expect(page).to_have_url(re.compile(rf"/contacts/{namesakes.kept_id}$"))
    expect(page.locator("#flashes .alert")).to_have_text(
        re.compile(r"Merged John Smith into .+ \(1 email, 1 tag, 1 life event and 1 action\)\.")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("John Smith")
    details = page.get_by_role("region", name="Details")
    for email in (JON_EMAIL, JOHN_EMAIL):
        expect(details.get_by_role("link", name=email)).to_be_visible()
    expect(page.locator("#contact-tags .tag-badge")).to_have_text([GOLF_TAG, SUPPLIER_TAG])
    expect(page.locator("#contact-actions")).to_contain_text(LEASE_ACTION)
    expect(page.get_by_role("region", name="Relationship profile")).to_contain_text(
        _long_date(namesakes.birthday)
    )
    shoot(page, "112-merged-contact")


def _the_merged_record_opens_the_kept_one(page: Page, namesakes: Namesakes) -> None:
    page.goto(f"/contacts/{namesakes.merged_id}")
    expect(page).to_have_url(re.compile(rf"/contacts/{namesakes.kept_id}$"))
    expect(page.locator("#flashes .alert")).to_have_text(MERGED_AWAY)
    expect(page.get_by_role("heading", level=1)).to_have_text("John Smith")


def test_manager_merges_two_records_of_one_person_from_the_duplicates_page(
    page: Page, live_server: LiveServer, records: Records
) -> None:
    assert page.viewport_size == LAPTOP
    namesakes = _jon_and_john(records)
    sign_in(page, live_server.seeded.manager.email)
    _open_duplicates_from_contacts(page)
    listed = _the_pair_is_listed_with_its_reason(page)
    listed.get_by_role("link", name="Merge Jon Smith and John Smith…").click()
    _the_merge_page_shows_both_side_by_side(page, namesakes)
    _choosing_a_name_and_merging(page)
    _the_kept_contact_has_everything(page, namesakes)
    _the_merged_record_opens_the_kept_one(page, namesakes)

    page.goto("/duplicates")
    expect(page.get_by_role("heading", level=1)).to_have_text("Duplicates")
    expect(_pair(page, "Jon Smith", "John Smith")).to_have_count(0)


# --- not a duplicate ------------------------------------------------------------------------------


def test_a_pair_marked_not_a_duplicate_leaves_without_a_reload_and_stays_hidden(
    page: Page, live_server: LiveServer, records: Records
) -> None:
    surveyors = records.company("Alderbrook Surveyors", "alderbrook.example")
    for email in ("rhiannon.vale@alderbrook.example", "r.vale@alderbrook.example"):
        records.person("Rhiannon", "Vale", surveyors, email)
    sign_in(page, live_server.seeded.manager.email)
    _open_duplicates_from_contacts(page)
    pair = _pair(page, "Rhiannon Vale", "Rhiannon Vale")
    expect(pair.locator("[data-reason]")).to_have_text(["Same name at Alderbrook Surveyors"])

    page.evaluate("window.__marker = 1")
    pair.get_by_role("button", name="Not a duplicate: Rhiannon Vale and Rhiannon Vale").click()
    expect(pair).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text=MARKED)).to_be_visible()
    # The pressed button left the page: the keyboard is on the message, not back at the top.
    expect(page.get_by_role("status").filter(has_text=MARKED)).to_be_focused()
    assert page.evaluate("window.__marker") == 1, "Marking the pair reloaded the page"
    shoot(page, "113-duplicates-not-a-duplicate")

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Duplicates")
    expect(_pair(page, "Rhiannon Vale", "Rhiannon Vale")).to_have_count(0)

    # Marked by mistake: the list at the foot of the page takes it back in one click.
    page.get_by_text("Marked “Not a duplicate” (1)").click()
    shoot(page, "114-duplicates-marked-list")
    page.get_by_role("button", name="Suggest again: Rhiannon Vale and Rhiannon Vale").click()
    expect(page.get_by_text("No longer marked: the pair is suggested again")).to_be_visible()
    pair = _pair(page, "Rhiannon Vale", "Rhiannon Vale")
    expect(pair).to_have_count(1)

    # And the message after marking has its own Undo.
    pair.get_by_role("button", name="Not a duplicate: Rhiannon Vale and Rhiannon Vale").click()
    expect(pair).to_have_count(0)
    page.get_by_role("status").get_by_role("button", name="Undo").click()
    expect(_pair(page, "Rhiannon Vale", "Rhiannon Vale")).to_have_count(1)


# --- companies ------------------------------------------------------------------------------------


def test_companies_of_one_name_are_listed_as_a_pair_and_open_side_by_side(
    page: Page, live_server: LiveServer, records: Records
) -> None:
    records.company("Ashgrove Ceramics Ltd", "ashgrove.example")
    records.company("ASHGROVE CERAMICS LIMITED", "ashgroveceramics.example")
    sign_in(page, live_server.seeded.manager.email)
    page.goto("/companies")
    page.get_by_role("link", name="Duplicates", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Duplicates")
    expect(_tab(page, "Companies")).to_have_attribute("aria-current", "page")

    pair = _pair(page, "Ashgrove Ceramics Ltd", "ASHGROVE CERAMICS LIMITED")
    expect(pair.locator("[data-reason]")).to_have_text(
        ["Same name, once case, punctuation and Ltd or Inc are set aside"]
    )
    expect(pair).to_contain_text("ashgrove.example")
    expect(pair).to_contain_text("ashgroveceramics.example")
    shoot(page, "114-duplicate-companies")

    pair.get_by_role(
        "link", name="Merge Ashgrove Ceramics Ltd and ASHGROVE CERAMICS LIMITED…"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge companies")
    expect(_field_radio(page, "Name", "Ashgrove Ceramics Ltd")).to_be_checked()
    expect(_field_radio(page, "Name", "ASHGROVE CERAMICS LIMITED")).not_to_be_checked()
    domains = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Domains"))
    expect(domains.get_by_role("cell")).to_have_text(
        ["ashgrove.example", "ashgroveceramics.example"]
    )


# --- on a phone -----------------------------------------------------------------------------------


def test_the_duplicates_and_merge_pages_fit_a_phone(
    phone_page: Page, live_server: LiveServer, records: Records
) -> None:
    page = phone_page
    assert page.viewport_size == PHONE
    consultancy = records.company("Harbourlight Consulting", "harbourlight-consulting.example")
    records.person(
        "Priyanka",
        "Desai",
        consultancy,
        "priyanka.desai@harbourlight-consulting.example",
        tags=(GOLF_TAG,),
        linkedin=DESAI_LINKEDIN,
    )
    records.person(
        "Priyanka",
        "Dessai",
        consultancy,
        DESSAI_EMAIL,
        linkedin=DESSAI_LINKEDIN,
        birthday=records.birthday(),
        action="Book the quarterly review",
    )
    sign_in(page, live_server.seeded.manager.email)
    page.goto("/duplicates")
    pair = _pair(page, "Priyanka Desai", "Priyanka Dessai")
    expect(pair.locator("[data-reason]")).to_have_text(["Close names at Harbourlight Consulting"])
    shoot(page, "phone-110-duplicates")  # first: a page that does not fit is worth seeing
    assert_fits_the_screen(page, "The Duplicates page")

    pair.get_by_role("link", name="Merge Priyanka Desai and Priyanka Dessai…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge contacts")
    # Nothing is hidden to make it fit: both records' values, and the swap, are on the screen.
    for label, value in (
        ("Last name", "Desai"),
        ("Last name", "Dessai"),
        ("LinkedIn", DESAI_LINKEDIN),
        ("LinkedIn", DESSAI_LINKEDIN),
    ):
        expect(_field_radio(page, label, value)).to_be_visible()
    expect(page.get_by_text(DESSAI_EMAIL)).to_be_visible()
    expect(page.get_by_role("link", name="Keep this one instead")).to_be_visible()
    # Stacked, it is still a table to a screen reader: each value under its field's name.
    expect(page.get_by_role("rowheader", name="Birthday")).to_be_visible()
    shoot(page, "phone-111-merge")
    assert_fits_the_screen(page, "The merge page")
