"""Starting a message from a template, filled for the contact; messages in the recent history."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests import factories
from tests.api.message_helpers import opted_in_contact
from tests.api.relationship_helpers import action_for, freeze_today
from tests.web.contact_page_builders import HTMX, add_event, section, visible_text
from tests.web.conversation_builders import CONTACT_NUMBER
from webapp.extensions import db as _db
from webapp.messaging.fake_twilio import Failure
from webapp.models import MessageTemplate

GREETING = "Dear {preferred_name} ({first_name}) of {company_name}: {event_title}!"


@pytest.fixture(autouse=True)
def first_of_march(monkeypatch):
    freeze_today(monkeypatch, date(2027, 3, 1))


@pytest.fixture
def ada(db, me):
    """Ada Lovelace of Analytical Engines, opted in, with a mobile number."""
    contact = opted_in_contact(me, phone=CONTACT_NUMBER)
    engines = factories.CompanyFactory(name="Analytical Engines")
    factories.ContactCompanyLinkFactory(contact=contact, company=engines, is_primary=True)
    _db.session.commit()
    return contact


@pytest.fixture
def greeting(db):
    template = MessageTemplate(name="Greeting", body=GREETING)
    _db.session.add(template)
    _db.session.commit()
    return template


def filled(client, contact, template, **args) -> str:
    """The composer's text box as the draft endpoint answers it."""
    query = "&".join(f"{name}={value}" for name, value in args.items())
    response = client.get(
        f"/contacts/{contact.id}/messages/draft?template_id={template.id}&{query}", headers=HTMX
    )
    assert response.status_code == 200, response.text[:300]
    found = re.search(
        r'<textarea[^>]* id="message-body"[^>]*>\r?\n?(.*?)</textarea>', response.text
    )
    assert found, "the answer is not the message box"
    return found[1].replace("&#39;", "'")


def test_the_composer_offers_the_templates_to_start_from(client, me, ada, greeting):
    html = section(client.get(f"/contacts/{ada.id}?open=conversation").text, "conversation")
    assert f'<option value="{greeting.id}">Greeting</option>' in html
    assert f'hx-get="/contacts/{ada.id}/messages/draft"' in html
    assert 'hx-include="#message-auto_action_id"' in html


def test_without_templates_there_is_no_template_choice(client, me, ada):
    html = section(client.get(f"/contacts/{ada.id}?open=conversation").text, "conversation")
    assert "Start from a template" not in html


def test_a_template_fills_in_the_first_name_when_no_preferred_name_and_the_company(
    client, me, ada, greeting
):
    assert filled(client, ada, greeting) == "Dear Ada (Ada) of Analytical Engines: !"


def test_a_template_uses_the_preferred_name_and_the_next_life_event(client, me, ada, greeting):
    ada.relationship_profile.preferred_name = "Addie"
    _db.session.commit()
    add_event(me, ada, event_type="anniversary", title="Wedding anniversary", event_date="12-25")
    add_event(me, ada, event_type="promotion", title="Made partner", event_date="2027-03-20")
    add_event(me, ada, event_type="new_job", title="Joined the firm", event_date="2020-01-06")
    assert filled(client, ada, greeting) == "Dear Addie (Ada) of Analytical Engines: Made partner!"


def test_for_an_action_the_event_title_is_the_actions(client, me, ada, greeting):
    add_event(me, ada, event_type="promotion", title="Made partner", event_date="2027-03-20")
    action = action_for(me, ada, title="Birthday wishes", action_type="whatsapp")
    _db.session.commit()
    text = filled(client, ada, greeting, **{"message-auto_action_id": action.id})
    assert text == "Dear Ada (Ada) of Analytical Engines: Birthday wishes!"


def test_an_unknown_or_missing_template_is_404(client, me, ada):
    assert client.get(f"/contacts/{ada.id}/messages/draft?template_id=999999").status_code == 404
    assert client.get(f"/contacts/{ada.id}/messages/draft").status_code == 404


# --- messages in the recent history ---------------------------------------------------------------


def history_of(client, contact) -> str:
    html = client.get(f"/contacts/{contact.id}?open=conversation").text
    return visible_text(html[html.index('aria-labelledby="history-heading"') :])


def test_recent_history_lists_messages_sent_failed_and_received_not_status_callbacks(
    client, me, ada, fake_twilio
):
    send = {"message-channel": "sms", "message-body": "Lunch on Friday?"}
    client.post(f"/contacts/{ada.id}/messages", data=send, headers=HTMX)
    fake_twilio.fail_next(Failure(message="Unreachable"))
    client.post(f"/contacts/{ada.id}/messages", data=send, headers=HTMX)
    fake_twilio.send_status(fake_twilio.sent[0]["sid"], "delivered")
    fake_twilio.send_inbound(CONTACT_NUMBER, "Yes please")
    history = history_of(client, ada)
    assert history.count("Message sent by Mia Member Lunch on Friday?") == 2
    assert "Message not sent by Mia Member" in history
    assert "Message received from Ada" in history
    assert "the system" not in history
