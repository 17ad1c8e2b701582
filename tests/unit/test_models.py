"""The models: timestamps come back aware in UTC, and uniqueness holds in the database itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, StatementError

from tests import factories
from webapp.models import (
    ApiKey,
    ClientProfile,
    Company,
    CompanyDomain,
    ContactCompanyLink,
    ContactEmail,
    PermissionOverride,
    Squad,
    User,
)
from webapp.models.base import UTCDateTime


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "pg"])
def test_utc_datetime_reads_back_aware_on_every_dialect(dialect):
    column = UTCDateTime()
    naive_from_sqlite = datetime(2026, 11, 23, 9, 30)
    read = column.process_result_value(naive_from_sqlite, dialect)
    assert read == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    aware_from_postgres = datetime(2026, 11, 23, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    assert column.process_result_value(aware_from_postgres, dialect).utcoffset() is not None
    assert column.process_result_value(None, dialect) is None


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "pg"])
def test_utc_datetime_stores_utc_and_refuses_naive_values(dialect):
    column = UTCDateTime()
    paris = datetime(2026, 11, 23, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    assert column.process_bind_param(paris, dialect) == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    assert column.process_bind_param(paris, dialect).tzinfo == UTC
    with pytest.raises(ValueError, match="naive datetime"):
        column.process_bind_param(datetime(2026, 11, 23, 9, 30), dialect)


def test_timestamps_round_trip_aware_on_this_database(db):
    paris = datetime(2026, 11, 23, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    user = factories.UserFactory(last_sign_in_at=paris)
    db.session.flush()
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert stored.last_sign_in_at == paris  # the same instant
    assert stored.last_sign_in_at.utcoffset() == timedelta(0)
    assert stored.created_at.tzinfo is not None and stored.updated_at.tzinfo is not None


def test_a_naive_timestamp_is_never_written(db):
    user = factories.UserFactory()
    user.last_sign_in_at = datetime(2026, 11, 23, 9, 30)
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


def test_created_at_is_set_at_insert_time_not_at_import(db):
    before = datetime.now(UTC)
    user = factories.UserFactory()
    db.session.flush()
    assert before <= user.created_at <= datetime.now(UTC)


def _insert_twice(db, model, **values):
    db.session.execute(insert(model).values(**values))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(insert(model).values(**values))


def test_user_email_is_unique_in_the_database(db):
    fields = {"name": "A", "email": "a@rapport.example", "password_hash": "x", "role": "member"}
    _insert_twice(db, User, **fields, timezone="UTC", active=True, is_admin=False)


def test_squad_name_is_unique_in_the_database(db):
    _insert_twice(db, Squad, name="North")


def test_company_domain_is_unique_in_the_database(db):
    first, second = factories.CompanyFactory(), factories.CompanyFactory()
    db.session.add(CompanyDomain(company=first, domain="acme.com"))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(CompanyDomain(company=second, domain="acme.com"))


def test_contact_email_is_unique_across_contacts_in_the_database(db):
    first, second = factories.ContactFactory(), factories.ContactFactory()
    db.session.add(ContactEmail(contact=first, email="ada@example.com"))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(ContactEmail(contact=second, email="ada@example.com"))


def test_a_company_has_at_most_one_client_profile_in_the_database(db):
    company = factories.CompanyFactory()
    db.session.add(ClientProfile(company=company))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(insert(ClientProfile).values(company_id=company.id, tier="key"))


def test_a_contact_links_to_a_company_once_in_the_database(db):
    link = factories.ContactCompanyLinkFactory()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(ContactCompanyLink(contact=link.contact, company=link.company))


def test_a_permission_is_overridden_once_per_user_in_the_database(db):
    user = factories.UserFactory()
    db.session.add(PermissionOverride(user=user, permission="admin", granted=True))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(PermissionOverride(user=user, permission="admin", granted=False))


def test_api_key_prefix_and_hash_are_unique_in_the_database(db):
    user = factories.UserFactory()
    db.session.add(ApiKey(user=user, name="a", prefix="rpk_1", secret_hash="h1", permissions=[]))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(ApiKey(user=user, name="b", prefix="rpk_1", secret_hash="h2"))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(ApiKey(user=user, name="c", prefix="rpk_2", secret_hash="h1"))


def test_foreign_keys_are_enforced(db):
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(insert(ContactEmail).values(contact_id=987654, email="x@example.com"))


def test_derived_properties(db):
    contact = factories.ContactFactory(first_name="Ada", last_name="")
    assert contact.full_name == "Ada"
    assert contact.primary_email is None and contact.primary_company is None
    factories.ContactEmailFactory(contact=contact, email="ada@example.com", position=0)
    db.session.flush()
    db.session.expire(contact)
    assert contact.primary_email == "ada@example.com"
    company = factories.CompanyFactory()
    assert not company.is_client
    factories.ClientProfileFactory(company=company)
    assert db.session.scalar(select(Company).where(Company.id == company.id)).is_client
