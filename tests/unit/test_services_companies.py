"""The companies service: names, domains (normalised, unique), client profiles, audit trail."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import CompanyDomainFactory
from tests.records import events_for, reload
from webapp import access
from webapp.models import ClientProfile, Company, CompanyDomain, PermissionOverride
from webapp.services.companies import CompanyInput, create_company, update_company
from webapp.services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


@pytest.fixture
def actor(make_user):
    return access.actor_for_user(make_user("member"))


def company_count(db) -> int:
    return len(db.session.scalars(select(Company.id)).all())


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("https://www.Acme.com/x", "acme.com"),
        ("http://acme.co.uk", "acme.co.uk"),
        ("WWW.ACME.COM", "acme.com"),
        ("  eu.acme.com/about?x=1 ", "eu.acme.com"),
    ],
)
def test_domains_are_normalised(db, actor, raw, stored):
    company = create_company(actor, CompanyInput(name="Acme", domains=[raw]))
    assert [d.domain for d in reload(db, company).domains] == [stored]


def test_the_same_domain_twice_is_stored_once(db, actor):
    given = CompanyInput(name="Acme", domains=["acme.com", "https://www.acme.com", ""])
    company = create_company(actor, given)
    assert [d.domain for d in reload(db, company).domains] == ["acme.com"]


def test_a_domain_belongs_to_one_company_only(db, actor):
    CompanyDomainFactory(domain="acme.com")
    before = company_count(db)
    with pytest.raises(Conflict) as conflict:
        create_company(actor, CompanyInput(name="Acme Two", domains=["https://www.Acme.com/x"]))
    assert conflict.value.details == {"field": "domains", "domains": ["acme.com"]}
    assert company_count(db) == before


@pytest.mark.parametrize(
    ("given", "field"),
    [
        (CompanyInput(name="  "), "name"),
        (CompanyInput(name="x" * 201), "name"),
        (CompanyInput(name="Acme", domains=["not a domain"]), "domains"),
        (CompanyInput(name="Acme", industry="x" * 121), "industry"),
        (CompanyInput(name="Acme", owner_id=987654), "owner_id"),
        (CompanyInput(name="Acme", is_client=True, client_tier="gold"), "client_tier"),
        (
            CompanyInput(name="Acme", is_client=True, account_manager_id=987654),
            "account_manager_id",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(db, actor, given, field):
    with pytest.raises(ValidationFailed) as failure:
        create_company(actor, given)
    assert field in failure.value.fields
    assert company_count(db) == 0


def test_a_company_without_a_profile_is_not_a_client(db, actor):
    company = reload(db, create_company(actor, CompanyInput(name="Prospect Ltd")))
    assert not company.is_client
    assert company.client_profile is None


def test_is_client_adds_a_client_profile(db, actor):
    given = CompanyInput(
        name="Acme",
        is_client=True,
        client_tier="strategic",
        client_since=date(2024, 3, 1),
        account_manager_id=actor.user.id,
    )
    company = reload(db, create_company(actor, given))
    assert company.is_client
    profile = company.client_profile
    assert (profile.tier, profile.client_since, profile.account_manager_id) == (
        "strategic",
        date(2024, 3, 1),
        actor.user.id,
    )
    [event] = events_for(db, company)
    assert event.changes["is_client"] == {"before": False, "after": True}
    assert event.changes["client_tier"] == {"before": None, "after": "strategic"}
    assert event.changes["client_client_since"] == {"before": None, "after": "2024-03-01"}


def test_update_removes_the_client_profile(db, actor):
    company = create_company(actor, CompanyInput(name="Acme", is_client=True))
    update_company(actor, company.id, CompanyInput(name="Acme", is_client=False))
    stored = reload(db, company)
    assert not stored.is_client
    assert (
        db.session.scalar(select(ClientProfile).where(ClientProfile.company_id == company.id))
        is None
    )
    assert events_for(db, company)[-1].changes == {"is_client": {"before": True, "after": False}}


def test_update_changes_the_profile_in_place(db, actor):
    company = create_company(actor, CompanyInput(name="Acme", is_client=True, client_tier="key"))
    profile_id = reload(db, company).client_profile.id
    update_company(
        actor, company.id, CompanyInput(name="Acme", is_client=True, client_tier="strategic")
    )
    stored = reload(db, company)
    assert stored.client_profile.id == profile_id
    assert stored.client_profile.tier == "strategic"
    assert events_for(db, company)[-1].changes == {
        "client_tier": {"before": "key", "after": "strategic"}
    }


def test_update_replaces_domains_and_keeps_unchanged_ones(db, actor):
    company = create_company(actor, CompanyInput(name="Acme", domains=["acme.com", "acme.io"]))
    kept_id = db.session.scalar(select(CompanyDomain.id).where(CompanyDomain.domain == "acme.com"))
    update_company(actor, company.id, CompanyInput(name="Acme", domains=["acme.com", "acme.dev"]))
    stored = reload(db, company)
    assert sorted(d.domain for d in stored.domains) == ["acme.com", "acme.dev"]
    assert {d.domain: d.id for d in stored.domains}["acme.com"] == kept_id
    assert events_for(db, company)[-1].changes == {
        "domains": {"before": ["acme.com", "acme.io"], "after": ["acme.com", "acme.dev"]}
    }


def test_update_may_keep_its_own_domain_but_not_take_anothers(db, actor):
    CompanyDomainFactory(domain="taken.com")
    company = create_company(actor, CompanyInput(name="Acme", domains=["acme.com"]))
    update_company(actor, company.id, CompanyInput(name="Acme Inc", domains=["acme.com"]))
    with pytest.raises(Conflict):
        update_company(actor, company.id, CompanyInput(name="Acme", domains=["taken.com"]))
    assert [d.domain for d in reload(db, company).domains] == ["acme.com"]


def test_an_update_that_changes_nothing_is_not_audited(db, actor):
    given = CompanyInput(name="Acme", industry="Retail", domains=["acme.com"])
    company = create_company(actor, given)
    update_company(actor, company.id, given)
    assert [e.action for e in events_for(db, company)] == ["create"]


def test_update_of_a_missing_company_is_not_found(db, actor):
    with pytest.raises(NotFound):
        update_company(actor, 987654, CompanyInput(name="Acme"))


def test_writing_companies_needs_relationships_update(db, make_user):
    user = make_user("member")
    user.permission_overrides = [
        PermissionOverride(permission=access.RELATIONSHIPS_UPDATE, granted=False)
    ]
    with pytest.raises(PermissionDenied):
        create_company(access.actor_for_user(user), CompanyInput(name="Acme"))
    assert company_count(db) == 0
