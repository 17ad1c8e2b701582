"""The contact page's relationship profile: shown on the page, edited in place."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.records import reload
from tests.web.contact_page_builders import (
    HTMX,
    actor,
    control,
    field_error,
    section,
    visible_text,
)
from webapp.extensions import db as _db
from webapp.models import RelationshipProfile
from webapp.services import calendar, profiles


@pytest.fixture(autouse=True)
def frozen_time(monkeypatch):
    """Noon UTC on 1 March 2027, for everyone."""
    monkeypatch.setattr(calendar, "now", lambda: datetime(2027, 3, 1, 12, tzinfo=UTC))


# --- the page -------------------------------------------------------------------------------------


def test_contact_page_shows_the_whole_profile_and_the_preferred_name_in_the_heading(
    client, me, robert
):
    profiles.update_profile(
        actor(me),
        robert.id,
        {
            "preferred_name": "Bob",
            "communication_preference": "whatsapp",
            "communication_notes": "Mornings only",
            "birthday": "1985-03-14",
            "interests": ["Golf", "Jazz"],
            "dietary_requirements": "Vegetarian",
            "assistant_name": "Jo Hart",
            "assistant_email": "jo@client.example",
            "home_address": "1 High Street",
            "whatsapp_number": "+14155550100",
            "twilio_opt_in": True,
            "personal_notes": "Two daughters",
        },
    )
    _db.session.commit()
    html = client.get(f"/contacts/{robert.id}").text
    assert '<h1 class="text-break">Bob Smith</h1>' in html
    assert "Full name: </span>Robert Smith" in html
    card = visible_text(section(html, "relationship-profile"))
    for shown in (
        "Prefers to be contacted by WhatsApp",
        "Mornings only",
        "Birthday 14 March 1985",
        "Vegetarian",
        "Jo Hart",
        "jo@client.example",
        "1 High Street",
        "+44 20 7946 0958",  # copied from the contact on first view
        "+1 415-555-0100",
        "Opted in",
        "Two daughters",
    ):
        assert shown in card, shown
    assert '<span class="badge badge-soft">Golf</span>' in html
    assert '<span class="badge badge-soft">Jazz</span>' in html


def test_first_view_creates_the_profile_with_the_contacts_phone(client, me, robert):
    assert client.get(f"/contacts/{robert.id}").status_code == 200
    _db.session.expire_all()
    stored = _db.session.scalars(
        select(RelationshipProfile).where(RelationshipProfile.contact_id == robert.id)
    ).one()
    assert stored.phone_number == "+442079460958"


# --- relationship profile -------------------------------------------------------------------------


def profile_post(**fields) -> dict:
    return {f"profile-{name}": value for name, value in fields.items()}


def test_edit_button_opens_the_form_as_a_fragment_filled_from_the_profile(client, me, robert):
    profiles.update_profile(actor(me), robert.id, {"birthday": "1985-03-14", "interests": ["Golf"]})
    _db.session.commit()
    page = client.get(f"/contacts/{robert.id}").text
    assert f'hx-get="/contacts/{robert.id}/profile/edit"' in page
    response = client.get(f"/contacts/{robert.id}/profile/edit", headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section id="relationship-profile"')
    assert 'value="1985-03-14"' in control(response.text, "profile-birthday")
    assert 'value="Golf"' in control(response.text, "profile-interests")
    assert 'value="+44 20 7946 0958"' in control(response.text, "profile-phone_number")


def test_profile_edit_without_htmx_is_the_whole_page_with_the_form_open(client, me, robert):
    html = client.get(f"/contacts/{robert.id}/profile/edit").text
    assert "<html" in html and "Edit relationship profile" in html
    assert '<section id="life-events"' in html


def test_saving_the_profile_shows_the_card_and_the_new_heading(client, me, robert):
    response = client.post(
        f"/contacts/{robert.id}/profile",
        data=profile_post(
            preferred_name="Bob",
            birthday="07-04",
            interests="Golf, sailing , ,golf",
            phone_number="020 7946 0000",
            twilio_opt_in="y",
            communication_preference="email",
        ),
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html
    assert "Birthday 4 July Dietary" in visible_text(html)
    heading = re.search(r'<div id="contact-heading"[^>]*>', html)
    assert heading and 'hx-swap-oob="true"' in heading.group(0)
    assert '<h1 class="text-break">Bob Smith</h1>' in html
    stored = reload(_db, profiles.profile_for(actor(me), robert.id))
    assert stored.preferred_name == "Bob"
    assert stored.interests == ["Golf", "sailing"]
    assert (stored.birthday_month, stored.birthday_day, stored.birthday_year) == (7, 4, None)
    assert stored.phone_number == "+442079460000"
    assert stored.twilio_opt_in is True
    assert stored.communication_preference == "email"


def test_invalid_profile_comes_back_with_errors_by_the_fields_and_saves_nothing(client, me, robert):
    response = client.post(
        f"/contacts/{robert.id}/profile",
        data=profile_post(preferred_name="Bob", birthday="02-30", assistant_email="nope"),
        headers=HTMX,
    )
    assert response.status_code == 422
    html = response.text
    assert html.lstrip().startswith('<section id="relationship-profile"')
    assert "02-30 is not a day of the year." in field_error(html, "profile-birthday")
    assert "nope is not a valid email address." in field_error(html, "profile-assistant_email")
    assert 'aria-invalid="true"' in control(html, "profile-birthday")
    assert 'value="Bob"' in control(html, "profile-preferred_name"), "what was typed stays"
    stored = reload(_db, profiles.profile_for(actor(me), robert.id))
    assert stored.preferred_name is None
    assert stored.birthday_month is None


def test_saving_the_profile_without_htmx_redirects_to_the_page(client, me, robert):
    response = client.post(f"/contacts/{robert.id}/profile", data=profile_post(preferred_name="B"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/contacts/{robert.id}#relationship-profile")


def test_invalid_profile_without_htmx_is_the_whole_page_with_the_errors(client, me, robert):
    response = client.post(f"/contacts/{robert.id}/profile", data=profile_post(birthday="99"))
    assert response.status_code == 422
    assert "<html" in response.text and "Edit relationship profile" in response.text
    assert "99 is not a date" in field_error(response.text, "profile-birthday")


def test_cancel_returns_the_card(client, me, robert):
    response = client.get(f"/contacts/{robert.id}/profile", headers=HTMX)
    assert response.status_code == 200
    assert "Relationship profile</h2>" in response.text
    assert "<form" not in response.text
