"""The contact form's company rows: a search-as-you-type field, not a list of every company.

Picking a suggestion sends the company's id; text sent without picking is read as the Company
filter reads it (its whole name, or the only company it matches); anything else is an error under
the field and nothing is saved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.web.test_contacts_forms import contact_count, error_next_to, good_form
from webapp.extensions import db as _db
from webapp.models import AuditEvent, Contact, ContactCompanyLink
from webapp.models.base import utcnow


@pytest.fixture
def companies(db):
    return (
        factories.CompanyFactory(name="Acme Ltd"),
        factories.CompanyFactory(name="Globex plc"),
        factories.CompanyFactory(name="Acme Holdings"),
    )


def row(text: str = "", company_id: str = "", n: int = 0, **fields) -> dict:
    """Form values for company row ``n``: the text typed and the id picked (if any)."""
    values = {f"company_links-{n}-company_name": text, f"company_links-{n}-company_id": company_id}
    return values | {f"company_links-{n}-{name}": value for name, value in fields.items()}


def form_with(companies, *rows: dict) -> dict:
    """The good form of test_contacts_forms with only the given company rows."""
    data = {k: v for k, v in good_form(companies[:2]).items() if not k.startswith("company_links")}
    for values in rows:
        data |= values
    return data


def linked_names() -> list[str]:
    contact = _db.session.scalar(select(Contact).where(Contact.first_name == "Ada"))
    return sorted(link.company.name for link in contact.company_links)


def nothing_saved() -> bool:
    return contact_count() == 0 and not _db.session.scalar(select(func.count(AuditEvent.id)))


def test_the_form_offers_a_company_search_not_a_list_of_every_company(client, login_as, companies):
    login_as("member")

    html = client.get("/contacts/new").text

    assert 'role="combobox"' in html and 'name="company_links-0-company_name"' in html
    assert 'hx-get="/companies/choices"' in html
    assert '<input type="hidden" name="company_links-0-company_id" value=""' in html
    assert "Globex plc" not in html and "Acme Holdings" not in html


@pytest.mark.parametrize(
    ("text", "linked"),
    [("Acme Ltd", "Acme Ltd"), ("acme ltd", "Acme Ltd"), ("Glob", "Globex plc")],
    ids=["whole name", "whole name in any case", "the only match"],
)
def test_text_typed_without_picking_links_the_company_it_names(
    client, login_as, companies, text, linked
):
    login_as("member")

    response = client.post("/contacts/new", data=form_with(companies, row(text, is_primary="y")))

    assert response.status_code == 303, response.text[:300]
    assert linked_names() == [linked]


def test_a_picked_company_is_linked_by_its_id(client, login_as, companies):
    login_as("member")
    holdings = companies[2]

    response = client.post(
        "/contacts/new", data=form_with(companies, row("Acme Holdings", str(holdings.id)))
    )

    assert response.status_code == 303
    assert linked_names() == ["Acme Holdings"]


def test_text_changed_after_picking_is_read_again(client, login_as, companies):
    login_as("member")
    acme = companies[0]

    response = client.post("/contacts/new", data=form_with(companies, row("Globex", str(acme.id))))

    assert response.status_code == 303
    assert linked_names() == ["Globex plc"]


def test_text_that_several_companies_match_is_an_error_naming_them(client, login_as, companies):
    login_as("member")

    response = client.post("/contacts/new", data=form_with(companies, row("Acme")))

    assert response.status_code == 422
    message = error_next_to(response.text, "company_links-0-company_name")
    assert message == (
        "Several companies match “Acme”: Acme Holdings, Acme Ltd. Pick one, or type its whole name."
    )
    assert 'name="company_links-0-company_name" value="Acme"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert nothing_saved()


def test_text_that_no_company_matches_is_an_error(client, login_as, companies):
    login_as("member")

    response = client.post("/contacts/new", data=form_with(companies, row("Zenith")))

    assert response.status_code == 422
    assert error_next_to(response.text, "company_links-0-company_name") == (
        "No company matches “Zenith”."
    )
    assert nothing_saved()


def test_an_archived_company_cannot_be_picked(client, login_as, companies):
    login_as("member")
    globex = companies[1]
    globex.archived_at = utcnow()
    _db.session.commit()

    response = client.post("/contacts/new", data=form_with(companies, row("", str(globex.id))))

    assert response.status_code == 422
    assert "not in Rapport any more" in error_next_to(response.text, "company_links-0-company_name")
    assert nothing_saved()


def test_a_row_ticked_for_removal_is_not_read(client, login_as, companies):
    login_as("member")

    response = client.post(
        "/contacts/new",
        data=form_with(companies, row("Acme Ltd", is_primary="y"), row("Zenith", n=1, remove="y")),
    )

    assert response.status_code == 303
    assert linked_names() == ["Acme Ltd"]


def test_an_error_elsewhere_keeps_each_row_as_it_was_settled(client, login_as, companies):
    login_as("member")
    globex = companies[1]
    data = form_with(companies, row("Glob")) | {"first_name": ""}

    response = client.post("/contacts/new", data=data)

    assert response.status_code == 422
    assert 'name="company_links-0-company_name" value="Globex plc"' in response.text
    assert f'name="company_links-0-company_id" value="{globex.id}"' in response.text
    assert nothing_saved()


def test_editing_keeps_the_links_and_changes_one_by_text(client, login_as, companies):
    login_as("member")
    acme, globex, _ = companies
    ada = factories.ContactFactory(first_name="Ada")
    _db.session.add(ContactCompanyLink(contact=ada, company=acme, role="CTO", is_primary=True))
    _db.session.commit()
    page = client.get(f"/contacts/{ada.id}/edit").text
    assert f'name="company_links-0-company_id" value="{acme.id}"' in page

    data = {"first_name": "Ada", "stage": "new", "owner_id": ""}
    data |= row("Globex plc", str(acme.id), role="CTO", is_primary="y")
    response = client.post(f"/contacts/{ada.id}/edit", data=data)

    assert response.status_code == 303
    assert linked_names() == [globex.name]


def test_the_form_costs_the_same_queries_with_3_or_60_companies(
    client, login_as, companies, count_queries
):
    login_as("member")

    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/contacts/new").status_code == 200
        return len(statements)

    with_3 = queries()
    for n in range(57):
        factories.CompanyFactory(name=f"Firm {n}")
    _db.session.commit()

    assert queries() == with_3
