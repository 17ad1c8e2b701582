"""Admin → Custom objects: an admin defines a record type through the form (a mistake first),
then its records are written through the records API with an admin's key; a member is refused;
the pages fit a phone.

The flow's object, "Client project", is made once in the live server's database and nobody else
defines it. The phone walk defines an object of its own when none exists yet, so it runs alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import APIRequestContext, Locator, Page, Playwright, expect
from sqlalchemy import func, select

from tests.browser.conftest import (
    LAPTOP,
    PHONE,
    LiveServer,
    assert_fits_the_screen,
    shoot,
    sign_in,
)
from tests.browser.seed import Person
from webapp import access
from webapp.extensions import db
from webapp.models import User
from webapp.models.audit import AuditEvent
from webapp.models.custom_objects import CustomObject, CustomRecord
from webapp.services import api_keys, custom_objects

pytestmark = pytest.mark.browser

OBJECT_NAME, OBJECT_SLUG = "Client project", "client_project"
OBJECT_DESCRIPTION = "Work we deliver for a client, from kick-off to hand-over."
PHASES = ("Discovery", "Delivery", "Hand-over")
NO_OPTIONS = "A select attribute needs at least one option."
# What the object's page shows of each attribute the form defines: name, type, rules.
ATTRIBUTES = (
    ("Project code", "Text", ("Required", "Unique")),
    ("Phase", "Choice from a list", ()),
    ("Client contact", "Link to a record → contact", ()),
    ("Owners", "A person of the firm", ("Several values",)),
)
PHONE_OBJECT = {
    "slug": "site_visit",
    "name": "Site visit",
    "description": "A visit to a client's premises, with who went and what was agreed.",
    "attributes": [
        {"slug": "visit_code", "name": "Visit code", "value_type": "text", "unique": True},
        {"slug": "visited_on", "name": "Visited on", "value_type": "date", "required": True},
        {
            "slug": "outcome",
            "name": "Outcome",
            "value_type": "select",
            "options": ["Promising", "Neutral", "At risk"],
        },
        {"slug": "attendees", "name": "Attendees", "value_type": "user", "multiple": True},
    ],
}


def _heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def _admin_tabs(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Admin sections")


def _row(page: Page, number: int) -> Locator:
    """The form's attribute row ``number`` (from 1), a fieldset named by its legend."""
    return page.get_by_role("group", name=f"Attribute {number}", exact=True)


def _objects_named(live_server: LiveServer, slug: str) -> int:
    with live_server.app.app_context():
        found = db.session.scalar(
            select(func.count()).select_from(CustomObject).where(CustomObject.slug == slug)
        )
        db.session.remove()
    return found


def _user_id(live_server: LiveServer, person: Person) -> int:
    with live_server.app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == person.email))
        db.session.remove()
    assert user_id is not None, f"{person.email} is seeded"
    return user_id


# --- 1. an admin defines an object, then writes a record of it through the API ------------------


def _open_custom_objects(page: Page) -> None:
    """Admin (the account menu's Users) → the Custom objects tab."""
    page.locator("#account-menu").click()
    page.get_by_role("link", name="Users", exact=True).click()
    expect(_heading(page)).to_have_text("Users")
    _admin_tabs(page).get_by_role("link", name="Custom objects").click()
    expect(page).to_have_url(re.compile(r"/admin/custom-objects$"))
    expect(_heading(page)).to_have_text("Custom objects")
    expect(_admin_tabs(page).get_by_role("link", name="Custom objects")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("link", name=OBJECT_NAME)).to_have_count(0)
    shoot(page, "80-custom-objects")


def _fill_row(page: Page, number: int, name: str, type_label: str) -> Locator:
    row = _row(page, number)
    row.get_by_label("Name").fill(name)
    row.get_by_label("Type").select_option(label=type_label)
    return row


def _fill_the_definition_with_a_mistake(page: Page) -> None:
    """Every attribute but the select's options; the fourth row comes from "Add an attribute"."""
    page.get_by_role("link", name="Define an object").click()
    expect(_heading(page)).to_have_text("Define an object")
    expect(page.get_by_label("Name", exact=True).first).to_be_focused()
    expect(page.get_by_role("group", name=re.compile(r"^Attribute \d+$"))).to_have_count(3)
    shoot(page, "81-custom-object-form")

    page.get_by_label("Name", exact=True).first.fill(OBJECT_NAME)
    page.get_by_label("Description").fill(OBJECT_DESCRIPTION)
    code = _fill_row(page, 1, "Project code", "Text")
    code.get_by_label("Required").check()
    code.get_by_label("Unique").check()
    _fill_row(page, 2, "Phase", "Choice from a list")  # the mistake: no options
    _fill_row(page, 3, "Client contact", "Link to a record").get_by_label("Links to").select_option(
        "contact"
    )

    page.get_by_role("button", name="Add an attribute").click()
    expect(_row(page, 4)).to_be_visible()
    expect(_row(page, 4).get_by_label("Name")).to_be_focused()  # ready for the new attribute
    expect(page.get_by_label("Name", exact=True).first).to_have_value(OBJECT_NAME)  # kept
    expect(_row(page, 1).get_by_label("Unique")).to_be_checked()
    expect(_row(page, 3).get_by_label("Links to")).to_have_value("contact")
    owners = _fill_row(page, 4, "Owners", "A person of the firm")
    owners.get_by_label("Several values").check()


def _see_the_mistake_beside_its_field(page: Page, live_server: LiveServer) -> None:
    page.get_by_role("button", name="Define the object").click()
    expect(page.get_by_role("alert")).to_contain_text("need attention")
    options = _row(page, 2).get_by_label("Options")
    expect(options).to_have_attribute("aria-invalid", "true")
    expect(options).to_have_accessible_description(re.compile(re.escape(NO_OPTIONS)))
    expect(options).to_be_focused()  # the first field in trouble
    invalid = page.locator("[aria-invalid=true]")
    expect(invalid).to_have_count(1)  # the other attributes are fine
    expect(_row(page, 4).get_by_label("Name")).to_have_value("Owners")  # nothing typed is lost
    expect(_row(page, 1).get_by_label("Required")).to_be_checked()
    assert _objects_named(live_server, OBJECT_SLUG) == 0, "a definition with a mistake makes none"
    shoot(page, "82-custom-object-form-error")


def _fix_it_and_see_the_object(page: Page) -> None:
    _row(page, 2).get_by_label("Options").fill(", ".join(PHASES))
    page.get_by_role("button", name="Define the object").click()
    expect(page).to_have_url(re.compile(rf"/admin/custom-objects/{OBJECT_SLUG}$"))
    expect(_heading(page)).to_have_text(OBJECT_NAME)
    expect(page.get_by_role("alert")).to_contain_text(f"/api/v2/{OBJECT_SLUG}")
    expect(page.get_by_text(OBJECT_DESCRIPTION)).to_be_visible()
    expect(page.locator("#custom-object-records")).to_have_text("0")

    table = page.get_by_role("table", name=f"Attributes of {OBJECT_NAME}")
    rows = table.locator("tbody").get_by_role("row")
    expect(rows).to_have_count(len(ATTRIBUTES))
    for index, (name, shown_type, rules) in enumerate(ATTRIBUTES):
        row = rows.nth(index)
        expect(row.get_by_role("rowheader")).to_contain_text(name)
        expect(row).to_contain_text(shown_type)
        expect(row.locator("td.custom-attribute-rules .badge")).to_have_text(list(rules))
    expect(rows.nth(1)).to_contain_text(", ".join(PHASES))
    expect(rows.nth(0).locator("code:visible")).to_have_text("project_code")  # made from its name
    shoot(page, "83-custom-object")


def _find_it_on_the_list(page: Page) -> None:
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link").click()
    expect(_heading(page)).to_have_text("Custom objects")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=OBJECT_NAME))
    expect(row).to_contain_text(f"/api/v2/{OBJECT_SLUG}")
    expect(row).to_contain_text("Project code, Phase, Client contact, Owners")
    expect(row.locator("[data-records]")).to_have_text("0")
    shoot(page, "84-custom-objects-listed")


def _admin_key(live_server: LiveServer) -> str:
    """A records API key made for the admin, as an admin makes one; committed for the server."""
    with live_server.app.app_context():
        admin = db.session.scalar(select(User).where(User.email == live_server.seeded.admin.email))
        made = api_keys.create_api_key(
            access.actor_for_user(admin),
            admin,
            name="Client projects sync",
            permissions=[access.CRM_READ, access.CRM_WRITE],
        )
        db.session.commit()
        secret = made.secret
        db.session.remove()
    return secret


@pytest.fixture
def integrator(playwright: Playwright, live_server: LiveServer) -> Iterator[APIRequestContext]:
    """HTTP calls as an integrator makes them: the API key only, no browser session, no cookie."""
    context = playwright.request.new_context(base_url=live_server.url)
    try:
        yield context
    finally:
        context.dispose()


def _create_a_record_through_the_api(
    page: Page, integrator: APIRequestContext, live_server: LiveServer
) -> None:
    seeded = live_server.seeded
    secret = _admin_key(live_server)
    contact_id = seeded.relationship_contact.id
    owners = [_user_id(live_server, seeded.admin), _user_id(live_server, seeded.manager)]
    attributes = {
        "project_code": "NW-2025-01",
        "phase": "Delivery",
        "client_contact": contact_id,
        "owners": owners,
    }
    bearer = {"Authorization": f"Bearer {secret}"}
    response = integrator.post(
        f"/api/v2/{OBJECT_SLUG}", data={"attributes": attributes}, headers=bearer
    )
    assert response.status == 201, response.text()
    created = response.json()["data"]
    assert created["record_type"] == OBJECT_SLUG
    assert {key: created["attributes"][key] for key in attributes} == {
        **attributes,
        "client_contact": str(contact_id),
        "owners": [str(owner) for owner in owners],
    }

    # The unique code is the object's own: the same code again is a conflict, and no second record.
    again = integrator.post(
        f"/api/v2/{OBJECT_SLUG}",
        data={"attributes": {**attributes, "project_code": "nw-2025-01"}},
        headers=bearer,
    )
    assert again.status == 409, again.text()
    assert again.json()["error"]["code"] == "conflict"
    with live_server.app.app_context():
        stored = db.session.scalars(
            select(CustomRecord).join(CustomObject).where(CustomObject.slug == OBJECT_SLUG)
        ).all()
        written_by = db.session.scalar(
            select(AuditEvent.api_key_id).where(
                AuditEvent.object_type == f"custom_record:{OBJECT_SLUG}",
                AuditEvent.action == "create",
            )
        )
        db.session.remove()
    assert [record.id for record in stored] == [int(created["id"])]
    assert written_by is not None, "the record's audit event names the API key that wrote it"

    page.reload()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=OBJECT_NAME))
    expect(row.locator("[data-records]")).to_have_text("1")
    row.get_by_role("link", name=OBJECT_NAME).click()
    expect(_heading(page)).to_have_text(OBJECT_NAME)
    expect(page.locator("#custom-object-records")).to_have_text("1")
    expect(page.locator("#custom-object-archived")).to_have_text("0")
    shoot(page, "85-custom-object-with-a-record")


def test_admin_defines_an_object_with_a_mistake_then_writes_its_record_through_the_api(
    page: Page, integrator: APIRequestContext, live_server: LiveServer
) -> None:
    assert page.viewport_size == LAPTOP
    sign_in(page, live_server.seeded.admin.email)
    _open_custom_objects(page)
    _fill_the_definition_with_a_mistake(page)
    _see_the_mistake_beside_its_field(page, live_server)
    _fix_it_and_see_the_object(page)
    _find_it_on_the_list(page)
    _create_a_record_through_the_api(page, integrator, live_server)


# --- 2. a member has no custom objects ------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/admin/custom-objects", "/admin/custom-objects/new", "/admin/custom-objects/x"]
)
def test_member_sees_no_custom_objects_and_is_refused_them(
    page: Page, live_server: LiveServer, path: str
) -> None:
    team = live_server.seeded.client_team
    assert team is not None, "the seed makes the client team and its member"
    sign_in(page, team.member.email)
    expect(_heading(page)).to_be_visible()
    page.locator("#account-menu").click()
    expect(page.get_by_role("link", name="API keys")).to_be_visible()  # the menu is open
    expect(page.get_by_role("link", name="Users", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Custom objects")).to_have_count(0)

    response = page.goto(path)
    assert response is not None and response.status == 403, f"a member is refused {path}"
    expect(page.get_by_text("Error 403")).to_be_visible()
    expect(_admin_tabs(page)).to_have_count(0)
    expect(page.get_by_role("link", name="Custom objects")).to_have_count(0)
    if path.endswith("/new"):
        shoot(page, "86-custom-objects-refused")


def test_member_cannot_define_an_object_by_posting_the_form(
    page: Page, live_server: LiveServer
) -> None:
    team = live_server.seeded.client_team
    assert team is not None
    sign_in(page, team.member.email)
    page.goto("/")  # a page with the member's CSRF token
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    response = page.request.post(
        "/admin/custom-objects/new",
        form={
            "csrf_token": token or "",
            "name": "Member object",
            "attributes-0-name": "Code",
            "attributes-0-value_type": "text",
        },
    )
    assert response.status == 403, response.text()
    assert _objects_named(live_server, "member_object") == 0


# --- 3. on a phone --------------------------------------------------------------------------------


def _ensure_an_object_to_show(live_server: LiveServer) -> None:
    """The phone walk's own object, defined as the API would, unless an earlier run made it."""
    if _objects_named(live_server, PHONE_OBJECT["slug"]):
        return
    with live_server.app.app_context():
        admin = db.session.scalar(select(User).where(User.email == live_server.seeded.admin.email))
        custom_objects.define_object(access.actor_for_user(admin), PHONE_OBJECT)
        db.session.commit()
        db.session.remove()


def test_custom_object_pages_fit_a_phone(phone_page: Page, live_server: LiveServer) -> None:
    page = phone_page
    assert page.viewport_size == PHONE
    _ensure_an_object_to_show(live_server)
    sign_in(page, live_server.seeded.admin.email)

    page.goto("/admin/custom-objects")
    expect(_heading(page)).to_have_text("Custom objects")
    expect(page.get_by_role("link", name=PHONE_OBJECT["name"])).to_be_visible()
    shoot(page, "phone-80-custom-objects")
    assert_fits_the_screen(page, "The custom objects list")

    page.get_by_role("link", name="Define an object").click()
    expect(_heading(page)).to_have_text("Define an object")
    _row(page, 1).get_by_label("Name").fill("Budget")
    _row(page, 1).get_by_label("Type").select_option(label="Choice from a list")
    page.get_by_role("button", name="Define the object").click()  # no object name, no options
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("[aria-invalid=true]")).not_to_have_count(0)
    shoot(page, "phone-81-custom-object-form")
    assert_fits_the_screen(page, "The new-object form with its errors")

    page.goto(f"/admin/custom-objects/{PHONE_OBJECT['slug']}")
    expect(_heading(page)).to_have_text(PHONE_OBJECT["name"])
    expect(page.locator("#custom-object-attributes tbody tr")).to_have_count(4)
    shoot(page, "phone-82-custom-object")
    assert_fits_the_screen(page, "A custom object's page")
