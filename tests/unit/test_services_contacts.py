"""The contacts service: emails, phones, company links, archive and restore, and the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import CompanyFactory, ContactEmailFactory
from tests.records import events_for, reload
from webapp import access
from webapp.models import Contact, ContactEmail, PermissionOverride, User
from webapp.services.contacts import (
    CompanyLinkInput,
    ContactInput,
    archive_contact,
    create_contact,
    restore_contact,
    update_contact,
)
from webapp.services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


@pytest.fixture
def actor(make_user):
    return access.actor_for_user(make_user("member"))


def contact_count(db) -> int:
    return len(db.session.scalars(select(Contact.id)).all())


def test_create_stores_names_and_lowercased_emails(db, actor):
    contact = create_contact(
        actor,
        ContactInput(
            first_name="  Ada ",
            last_name="Lovelace",
            title="CTO",
            stage="qualified",
            owner_id=actor.user.id,
            emails=["Ada.Lovelace@Example.COM", "", "ada.lovelace@example.com", "ada@home.example"],
        ),
    )
    stored = reload(db, contact)
    assert stored.full_name == "Ada Lovelace"
    assert stored.title == "CTO" and stored.stage == "qualified"
    assert [e.email for e in stored.emails] == ["ada.lovelace@example.com", "ada@home.example"]
    assert stored.primary_email == "ada.lovelace@example.com"


def test_phones_are_stored_in_e164(db, actor):
    given = ContactInput(first_name="Ada", phones=["020 7946 0958", "+1 (415) 555-2671", " "])
    contact = create_contact(actor, given)
    assert [p.number for p in reload(db, contact).phones] == ["+442079460958", "+14155552671"]


@pytest.mark.parametrize(
    ("given", "field"),
    [
        (ContactInput(first_name=" "), "first_name"),
        (ContactInput(first_name="Ada", emails=["not an email"]), "emails"),
        (ContactInput(first_name="Ada", phones=["12"]), "phones"),
        (ContactInput(first_name="Ada", stage="friend"), "stage"),
        (ContactInput(first_name="Ada", owner_id=987654), "owner_id"),
        (ContactInput(first_name="Ada", title="x" * 201), "title"),
        (ContactInput(first_name="Ada", company_links=[CompanyLinkInput(987654)]), "company_links"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(db, actor, given, field):
    with pytest.raises(ValidationFailed) as failure:
        create_contact(actor, given)
    assert field in failure.value.fields
    assert contact_count(db) == 0


def test_an_email_belongs_to_one_contact_only(db, actor):
    holder = ContactEmailFactory(email="taken@example.com").contact
    before = contact_count(db)
    with pytest.raises(Conflict) as conflict:
        create_contact(actor, ContactInput(first_name="Ada", emails=["TAKEN@example.com"]))
    # The holder's id, so the form and the API can point at who has it.
    assert conflict.value.details == {
        "field": "emails",
        "emails": ["taken@example.com"],
        "contact_id": holder.id,
    }
    assert contact_count(db) == before


def test_at_most_one_primary_company_link(db, actor):
    first, second = CompanyFactory(), CompanyFactory()
    links = [
        CompanyLinkInput(first.id, is_primary=True),
        CompanyLinkInput(second.id, is_primary=True),
    ]
    with pytest.raises(ValidationFailed) as failure:
        create_contact(actor, ContactInput(first_name="Ada", company_links=links))
    assert failure.value.fields["company_links"] == ["Only one company can be the primary one."]


def test_a_company_is_linked_once(db, actor):
    company = CompanyFactory()
    links = [CompanyLinkInput(company.id), CompanyLinkInput(company.id, role="Buyer")]
    with pytest.raises(ValidationFailed) as failure:
        create_contact(actor, ContactInput(first_name="Ada", company_links=links))
    assert failure.value.fields["company_links"] == ["Link each company once."]


def test_the_first_link_becomes_primary_when_none_is_chosen(db, actor):
    first, second = CompanyFactory(name="First"), CompanyFactory(name="Second")
    links = [CompanyLinkInput(first.id, role="Buyer"), CompanyLinkInput(second.id)]
    contact = reload(db, create_contact(actor, ContactInput(first_name="Ada", company_links=links)))
    assert [(link.company.name, link.is_primary) for link in contact.company_links] == [
        ("First", True),
        ("Second", False),
    ]
    assert contact.primary_company.name == "First"
    assert contact.company_links[0].role == "Buyer"


def test_a_chosen_primary_link_is_kept(db, actor):
    first, second = CompanyFactory(), CompanyFactory()
    links = [CompanyLinkInput(first.id), CompanyLinkInput(second.id, is_primary=True)]
    contact = reload(db, create_contact(actor, ContactInput(first_name="Ada", company_links=links)))
    assert contact.primary_company.id == second.id


def test_create_is_audited_with_every_field(db, actor):
    company = CompanyFactory()
    given = ContactInput(
        first_name="Ada",
        emails=["ada@example.com"],
        phones=["+442079460958"],
        company_links=[CompanyLinkInput(company.id, role="Buyer")],
    )
    contact = create_contact(actor, given)
    [event] = events_for(db, contact)
    assert event.action == "create" and event.user_id == actor.user.id
    assert event.changes["first_name"] == {"before": None, "after": "Ada"}
    assert event.changes["emails"] == {"before": [], "after": ["ada@example.com"]}
    assert event.changes["phones"] == {"before": [], "after": ["+442079460958"]}
    assert event.changes["company_links"]["after"] == [
        {"company_id": company.id, "role": "Buyer", "is_primary": True}
    ]


def test_update_replaces_emails(db, actor):
    contact = create_contact(actor, ContactInput(first_name="Ada", emails=["a@example.com"]))
    update_contact(actor, contact.id, ContactInput(first_name="Ada", emails=["b@example.com"]))
    assert [e.email for e in reload(db, contact).emails] == ["b@example.com"]
    assert (
        db.session.scalar(select(ContactEmail).where(ContactEmail.email == "a@example.com")) is None
    )


def test_update_can_reorder_the_same_emails(db, actor):
    emails = ["a@example.com", "b@example.com"]
    contact = create_contact(actor, ContactInput(first_name="Ada", emails=emails))
    update_contact(actor, contact.id, ContactInput(first_name="Ada", emails=emails[::-1]))
    stored = reload(db, contact)
    assert [e.email for e in stored.emails] == ["b@example.com", "a@example.com"]
    assert stored.primary_email == "b@example.com"


def test_update_may_keep_its_own_email_but_not_take_anothers(db, actor):
    ContactEmailFactory(email="taken@example.com")
    contact = create_contact(actor, ContactInput(first_name="Ada", emails=["ada@example.com"]))
    update_contact(actor, contact.id, ContactInput(first_name="Ada L", emails=["ada@example.com"]))
    with pytest.raises(Conflict):
        update_contact(
            actor, contact.id, ContactInput(first_name="Ada", emails=["taken@example.com"])
        )
    assert [e.email for e in reload(db, contact).emails] == ["ada@example.com"]


def test_update_audits_only_what_changed(db, actor):
    contact = create_contact(actor, ContactInput(first_name="Ada", title="CTO", emails=["a@x.com"]))
    given = ContactInput(first_name="Ada", title="CEO", emails=["a@x.com"])
    update_contact(actor, contact.id, given)
    update_contact(actor, contact.id, given)  # nothing new: no second update event
    events = events_for(db, contact)
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].changes == {"title": {"before": "CTO", "after": "CEO"}}


def test_update_can_move_the_primary_link(db, actor):
    first, second = CompanyFactory(), CompanyFactory()
    links = [CompanyLinkInput(first.id), CompanyLinkInput(second.id)]
    contact = create_contact(actor, ContactInput(first_name="Ada", company_links=links))
    moved = [CompanyLinkInput(first.id), CompanyLinkInput(second.id, is_primary=True)]
    update_contact(actor, contact.id, ContactInput(first_name="Ada", company_links=moved))
    stored = reload(db, contact)
    assert stored.primary_company.id == second.id
    assert sum(link.is_primary for link in stored.company_links) == 1


def test_update_of_a_missing_contact_is_not_found(db, actor):
    with pytest.raises(NotFound):
        update_contact(actor, 987654, ContactInput(first_name="Ada"))


def test_archive_and_restore_are_idempotent_and_audited(db, actor):
    contact = create_contact(actor, ContactInput(first_name="Ada"))
    archive_contact(actor, contact.id)
    first_archived_at = reload(db, contact).archived_at
    archive_contact(actor, contact.id)
    assert reload(db, contact).archived_at == first_archived_at
    assert reload(db, contact).is_archived
    restore_contact(actor, contact.id)
    restore_contact(actor, contact.id)
    assert reload(db, contact).archived_at is None
    events = events_for(db, contact)
    assert [e.action for e in events] == ["create", "archive", "restore"]
    assert events[1].changes["archived_at"]["before"] is None
    assert events[2].changes["archived_at"]["after"] is None


def test_writing_contacts_needs_relationships_update(db, make_user):
    user = make_user("member")
    user.permission_overrides = [
        PermissionOverride(permission=access.RELATIONSHIPS_UPDATE, granted=False)
    ]
    reader = access.actor_for_user(user)
    with pytest.raises(PermissionDenied):
        create_contact(reader, ContactInput(first_name="Ada"))
    assert contact_count(db) == 0


def test_an_api_key_write_is_audited_with_the_key(db, make_user):
    from webapp.services.api_keys import create_api_key

    user = make_user("member")
    key = create_api_key(access.actor_for_user(user), user, name="Sync").api_key
    contact = create_contact(access.actor_for_api_key(key), ContactInput(first_name="Ada"))
    [event] = events_for(db, contact)
    assert event.api_key_id == key.id and event.user_id == user.id


def test_an_update_looks_up_only_the_owner_companies_and_emails_it_brings(
    db, actor, make_user, count_queries
):
    """What the contact holds already is known good; a new owner, a new company and a new email
    are still checked, each refused when it is not."""
    companies = [CompanyFactory(), CompanyFactory()]
    taken = ContactEmailFactory(email="taken@example.com")
    contact = create_contact(
        actor,
        ContactInput(
            first_name="Ada",
            owner_id=actor.user.id,
            emails=["ada@example.com"],
            company_links=[CompanyLinkInput(companies[0].id)],
        ),
    )
    kept = ContactInput.of(contact)
    newcomer_id = make_user("member").id
    db.session.commit()
    db.session.refresh(actor.user)  # the commit expired who is acting; a request has them loaded
    db.session.expunge(db.session.get(User, newcomer_id))  # unknown to the session, as in a request

    def looked_up(given: ContactInput) -> list[str]:
        with count_queries() as statements:
            update_contact(actor, contact.id, given)
        lookups = ("FROM users \nWHERE users.id", "FROM companies \nWHERE companies.id IN",
                   "WHERE contact_emails.email IN")  # fmt: skip
        return [s for s in statements if any(lookup in s for lookup in lookups)]

    assert looked_up(ContactInput(**{**vars(kept), "title": "CTO"})) == []
    assert len(looked_up(ContactInput(**{**vars(kept), "owner_id": newcomer_id}))) == 1

    cases = [
        ({"owner_id": 999_999}, ValidationFailed, "owner_id"),
        ({"company_links": [CompanyLinkInput(companies[0].id), CompanyLinkInput(999_999)]},
         ValidationFailed, "company_links"),
        ({"emails": ["ada@example.com", taken.email]}, Conflict, "emails"),
    ]  # fmt: skip
    for change, error, field in cases:
        with pytest.raises(error) as refused:
            update_contact(actor, contact.id, ContactInput(**{**vars(kept), **change}))
        assert field in (getattr(refused.value, "fields", None) or refused.value.details)
    linked = [CompanyLinkInput(c.id) for c in companies]
    update_contact(actor, contact.id, ContactInput(**{**vars(kept), "company_links": linked}))
    assert {link.company_id for link in reload(db, contact).company_links} == {
        c.id for c in companies
    }
