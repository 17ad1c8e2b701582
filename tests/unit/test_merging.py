"""Merging contacts: what moves, what folds, which values win, and what is left behind."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from tests.unit.merging_builders import (
    at,
    count,
    everything_about,
    firm,
    link,
    person,
    rows,
    stored_action,
)
from tests.unit.relationship_builders import freeze_time
from webapp import access
from webapp.extensions import db as _db
from webapp.models import (
    AuditEvent,
    Contact,
    ContactCompanyLink,
    ContactEmail,
    ContactPhone,
    ContactRelationship,
    ContactTag,
    Interaction,
    LifeEvent,
    Message,
    OpportunityContact,
    Partner,
    RelationshipAction,
    RelationshipProfile,
    Task,
)
from webapp.models.custom_objects import CustomRecordLink
from webapp.services import life_events, profiles
from webapp.services.merging import merge_contacts

TODAY = date(2026, 3, 1)


@pytest.fixture
def owner(db, monkeypatch):
    freeze_time(monkeypatch, at(TODAY))
    return factories.UserFactory(role="member", name="Mo Member")


@pytest.fixture
def actor(owner):
    return access.actor_for_user(owner)


@pytest.fixture
def acme(db):
    return firm("Acme Ltd", "acme.example")


@pytest.fixture
def pair(owner, acme):
    """John Smith (kept) and Jon Smith (to fold in), both at Acme, both the owner's."""
    kept = person(
        owner,
        "John",
        "Smith",
        emails=("john@acme.example",),
        phones=("+442079460958",),
        company=acme,
    )
    other = person(
        owner,
        "Jon",
        "Smith",
        emails=("jon.smith@home.example",),
        phones=("+447911123456", "+442079460958"),
        company=acme,
    )
    return kept, other


def test_a_merge_moves_every_kind_of_row_to_the_kept_contact(db, actor, owner, acme, pair):
    kept, other = pair
    made = everything_about(other, owner, acme)
    third = person(owner, "Ada", "Lovelace")
    link(other, third)
    event = life_events.create_event(
        actor, other.id, {"event_type": "anniversary", "title": "Wedding", "event_date": "06-01"}
    )

    merge_contacts(actor, kept.id, [other.id])

    assert [e.email for e in rows(ContactEmail, contact_id=kept.id)] == [
        "john@acme.example",
        "jon.smith@home.example",
    ]
    assert [p.number for p in rows(ContactPhone, contact_id=kept.id)] == [
        "+442079460958",
        "+447911123456",
    ]
    assert [t.name for t in rows(ContactTag, contact_id=kept.id)] == ["Conference 2026"]
    assert rows(LifeEvent, id=event.id)[0].contact_id == kept.id
    assert stored_action(made["action"].id).contact_id == kept.id
    assert {t.contact_id for t in rows(Task)} == {kept.id}  # the mirrored task and the other
    assert rows(Message, id=made["message"].id)[0].contact_id == kept.id
    assert rows(Interaction, id=made["interaction"].id)[0].contact_id == kept.id
    assert rows(Partner, id=made["partner"].id)[0].contact_id == kept.id
    assert [s.contact_id for s in rows(OpportunityContact)] == [kept.id]
    assert rows(CustomRecordLink, id=made["custom"].id)[0].target_id == kept.id
    edge = rows(ContactRelationship)[0]
    assert {edge.contact_is_id, edge.of_contact_id} == {kept.id, third.id}
    assert count(ContactEmail, contact_id=other.id) == 0


def test_the_merged_contact_is_archived_and_says_where_it_went(db, actor, pair):
    kept, other = pair

    merge_contacts(actor, kept.id, [other.id])

    merged = rows(Contact, id=other.id)[0]
    assert merged.merged_into_id == kept.id
    assert merged.archived_at is not None
    assert rows(Contact, id=kept.id)[0].archived_at is None


def test_one_merge_event_on_the_kept_contact_names_both_and_one_on_the_merged(db, actor, pair):
    kept, other = pair

    merge_contacts(actor, kept.id, [other.id])

    on_kept = rows(AuditEvent, object_type="contact", object_id=kept.id, action="merge")
    on_other = rows(AuditEvent, object_type="contact", object_id=other.id, action="merge")
    assert len(on_kept) == 1 and len(on_other) == 1
    assert on_kept[0].changes["merged_ids"]["after"] == [other.id]
    assert on_other[0].changes["merged_into_id"]["after"] == kept.id


def test_values_are_the_kept_contacts_unless_empty_or_chosen(db, actor, owner, acme):
    kept = person(owner, "John", "Smith", title=None, company=acme)
    other = person(owner, "Jon", "Smith", title="CTO", company=acme, stage="customer")
    profiles.update_profile(actor, other.id, {"dietary_requirements": "Vegan"})

    merge_contacts(actor, kept.id, [other.id], {"first_name": "Jon"})

    merged = rows(Contact, id=kept.id)[0]
    assert (merged.first_name, merged.title, merged.stage) == ("Jon", "CTO", "working")
    profile = rows(RelationshipProfile, contact_id=kept.id)[0]
    assert profile.dietary_requirements == "Vegan"


def test_the_page_chooses_by_the_record_a_value_comes_from(db, actor, owner, acme):
    kept = person(owner, "John", "Smith", title="CEO", company=acme)
    other = person(owner, "Jon", "Smith", title="CTO", company=acme)

    merge_contacts(actor, kept.id, [other.id], sources={"title": other.id})

    assert rows(Contact, id=kept.id)[0].title == "CTO"


def test_a_linkedin_address_chosen_from_the_merged_contact_moves(db, actor, owner):
    url = "https://www.linkedin.com/in/jon-smith"
    kept = person(owner, "John", "Smith")
    other = person(owner, "Jon", "Smith", linkedin_url=url)

    merge_contacts(actor, kept.id, [other.id])

    assert rows(Contact, id=kept.id)[0].linkedin_url == url
    assert rows(Contact, id=other.id)[0].linkedin_url is None


def test_companies_are_folded_by_company_and_one_stays_primary(db, actor, owner, acme):
    globex = firm("Globex")
    kept = person(owner, "John", "Smith", company=acme)
    other = person(owner, "Jon", "Smith", company=globex)
    _db.session.add(ContactCompanyLink(contact_id=other.id, company_id=acme.id, role="Buyer"))

    merge_contacts(actor, kept.id, [other.id])

    links = rows(ContactCompanyLink, contact_id=kept.id)
    assert sorted((link_.company_id, link_.is_primary) for link_ in links) == sorted(
        [(acme.id, True), (globex.id, False)]
    )
    assert next(link_ for link_ in links if link_.company_id == acme.id).role == "Buyer"


def test_a_link_that_would_be_there_twice_is_folded_and_one_between_them_dropped(
    db, actor, owner, pair
):
    kept, other = pair
    ada = person(owner, "Ada", "Lovelace")
    link(kept, ada)  # John colleague of Ada
    link(ada, other)  # Ada colleague of Jon: the same link, the other way round
    link(kept, other)  # John colleague of Jon: becomes John and himself
    link(other, ada, "friend")  # another type: moves

    merge_contacts(actor, kept.id, [other.id])

    edges = rows(ContactRelationship)
    assert len(edges) == 2
    assert all({e.contact_is_id, e.of_contact_id} == {kept.id, ada.id} for e in edges)
    assert count(ContactRelationship, of_contact_id=other.id) == 0


def test_there_is_only_one_birthday_after_a_merge(db, actor, pair):
    kept, other = pair
    profiles.update_profile(actor, kept.id, {"birthday": "03-14"})
    profiles.update_profile(actor, other.id, {"birthday": "1980-03-14"})

    merge_contacts(actor, kept.id, [other.id], {"birthday": "1980-03-14"})

    birthdays = rows(LifeEvent, contact_id=kept.id, event_type="birthday")
    assert len(birthdays) == 1
    assert (birthdays[0].event_month, birthdays[0].event_day, birthdays[0].event_year) == (
        3,
        14,
        1980,
    )
    profile = rows(RelationshipProfile, contact_id=kept.id)[0]
    assert (profile.birthday_month, profile.birthday_day, profile.birthday_year) == (3, 14, 1980)
    assert count(LifeEvent, contact_id=other.id) == 0


def test_the_folded_birthdays_duplicate_card_is_dismissed_not_lost(db, actor, pair):
    kept, other = pair
    profiles.update_profile(actor, kept.id, {"birthday": "03-14"})
    profiles.update_profile(actor, other.id, {"birthday": "03-14"})
    generated = {
        a.contact_id: a
        for a in _db.session.scalars(
            select(RelationshipAction).where(RelationshipAction.source == "life_event")
        )
    }

    merge_contacts(actor, kept.id, [other.id])

    kept_card = stored_action(generated[kept.id].id)
    other_card = stored_action(generated[other.id].id)
    assert (kept_card.status, kept_card.contact_id) == ("pending", kept.id)
    assert (other_card.status, other_card.contact_id) == ("dismissed", kept.id)
    assert other_card.life_event_id is None


def test_a_birthday_only_the_merged_contact_had_comes_over_whole(db, actor, pair):
    kept, other = pair
    profiles.update_profile(actor, other.id, {"birthday": "07-02"})

    merge_contacts(actor, kept.id, [other.id])

    birthday = rows(LifeEvent, contact_id=kept.id, event_type="birthday")
    assert [(b.event_month, b.event_day) for b in birthday] == [(7, 2)]
    pending = rows(RelationshipAction, contact_id=kept.id, status="pending")
    assert [a.life_event_id for a in pending] == [birthday[0].id]


def test_interests_are_combined(db, actor, pair):
    kept, other = pair
    profiles.update_profile(actor, kept.id, {"interests": ["Sailing", "Jazz"]})
    profiles.update_profile(actor, other.id, {"interests": ["jazz", "Chess"]})

    merge_contacts(actor, kept.id, [other.id])

    assert rows(RelationshipProfile, contact_id=kept.id)[0].interests == [
        "Sailing",
        "Jazz",
        "Chess",
    ]


def test_a_contact_merged_before_into_the_merged_one_points_at_the_kept_one(db, actor, owner):
    first = person(owner, "Jon", "Smith")
    second = person(owner, "Jonathan", "Smith")
    third = person(owner, "John", "Smith")
    merge_contacts(actor, second.id, [first.id])

    merge_contacts(actor, third.id, [second.id])

    assert rows(Contact, id=first.id)[0].merged_into_id == third.id
