"""factory_boy factories bound to the test's database session."""

from __future__ import annotations

import factory
import faker
from factory.alchemy import SQLAlchemyModelFactory

from webapp.extensions import db
from webapp.models import (
    ClientProfile,
    Company,
    CompanyDomain,
    Contact,
    ContactCompanyLink,
    ContactEmail,
    ContactPhone,
    Squad,
    User,
)
from webapp.services.passwords import hash_password

_faker = faker.Faker()

PASSWORD = "correct horse battery"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashed once: scrypt is slow on purpose


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class SquadFactory(Base):
    class Meta:
        model = Squad

    name = factory.Sequence(lambda n: f"Squad {n}")


class UserFactory(Base):
    class Meta:
        model = User

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"user{n}@rapport.test")
    password_hash = _PASSWORD_HASH
    role = "member"
    timezone = "UTC"
    active = True
    is_admin = False


class CompanyFactory(Base):
    class Meta:
        model = Company

    name = factory.Faker("company")
    industry = "Software"


class CompanyDomainFactory(Base):
    class Meta:
        model = CompanyDomain

    company = factory.SubFactory(CompanyFactory)
    domain = factory.Sequence(lambda n: f"company{n}.example")


class ClientProfileFactory(Base):
    class Meta:
        model = ClientProfile

    company = factory.SubFactory(CompanyFactory)
    tier = "standard"


class ContactFactory(Base):
    class Meta:
        model = Contact

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    # Faker's jobs include "Conservator/restorer": a slash in a title would read as a URL to tests
    # that look for a page's links.
    title = factory.LazyFunction(lambda: _faker.job().replace("/", " and "))
    stage = "working"


class ContactEmailFactory(Base):
    class Meta:
        model = ContactEmail

    contact = factory.SubFactory(ContactFactory)
    email = factory.Sequence(lambda n: f"person{n}@client.example")


class ContactPhoneFactory(Base):
    class Meta:
        model = ContactPhone

    contact = factory.SubFactory(ContactFactory)
    number = "+442079460958"


class ContactCompanyLinkFactory(Base):
    class Meta:
        model = ContactCompanyLink

    contact = factory.SubFactory(ContactFactory)
    company = factory.SubFactory(CompanyFactory)
    role = "Buyer"
    is_primary = True
