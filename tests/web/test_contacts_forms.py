"""Creating, editing, archiving and restoring contacts through the HTML forms."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from sqlalchemy import func, select

from tests import factories
from webapp import access
from webapp.extensions import db as _db
from webapp.models import AuditEvent, Contact, ContactEmail, PermissionOverride


def contact_count() -> int:
    return _db.session.scalar(select(func.count(Contact.id)))


def events_for(contact_id: int) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(
        AuditEvent.object_type == "contact", AuditEvent.object_id == contact_id
    )
    return list(_db.session.scalars(stmt.order_by(AuditEvent.id)))


def reloaded(contact_id: int) -> Contact:
    _db.session.expire_all()
    return _db.session.get(Contact, contact_id)


def error_next_to(html: str, field_id: str) -> str:
    """The error message shown under the field with ``field_id``, or '' if there is none."""
    found = re.search(rf'<div id="{re.escape(field_id)}-error" class="[^"]*">([^<]*)</div>', html)
    return html_lib.unescape(found.group(1)) if found else ""


def company_links_error(html: str) -> str:
    found = re.search(r'<div id="company-links-error"[^>]*>([^<]*)</div>', html)
    return html_lib.unescape(found.group(1)) if found else ""


@pytest.fixture
def companies(db):
    return factories.CompanyFactory(name="Acme Ltd"), factories.CompanyFactory(name="Globex plc")


def good_form(companies, **overrides) -> dict:
    acme, globex = companies
    form = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "title": "Chief Analyst",
        "stage": "qualified",
        "owner_id": "",
        "emails": "Ada@Engines.example\nada.home@example.org",
        "phones": "020 7946 0958\n+1 415 555 0100",
        "company_links-0-company_id": str(acme.id),
        "company_links-0-role": "CTO",
        "company_links-0-is_primary": "y",
        "company_links-1-company_id": str(globex.id),
        "company_links-1-role": "Adviser",
        "company_links-2-company_id": "",
        "company_links-2-role": "",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


# --- create --------------------------------------------------------------------------------------


def test_new_contact_form_defaults_the_owner_to_me_and_offers_a_blank_company_row(
    client, login_as, companies
):
    me = login_as("member", name="Mona Member")
    response = client.get("/contacts/new")
    assert response.status_code == 200
    assert f'<option selected value="{me.id}">Mona Member</option>' in response.text
    assert 'name="company_links-0-company_id"' in response.text
    assert 'name="company_links-1-company_id"' not in response.text
    for label in ("First name", "Last name", "Job title", "Stage", "Owner", "Emails"):
        assert f">{label}</label>" in response.text
    assert "International format" in response.text


def test_create_saves_the_contact_with_emails_phones_and_links(client, login_as, companies):
    me = login_as("member")
    response = client.post("/contacts/new", data=good_form(companies, owner_id=str(me.id)))
    assert response.status_code == 303
    contact_id = int(response.headers["Location"].rsplit("/", 1)[1])
    contact = reloaded(contact_id)
    assert (contact.first_name, contact.last_name, contact.title) == (
        "Ada",
        "Lovelace",
        "Chief Analyst",
    )
    assert contact.stage == "qualified"
    assert contact.owner_id == me.id
    assert [e.email for e in contact.emails] == ["ada@engines.example", "ada.home@example.org"]
    assert [p.number for p in contact.phones] == ["+442079460958", "+14155550100"]
    links = [(link.company.name, link.role, link.is_primary) for link in contact.company_links]
    assert links == [("Acme Ltd", "CTO", True), ("Globex plc", "Adviser", False)]
    [event] = events_for(contact_id)
    assert (event.action, event.user_id) == ("create", me.id)
    assert event.changes["first_name"] == {"before": None, "after": "Ada"}


def test_create_redirects_to_the_contact_page_with_a_message(client, login_as, companies):
    login_as("member")
    response = client.post("/contacts/new", data=good_form(companies), follow_redirects=True)
    assert response.status_code == 200
    assert "Ada Lovelace added." in response.text
    assert ">Ada Lovelace</h1>" in response.text


def test_create_with_only_a_first_name_is_enough(client, login_as, db):
    login_as("member")
    response = client.post("/contacts/new", data={"first_name": "Cher", "stage": "new"})
    assert response.status_code == 303
    assert contact_count() == 1


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"first_name": "  "}, "first_name", "Give the contact's first name."),
        ({"first_name": None}, "first_name", "Give the contact's first name."),
        ({"last_name": "x" * 121}, "last_name", "Field cannot be longer than 120 characters."),
        ({"title": "x" * 201}, "title", "Field cannot be longer than 200 characters."),
        ({"stage": "enemy"}, "stage", "Not a valid choice."),
        ({"owner_id": "999999"}, "owner_id", "Not a valid choice."),
        ({"owner_id": "me"}, "owner_id", "Invalid Choice: could not coerce."),
        ({"emails": "ada@engines.example\nnot-an-email"}, "emails", "not-an-email is not a valid"),
        ({"phones": "12345"}, "phones", "12345 is not a valid phone number."),
        ({"phones": "call me"}, "phones", "call me is not a phone number."),
        (
            {"company_links-0-company_id": "999999"},
            "company_links-0-company_name",
            "That company is not in Rapport any more: pick another.",
        ),
        ({"company_links-1-role": "x" * 121}, "company_links-1-role", "Field cannot be longer"),
    ],
    ids=[
        "blank first name",
        "missing first name",
        "long last name",
        "long title",
        "unknown stage",
        "unknown owner",
        "owner not an id",
        "bad email",
        "too short phone",
        "not a phone",
        "unknown company",
        "long role",
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(
    client, login_as, companies, overrides, field_id, message
):
    login_as("member")
    response = client.post("/contacts/new", data=good_form(companies, **overrides))
    assert response.status_code == 422
    assert message in error_next_to(response.text, field_id)
    assert 'aria-invalid="true"' in response.text
    assert contact_count() == 0
    assert _db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_email_already_used_by_another_contact_is_refused(client, login_as, companies):
    login_as("member")
    factories.ContactEmailFactory(email="ada@engines.example")
    _db.session.commit()
    response = client.post("/contacts/new", data=good_form(companies))
    assert response.status_code == 422
    assert "ada@engines.example already belongs to another contact." in error_next_to(
        response.text, "emails"
    )
    assert contact_count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"company_links-1-is_primary": "y"}, "Only one company can be the primary one."),
        (
            {"company_links-1-company_id": "{acme}"},
            "Link each company once.",
        ),
    ],
    ids=["two primary companies", "same company twice"],
)
def test_company_link_rules_are_shown_above_the_rows_and_nothing_is_saved(
    client, login_as, companies, overrides, message
):
    login_as("member")
    overrides = {k: v.format(acme=companies[0].id) for k, v in overrides.items()}
    response = client.post("/contacts/new", data=good_form(companies, **overrides))
    assert response.status_code == 422
    assert message in company_links_error(response.text)
    assert contact_count() == 0


def test_every_problem_is_reported_at_once(client, login_as, companies):
    login_as("member")
    data = good_form(companies, emails="nope", phones="nope", **{"company_links-1-is_primary": "y"})
    response = client.post("/contacts/new", data=data)
    assert response.status_code == 422
    assert error_next_to(response.text, "emails")
    assert error_next_to(response.text, "phones")
    assert company_links_error(response.text)


def test_the_form_keeps_what_was_typed_after_an_error(client, login_as, companies):
    login_as("member")
    response = client.post("/contacts/new", data=good_form(companies, phones="nope"))
    assert 'value="Chief Analyst"' in response.text
    assert "ada.home@example.org" in response.text
    assert 'name="company_links-2-company_id"' in response.text, "a blank row is still offered"


def test_add_another_company_adds_a_row_without_saving(client, login_as, companies):
    login_as("member")
    data = good_form(companies)
    del data["company_links-2-company_id"], data["company_links-2-role"]
    response = client.post("/contacts/new", data={**data, "add_link": "1"})
    assert response.status_code == 200
    assert 'name="company_links-2-company_id"' in response.text
    assert 'name="company_links-3-company_id"' not in response.text
    assert contact_count() == 0


# --- edit ----------------------------------------------------------------------------------------


@pytest.fixture
def ada(client, login_as, companies):
    """Ada, created through the form by a signed-in member."""
    me = login_as("member", name="Mona Member")
    response = client.post("/contacts/new", data=good_form(companies, owner_id=str(me.id)))
    return reloaded(int(response.headers["Location"].rsplit("/", 1)[1]))


def test_edit_form_starts_with_the_contact_values_and_a_blank_row(client, ada, companies):
    response = client.get(f"/contacts/{ada.id}/edit")
    assert response.status_code == 200
    html = response.text
    assert 'value="Lovelace"' in html
    assert "ada@engines.example\nada.home@example.org" in html
    assert "+44 20 7946 0958\n+1 415-555-0100" in html
    assert f'name="company_links-0-company_id" value="{companies[0].id}"' in html
    assert 'name="company_links-0-company_name" value="Acme Ltd"' in html
    assert 'name="company_links-2-company_id"' in html
    assert 'name="company_links-0-remove"' in html
    assert 'name="company_links-2-remove"' not in html


def test_edit_changes_fields_and_records_before_and_after(client, ada):
    data = {
        "first_name": "Ada",
        "last_name": "King",
        "title": "Countess",
        "stage": "customer",
        "owner_id": str(ada.owner_id),
        "emails": "ada@engines.example",
        "phones": "+442079460958",
        "company_links-0-company_id": str(ada.company_links[0].company_id),
        "company_links-0-role": "CTO",
        "company_links-0-is_primary": "y",
    }
    response = client.post(f"/contacts/{ada.id}/edit", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/contacts/{ada.id}"
    contact = reloaded(ada.id)
    assert (contact.last_name, contact.title, contact.stage) == ("King", "Countess", "customer")
    assert [e.email for e in contact.emails] == ["ada@engines.example"]
    assert len(contact.company_links) == 1
    update = events_for(ada.id)[-1]
    assert update.action == "update"
    assert update.changes["last_name"] == {"before": "Lovelace", "after": "King"}
    assert update.changes["title"] == {"before": "Chief Analyst", "after": "Countess"}
    assert update.changes["emails"]["before"] == ["ada@engines.example", "ada.home@example.org"]


def test_edit_removes_a_company_link_ticked_for_removal(client, ada):
    form = client.get(f"/contacts/{ada.id}/edit")
    assert form.status_code == 200
    data = {
        "first_name": "Ada",
        "stage": "qualified",
        "emails": "ada@engines.example",
        "company_links-0-company_id": str(ada.company_links[0].company_id),
        "company_links-0-is_primary": "y",
        "company_links-1-company_id": str(ada.company_links[1].company_id),
        "company_links-1-remove": "y",
    }
    assert client.post(f"/contacts/{ada.id}/edit", data=data).status_code == 303
    assert [link.company.name for link in reloaded(ada.id).company_links] == ["Acme Ltd"]


def test_edit_keeps_the_contacts_own_emails_without_a_conflict(client, ada):
    data = {
        "first_name": "Ada",
        "stage": "new",
        "emails": "ada.home@example.org\nada@engines.example",
    }
    assert client.post(f"/contacts/{ada.id}/edit", data=data).status_code == 303
    assert [e.email for e in reloaded(ada.id).emails] == [
        "ada.home@example.org",
        "ada@engines.example",
    ]


def test_edit_with_an_email_of_another_contact_is_refused_and_changes_nothing(client, ada):
    factories.ContactEmailFactory(email="taken@example.org")
    _db.session.commit()
    data = {"first_name": "Changed", "stage": "new", "emails": "taken@example.org"}
    response = client.post(f"/contacts/{ada.id}/edit", data=data)
    assert response.status_code == 422
    assert "already belongs to another contact" in error_next_to(response.text, "emails")
    contact = reloaded(ada.id)
    assert contact.first_name == "Ada"
    assert [e.email for e in contact.emails] == ["ada@engines.example", "ada.home@example.org"]
    assert [e.action for e in events_for(ada.id)] == ["create"]


def test_edit_of_unknown_contact_is_404(client, login_as, db):
    login_as("member")
    assert client.get("/contacts/999999/edit").status_code == 404
    assert client.post("/contacts/999999/edit", data={"first_name": "X"}).status_code == 404


# --- archive and restore -------------------------------------------------------------------------


def test_archive_hides_the_contact_and_returns_to_the_list(client, ada):
    response = client.post(f"/contacts/{ada.id}/archive")
    assert response.status_code == 303
    assert response.headers["Location"] == "/contacts"
    assert reloaded(ada.id).archived_at is not None
    assert events_for(ada.id)[-1].action == "archive"
    listing = client.get("/contacts")
    assert "Ada Lovelace archived." in listing.text
    assert f'href="/contacts/{ada.id}"' not in listing.text


def test_restore_brings_the_contact_back(client, ada):
    client.post(f"/contacts/{ada.id}/archive")
    response = client.post(f"/contacts/{ada.id}/restore")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/contacts/{ada.id}"
    assert reloaded(ada.id).archived_at is None
    assert [e.action for e in events_for(ada.id)] == ["create", "archive", "restore"]
    assert f'href="/contacts/{ada.id}"' in client.get("/contacts").text


def test_archive_or_restore_of_unknown_contact_is_404(client, login_as, db):
    login_as("member")
    assert client.post("/contacts/999999/archive").status_code == 404
    assert client.post("/contacts/999999/restore").status_code == 404


def test_archive_is_post_only(client, ada):
    assert client.get(f"/contacts/{ada.id}/archive").status_code == 405
    assert reloaded(ada.id).archived_at is None


# --- who may write -------------------------------------------------------------------------------


@pytest.fixture
def read_only_member(login_as):
    user = login_as("member")
    _db.session.add(
        PermissionOverride(user=user, permission=access.RELATIONSHIPS_UPDATE, granted=False)
    )
    _db.session.commit()
    return user


def test_member_without_update_permission_cannot_create(client, read_only_member, companies):
    assert client.get("/contacts/new").status_code == 403
    assert client.post("/contacts/new", data=good_form(companies)).status_code == 403
    assert contact_count() == 0
    assert _db.session.scalar(select(func.count(ContactEmail.id))) == 0


def test_member_without_update_permission_cannot_edit_archive_or_restore(client, read_only_member):
    contact = factories.ContactFactory(first_name="Kept")
    _db.session.commit()
    assert client.get(f"/contacts/{contact.id}/edit").status_code == 403
    data = {"first_name": "Changed", "stage": "new"}
    assert client.post(f"/contacts/{contact.id}/edit", data=data).status_code == 403
    assert client.post(f"/contacts/{contact.id}/archive").status_code == 403
    assert client.post(f"/contacts/{contact.id}/restore").status_code == 403
    kept = reloaded(contact.id)
    assert (kept.first_name, kept.archived_at) == ("Kept", None)


def test_signed_out_visitors_cannot_write(client, db):
    contact = factories.ContactFactory(first_name="Kept")
    _db.session.commit()
    response = client.post("/contacts/new", data={"first_name": "Sneaky", "stage": "new"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert client.post(f"/contacts/{contact.id}/archive").status_code == 302
    assert contact_count() == 1
    assert reloaded(contact.id).archived_at is None
