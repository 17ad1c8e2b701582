"""Admin: inbound messages from unknown numbers, and filing each under the contact who sent it."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import select

from tests import factories
from webapp import access
from webapp.models import AuditEvent, Message
from webapp.services import inbound_messages, profiles
from webapp.web import admin_messages

KNOWN = "+447911123456"
STRANGER = "+447911654321"
OTHER_STRANGER = "+14155552671"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def admin(login_as):
    return login_as("executive", name="Ada Admin", is_admin=True)


@pytest.fixture
def robert(db):
    """Robert Smith at Analytical Engines, whose number is KNOWN."""
    contact = factories.ContactFactory(first_name="Robert", last_name="Smith")
    factories.ContactPhoneFactory(contact=contact, number=KNOWN)
    engines = factories.CompanyFactory(name="Analytical Engines")
    factories.ContactCompanyLinkFactory(contact=contact, company=engines)
    db.session.commit()
    return contact


def receive(db, from_number: str, body: str, *, channel: str = "sms", media=()) -> Message:
    """An inbound message as Twilio's webhook delivers it."""
    prefix = "whatsapp:" if channel == "whatsapp" else ""
    fields = {
        "MessageSid": "SM" + secrets.token_hex(16),
        "From": prefix + from_number,
        "To": prefix + "+15005550006",
        "Body": body,
        "NumMedia": str(len(media)),
    }
    fields.update({f"MediaUrl{i}": url for i, url in enumerate(media)})
    message = inbound_messages.receive(fields)
    db.session.commit()
    return message


def reload(db, message: Message) -> Message:
    db.session.expire_all()
    return db.session.get(Message, message.id)


def row_of(page: str, message: Message) -> str:
    """The part of the page about one message: up to the next message, or the end."""
    start = page.index(f'id="unmatched-{message.id}"')
    end = page.find('class="card shadow-sm unmatched-message"', start)
    return page[start : end if end != -1 else page.index("</main>")]


# --- who gets in ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/admin/messages/unmatched"),
        ("GET", "/admin/messages/unmatched/{id}/contacts?q=Rob"),
        ("POST", "/admin/messages/unmatched/{id}/assign"),
    ],
)
@pytest.mark.parametrize("role", ["member", "manager", "executive"])
def test_people_without_admin_get_403_and_file_nothing(
    client, db, login_as, robert, method, path, role
):
    message = receive(db, STRANGER, "Hello?")
    login_as(role)

    response = client.open(
        path.format(id=message.id), method=method, data={"contact_id": str(robert.id)}
    )

    assert response.status_code == 403
    assert reload(db, message).contact_id is None


# --- the list -------------------------------------------------------------------------------------


def test_list_shows_only_messages_from_numbers_no_contact_has(client, db, admin, robert):
    receive(db, KNOWN, "This is Robert")
    stranger = receive(db, STRANGER, "Who is this?")

    page = client.get("/admin/messages/unmatched").get_data(as_text=True)

    assert "Who is this?" in page and "+44 7911 654321" in page
    assert "This is Robert" not in page and "+44 7911 123456" not in page
    assert f'id="unmatched-{stranger.id}"' in page


def test_each_message_shows_its_channel_time_body_and_media_links(client, db, admin):
    media = ("https://media.example/a.jpg", "https://media.example/b.jpg")
    picture = receive(db, STRANGER, "Look at this", media=media)
    chat = receive(db, OTHER_STRANGER, "Hi on WhatsApp", channel="whatsapp")

    page = client.get("/admin/messages/unmatched").get_data(as_text=True)

    picture_row, chat_row = row_of(page, picture), row_of(page, chat)
    assert "MMS" in picture_row and "Look at this" in picture_row
    assert 'href="https://media.example/a.jpg"' in picture_row
    assert 'href="https://media.example/b.jpg"' in picture_row
    assert f'<time datetime="{picture.created_at.isoformat()}">' in picture_row
    assert "WhatsApp" in chat_row and "+1 415-555-2671" in chat_row
    assert "media.example" not in chat_row


def test_newest_message_comes_first_and_the_list_pages(client, db, admin, monkeypatch):
    monkeypatch.setattr(admin_messages, "UNMATCHED_PER_PAGE", 2)
    for n in range(3):
        receive(db, STRANGER, f"Message {n}")

    first = client.get("/admin/messages/unmatched").get_data(as_text=True)
    second = client.get("/admin/messages/unmatched?page=2").get_data(as_text=True)

    assert first.index("Message 2") < first.index("Message 1")
    assert "Message 0" not in first
    assert "Page 1 of 2 · 3 in all" in first
    assert "Message 0" in second and "Message 2" not in second


def test_a_page_past_the_end_shows_the_last_page(client, db, admin, monkeypatch):
    monkeypatch.setattr(admin_messages, "UNMATCHED_PER_PAGE", 2)
    for n in range(3):
        receive(db, STRANGER, f"Message {n}")

    page = client.get("/admin/messages/unmatched?page=9").get_data(as_text=True)

    assert "Message 0" in page and "Page 2 of 2" in page


def test_empty_list_says_every_message_belongs_to_a_contact(client, db, admin, robert):
    receive(db, KNOWN, "This is Robert")

    response = client.get("/admin/messages/unmatched")

    assert response.status_code == 200
    assert "No unmatched messages." in response.get_data(as_text=True)


def test_a_message_through_twilios_webhook_from_an_unknown_number_is_listed(
    client, db, admin, fake_twilio
):
    _sid, status = fake_twilio.send_inbound(STRANGER, "Sent through the webhook")

    page = client.get("/admin/messages/unmatched").get_data(as_text=True)

    assert status == 200
    assert "Sent through the webhook" in page and "+44 7911 654321" in page


def test_the_admin_tab_counts_the_messages_waiting(client, db, admin, robert):
    receive(db, STRANGER, "One")
    receive(db, OTHER_STRANGER, "Two")
    receive(db, KNOWN, "Robert's, not counted")

    page = client.get("/admin/users").get_data(as_text=True)

    assert 'href="/admin/messages/unmatched"' in page
    assert '<span class="badge rounded-pill text-bg-danger ms-1" id="unmatched-count">2<' in page


def test_the_admin_tab_shows_no_count_when_nothing_waits(client, db, admin):
    page = client.get("/admin/messages/unmatched").get_data(as_text=True)

    assert 'id="unmatched-count"' not in page


def test_the_list_runs_the_same_number_of_queries_however_many_messages(
    client, db, admin, count_queries
):
    def queries() -> int:
        client.get("/admin/messages/unmatched")
        with count_queries() as statements:
            response = client.get("/admin/messages/unmatched")
        assert response.status_code == 200
        return len(statements)

    receive(db, STRANGER, "Only one", media=("https://media.example/1.jpg",))
    one = queries()
    for n in range(8):
        number = STRANGER if n % 2 else OTHER_STRANGER
        channel = "whatsapp" if n % 3 == 0 else "sms"
        receive(db, number, f"More {n}", channel=channel, media=("https://media.example/x.jpg",))
    many = queries()

    assert many == one


# --- finding the contact --------------------------------------------------------------------------


def test_contact_search_finds_contacts_by_name_with_company_and_phone(client, db, admin, robert):
    factories.ContactFactory(first_name="Alice", last_name="Jones")
    message = receive(db, STRANGER, "Hello")

    response = client.get(
        f"/admin/messages/unmatched/{message.id}/contacts?q=robert smi", headers=HTMX
    )

    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "Robert Smith" in fragment and "Analytical Engines" in fragment
    assert "+44 7911 123456" in fragment
    assert "Alice Jones" not in fragment
    assert f'action="/admin/messages/unmatched/{message.id}/assign"' in fragment
    assert f'name="contact_id" value="{robert.id}"' in fragment


def test_contact_search_without_text_asks_for_some_and_without_matches_says_so(
    client, db, admin, robert
):
    message = receive(db, STRANGER, "Hello")
    url = f"/admin/messages/unmatched/{message.id}/contacts"

    empty = client.get(url + "?q=", headers=HTMX).get_data(as_text=True)
    nothing = client.get(url + "?q=Zebedee", headers=HTMX).get_data(as_text=True)

    assert "Type a name, email or company" in empty and "Robert Smith" not in empty
    assert "No contacts match “Zebedee”." in nothing


def test_contact_search_without_htmx_opens_the_choices_under_that_message(
    client, db, admin, robert
):
    other = receive(db, OTHER_STRANGER, "Another one")
    message = receive(db, STRANGER, "Hello")

    response = client.get(f"/admin/messages/unmatched/{message.id}/contacts?q=Robert")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Robert Smith" in row_of(page, message)
    assert "Robert Smith" not in row_of(page, other)
    assert 'value="Robert"' in row_of(page, message)


def test_contact_search_for_an_unknown_message_is_404(client, db, admin, robert):
    response = client.get("/admin/messages/unmatched/987654/contacts?q=Rob", headers=HTMX)

    assert response.status_code == 404


# --- assigning ------------------------------------------------------------------------------------


def test_assigning_files_the_message_under_the_contact(client, db, admin, robert):
    message = receive(db, STRANGER, "It's Robert, on my new phone")
    waiting = receive(db, OTHER_STRANGER, "Still waiting")

    response = client.post(
        f"/admin/messages/unmatched/{message.id}/assign", data={"contact_id": str(robert.id)}
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/messages/unmatched"
    assert reload(db, message).contact_id == robert.id
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "assign", AuditEvent.object_id == message.id)
    )
    assert event.user_id == admin.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'filed under <a href="/contacts/{robert.id}">Robert Smith</a>' in page
    assert "It&#39;s Robert, on my new phone" not in page
    assert f'id="unmatched-{waiting.id}"' in page


def test_assigning_returns_to_the_page_the_admin_was_on(client, db, admin, robert, monkeypatch):
    monkeypatch.setattr(admin_messages, "UNMATCHED_PER_PAGE", 1)
    oldest = receive(db, STRANGER, "Oldest")
    receive(db, STRANGER, "Newest")

    response = client.post(
        f"/admin/messages/unmatched/{oldest.id}/assign",
        data={"contact_id": str(robert.id), "page": "2"},
    )

    assert response.headers["Location"] == "/admin/messages/unmatched?page=2"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Newest" in page  # page 2 is gone: the last page shows


def test_assigning_a_stop_message_opts_the_contact_out(client, db, admin, robert):
    profiles.update_profile(access.actor_for_user(admin), robert.id, {"twilio_opt_in": True})
    message = receive(db, STRANGER, "STOP")

    response = client.post(
        f"/admin/messages/unmatched/{message.id}/assign", data={"contact_id": str(robert.id)}
    )

    assert response.status_code == 303
    db.session.expire_all()
    assert profiles.find_profile(robert.id).twilio_opt_in is False
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "they are now opted out of messages" in page


def test_assigning_an_already_assigned_message_is_refused_with_the_reason(
    client, db, admin, robert
):
    alice = factories.ContactFactory(first_name="Alice", last_name="Jones")
    message = receive(db, STRANGER, "Hello")
    url = f"/admin/messages/unmatched/{message.id}/assign"
    client.post(url, data={"contact_id": str(robert.id)})

    response = client.post(url, data={"contact_id": str(alice.id)})

    assert response.status_code == 409
    assert "This message already belongs to a contact." in response.get_data(as_text=True)
    assert reload(db, message).contact_id == robert.id


def test_assigning_to_an_unknown_contact_is_an_error_on_the_list(client, db, admin):
    message = receive(db, STRANGER, "Hello")

    response = client.post(
        f"/admin/messages/unmatched/{message.id}/assign", data={"contact_id": "987654"}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "No contact with id 987654." in page
    assert f'id="unmatched-{message.id}"' in page
    assert reload(db, message).contact_id is None


@pytest.mark.parametrize("contact_id", [None, "", "abc", "-3", "99999999999999999999"])
def test_assigning_without_a_contact_asks_for_one(client, db, admin, contact_id):
    message = receive(db, STRANGER, "Hello")
    form = {} if contact_id is None else {"contact_id": contact_id}

    response = client.post(f"/admin/messages/unmatched/{message.id}/assign", data=form)

    assert response.status_code == 422
    assert "Choose a contact." in response.get_data(as_text=True)
    assert reload(db, message).contact_id is None


def test_assigning_an_unknown_message_is_404(client, db, admin, robert):
    response = client.post(
        "/admin/messages/unmatched/987654/assign", data={"contact_id": str(robert.id)}
    )

    assert response.status_code == 404
    assert "No inbound message with id 987654." in response.get_data(as_text=True)
