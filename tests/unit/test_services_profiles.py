"""The relationship profile service: created on first read, birthdays, interests, phones, audit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.factories import ContactFactory, ContactPhoneFactory
from tests.records import events_for, reload
from tests.unit.relationship_builders import actor_of, freeze_time, user
from webapp.models import PermissionOverride, RelationshipProfile
from webapp.services.errors import NotFound, PermissionDenied, ValidationFailed
from webapp.services.profiles import profile_for, update_profile


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_time(monkeypatch, datetime(2025, 6, 1, 12, tzinfo=UTC))


@pytest.fixture
def actor(db):
    return actor_of(user("member"))


@pytest.fixture
def contact(db):
    return ContactFactory(first_name="Ada", last_name="Lovelace")


def birthday_of(db, profile: RelationshipProfile) -> tuple[int | None, int | None, int | None]:
    stored = reload(db, profile)
    return stored.birthday_month, stored.birthday_day, stored.birthday_year


def refused(actor, contact, values: dict) -> dict[str, list[str]]:
    """The field errors of an update that must fail."""
    with pytest.raises(ValidationFailed) as failure:
        update_profile(actor, contact.id, values)
    return failure.value.fields


# Created on first read


def test_first_read_creates_the_profile_with_the_contacts_phone(db, actor, contact):
    ContactPhoneFactory(contact=contact, number="+442079460958")
    profile = profile_for(actor, contact.id)
    stored = reload(db, profile)
    assert (stored.contact_id, stored.phone_number) == (contact.id, "+442079460958")
    assert stored.interests == [] and stored.twilio_opt_in is False
    assert [e.action for e in events_for(db, profile)] == ["create"]


def test_a_second_read_returns_the_same_profile(db, actor, contact):
    first = profile_for(actor, contact.id)
    assert profile_for(actor, contact.id).id == first.id
    assert [e.action for e in events_for(db, first)] == ["create"]


def test_an_unknown_contact_is_not_found(db, actor):
    with pytest.raises(NotFound):
        profile_for(actor, 987654)
    with pytest.raises(NotFound):
        update_profile(actor, 987654, {"preferred_name": "Ada"})


def test_updating_needs_the_update_permission(db, contact):
    reader = user("member")
    reader.permission_overrides = [
        PermissionOverride(permission="relationships:update", granted=False)
    ]
    with pytest.raises(PermissionDenied):
        update_profile(actor_of(reader), contact.id, {"preferred_name": "Ada"})


# Birthdays


def test_a_month_day_birthday_keeps_its_year_unknown(db, actor, contact):
    profile = update_profile(actor, contact.id, {"birthday": "03-14"})
    assert birthday_of(db, profile) == (3, 14, None)


def test_a_full_date_birthday_derives_the_year(db, actor, contact):
    profile = update_profile(actor, contact.id, {"birthday": "1990-03-14"})
    assert birthday_of(db, profile) == (3, 14, 1990)


def test_a_month_day_birthday_with_a_year_takes_the_year(db, actor, contact):
    profile = update_profile(actor, contact.id, {"birthday": "03-14", "birthday_year": 1990})
    assert birthday_of(db, profile) == (3, 14, 1990)


def test_the_same_year_twice_is_fine(db, actor, contact):
    profile = update_profile(actor, contact.id, {"birthday": "1990-03-14", "birthday_year": 1990})
    assert birthday_of(db, profile) == (3, 14, 1990)


def test_a_new_year_unknown_birthday_forgets_the_old_year(db, actor, contact):
    update_profile(actor, contact.id, {"birthday": "1990-03-14"})
    profile = update_profile(actor, contact.id, {"birthday": "07-01"})
    assert birthday_of(db, profile) == (7, 1, None)


def test_the_year_alone_completes_a_known_birthday(db, actor, contact):
    update_profile(actor, contact.id, {"birthday": "03-14"})
    profile = update_profile(actor, contact.id, {"birthday_year": 1985})
    assert birthday_of(db, profile) == (3, 14, 1985)


def test_a_conflicting_birthday_year_is_refused(db, actor, contact):
    fields = refused(actor, contact, {"birthday": "1990-03-14", "birthday_year": 1991})
    assert "birthday_year" in fields
    assert birthday_of(db, profile_for(actor, contact.id)) == (None, None, None)


def test_a_birthday_year_without_a_birthday_is_refused(db, actor, contact):
    assert "birthday_year" in refused(actor, contact, {"birthday_year": 1990})


def test_a_birthday_year_while_clearing_the_birthday_is_refused(db, actor, contact):
    update_profile(actor, contact.id, {"birthday": "1990-03-14"})
    assert "birthday_year" in refused(actor, contact, {"birthday": None, "birthday_year": 1990})
    assert birthday_of(db, profile_for(actor, contact.id)) == (3, 14, 1990)


@pytest.mark.parametrize("empty", [None, ""])
def test_clearing_the_birthday_clears_its_year(db, actor, contact, empty):
    update_profile(actor, contact.id, {"birthday": "1990-03-14"})
    profile = update_profile(actor, contact.id, {"birthday": empty})
    assert birthday_of(db, profile) == (None, None, None)


def test_29_february_needs_a_leap_year(db, actor, contact):
    assert "birthday" in refused(actor, contact, {"birthday": "02-29", "birthday_year": 1991})
    profile = update_profile(actor, contact.id, {"birthday": "02-29", "birthday_year": 1992})
    assert birthday_of(db, profile) == (2, 29, 1992)


def test_29_february_without_a_year_is_a_birthday(db, actor, contact):
    profile = update_profile(actor, contact.id, {"birthday": "02-29"})
    assert birthday_of(db, profile) == (2, 29, None)


@pytest.mark.parametrize(
    "values",
    [
        {"birthday": "1991-02-29"},
        {"birthday": "13-01"},
        {"birthday": "14/03/1990"},
        {"birthday": 19900314},
        {"birthday_year": datetime.now(UTC).year + 1},  # not born yet
        {"birthday_year": 1899},
        {"birthday_year": "nineteen ninety"},
        {"birthday_year": True},
    ],
)
def test_bad_birthdays_are_refused_by_field(db, actor, contact, values):
    update_profile(actor, contact.id, {"birthday": "03-14"})
    fields = refused(actor, contact, values)
    assert set(fields) <= {"birthday", "birthday_year"} and fields
    assert set(values) & set(fields)


# Interests, phones, other fields


def test_interests_are_trimmed_without_blanks_or_repeats(db, actor, contact):
    given = ["  golf ", "Golf", "", "sailing   boats", "GOLF", "Opera"]
    profile = update_profile(actor, contact.id, {"interests": given})
    assert reload(db, profile).interests == ["golf", "sailing boats", "Opera"]


def test_null_interests_clear_them(db, actor, contact):
    update_profile(actor, contact.id, {"interests": ["golf"]})
    profile = update_profile(actor, contact.id, {"interests": None})
    assert reload(db, profile).interests == []


@pytest.mark.parametrize(
    "interests",
    [
        "golf, opera",
        ["golf", 3],
        [["golf"]],
        {"golf": True},
        ["x" * 61],
        [f"t{n}" for n in range(31)],
    ],
)
def test_bad_interests_are_refused(db, actor, contact, interests):
    assert "interests" in refused(actor, contact, {"interests": interests})


@pytest.mark.parametrize(
    ("raw", "e164"),
    [("020 7946 0958", "+442079460958"), ("+1 (415) 555-2671", "+14155552671")],
)
def test_phone_numbers_are_stored_in_e164(db, actor, contact, raw, e164):
    profile = update_profile(actor, contact.id, {"phone_number": raw, "whatsapp_number": raw})
    stored = reload(db, profile)
    assert (stored.phone_number, stored.whatsapp_number) == (e164, e164)


@pytest.mark.parametrize("field", ["phone_number", "whatsapp_number"])
@pytest.mark.parametrize("raw", ["12", "not a number", "+44 20 7946", 447946095800])
def test_bad_phone_numbers_are_refused(db, actor, contact, field, raw):
    assert field in refused(actor, contact, {field: raw})


def test_the_assistants_email_is_normalised(db, actor, contact):
    profile = update_profile(actor, contact.id, {"assistant_email": " Pa@Example.COM "})
    assert reload(db, profile).assistant_email == "pa@example.com"


@pytest.mark.parametrize(
    "values",
    [
        {"assistant_email": "not an email"},
        {"communication_preference": "carrier pigeon"},
        {"twilio_opt_in": "yes"},
        {"preferred_name": "x" * 121},
        {"personal_notes": 42},
    ],
)
def test_bad_values_are_refused_with_the_field_named(db, actor, contact, values):
    assert set(refused(actor, contact, values)) == set(values)


def test_an_unknown_field_is_refused_by_name(db, actor, contact):
    fields = refused(actor, contact, {"favourite_colour": "teal", "preferred_name": "Ada"})
    assert set(fields) == {"favourite_colour"}


def test_nothing_is_written_when_any_field_is_wrong(db, actor, contact):
    profile = update_profile(actor, contact.id, {"preferred_name": "Ada", "interests": ["golf"]})
    audit_before = len(events_for(db, profile))
    bad = {
        "preferred_name": "Countess",
        "interests": ["opera"],
        "birthday": "1990-03-14",
        "phone_number": "12",
    }
    assert set(refused(actor, contact, bad)) == {"phone_number"}
    stored = reload(db, profile)
    assert (stored.preferred_name, stored.interests, stored.birthday_month) == (
        "Ada",
        ["golf"],
        None,
    )
    assert len(events_for(db, profile)) == audit_before


# Audit


def test_a_change_is_audited_with_before_and_after(db, actor, contact):
    profile_for(actor, contact.id)
    profile = update_profile(
        actor, contact.id, {"preferred_name": "Ada", "communication_preference": "whatsapp"}
    )
    update = events_for(db, profile)[-1]
    assert (update.action, update.user_id) == ("update", actor.user_id)
    assert update.changes == {
        "preferred_name": {"before": None, "after": "Ada"},
        "communication_preference": {"before": None, "after": "whatsapp"},
    }


def test_a_birthday_change_is_audited_by_its_columns(db, actor, contact):
    profile = update_profile(actor, contact.id, {"birthday": "1990-03-14"})
    changes = events_for(db, profile)[-1].changes
    assert changes["birthday_month"] == {"before": None, "after": 3}
    assert changes["birthday_year"] == {"before": None, "after": 1990}


def test_an_update_that_changes_nothing_is_not_audited(db, actor, contact):
    values = {"preferred_name": "Ada", "interests": ["golf"], "birthday": "03-14"}
    profile = update_profile(actor, contact.id, values)
    audit_before = len(events_for(db, profile))
    update_profile(actor, contact.id, {**values, "preferred_name": "  Ada "})
    update_profile(actor, contact.id, {})
    assert len(events_for(db, profile)) == audit_before
