"""Tags and a LinkedIn address on contacts: written by the form (and imports), shown on the
contact page and the list, filterable, and never wiped by a write that does not name them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from tests.web.test_contacts_forms import error_next_to, reloaded
from webapp import access
from webapp.extensions import db as _db
from webapp.models import Contact
from webapp.services import contacts
from webapp.services.contacts import ContactInput


@pytest.fixture
def me(login_as):
    return login_as("member", name="Mo Member")


def form(**overrides) -> dict:
    return {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "stage": "new",
        "owner_id": "",
    } | overrides


def test_the_form_saves_tags_and_a_linkedin_address_in_one_spelling(client, me):
    response = client.post(
        "/contacts/new",
        data=form(tags="Friends, conference 2026 ,friends", linkedin_url="linkedin.com/in/Ada-L/"),
    )

    assert response.status_code == 303
    ada = _db.session.scalars(select(Contact)).one()
    assert ada.tag_names == ["conference 2026", "Friends"]
    assert ada.linkedin_url == "https://www.linkedin.com/in/ada-l"
    page = client.get(f"/contacts/{ada.id}").get_data(as_text=True)
    assert 'href="/contacts?tag=Friends"' in page
    assert 'href="https://www.linkedin.com/in/ada-l"' in page


def test_an_address_that_is_not_linkedin_is_a_form_error(client, me):
    response = client.post("/contacts/new", data=form(linkedin_url="https://example.com/ada"))

    assert response.status_code == 422
    message = error_next_to(response.get_data(as_text=True), "linkedin_url")
    assert message == "https://example.com/ada is not a LinkedIn profile address."


def test_a_linkedin_address_belongs_to_one_contact(client, me):
    factories.ContactFactory(first_name="Grace", linkedin_url="https://www.linkedin.com/in/ada-l")
    _db.session.commit()

    response = client.post(
        "/contacts/new", data=form(linkedin_url="https://www.linkedin.com/in/ada-l")
    )

    assert response.status_code in (409, 422)
    assert "already belongs to another contact" in response.get_data(as_text=True)


def test_the_list_filters_by_tag_and_shows_each_contacts_tags(client, me):
    actor = access.actor_for_user(me)
    contacts.create_contact(actor, ContactInput(first_name="Ada", tags=["Friends"]))
    contacts.create_contact(actor, ContactInput(first_name="Bob", tags=["Clients"]))
    _db.session.commit()

    page = client.get("/contacts?tag=Friends").get_data(as_text=True)

    assert '<option value="Friends" selected>Friends</option>' in page
    assert "Ada" in page
    assert "Bob" not in page
    assert '<span class="badge tag-badge">Friends</span>' in page


def test_editing_a_contact_keeps_its_tags_and_linkedin(client, me):
    actor = access.actor_for_user(me)
    ada = contacts.create_contact(
        actor,
        ContactInput(
            first_name="Ada", tags=["Friends"], linkedin_url="https://www.linkedin.com/in/ada"
        ),
    )
    _db.session.commit()

    edit_page = client.get(f"/contacts/{ada.id}/edit").get_data(as_text=True)
    assert 'value="Friends"' in edit_page
    client.post(
        f"/contacts/{ada.id}/edit",
        data=form(tags="Friends", linkedin_url="https://www.linkedin.com/in/ada", title="CTO"),
    )

    saved = reloaded(ada.id)
    assert (saved.title, saved.tag_names) == ("CTO", ["Friends"])


def test_a_records_api_patch_leaves_tags_and_linkedin_alone(api_client):
    api = api_client(role="member")
    actor = access.actor_for_user(api.user)
    ada = contacts.create_contact(
        actor,
        ContactInput(
            first_name="Ada", tags=["Friends"], linkedin_url="https://www.linkedin.com/in/ada"
        ),
    )
    _db.session.commit()

    response = api.patch(f"/api/v2/contact/{ada.id}", json={"attributes": {"title": "CTO"}})

    assert response.status_code == 200, response.text
    saved = reloaded(ada.id)
    assert saved.tag_names == ["Friends"]
    assert saved.linkedin_url == "https://www.linkedin.com/in/ada"
