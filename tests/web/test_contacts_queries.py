"""The contacts list and the contact page run a fixed number of SQL queries, however much data."""

from __future__ import annotations

import pytest

from tests import factories
from tests.web.contact_page_builders import queries_for
from webapp import access
from webapp.extensions import db as _db
from webapp.models import Contact, ContactCompanyLink, ContactEmail, ContactPhone
from webapp.services import contacts as contact_service
from webapp.services.contacts import CompanyLinkInput, ContactInput


def add_contacts(count: int, owners: list, companies: list, start: int = 0) -> list[Contact]:
    """``count`` contacts, each with an email, a phone and a primary company, in one flush."""
    contacts = []
    for n in range(start, start + count):
        contact = Contact(
            first_name=f"Person{n}",
            last_name=f"Bulk{n:05d}",
            title="Buyer",
            stage="working",
            owner=owners[n % len(owners)],
        )
        contact.emails = [ContactEmail(email=f"person{n}@bulk.example")]
        contact.phones = [ContactPhone(number="+442079460958")]
        contact.company_links = [
            ContactCompanyLink(company=companies[n % len(companies)], role="Buyer", is_primary=True)
        ]
        contacts.append(contact)
    _db.session.add_all(contacts)
    _db.session.flush()
    return contacts


@pytest.fixture
def full_pages(app, monkeypatch):
    """One contact a page, so that both sizes show a full first page: a page that is not full
    tells its total without a count (docs/performance.md), one query fewer that is not growth."""
    monkeypatch.setitem(app.config, "CONTACTS_PER_PAGE", 1)


@pytest.fixture
def world(db, login_as, make_user):
    login_as("member")
    # More owners and companies than a page holds, so a lazy load per owner or company would show.
    owners = [make_user(name=f"Owner {n}") for n in range(30)]
    companies = [factories.CompanyFactory(name=f"Company {n}") for n in range(30)]
    contacts = add_contacts(10, owners, companies)
    _db.session.commit()
    return {"owners": owners, "companies": companies, "contacts": contacts}


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/contacts", {}),
        ("/contacts?q=bulk&sort=-updated", {}),
        ("/contacts?q=Persn+Bulk", {}),
        ("/contacts?q=person&sort=title", {"HX-Request": "true"}),
        ("/contacts?page=1&sort=-name", {}),
        ("/contacts?touch=soon&sort=touch_due", {}),
    ],
    ids=["list", "search", "best match", "htmx fragment", "sorted", "keep in touch"],
)
def test_contacts_list_runs_the_same_queries_for_10_and_1000_contacts(
    client, count_queries, world, path, headers, full_pages
):
    with_ten = queries_for(client, count_queries, path, headers=headers)
    add_contacts(990, world["owners"], world["companies"], start=10)
    _db.session.commit()
    with_thousand = queries_for(client, count_queries, path, headers=headers)
    assert with_thousand == with_ten, (
        f"{with_ten} queries with 10 contacts, {with_thousand} with 1000"
    )


def test_filtered_list_runs_the_same_queries_for_10_and_1000_contacts(
    client, count_queries, world, full_pages
):
    owner, company = world["owners"][0], world["companies"][0]
    path = f"/contacts?owner={owner.id}&company={company.id}"
    with_ten = queries_for(client, count_queries, path)
    add_contacts(990, world["owners"], world["companies"], start=10)
    _db.session.commit()
    assert queries_for(client, count_queries, path) == with_ten


def test_contact_page_runs_the_same_queries_for_10_and_1000_contacts(client, count_queries, world):
    path = f"/contacts/{world['contacts'][0].id}"
    with_ten = queries_for(client, count_queries, path)
    add_contacts(990, world["owners"], world["companies"], start=10)
    _db.session.commit()
    assert queries_for(client, count_queries, path) == with_ten


def test_contact_page_queries_do_not_grow_with_links_emails_or_history(
    client, count_queries, world, make_user
):
    plain = world["contacts"][0]
    plain_count = queries_for(client, count_queries, f"/contacts/{plain.id}")
    companies = world["companies"]
    editors = [access.actor_for_user(make_user(name=f"Editor {n}")) for n in range(6)]
    rich = contact_service.create_contact(
        editors[0],
        ContactInput(
            first_name="Rich",
            owner_id=world["owners"][1].id,
            emails=[f"rich{n}@example.org" for n in range(4)],
            phones=["+442079460958", "+14155550100", "+33142685300"],
            company_links=[CompanyLinkInput(c.id, role="Partner") for c in companies[:5]],
        ),
    )
    for n, editor in enumerate(editors * 2):
        contact_service.update_contact(
            editor,
            rich.id,
            ContactInput(
                first_name="Rich",
                title=f"Title {n}",
                owner_id=world["owners"][1].id,
                company_links=[CompanyLinkInput(c.id, role="Partner") for c in companies[:5]],
            ),
        )
    _db.session.commit()
    assert queries_for(client, count_queries, f"/contacts/{rich.id}") == plain_count
