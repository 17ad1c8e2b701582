"""Admin: message templates with placeholders; unknown placeholders are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from webapp import access
from webapp.models import AuditEvent, MessageTemplate
from webapp.services import message_templates


@pytest.fixture
def admin(login_as):
    return login_as("executive", name="Ada Admin", is_admin=True)


def add_template(admin, name: str, body: str) -> MessageTemplate:
    return message_templates.create_template(
        access.actor_for_user(admin), {"name": name, "body": body}
    )


def template_named(db, name: str) -> MessageTemplate | None:
    db.session.expire_all()
    return db.session.scalar(select(MessageTemplate).where(MessageTemplate.name == name))


def template_count(db) -> int:
    return db.session.scalar(select(func.count(MessageTemplate.id)))


def audit_events(db, action: str, template_id: int) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(
        AuditEvent.action == action,
        AuditEvent.object_type == "message_template",
        AuditEvent.object_id == template_id,
    )
    return list(db.session.scalars(stmt))


# --- who gets in ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/admin/message-templates"),
        ("GET", "/admin/message-templates/new"),
        ("POST", "/admin/message-templates/new"),
        ("GET", "/admin/message-templates/{id}/edit"),
        ("POST", "/admin/message-templates/{id}/edit"),
        ("POST", "/admin/message-templates/{id}/delete"),
    ],
)
@pytest.mark.parametrize("role", ["member", "manager", "executive"])
def test_people_without_admin_get_403_and_change_nothing(
    client, db, login_as, make_user, method, path, role
):
    template = add_template(make_user("executive", is_admin=True), "Birthday", "Happy birthday!")
    db.session.commit()
    login_as(role)

    response = client.open(
        path.format(id=template.id), method=method, data={"name": "Hijacked", "body": "Boo"}
    )

    assert response.status_code == 403
    kept = template_named(db, "Birthday")
    assert kept is not None and kept.body == "Happy birthday!"
    assert template_count(db) == 1


# --- the list -------------------------------------------------------------------------------------


def test_list_shows_each_template_by_name_with_the_start_of_its_text(client, db, admin):
    add_template(admin, "Welcome", "Hi {preferred_name}, welcome aboard.")
    add_template(admin, "Anniversary", "Congratulations on " + "many happy years " * 20)
    db.session.commit()

    page = client.get("/admin/message-templates").get_data(as_text=True)

    assert page.index("Anniversary") < page.index("Welcome")
    assert "Hi {preferred_name}, welcome aboard." in page
    previews = [
        cell.split(">", 1)[1].split("</td>")[0] for cell in page.split("template-preview")[1:]
    ]
    assert previews[0].startswith("Congratulations on many happy years")
    assert previews[0].endswith("...") and len(previews[0]) <= 140
    assert previews[1] == "Hi {preferred_name}, welcome aboard."
    assert "2 templates" in page


def test_list_without_templates_invites_the_first_one(client, db, admin):
    page = client.get("/admin/message-templates").get_data(as_text=True)

    assert "No message templates yet." in page
    assert 'href="/admin/message-templates/new"' in page


def test_admin_tabs_lead_to_message_templates(client, db, admin):
    page = client.get("/admin/users").get_data(as_text=True)

    assert 'href="/admin/message-templates"' in page


# --- creating -------------------------------------------------------------------------------------


def test_new_template_form_lists_the_placeholders_with_their_descriptions(client, db, admin):
    page = client.get("/admin/message-templates/new").get_data(as_text=True)

    for name, description in message_templates.PLACEHOLDERS.items():
        assert f'data-placeholder="{{{name}}}"' in page
        assert description in page


def test_admin_creates_a_template_with_placeholders(client, db, admin):
    body = "Happy {event_title}, {preferred_name}! All the best from {company_name}."

    response = client.post(
        "/admin/message-templates/new", data={"name": "  Birthday wishes ", "body": body}
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/message-templates"
    template = template_named(db, "Birthday wishes")
    assert template is not None and template.body == body
    assert template.created_by_id == admin.id
    [event] = audit_events(db, "create", template.id)
    assert event.user_id == admin.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Template Birthday wishes was created." in page and body in page


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Hi {nickname}!", "Unknown placeholder {nickname}. Use: {preferred_name}"),
        ("Hi {first_name", "Write placeholders as {name}; use {{ and }} for a brace."),
        ("Hi first_name}", "Write placeholders as {name}; use {{ and }} for a brace."),
        ("Hi {first_name!r}", "{first_name} is not a placeholder"),
        ("  ", "This is required."),
    ],
)
def test_a_bad_body_is_refused_next_to_the_message_field_and_nothing_saved(
    client, db, admin, body, message
):
    response = client.post("/admin/message-templates/new", data={"name": "Hello", "body": body})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = page[page.index('id="body-error"') :]
    assert message in error[: error.index("</div>")]
    assert template_count(db) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_a_refused_template_keeps_what_was_typed(client, db, admin):
    response = client.post(
        "/admin/message-templates/new", data={"name": "Hello", "body": "Dear {nickname}"}
    )

    page = response.get_data(as_text=True)
    assert 'value="Hello"' in page and "Dear {nickname}</textarea>" in page


@pytest.mark.parametrize("name", ["Birthday", "BIRTHDAY"])
def test_a_taken_name_is_refused_next_to_the_name_field(client, db, admin, name):
    add_template(admin, "Birthday", "Happy birthday!")
    db.session.commit()

    response = client.post("/admin/message-templates/new", data={"name": name, "body": "Hi!"})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = page[page.index('id="name-error"') :]
    assert "There is already a template called" in error[: error.index("</div>")]
    assert template_count(db) == 1


# --- editing --------------------------------------------------------------------------------------


def test_edit_form_shows_the_stored_template(client, db, admin):
    template = add_template(admin, "Thanks", "Thank you, {first_name}.")
    db.session.commit()

    page = client.get(f"/admin/message-templates/{template.id}/edit").get_data(as_text=True)

    assert 'value="Thanks"' in page and "Thank you, {first_name}.</textarea>" in page


def test_admin_edits_a_template(client, db, admin):
    template = add_template(admin, "Thanks", "Thank you, {first_name}.")
    db.session.commit()

    response = client.post(
        f"/admin/message-templates/{template.id}/edit",
        data={"name": "Thank you", "body": "Thank you, {preferred_name}!"},
    )

    assert response.status_code == 303
    template = template_named(db, "Thank you")
    assert template.body == "Thank you, {preferred_name}!"
    [event] = audit_events(db, "update", template.id)
    assert event.user_id == admin.id
    assert event.changes["name"] == {"before": "Thanks", "after": "Thank you"}
    page = client.get("/admin/message-templates").get_data(as_text=True)
    assert "Template Thank you was saved." in page and "Thank you, {preferred_name}!" in page


def test_renaming_onto_another_templates_name_is_refused(client, db, admin):
    add_template(admin, "Birthday", "Happy birthday!")
    other = add_template(admin, "Thanks", "Thank you.")
    db.session.commit()

    response = client.post(
        f"/admin/message-templates/{other.id}/edit", data={"name": "birthday", "body": "Thanks!"}
    )

    assert response.status_code == 422
    assert "There is already a template called birthday." in response.get_data(as_text=True)
    assert template_named(db, "Thanks").body == "Thank you."


def test_an_unknown_placeholder_in_an_edit_is_refused_and_nothing_changes(client, db, admin):
    template = add_template(admin, "Thanks", "Thank you, {first_name}.")
    db.session.commit()

    response = client.post(
        f"/admin/message-templates/{template.id}/edit",
        data={"name": "Thanks", "body": "Thank you, {nickname}."},
    )

    assert response.status_code == 422
    assert "Unknown placeholder {nickname}." in response.get_data(as_text=True)
    assert template_named(db, "Thanks").body == "Thank you, {first_name}."
    assert audit_events(db, "update", template.id) == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/admin/message-templates/987654/edit"),
        ("POST", "/admin/message-templates/987654/edit"),
        ("POST", "/admin/message-templates/987654/delete"),
    ],
)
def test_an_unknown_template_is_404(client, db, admin, method, path):
    response = client.open(path, method=method, data={"name": "X", "body": "Y"})

    assert response.status_code == 404
    assert template_count(db) == 0


# --- deleting -------------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_first(client, db, admin):
    add_template(admin, "Birthday", "Happy birthday!")
    db.session.commit()

    page = client.get("/admin/message-templates").get_data(as_text=True)

    assert "Delete the template “Birthday”?" in page
    assert 'data-confirm="Delete the template “Birthday”?' in page


def test_admin_deletes_a_template(client, db, admin):
    template = add_template(admin, "Birthday", "Happy birthday!")
    kept = add_template(admin, "Thanks", "Thank you.")
    db.session.commit()

    response = client.post(f"/admin/message-templates/{template.id}/delete")

    assert response.status_code == 303
    assert template_named(db, "Birthday") is None
    assert template_named(db, "Thanks").id == kept.id
    [event] = audit_events(db, "delete", template.id)
    assert event.user_id == admin.id
    page = client.get("/admin/message-templates").get_data(as_text=True)
    assert "Template Birthday was deleted." in page
    assert "Happy birthday!" not in page


def test_delete_is_post_only(client, db, admin):
    template = add_template(admin, "Birthday", "Happy birthday!")
    db.session.commit()

    response = client.get(f"/admin/message-templates/{template.id}/delete")

    assert response.status_code == 405
    assert template_named(db, "Birthday") is not None
