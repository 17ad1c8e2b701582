"""The Content-Security-Policy refuses nothing the pages need.

The policy runs only the app's own script files (no inline script, no ``on*=`` attribute, no
eval). A page that still relied on one would lose a behaviour without a word to the user; the
browser says so in the console ("Refused to ...") and fires ``securitypolicyviolation``. Every
page here is read for both, and the behaviours that moved from inline code into static/app.js
(confirm before archiving, copy buttons, filters, the life event form's defaults, the template
placeholders) are used for real.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import ConsoleMessage, Dialog, Error, Page, expect
from sqlalchemy import select

from tests.browser.conftest import LiveServer, open_section, shoot, sign_in
from webapp import access
from webapp.extensions import db
from webapp.models import Contact, RelationshipType, User
from webapp.services import companies, contact_relationships, contacts

pytestmark = pytest.mark.browser

# Recorded in the page before any of its own scripts run; the page's CSP does not apply to it.
WATCH_VIOLATIONS = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__refused.push(`${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile || "page"}:${event.lineNumber})`);
});
"""
# Pages that need nothing in their URL, walked from the app's own URL map.
SKIPPED = ("/api/", "/static/", "/healthz", "/sign-in")
DOWNLOADS = (".csv", ".vcf", ".ics")  # files to save, not pages to render


@dataclass
class Problems:
    """Everything the browser complained about: console errors, script errors, violations."""

    seen: list[str] = field(default_factory=list)

    def console(self, message: ConsoleMessage) -> None:
        # Chromium asks every site for /favicon.ico; the app has none (not a policy matter).
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.seen.append(f"console: {message.text} ({message.location.get('url')})")

    def script_error(self, error: Error) -> None:
        self.seen.append(f"script error: {error.message}")

    def read_violations(self, page: Page, where: str) -> None:
        refused = page.evaluate("window.__refused || []")
        self.seen.extend(f"{where}: {line}" for line in refused)

    def take(self) -> list[str]:
        seen, self.seen = self.seen, []
        return seen


@pytest.fixture
def watched(page: Page) -> Iterator[tuple[Page, Problems]]:
    """The test's page, with the browser's complaints gathered as it goes."""
    problems = Problems()
    page.add_init_script(WATCH_VIOLATIONS)
    page.on("console", problems.console)
    page.on("pageerror", problems.script_error)
    yield page, problems


def _argument_free_pages(live_server: LiveServer) -> list[str]:
    """Every page the app serves by GET with nothing in its path: the whole navigation."""
    rules = live_server.app.url_map.iter_rules()
    return sorted(
        rule.rule
        for rule in rules
        if "GET" in rule.methods
        and not rule.arguments
        and not rule.rule.startswith(SKIPPED)
        and not rule.rule.endswith(DOWNLOADS)
    )


def _id_of(live_server: LiveServer, model, **where) -> int:
    with live_server.app.app_context():
        record_id = db.session.scalar(select(model.id).filter_by(**where))
        db.session.remove()
    assert record_id is not None, f"the seed has no {model.__name__} with {where}"
    return record_id


def _visit(page: Page, problems: Problems, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    page.wait_for_load_state("load")
    problems.read_violations(page, url)


def test_no_page_has_anything_refused(watched, live_server: LiveServer) -> None:
    page, problems = watched
    seeded = live_server.seeded
    _visit(page, problems, "/sign-in")
    sign_in(page, seeded.admin.email)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Good to see you"))

    pages = _argument_free_pages(live_server)
    assert {"/", "/contacts", "/clients", "/actions", "/team", "/settings/api-keys"} <= set(pages)
    assert any(url.startswith("/admin/") for url in pages)
    contact_id = seeded.relationship_contact.id
    pages += [f"/contacts/{contact_id}", f"/contacts/{contact_id}/edit"]
    pages.append(f"/admin/users/{_id_of(live_server, User, email=seeded.manager.email)}")
    if seeded.client_team is not None:
        pages += [f"/clients/{seeded.client_team.client_id}"]
        pages += [f"/companies/{seeded.client_team.client_id}"]
    for url in pages:
        _visit(page, problems, url)

    assert problems.take() == []


def test_the_client_page_draws_its_relationship_map(
    watched, live_server: LiveServer, own_people: OwnPeople
) -> None:
    page, problems = watched
    sign_in(page, live_server.seeded.manager.email)
    _visit(page, problems, f"/clients/{own_people.client_id}")

    # Cytoscape draws on canvases and adds its own <style>: the policy allows styles, not scripts.
    expect(page.locator("#relationship-map")).to_have_attribute("data-map-state", "ready")
    expect(page.locator("#relationship-map-graph canvas").first).to_be_visible()
    shoot(page, "csp-client-map")
    problems.read_violations(page, "client page")
    _visit(page, problems, f"/contacts/{own_people.contact_ids[0]}")  # the contact page's map
    open_section(page, "relationship-map")
    expect(page.locator("#relationship-map")).to_have_attribute("data-map-state", "ready")

    problems.read_violations(page, "maps")
    assert problems.take() == []


def test_filters_search_and_poll_without_eval(watched, live_server: LiveServer) -> None:
    """The filter forms leave empty filters out of the URL and mark the results busy: that
    was htmx hx-on code, which needs eval; now it is static/app.js."""
    page, problems = watched
    seeded = live_server.seeded
    sign_in(page, seeded.manager.email)

    _visit(page, problems, "/contacts")
    with page.expect_response(re.compile(r"/contacts\?")):
        page.get_by_label("Owner").select_option(label=seeded.manager.name)
    expect(page).to_have_url(re.compile(r"/contacts\?owner=\d+(&sort=[a-z_]+)?$"))
    expect(page.locator("#contact-results")).not_to_have_attribute("aria-busy", "true")

    _visit(page, problems, "/actions")
    with page.expect_response(re.compile(r"/actions\?")):
        page.get_by_label("Status").select_option("done")
    expect(page).to_have_url(re.compile(r"/actions\?(tab=[a-z]+&)?status=done$"))

    _visit(page, problems, "/clients")
    with page.expect_response(re.compile(r"/clients\?")):
        page.get_by_label("Sort by").select_option(index=1)
    expect(page).to_have_url(re.compile(r"/clients\?sort=[a-z_]+$"))

    problems.read_violations(page, "filters")
    assert problems.take() == []


def test_a_new_life_event_follows_its_types_defaults(watched, live_server: LiveServer) -> None:
    page, problems = watched
    seeded = live_server.seeded
    sign_in(page, seeded.manager.email)
    _visit(page, problems, f"/contacts/{seeded.relationship_contact.id}")

    section = page.locator("#life-events")
    section.get_by_role("link", name="Add life event").click()
    form = page.locator("#life-event-form")
    recurs = form.get_by_label("Recurs every year")
    form.get_by_label("Type").select_option("birthday")
    expect(recurs).to_be_checked()
    form.get_by_label("Type").select_option("other")
    expect(recurs).not_to_be_checked()

    problems.read_violations(page, "life event form")
    assert problems.take() == []


def test_a_placeholder_button_types_into_the_template(watched, live_server: LiveServer) -> None:
    page, problems = watched
    sign_in(page, live_server.seeded.admin.email)
    _visit(page, problems, "/admin/message-templates/new")

    body = page.get_by_label("Message", exact=True)
    body.fill("Happy birthday, !")
    body.evaluate("(box) => box.setSelectionRange(16, 16)")  # the cursor before the "!"
    page.get_by_role("button", name="Insert {first_name}").click()
    expect(body).to_have_value("Happy birthday, {first_name}!")
    expect(body).to_be_focused()

    problems.read_violations(page, "template form")
    assert problems.take() == []


def test_the_new_api_keys_copy_button_copies_it(watched, live_server: LiveServer) -> None:
    page, problems = watched
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, live_server.seeded.admin.email)
    _visit(page, problems, "/settings/api-keys")
    page.get_by_label("Name").fill("CSP check")
    page.get_by_role("button", name="Create key").click()
    secret = page.get_by_label("Secret")
    expect(secret).to_have_value(re.compile(r"\S{20,}"))

    copy = page.locator(".new-secret .input-group").get_by_role("button")
    copy.click()
    expect(copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == secret.input_value()
    secret.focus()  # the whole secret is selected, ready for Ctrl+C
    selected = secret.evaluate("(box) => box.value.slice(box.selectionStart, box.selectionEnd)")
    assert selected == secret.input_value()

    problems.read_violations(page, "api keys")
    assert problems.take() == []


@dataclass(frozen=True)
class OwnPeople:
    """This module's client (two people linked, so it has a map) and a contact to archive."""

    client_id: int
    contact_ids: tuple[int, ...]  # the linked two, then the spare

    @property
    def spare_contact_id(self) -> int:
        return self.contact_ids[-1]


def _make_own_people(manager: User) -> OwnPeople:
    actor = access.actor_for_user(manager)
    client = companies.create_company(
        actor,
        companies.CompanyInput(
            name="Vane & Thorne Ltd",
            industry="Publishing",
            owner_id=manager.id,
            domains=["vanethorne.example"],
            is_client=True,
            client_tier="standard",
            account_manager_id=manager.id,
        ),
    )
    ids = []
    for first, last in (("Cressida", "Vane"), ("Julian", "Thorne"), ("Oona", "Fairweather")):
        given = contacts.ContactInput(
            first_name=first,
            last_name=last,
            owner_id=manager.id,
            company_links=[contacts.CompanyLinkInput(client.id, None, True)],
        )
        ids.append(contacts.create_contact(actor, given).id)
    manager_of = db.session.scalar(
        select(RelationshipType.id).where(RelationshipType.name == "manager of")
    )
    link = {"contact_is": ids[0], "relationship_type_id": manager_of, "of_contact": ids[1]}
    contact_relationships.create_relationship(actor, link)
    db.session.commit()
    return OwnPeople(client.id, tuple(ids))


@pytest.fixture(scope="module")
def own_people(live_server: LiveServer) -> Iterator[OwnPeople]:
    """Made through the services; archived when the module is done, so the other modules
    count the seed's contacts and clients as before."""
    with live_server.app.app_context():
        manager = db.session.scalar(
            select(User).where(User.email == live_server.seeded.manager.email)
        )
        made = _make_own_people(manager)
        db.session.remove()
    yield made
    with live_server.app.app_context():
        manager = db.session.scalar(
            select(User).where(User.email == live_server.seeded.manager.email)
        )
        actor = access.actor_for_user(manager)
        for contact_id in made.contact_ids:  # archiving twice is harmless
            contacts.archive_contact(actor, contact_id)
        companies.archive_company(actor, made.client_id)
        db.session.commit()
        db.session.remove()


def test_archiving_a_contact_asks_first(watched, live_server: LiveServer, own_people) -> None:
    spare_contact = own_people.spare_contact_id
    page, problems = watched
    sign_in(page, live_server.seeded.manager.email)
    _visit(page, problems, f"/contacts/{spare_contact}")
    questions: list[str] = []

    def answer(dialog: Dialog, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="Archive").click()
    expect(page.get_by_role("button", name="Archive")).to_be_visible()
    assert questions == [
        "Archive this contact? It leaves the contacts list; you can restore it later."
    ]
    with live_server.app.app_context():
        assert db.session.get(Contact, spare_contact).archived_at is None  # nothing was sent
        db.session.remove()

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("button", name="Archive").click()
    expect(page.get_by_text("Oona Fairweather archived.")).to_be_visible()
    assert len(questions) == 2
    with live_server.app.app_context():
        assert db.session.get(Contact, spare_contact).archived_at is not None
        db.session.remove()

    problems.read_violations(page, "archive")
    assert problems.take() == []
