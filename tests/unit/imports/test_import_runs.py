"""Imports end to end through the services: preview writes nothing, a run writes each row once
through the contact, company and profile services, and running a file again creates nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from tests.import_files import csv_bytes, google_csv, google_row, linkedin_csv
from tests.unit.imports.runs import (
    actor_of,
    contact_named,
    contacts_count,
    imported,
    preview,
)
from webapp.models import AuditEvent, Company, ImportRow, LifeEvent, RelationshipProfile
from webapp.services import profiles

BOOK = [
    google_row("Ada", "Lovelace", company="Engines Ltd", title="Analyst",
               email="ada@engines.example", birthday="--12-10", notes="Likes poetry",
               labels="* myContacts ::: Friends"),
    google_row("Charles", "Babbage", company="Engines Ltd", email="charles@engines.example",
               phone="+44 20 7946 0958"),
    google_row("Bad", "Email", email="not-an-email"),
    google_row("Ada", "Again", email="ADA@engines.example"),
]  # fmt: skip


@pytest.fixture
def me(make_user):
    return make_user("member")


def test_a_preview_counts_each_outcome_and_writes_no_contact(db, me):
    record = preview(actor_of(me), google_csv(BOOK))

    assert record.status == "previewed"
    assert record.format == "google"
    assert record.summary == {
        "create": 2,
        "update": 0,
        "unchanged": 0,
        "duplicate_in_file": 1,
        "error": 1,
        "companies": {"create": 1, "match": 0},
    }
    assert record.errors == [
        {"row": 3, "field": "email", "message": "not-an-email is not a valid email address."}
    ]
    assert contacts_count() == 0
    assert db.session.scalars(select(Company.id)).all() == []


def test_a_run_creates_each_person_once_with_their_company_tags_and_birthday(db, me):
    record = imported(actor_of(me), google_csv(BOOK))

    assert record.status == "done"
    assert record.summary["create"] == 2 and record.summary["error"] == 1
    ada, charles = contact_named("Ada"), contact_named("Charles")
    assert [e.email for e in ada.emails] == ["ada@engines.example"]
    assert ada.title == "Analyst" and ada.tag_names == ["Friends"] and ada.owner_id == me.id
    assert [p.number for p in charles.phones] == ["+442079460958"]
    assert ada.primary_company.id == charles.primary_company.id  # one Engines Ltd, made once
    assert db.session.scalars(select(Company.name)).all() == ["Engines Ltd"]
    profile = profiles.find_profile(ada.id)
    assert (profile.birthday_month, profile.birthday_day, profile.birthday_year) == (12, 10, None)
    assert profile.personal_notes == "Likes poetry"
    [birthday] = db.session.scalars(select(LifeEvent).where(LifeEvent.contact_id == ada.id)).all()
    assert (birthday.event_type, birthday.event_month, birthday.event_day) == ("birthday", 12, 10)


def test_every_write_of_a_run_is_audited_with_the_import_named(db, me):
    record = imported(actor_of(me), google_csv(BOOK[:1]))

    ada = contact_named("Ada")
    created = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type == "contact", AuditEvent.object_id == ada.id
        )
    ).one()
    assert created.import_id == record.id and created.user_id == me.id
    profile_events = db.session.scalars(
        select(AuditEvent.import_id).where(AuditEvent.object_type == "relationship_profile")
    ).all()
    assert profile_events and set(profile_events) == {record.id}


def test_running_the_same_file_twice_creates_nothing_the_second_time(db, me):
    imported(actor_of(me), google_csv(BOOK))
    before = contacts_count()

    again = imported(actor_of(me), google_csv(BOOK))

    assert contacts_count() == before
    assert again.summary["create"] == 0 and again.summary["update"] == 0
    assert again.summary["unchanged"] == 2
    assert len(db.session.scalars(select(Company.id)).all()) == 1


def test_a_match_fills_only_empty_fields_and_adds_new_emails_phones_and_tags(db, me):
    company = factories.CompanyFactory(name="Engines Ltd")
    known = factories.ContactFactory(first_name="Ada", last_name="L.", title="Countess")
    factories.ContactEmailFactory(contact=known, email="ada@engines.example")
    rows = [google_row("Ada", "Lovelace", company="Engines Ltd", title="Analyst",
                       email="ada@engines.example", email2="ada@home.example",
                       phone="+44 20 7946 0958", labels="Friends")]  # fmt: skip

    record = imported(actor_of(me), google_csv(rows))

    assert record.summary["update"] == 1
    db.session.refresh(known)
    assert (known.last_name, known.title) == ("L.", "Countess")  # kept: not empty
    assert [e.email for e in known.emails] == ["ada@engines.example", "ada@home.example"]
    assert [p.number for p in known.phones] == ["+442079460958"]
    assert known.tag_names == ["Friends"]
    assert [link.company_id for link in known.company_links] == [company.id]


def test_overwrite_replaces_what_rapport_had_with_the_files_values(db, me):
    known = factories.ContactFactory(first_name="Ada", last_name="L.", title="Countess")
    factories.ContactEmailFactory(contact=known, email="ada@engines.example")
    rows = [google_row("Ada", "Lovelace", title="Analyst", email="ada@engines.example")]

    imported(actor_of(me), google_csv(rows), overwrite=True)

    db.session.refresh(known)
    assert (known.last_name, known.title) == ("Lovelace", "Analyst")


def test_someone_with_a_birthday_never_gets_a_second_one(db, me):
    known = factories.ContactFactory(first_name="Ada")
    factories.ContactEmailFactory(contact=known, email="ada@engines.example")
    profiles.update_profile(actor_of(me), known.id, {"birthday": "1985-12-10"})
    rows = [google_row("Ada", "Lovelace", email="ada@engines.example", birthday="1990-01-01")]

    record = imported(actor_of(me), google_csv(rows))

    profile = db.session.scalars(
        select(RelationshipProfile).where(RelationshipProfile.contact_id == known.id)
    ).one()
    assert (profile.birthday_month, profile.birthday_day, profile.birthday_year) == (12, 10, 1985)
    events = db.session.scalars(select(LifeEvent).where(LifeEvent.contact_id == known.id)).all()
    assert len(events) == 1
    assert record.summary["unchanged"] == 1


def test_linkedin_connections_match_by_profile_address_when_there_is_no_email(db, me):
    known = factories.ContactFactory(
        first_name="Grace", title=None, linkedin_url="https://www.linkedin.com/in/grace-hopper"
    )
    rows = [
        ["Grace", "Hopper", "https://uk.linkedin.com/in/Grace-Hopper/", "", "Navy", "Admiral",
         "01 Jan 2020"],
        ["Alan", "Turing", "https://www.linkedin.com/in/alan-turing", "", "NPL", "Fellow",
         "02 Feb 2021"],
    ]  # fmt: skip

    record = imported(actor_of(me), linkedin_csv(rows), "Connections.csv")

    assert record.format == "linkedin"
    assert record.summary["update"] == 1 and record.summary["create"] == 1
    db.session.refresh(known)
    assert known.title == "Admiral"
    alan = contact_named("Alan")
    assert alan.linkedin_url == "https://www.linkedin.com/in/alan-turing"
    assert alan.primary_company.name == "NPL"


def test_a_phone_in_e164_matches_an_existing_contact(db, me):
    known = factories.ContactFactory(first_name="Ada", title=None)
    factories.ContactPhoneFactory(contact=known, number="+442079460958")
    rows = [["Ada Lovelace", "020 7946 0958", "Analyst"]]

    record = imported(actor_of(me), csv_bytes(["Name", "Mobile", "Job title"], rows))

    assert record.summary["update"] == 1
    db.session.refresh(known)
    assert known.title == "Analyst"


def test_a_row_whose_emails_belong_to_two_contacts_is_an_error_not_a_guess(db, me):
    for first, email in (("Ada", "ada@x.example"), ("Bea", "bea@x.example")):
        factories.ContactEmailFactory(
            contact=factories.ContactFactory(first_name=first), email=email
        )
    rows = [google_row("Ada", "Bea", email="ada@x.example", email2="bea@x.example")]

    record = preview(actor_of(me), google_csv(rows))

    assert record.summary["error"] == 1
    assert "different contacts" in record.errors[0]["message"]


def test_a_row_refused_while_writing_is_recorded_and_the_others_are_written(db, me, monkeypatch):
    from webapp.services import contacts_bulk
    from webapp.services.errors import ValidationFailed

    clean = contacts_bulk.clean_contact

    def refuse_charles(given, known_companies=None):
        if given.first_name == "Charles":
            raise ValidationFailed(fields={"title": ["Refused for the test."]})
        return clean(given, known_companies)

    monkeypatch.setattr(contacts_bulk, "clean_contact", refuse_charles)
    rows = [google_row("Charles", "Babbage", company="Difference Ltd", email="c@d.example"),
            google_row("Ada", "Lovelace", email="ada@engines.example")]  # fmt: skip

    record = imported(actor_of(me), google_csv(rows))

    assert record.summary["create"] == 1 and record.summary["error"] == 1
    failed = db.session.scalars(select(ImportRow).where(ImportRow.outcome == "error")).one()
    assert (failed.row_number, failed.field, failed.message) == (
        1,
        "title",
        "Refused for the test.",
    )
    # Nothing of the refused row was kept: not even the company it would have brought.
    assert db.session.scalars(select(Company.id)).all() == []
    assert contact_named("Ada").emails[0].email == "ada@engines.example"


def test_an_email_taken_by_someone_else_during_the_run_fails_that_row_only(db, me, monkeypatch):
    """Between the batch's plan and its write, a colleague saves a contact with one row's email:
    the database refuses the batch, and its rows are written one by one instead."""
    from webapp.services import contacts, contacts_bulk
    from webapp.services.imports import running

    plan_batch = running.plan_batch

    def colleague_saves_charles_meanwhile(batch, plan):
        planned = plan_batch(batch, plan)
        given = contacts.ContactInput(first_name="Chuck", emails=["c@d.example"])
        contacts.create_contact(actor_of(me), given)
        return planned

    monkeypatch.setattr(running, "plan_batch", colleague_saves_charles_meanwhile)
    # The race: the checks do not see the colleague's contact; the database does.
    monkeypatch.setattr(contacts_bulk, "_refuse_taken", lambda checked, owners: None)
    rows = [google_row("Charles", "Babbage", company="Difference Ltd", email="c@d.example",
                       birthday="--03-04"),
            google_row("Ada", "Lovelace", company="Engines Ltd", email="ada@engines.example",
                       birthday="--12-10")]  # fmt: skip

    record = imported(actor_of(me), google_csv(rows))

    assert record.status == "done"
    assert record.summary["create"] == 1 and record.summary["error"] == 1
    failed = db.session.scalars(select(ImportRow).where(ImportRow.outcome == "error")).one()
    assert (failed.row_number, failed.field) == (1, "emails")
    assert failed.message == "c@d.example already belongs to another contact."
    assert contact_named("Chuck").emails[0].email == "c@d.example"
    ada = contact_named("Ada")
    assert [link.company.name for link in ada.company_links] == ["Engines Ltd"]
    assert db.session.scalars(select(Company.name)).all() == ["Engines Ltd"]
    assert profiles.find_profile(ada.id).birthday_month == 12


def test_a_name_only_row_matches_the_same_name_at_the_same_company_on_a_second_run(db, me):
    rows = [["Ada", "Lovelace", "Engines Ltd"]]
    content = csv_bytes(["First name", "Last name", "Company"], rows)
    imported(actor_of(me), content)

    again = imported(actor_of(me), content)

    assert again.summary["unchanged"] == 1
    assert contacts_count() == 1


def test_a_company_undone_with_its_import_is_not_matched_by_the_next_one(db, me):
    from webapp.services.imports import undo

    rows = [google_row("Ada", "Lovelace", company="Engines Ltd", email="ada@engines.example")]
    first = imported(actor_of(me), google_csv(rows))
    undo.undo_import(actor_of(me), first.id)

    again = preview(actor_of(me), google_csv(rows))

    assert again.summary["companies"] == {"create": 1, "match": 0}


def test_two_new_companies_sharing_an_email_domain_are_both_created(db, me):
    rows = [
        google_row("Ada", "Lovelace", company="Engines Ltd", email="ada@group.example"),
        google_row("Bea", "Babbage", company="Looms Ltd", email="bea@group.example"),
    ]

    record = imported(actor_of(me), google_csv(rows))

    assert record.summary["create"] == 2 and record.summary["error"] == 0
    domains = {c.name: [d.domain for d in c.domains] for c in db.session.scalars(select(Company))}
    assert domains == {"Engines Ltd": ["group.example"], "Looms Ltd": []}
