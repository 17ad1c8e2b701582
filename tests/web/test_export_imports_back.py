"""An exported file imports back into Rapport with nothing created and nothing changed: CSV and
vCard, for people with every field the export writes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.web.test_import_pages import send_file, the_import
from webapp import access
from webapp.extensions import db as _db
from webapp.models import AuditEvent, Contact
from webapp.services import contacts, profiles
from webapp.services.contacts import CompanyLinkInput, ContactInput


@pytest.fixture
def book(login_as):
    """A few people as a firm keeps them: several emails and phones, a company, a birthday with
    and without a year, notes, tags, a LinkedIn address, a name in Cyrillic, a comma and quotes."""
    me = login_as("member", name="Mo Member")
    actor = access.actor_for_user(me)
    engines = factories.CompanyFactory(name="Engines, Ltd")
    people = [
        ContactInput(
            first_name="Ada",
            last_name="Lovelace",
            title='Analyst "the first"',
            owner_id=me.id,
            emails=["ada@engines.example", "ada@home.example"],
            phones=["+442079460958", "+14155550100"],
            company_links=[CompanyLinkInput(engines.id, None, True)],
            linkedin_url="https://www.linkedin.com/in/ada",
            tags=["Friends", "Investor"],
        ),
        ContactInput(first_name="Пётр", last_name="Чайковский", emails=["p@music.example"]),
        ContactInput(first_name="Grace", last_name="Hopper", phones=["+442079460959"]),
    ]
    made = [contacts.create_contact(actor, person) for person in people]
    profiles.update_profile(
        actor, made[0].id, {"birthday": "1985-12-10", "personal_notes": "Poetry,\nand engines"}
    )
    profiles.update_profile(actor, made[1].id, {"birthday": "05-07"})
    _db.session.commit()
    return made


def audit_count() -> int:
    return _db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize(
    ("path", "filename"),
    [("/contacts/export.csv", "book.csv"), ("/contacts/export.vcf", "book.vcf")],
)
def test_an_export_imports_back_with_nothing_created_or_changed(client, book, path, filename):
    exported = client.get(path)
    assert exported.status_code == 200
    before = audit_count()

    location = send_file(client, exported.data, filename).headers["Location"]

    record = the_import()
    assert record.summary["error"] == 0, record.errors
    assert record.summary["create"] == 0 and record.summary["update"] == 0
    assert record.summary["unchanged"] == len(book)
    assert record.summary["companies"] == {"create": 0, "match": 0}
    assert _db.session.scalar(select(func.count()).select_from(Contact)) == len(book)
    assert audit_count() == before + 1  # the import itself, and nothing else
    assert client.get(location).status_code == 200
