"""Admin pages for custom objects: only admins get in; an object is defined through the form, with
the same rules (and messages, beside the fields) as POST /api/v2/_schema."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from webapp import access
from webapp.extensions import db as _db
from webapp.models import AuditEvent
from webapp.models.custom_objects import CustomAttribute, CustomObject
from webapp.services import custom_objects
from webapp.services.records import custom_store
from webapp.services.records.custom_kinds import kind_of

LIST = "/admin/custom-objects"
NEW = "/admin/custom-objects/new"

PAGES = [("GET", LIST), ("GET", NEW), ("POST", NEW), ("GET", f"{LIST}/project")]


def row(index: int, **values) -> dict:
    """Form data for attribute row ``index``; booleans are sent only when ticked."""
    data = {}
    for key, value in values.items():
        if value is True:
            data[f"attributes-{index}-{key}"] = "y"
        elif value not in (False, None):
            data[f"attributes-{index}-{key}"] = value
    return data


def project_form(**changes) -> dict:
    return {
        "name": "Client project",
        "slug": "",
        "description": "Work we do for a client.",
        **row(0, name="Code", slug="code", value_type="text", required=True, unique=True),
        **row(1, name="Phase", value_type="select", options="plan, build ,run"),
        **row(2, name="Client", slug="client", value_type="relation", target="contact"),
        **changes,
    }


def stored_objects() -> list[CustomObject]:
    return list(_db.session.scalars(select(CustomObject)))


def error_beside(html: str, field_id: str) -> str:
    """The error shown under the form field ``field_id``; fails if there is none."""
    found = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>([^<]*)<', html)
    assert found, f"no error shown for {field_id}"
    return found.group(1)


@pytest.fixture
def admin(login_as):
    return login_as("executive", name="Ada Admin", is_admin=True)


@pytest.fixture
def project(db):
    """A project object, defined through the service by another admin, with two records."""
    from tests import factories

    owner = factories.UserFactory(role="executive", is_admin=True)
    actor = access.actor_for_user(owner)
    defined = custom_objects.define_object(
        actor,
        {
            "slug": "project",
            "name": "Project",
            "attributes": [
                {"slug": "code", "name": "Code", "value_type": "text", "unique": True},
                {"slug": "stage", "name": "Stage", "value_type": "select", "options": ["a", "b"]},
            ],
        },
    )
    kind = kind_of(defined)
    custom_store.create(kind, actor, {"code": "P-1"})
    archived = custom_store.create(kind, actor, {"code": "P-2"})
    custom_store.archive(kind, actor, archived.id)
    _db.session.commit()
    return defined


# --- who gets in ----------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url"), PAGES)
@pytest.mark.parametrize("role", ["member", "manager", "executive"])
def test_people_without_admin_get_403_on_every_custom_object_page(
    client, login_as, project, method, url, role
):
    login_as(role)

    response = client.open(url, method=method, data=project_form(slug="other"))

    assert response.status_code == 403
    assert [o.slug for o in stored_objects()] == ["project"]


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(client, db, method, url):
    response = client.open(url, method=method, data=project_form())

    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"] or "sign_in" in response.headers["Location"]
    assert stored_objects() == []


def test_the_admin_tabs_lead_to_custom_objects(client, admin):
    html = client.get("/admin/users").text

    assert f'href="{LIST}"' in html


# --- the list and one object ------------------------------------------------------------------


def test_the_list_shows_each_object_with_its_records(client, admin, project):
    response = client.get(LIST)

    assert response.status_code == 200
    html = response.text
    assert "Project" in html and "/api/v2/project" in html
    assert 'data-records="1"' in html and "+ 1 archived" in html
    assert "Code, Stage" in html


def test_the_list_says_when_there_are_none(client, admin):
    assert "No custom objects yet." in client.get(LIST).text


def test_an_objects_page_shows_its_attributes_and_record_count(client, admin, project):
    response = client.get(f"{LIST}/project")

    assert response.status_code == 200
    html = response.text
    assert '<dd id="custom-object-records">1</dd>' in html
    assert '<dd id="custom-object-archived">1</dd>' in html
    assert "<code>code</code>" in html and "<code>stage</code>" in html
    assert "a, b" in html and "Unique" in html


def test_an_unknown_object_is_404(client, admin):
    assert client.get(f"{LIST}/nothing").status_code == 404


# --- defining through the form ----------------------------------------------------------------


def test_the_form_starts_with_three_empty_attribute_rows(client, admin):
    html = client.get(NEW).text

    assert html.count('class="card shadow-sm mb-3 custom-attribute-row"') == 3
    assert '<option value="contact">Contact</option>' in html


def test_an_admin_defines_an_object_through_the_form(client, admin):
    response = client.post(NEW, data=project_form())

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{LIST}/client_project")
    [defined] = stored_objects()
    assert (defined.slug, defined.name, defined.description) == (
        "client_project",
        "Client project",
        "Work we do for a client.",
    )
    attributes = [
        (a.slug, a.value_type, a.required, a.unique, a.multiple, a.options, a.target_type)
        for a in defined.attributes
    ]
    assert attributes == [
        ("code", "text", True, True, False, [], None),
        ("phase", "select", False, False, False, ["plan", "build", "run"], None),
        ("client", "relation", False, False, False, [], "contact"),
    ]
    [event] = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "custom_object")
    ).all()
    assert event.user_id == admin.id
    followed = client.get(response.headers["Location"])
    assert "Client project is defined" in followed.text


def test_a_defined_object_is_served_by_the_records_api_at_once(client, admin):
    client.post(NEW, data=project_form())

    response = client.post(
        "/api/v2/client_project", json={"attributes": {"code": "A-1", "phase": "plan"}}
    )

    assert response.status_code == 201, response.text
    assert response.get_json()["data"]["attributes"]["phase"] == "plan"


def test_errors_show_beside_the_fields_they_name_and_nothing_is_stored(client, admin):
    data = project_form(
        slug="_private",
        **row(1, name="Phase", value_type="select", options=""),
        **row(2, name="Client", slug="client", value_type="relation", target=""),
    )

    response = client.post(NEW, data=data)

    assert response.status_code == 422
    html = response.text
    assert "kept for the API&#39;s own paths" in error_beside(html, "slug")
    assert "at least one option" in error_beside(html, "attributes-1-options")
    assert "target_record_type" in error_beside(html, "attributes-2-target")
    assert "Some parts of the definition need attention" in html
    assert 'value="Client project"' in html  # what was typed stays
    assert stored_objects() == []


def test_errors_name_the_right_row_when_empty_rows_come_between(client, admin):
    data = {
        "name": "Gadget",
        **row(0, name="Colour", value_type="text"),
        **row(1, name="", slug="", value_type="", options=""),  # left empty: skipped
        **row(2, name="Size", value_type="select"),
    }

    response = client.post(NEW, data=data)

    assert response.status_code == 422
    assert "at least one option" in error_beside(response.text, "attributes-2-options")
    assert (
        'id="attributes-2-name" name="attributes-2-name" type="text" value="Size"' in response.text
    )
    assert 'id="attributes-1-options-error"' not in response.text


def test_a_slug_already_taken_is_shown_on_the_slug(client, admin, project):
    response = client.post(NEW, data=project_form(slug="project"))

    assert response.status_code == 422
    assert "already a custom object called project" in error_beside(response.text, "slug")
    assert len(stored_objects()) == 1


def test_an_empty_name_is_one_error_when_the_slug_is_left_to_be_made_from_it(client, admin):
    response = client.post(NEW, data=project_form(name=""))

    assert response.status_code == 422
    assert error_beside(response.text, "name")
    assert 'id="slug-error"' not in response.text
    assert stored_objects() == []


def test_an_object_without_attributes_is_refused_above_the_form(client, admin):
    response = client.post(NEW, data={"name": "Empty"})

    assert response.status_code == 422
    assert "at least one attribute" in response.text
    assert stored_objects() == []


def test_add_an_attribute_gives_one_more_row_and_keeps_what_was_typed(client, admin):
    response = client.post(NEW, data={**project_form(), "add_attribute": "1"})

    assert response.status_code == 200
    html = response.text
    assert html.count('class="card shadow-sm mb-3 custom-attribute-row"') == 4
    assert 'value="Client project"' in html and 'value="plan, build ,run"' in html
    assert 'id="attributes-0-name-error"' not in html
    assert _db.session.scalar(select(func.count()).select_from(CustomAttribute)) == 0
