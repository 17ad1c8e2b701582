"""Merging companies: domains, people, partners, opportunities and filed work move to the kept
company; the merged one is archived and says where it went."""

from __future__ import annotations

import pytest

from tests import factories
from tests.unit.merging_builders import custom_link, firm, person, rows
from webapp import access
from webapp.extensions import db as _db
from webapp.models import (
    AuditEvent,
    ClientProfile,
    Company,
    CompanyDomain,
    ContactCompanyLink,
    Opportunity,
    Partner,
)
from webapp.models.custom_objects import CustomRecordLink
from webapp.services.company_merging import merge_companies
from webapp.services.errors import PermissionDenied


@pytest.fixture
def owner(db):
    return factories.UserFactory(role="member")


@pytest.fixture
def actor(owner):
    return access.actor_for_user(owner)


@pytest.fixture
def acme(owner):
    return firm("Acme Ltd", "acme.example", owner=owner)


@pytest.fixture
def acme_again(owner):
    return firm("ACME Limited", "acme.co.uk", owner=owner)


def test_a_company_merge_moves_domains_people_partners_and_deals(actor, owner, acme, acme_again):
    ada = person(owner, "Ada", "Lovelace", company=acme_again)
    _db.session.add_all(
        [
            Partner(company=acme_again, partner_company_name="Globex"),
            Opportunity(name="Renewal", account=acme_again),
        ]
    )
    record_link = custom_link(acme_again, target_type="account")

    merge_companies(actor, acme.id, [acme_again.id])

    assert [d.domain for d in rows(CompanyDomain, company_id=acme.id)] == [
        "acme.example",
        "acme.co.uk",
    ]
    assert [link_.contact_id for link_ in rows(ContactCompanyLink, company_id=acme.id)] == [ada.id]
    assert [p.company_id for p in rows(Partner)] == [acme.id]
    assert [o.account_id for o in rows(Opportunity)] == [acme.id]
    assert rows(CustomRecordLink, id=record_link.id)[0].target_id == acme.id
    merged = rows(Company, id=acme_again.id)[0]
    assert merged.merged_into_id == acme.id and merged.archived_at is not None


def test_someone_at_both_companies_keeps_one_link_primary_if_either_was(
    actor, owner, acme, acme_again
):
    ada = person(owner, "Ada", "Lovelace", company=acme_again)  # primary at the merged one
    _db.session.add(ContactCompanyLink(contact_id=ada.id, company_id=acme.id, role="CTO"))

    merge_companies(actor, acme.id, [acme_again.id])

    links = rows(ContactCompanyLink, contact_id=ada.id)
    assert [(link_.company_id, link_.role, link_.is_primary) for link_ in links] == [
        (acme.id, "CTO", True)
    ]


def test_the_kept_company_is_a_client_if_either_was(actor, acme, acme_again):
    acme_again.client_profile = ClientProfile(tier="strategic")

    merge_companies(actor, acme.id, [acme_again.id])

    profile = rows(ClientProfile, company_id=acme.id)[0]
    assert profile.tier == "strategic"


def test_the_chosen_name_wins_and_one_merge_event_names_both(actor, acme, acme_again):
    merge_companies(actor, acme.id, [acme_again.id], {"name": "ACME Limited"})

    assert rows(Company, id=acme.id)[0].name == "ACME Limited"
    event = rows(AuditEvent, object_type="company", object_id=acme.id, action="merge")[0]
    assert event.changes["merged_ids"]["after"] == [acme_again.id]


def test_a_member_who_owns_one_of_the_companies_may_not_merge_them(actor, acme):
    theirs = firm("Acme Inc", owner=factories.UserFactory(role="member"))

    with pytest.raises(PermissionDenied):
        merge_companies(actor, acme.id, [theirs.id])
