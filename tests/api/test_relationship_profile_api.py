"""``GET``/``PATCH /api/relationships/contacts/:id/relationship`` (reference 002 profiles)."""

from __future__ import annotations

import pytest

from tests.api.relationship_helpers import (
    audit_events,
    client_contact,
    error_fields,
    error_of,
    freeze_today,
    names_field,
    profile_path,
    snapshot,
)
from webapp import access
from webapp.api import schemas
from webapp.extensions import db as _db
from webapp.models import RelationshipProfile
from webapp.services.api_keys import revoke_api_key

FIRST_PHONE = "+442079460958"
SECOND_PHONE = "+12127365000"


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def contact(db, api):
    person = client_contact(api.user, phones=(FIRST_PHONE, SECOND_PHONE))
    _db.session.commit()
    return person


@pytest.fixture
def twilio(app, monkeypatch):
    """Set the Twilio settings for one test; ``monkeypatch`` restores the app's config after."""

    def configure(sid: str = "", token: str = "", enabled: bool = True) -> None:
        monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", sid)
        monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", token)
        monkeypatch.setitem(app.config, "TWILIO_ENABLED", enabled)

    return configure


def profile_row(db, contact) -> RelationshipProfile | None:
    db.session.expire_all()
    return db.session.query(RelationshipProfile).filter_by(contact_id=contact.id).one_or_none()


def patch(api, contact, body):
    return api.patch(profile_path(contact.id), json=body)


# Reading


def test_first_read_creates_the_profile_with_the_contacts_first_phone(db, api, contact, twilio):
    twilio()
    response = api.get(profile_path(contact.id))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"profile", "twilio_connected"}
    schemas.ProfileResponse.model_validate(body)
    profile = body["profile"]
    assert profile["contact_id"] == str(contact.id)
    assert profile["phone_number"] == FIRST_PHONE
    assert profile["interests"] == []
    assert profile["birthday"] is None and profile["twilio_opt_in"] is False
    row = profile_row(db, contact)
    assert str(row.id) == profile["id"] and row.phone_number == FIRST_PHONE
    created = audit_events(db, "relationship_profile", row.id)
    assert [event.action for event in created] == ["create"]
    assert created[0].api_key_id == api.api_key.id


def test_a_second_read_returns_the_same_profile_without_writing(db, api, contact):
    first = api.get(profile_path(contact.id)).get_json()["profile"]
    before = snapshot(db)
    second = api.get(profile_path(contact.id)).get_json()["profile"]
    assert second["id"] == first["id"]
    assert snapshot(db) == before


def test_a_contact_without_a_phone_gets_a_profile_without_one(db, api):
    person = client_contact(api.user, "Grace", "Hopper", email=None)
    _db.session.commit()
    body = api.get(profile_path(person.id)).get_json()
    assert body["profile"]["phone_number"] is None


@pytest.mark.parametrize(
    ("sid", "token", "enabled", "connected"),
    [
        ("", "", True, False),
        ("AC123", "", True, False),
        ("", "secret", True, False),
        ("AC123", "secret", True, True),
        ("AC123", "secret", False, False),
    ],
)
def test_twilio_connected_needs_credentials_and_sending_enabled(
    api, contact, twilio, sid, token, enabled, connected
):
    twilio(sid, token, enabled)
    assert api.get(profile_path(contact.id)).get_json()["twilio_connected"] is connected


# Writing


def test_patch_sets_the_given_fields_and_returns_the_profile(db, api, contact):
    response = patch(
        api,
        contact,
        {
            "communication_preference": "whatsapp",
            "communication_notes": "  Mornings only ",
            "personal_notes": "Two children",
            "home_address": "12 St James's Square, London",
            "dietary_requirements": "Vegetarian",
            "preferred_name": "Addie",
            "assistant_name": "Charles",
            "assistant_email": "Charles@Analytical.Example",
            "twilio_opt_in": True,
        },
    )
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"profile"}
    schemas.ProfileUpdateResponse.model_validate(body)
    profile = body["profile"]
    assert profile["communication_preference"] == "whatsapp"
    assert profile["communication_notes"] == "Mornings only"
    assert profile["assistant_email"] == "charles@analytical.example"
    assert profile["twilio_opt_in"] is True
    row = profile_row(db, contact)
    assert row.preferred_name == "Addie" and row.dietary_requirements == "Vegetarian"
    assert row.home_address == "12 St James's Square, London" and row.twilio_opt_in is True


def test_patch_leaves_fields_it_was_not_sent_alone(db, api, contact):
    patch(api, contact, {"personal_notes": "Likes opera", "preferred_name": "Addie"})
    patch(api, contact, {"preferred_name": "Ada"})
    row = profile_row(db, contact)
    assert row.personal_notes == "Likes opera" and row.preferred_name == "Ada"


def test_patch_with_null_or_blank_clears_a_text_field(db, api, contact):
    patch(api, contact, {"personal_notes": "Likes opera", "home_address": "London"})
    body = patch(api, contact, {"personal_notes": None, "home_address": "  "}).get_json()
    assert body["profile"]["personal_notes"] is None and body["profile"]["home_address"] is None
    assert profile_row(db, contact).personal_notes is None


def test_patch_upserts_a_profile_that_was_never_read(db, api, contact):
    assert profile_row(db, contact) is None
    response = patch(api, contact, {"preferred_name": "Addie"})
    assert response.status_code == 200
    row = profile_row(db, contact)
    assert row.preferred_name == "Addie" and row.phone_number == FIRST_PHONE
    actions = [event.action for event in audit_events(db, "relationship_profile", row.id)]
    assert actions == ["create", "update"]


def test_every_patch_leaves_an_audit_event_naming_the_key_and_the_change(db, api, contact):
    api.get(profile_path(contact.id))
    patch(api, contact, {"preferred_name": "Addie"})
    row = profile_row(db, contact)
    update = audit_events(db, "relationship_profile", row.id)[-1]
    assert update.action == "update"
    assert update.user_id == api.user.id and update.api_key_id == api.api_key.id
    assert update.changes == {"preferred_name": {"before": None, "after": "Addie"}}


def test_a_patch_that_changes_nothing_writes_no_audit_event(db, api, contact):
    patch(api, contact, {"preferred_name": "Addie"})
    before = snapshot(db)
    assert patch(api, contact, {"preferred_name": "Addie"}).status_code == 200
    assert snapshot(db) == before


def test_interests_are_a_list_trimmed_and_without_repeats(db, api, contact):
    sent = ["  Golf ", "golf", "Sailing   boats", "", "Opera", "GOLF"]
    body = patch(api, contact, {"interests": sent}).get_json()
    assert body["profile"]["interests"] == ["Golf", "Sailing boats", "Opera"]
    assert profile_row(db, contact).interests == ["Golf", "Sailing boats", "Opera"]
    assert api.get(profile_path(contact.id)).get_json()["profile"]["interests"] == [
        "Golf",
        "Sailing boats",
        "Opera",
    ]


def test_an_empty_list_clears_the_interests(db, api, contact):
    patch(api, contact, {"interests": ["Golf"]})
    assert patch(api, contact, {"interests": []}).get_json()["profile"]["interests"] == []


def test_a_month_day_birthday_stays_year_unknown(db, api, contact):
    profile = patch(api, contact, {"birthday": "03-14"}).get_json()["profile"]
    assert profile["birthday"] == "03-14" and profile["birthday_year"] is None
    row = profile_row(db, contact)
    assert (row.birthday_month, row.birthday_day, row.birthday_year) == (3, 14, None)
    later = patch(api, contact, {"personal_notes": "Likes opera"}).get_json()["profile"]
    assert later["birthday"] == "03-14" and later["birthday_year"] is None


def test_a_null_birthday_clears_the_day_and_the_year(db, api, contact):
    patch(api, contact, {"birthday": "1985-03-14"})
    profile = patch(api, contact, {"birthday": None}).get_json()["profile"]
    assert profile["birthday"] is None and profile["birthday_year"] is None
    row = profile_row(db, contact)
    assert (row.birthday_month, row.birthday_day, row.birthday_year) == (None, None, None)


def test_29_february_without_a_year_is_a_birthday(db, api, contact):
    profile = patch(api, contact, {"birthday": "02-29"}).get_json()["profile"]
    assert profile["birthday"] == "02-29" and profile["birthday_year"] is None


def test_a_full_birthday_derives_the_year(db, api, contact):
    profile = patch(api, contact, {"birthday": "1985-03-14"}).get_json()["profile"]
    assert profile["birthday"] == "1985-03-14" and profile["birthday_year"] == 1985
    row = profile_row(db, contact)
    assert (row.birthday_month, row.birthday_day, row.birthday_year) == (3, 14, 1985)


def test_a_birth_year_can_be_added_to_a_month_day_birthday(db, api, contact):
    patch(api, contact, {"birthday": "03-14"})
    profile = patch(api, contact, {"birthday_year": 1985}).get_json()["profile"]
    assert profile["birthday"] == "1985-03-14" and profile["birthday_year"] == 1985


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("020 7946 0958", "+442079460958"),
        ("+44 (0)20 7946 0958", "+442079460958"),
        ("+1 212-736-5000", "+12127365000"),
    ],
)
def test_phone_numbers_are_stored_in_e164(db, api, contact, sent, stored):
    body = patch(api, contact, {"phone_number": sent, "whatsapp_number": sent}).get_json()
    assert body["profile"]["phone_number"] == stored
    assert body["profile"]["whatsapp_number"] == stored
    assert profile_row(db, contact).whatsapp_number == stored


# Refusals: the field is named, and nothing is written


UNKNOWN_FIELD = ({"favourite_colour": "blue"}, 400, "unknown_field", "favourite_colour")
INVALID = [
    ({"interests": "golf"}, "interests"),
    ({"interests": [1, 2]}, "interests"),
    ({"interests": ["x" * 61]}, "interests"),
    ({"twilio_opt_in": "yes"}, "twilio_opt_in"),
    ({"twilio_opt_in": None}, "twilio_opt_in"),
    ({"birthday_year": "1985"}, "birthday_year"),
    ({"birthday_year": 3000}, "birthday_year"),
    ({"birthday_year": 1985}, "birthday_year"),  # no month and day to go with it
    ({"birthday": 314}, "birthday"),
    ({"birthday": "13-45"}, "birthday"),
    ({"birthday": "2026-02-30"}, "birthday"),
    ({"birthday": "1985-02-29"}, "birthday"),
    ({"birthday": "14/03/1985"}, "birthday"),
    ({"birthday": "02-29", "birthday_year": 1985}, "birthday"),
    ({"birthday": "1985-03-14", "birthday_year": 1990}, "birthday_year"),
    ({"assistant_email": "not-an-email"}, "assistant_email"),
    ({"assistant_email": "ada@"}, "assistant_email"),
    ({"phone_number": "12"}, "phone_number"),
    ({"phone_number": "call me"}, "phone_number"),
    ({"whatsapp_number": "+44 20"}, "whatsapp_number"),
    ({"communication_preference": "fax"}, "communication_preference"),
    ({"preferred_name": "x" * 121}, "preferred_name"),
    ({"personal_notes": 5}, "personal_notes"),
]


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [UNKNOWN_FIELD] + [(body, 422, "validation_failed", field) for body, field in INVALID],
    ids=lambda value: str(value)[:40] if isinstance(value, dict) else None,
)
def test_a_bad_field_is_named_and_nothing_is_written(db, api, contact, body, status, code, field):
    before = snapshot(db)
    response = patch(api, contact, {"personal_notes": "must not be saved", **body})
    assert names_field(error_fields(response, status, code), field)
    assert snapshot(db) == before
    assert profile_row(db, contact) is None


def test_a_bad_field_does_not_change_an_existing_profile(db, api, contact):
    patch(api, contact, {"preferred_name": "Addie", "birthday": "03-14"})
    before = snapshot(db)
    response = patch(api, contact, {"preferred_name": "Ada", "birthday": "13-45"})
    assert error_fields(response, 422) == {"birthday"}
    row = profile_row(db, contact)
    assert row.preferred_name == "Addie" and (row.birthday_month, row.birthday_day) == (3, 14)
    assert snapshot(db) == before


def test_every_bad_field_is_reported_at_once(api, contact):
    body = {"assistant_email": "nope", "phone_number": "12", "birthday": "13-45"}
    fields = error_fields(patch(api, contact, body), 422)
    assert fields == {"assistant_email", "phone_number", "birthday"}


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("not json", "application/json"),
        ("", "application/json"),
        ('["golf"]', "application/json"),
        ('"golf"', "application/json"),
        ("null", "application/json"),
        ('{"preferred_name": "Addie"}', "text/plain"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_invalid_json(db, api, contact, data, content_type):
    before = snapshot(db)
    response = api.patch(profile_path(contact.id), data=data, content_type=content_type)
    error_of(response, 400, "invalid_json")
    assert snapshot(db) == before


# Who may ask


def test_without_a_key_both_methods_are_401(db, client, contact):
    before = snapshot(db)
    error_of(client.get(profile_path(contact.id)), 401, "unauthenticated")
    error_of(client.patch(profile_path(contact.id), json={"preferred_name": "X"}), 401)
    assert snapshot(db) == before


def test_a_revoked_key_is_401(db, api, contact):
    revoke_api_key(access.actor_for_user(api.user), api.api_key.id)
    _db.session.commit()
    before = snapshot(db)
    error_of(api.get(profile_path(contact.id)), 401, "unauthenticated")
    error_of(api.patch(profile_path(contact.id), json={"preferred_name": "X"}), 401)
    assert snapshot(db) == before


def test_reading_needs_relationships_view_and_creates_nothing_without_it(db, api_client, contact):
    api = api_client(permissions=[access.RELATIONSHIPS_UPDATE, access.CRM_READ])
    before = snapshot(db)
    error = error_of(api.get(profile_path(contact.id)), 403, "forbidden")
    assert error["details"] == {"permission": access.RELATIONSHIPS_VIEW}
    assert snapshot(db) == before


def test_writing_needs_relationships_update(db, api_client, contact):
    api = api_client(
        permissions=[access.RELATIONSHIPS_VIEW, access.RELATIONSHIPS_MANAGE], role="manager"
    )
    before = snapshot(db)
    response = api.patch(profile_path(contact.id), json={"preferred_name": "X"})
    assert error_of(response, 403)["details"] == {"permission": access.RELATIONSHIPS_UPDATE}
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("method", "permission"),
    [("get", access.RELATIONSHIPS_VIEW), ("patch", access.RELATIONSHIPS_UPDATE)],
)
def test_the_one_permission_each_method_needs_is_enough(api_client, contact, method, permission):
    api = api_client(permissions=[permission])
    response = getattr(api, method)(profile_path(contact.id), json={"preferred_name": "Addie"})
    assert response.status_code == 200


def test_an_unknown_contact_is_404_and_no_profile_is_made(db, api):
    before = snapshot(db)
    error_of(api.get(profile_path(999_999)), 404)
    error_of(api.patch(profile_path(999_999), json={"preferred_name": "X"}), 404)
    assert snapshot(db) == before
