"""An import writes its new people set-based (contacts_bulk, profiles_bulk) for speed; what that
leaves in the database must be exactly what writing them one by one through the services leaves:
the same contacts, companies, profiles, birthdays, birthday actions and tasks, import rows and
audit events. Each file is imported both ways, each in a database rolled back afterwards."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import rolled_back
from tests.import_files import google_csv, google_row, linkedin_csv
from tests.unit.imports.runs import actor_of, imported
from webapp.extensions import db
from webapp.models import (
    AuditEvent,
    Company,
    Contact,
    ImportRow,
    LifeEvent,
    RelationshipAction,
    RelationshipProfile,
    Task,
)
from webapp.services import archiving, profiles
from webapp.services.imports import batches, running, writing

GOOGLE = [
    google_row("Ada", "Lovelace", company="Engines Ltd", title="Analyst",
               email="ada@engines.example", email2="ada@gmail.com", birthday="1985-12-10",
               notes="Likes poetry", labels="* myContacts ::: Friends ::: Board",
               phone="+44 20 7946 0958"),
    google_row("Charles", "Babbage", company="Difference Ltd", email="charles@difference.example",
               birthday="--02-29"),
    google_row("Mary", "Somerville", company="Difference Ltd", email="mary@gmail.com",
               notes="Astronomy"),
    google_row("Known", "Person", email="known@old.example", birthday="--07-04", title="CFO"),
    google_row("Bad", "Email", email="not-an-email"),
    google_row("Ada", "Again", email="ADA@engines.example"),
    google_row("Nobody", "", phone="+1 415 555 0100", birthday="--01-01"),
    google_row("Zoë", "Ångström", company="Ørsted", email="zoe@orsted.example"),
    google_row("Second", "Known", company="Brand New Co", email="second@gmail.com",
               birthday="--05-06", notes="Replace?", phone="+1 415 555 0199",
               labels="* myContacts ::: VIP"),
    google_row("Third", "Known", email="third@old.example", birthday="1970-08-09",
               notes="Sails"),
    google_row("Put", "Away", email="archived@old.example", title="Returned"),
    google_row("Long", "Name", company="Very Long " * 25, email="long@long.example"),
]  # fmt: skip
LINKEDIN = [
    ["Grace", "Hopper", "https://www.linkedin.com/in/grace-hopper", "", "Navy", "Admiral",
     "1 Jan 2020"],
    ["Alan", "Turing", "https://linkedin.com/in/alan-turing/", "alan@bletchley.example",
     "Bletchley", "Cryptanalyst", "2 Feb 2021"],
    ["Grace", "Again", "https://www.linkedin.com/in/grace-hopper", "", "Navy", "", "3 Mar 2022"],
]  # fmt: skip


def one_by_one(ctx, plans):
    for plan in plans:
        writing.write_row(ctx, plan)


def _known(first: str, last: str, email: str, company=None):
    person = factories.ContactFactory(first_name=first, last_name=last, title=None)
    factories.ContactEmailFactory(contact=person, email=email)
    if company is not None:
        factories.ContactCompanyLinkFactory(contact=person, company=company, role=None)
    return person


def _firm():
    """The importer, and people the firm has: one bare, one with a profile (notes and a preferred
    name), one with a birthday and its life event, one archived."""
    importer = factories.UserFactory(role="manager", timezone="Europe/London")
    actor = actor_of(importer)
    old = factories.CompanyFactory(name="Old Firm")
    factories.CompanyDomainFactory(company=old, domain="old.example")
    _known("Known", "Person", "known@old.example", old)
    second = _known("Second", "Known", "second@gmail.com")
    third = _known("Third", "Known", "third@old.example", old)
    away = _known("Put", "Away", "archived@old.example")
    _known("Alan", "Turing", "alan@bletchley.example")
    profiles.update_profile(
        actor, second.id, {"personal_notes": "Keep me", "preferred_name": "Sec"}
    )
    profiles.update_profile(actor, third.id, {"birthday": "--02-03"})
    archiving.archive(actor, away, "contact")
    db.session.commit()
    return importer


def _names(model, column, ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    return dict(db.session.execute(select(model.id, column).where(model.id.in_(ids))).all())


def _without_ids(changes: dict) -> dict:
    dropped = {"company_ids", "company_links", "assigned_to_id", "relationship_action_id",
               "owner_id", "archived_at"}  # ids, and a time, that differ run to run  # fmt: skip
    return {k: v for k, v in changes.items() if k not in dropped}


def _snapshot(importer_id: int) -> dict:
    """What a user could see of the firm, with names in place of ids (which differ run to run)."""

    def who(user_id):
        return "the importer" if user_id == importer_id else user_id

    contacts = db.session.scalars(select(Contact)).all()
    person = {c.id: c.full_name for c in contacts}
    company = _names(Company, Company.name, db.session.scalars(select(Company.id)))
    events = db.session.scalars(select(LifeEvent)).all()
    actions = db.session.scalars(select(RelationshipAction)).all()
    audits = db.session.scalars(select(AuditEvent).where(AuditEvent.import_id.is_not(None)))
    return {
        "contacts": sorted(
            (
                c.full_name,
                c.title,
                c.stage,
                c.owner_id is not None,
                c.linkedin_url,
                [e.email for e in c.emails],
                [p.number for p in c.phones],
                c.tag_names,
                [(company[k.company_id], k.role, k.is_primary) for k in c.company_links],
            )
            for c in contacts
        ),
        "companies": sorted(
            (c.name, sorted(d.domain for d in c.domains), c.owner_id is not None)
            for c in db.session.scalars(select(Company))
        ),
        "profiles": sorted(
            (
                person[p.contact_id],
                p.phone_number,
                p.birthday_month,
                p.birthday_day,
                p.birthday_year,
                p.personal_notes,
            )
            for p in db.session.scalars(select(RelationshipProfile))
        ),
        "life_events": sorted(
            (
                person[e.contact_id],
                e.event_type,
                e.title,
                e.event_month,
                e.event_day,
                e.event_year,
                e.recurs_annually,
                e.auto_action_enabled,
                who(e.created_by_id),
            )
            for e in events
        ),
        "actions": sorted(
            (
                person[a.contact_id],
                a.title,
                a.action_type,
                who(a.assigned_to_id),
                a.due_on,
                a.occurrence_on,
                company.get(a.company_id),
                a.source,
                a.status,
                who(a.created_by_id),
                a.task.title,
                a.task.due_on,
                who(a.task.assigned_to_id),
                a.task.status,
                company.get(a.task.company_id),
            )
            for a in actions
        ),
        "tasks": db.session.scalar(select(db.func.count(Task.id))),
        "import_rows": sorted(
            (
                r.row_number,
                r.outcome,
                r.field,
                r.message,
                person.get(r.contact_id),
                company.get(r.created_company_id),
                _without_ids(r.changes),
                r.source,
            )
            for r in db.session.scalars(select(ImportRow))
        ),
        "audit": Counter(
            (a.object_type, a.action, who(a.user_id), repr(_without_ids(a.changes))) for a in audits
        ),
    }


def _imported_snapshot(app, content: bytes, filename: str, write_batch, **choices) -> dict:
    with rolled_back(app):
        importer = _firm()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(running, "write_batch", write_batch)
            record = imported(actor_of(importer), content, filename, **choices)
        assert record.status == "done"
        return _snapshot(importer.id)


@pytest.mark.parametrize(
    ("content", "filename", "overwrite"),
    [
        (google_csv(GOOGLE), "contacts.csv", False),
        (google_csv(GOOGLE), "contacts.csv", True),
        (linkedin_csv(LINKEDIN), "Connections.csv", False),
    ],
    ids=["google", "google-overwrite", "linkedin"],
)
def test_rows_written_at_once_are_exactly_as_written_one_by_one(app, content, filename, overwrite):
    at_once = _imported_snapshot(app, content, filename, batches.write_batch, overwrite=overwrite)
    by_one = _imported_snapshot(app, content, filename, one_by_one, overwrite=overwrite)

    outcomes = Counter(row[1] for row in at_once["import_rows"])
    assert outcomes["create"] and outcomes["update"]
    for part in at_once:
        assert at_once[part] == by_one[part], part


def test_the_birthdays_of_new_people_get_their_card_actions(app):
    snapshot = _imported_snapshot(app, google_csv(GOOGLE), "contacts.csv", batches.write_batch)

    made = {(name, kind, who) for name, _t, kind, who, *_ in snapshot["actions"]}
    assert made == {("Ada Lovelace", "card", "the importer"),
                    ("Charles Babbage", "card", "the importer"),
                    ("Known Person", "card", "the importer"),
                    ("Nobody", "card", "the importer"),
                    ("Second Known", "card", "the importer"),
                    ("Third Known", "card", "the importer")}  # fmt: skip
    titles = {name: title for name, title, *_ in snapshot["actions"]}
    assert titles["Second Known"] == "Send a card to Sec Known: Birthday (6 May)"
    assert len(snapshot["life_events"]) == 6  # Third Known had hers before the import
