"""SQLite's search tables (migration 0016): FTS5 trigram indexes that triggers keep in step with
every write, which the contacts and companies searches read before ``LIKE`` checks the rows."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text

from tests import factories
from webapp.extensions import db as _db
from webapp.models import CompanyDomain, ContactEmail
from webapp.services.company_search import companies_query
from webapp.services.contact_search import ContactFilters, contacts_query

SEARCH_TABLES = ("contact_names_fts", "contact_emails_fts", "companies_fts", "company_domains_fts")


@pytest.fixture(autouse=True)
def sqlite_only(db):
    if _db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's own search tables; PostgreSQL searches with pg_trgm indexes.")


def found_contacts(q: str) -> list[str]:
    stmt = contacts_query(ContactFilters(q=q))
    return [contact.full_name for contact in _db.session.scalars(stmt).unique()]


def found_companies(q: str) -> list[str]:
    return [company.name for company, _count in _db.session.execute(companies_query(q))]


def assert_every_index_matches_its_table() -> None:
    """FTS5's own check: each search table holds exactly what its table does."""
    for name in SEARCH_TABLES:
        _db.session.execute(text(f"INSERT INTO {name}({name}, rank) VALUES ('integrity-check', 1)"))


def plan_of(q: str) -> str:
    stmt = contacts_query(ContactFilters(q=q))
    compiled = stmt.compile(_db.session.get_bind(), compile_kwargs={"literal_binds": True})
    rows = _db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
    return "\n".join(str(row[-1]) for row in rows)


def test_a_contacts_search_reads_the_search_tables(db):
    plan = plan_of("lovelace")

    for name in ("contact_names_fts", "contact_emails_fts", "companies_fts"):
        assert f"{name} VIRTUAL TABLE" in plan, plan


def test_names_emails_and_companies_are_found_after_every_kind_of_write(db):
    acme = factories.CompanyFactory(name="Analytical Engines")
    ada = factories.ContactFactory(first_name="Ada", last_name="Lovelace", phones=[])
    factories.ContactEmailFactory(contact=ada, email="countess@engines.example")
    factories.ContactCompanyLinkFactory(contact=ada, company=acme)
    _db.session.flush()
    assert found_contacts("ada lov") == ["Ada Lovelace"]  # across first and last name
    assert found_contacts("COUNTESS@") == ["Ada Lovelace"]
    assert found_contacts("analytical") == ["Ada Lovelace"]

    ada.last_name = "King"
    acme.name = "Difference Engines"
    _db.session.execute(delete(ContactEmail).where(ContactEmail.contact_id == ada.id))
    _db.session.flush()

    assert found_contacts("lovelace") == [] and found_contacts("ada kin") == ["Ada King"]
    assert found_contacts("countess") == [] and found_contacts("analytical") == []
    assert found_contacts("difference") == ["Ada King"]
    assert_every_index_matches_its_table()


def test_companies_are_found_by_name_and_domain_as_they_change(db):
    globex = factories.CompanyFactory(name="Globex Corporation")
    _db.session.add(CompanyDomain(company=globex, domain="globex.example", position=0))
    _db.session.flush()
    assert found_companies("obex cor") == ["Globex Corporation"]
    assert found_companies("x.exa") == ["Globex Corporation"]

    _db.session.execute(delete(CompanyDomain).where(CompanyDomain.company_id == globex.id))
    _db.session.delete(factories.CompanyFactory(name="Gone Globex"))
    _db.session.flush()

    assert found_companies("x.exa") == []
    assert found_companies("globex") == ["Globex Corporation"]
    assert_every_index_matches_its_table()


def test_text_the_index_cannot_hold_still_matches_as_like_does(db):
    factories.ContactFactory(first_name="Bo", last_name='O"Neil 100%', phones=[])
    _db.session.flush()

    assert found_contacts('o"nei') == ['Bo O"Neil 100%']  # a quote inside the search
    assert found_contacts("100%") == ['Bo O"Neil 100%']  # a LIKE wildcard, literally
    assert found_contacts("bo o") == ['Bo O"Neil 100%']  # words too short for trigrams
    assert found_contacts("b") == ['Bo O"Neil 100%']
