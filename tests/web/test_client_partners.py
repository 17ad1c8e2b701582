"""The client page's Partners section: add, edit and delete inline, with errors and an audit."""

from __future__ import annotations

from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.web.action_builders import HTMX
from tests.web.contact_page_builders import control, field_error, section, visible_text
from webapp.extensions import db as _db
from webapp.models import AuditEvent, Partner
from webapp.services.partners import SUGGESTED_TYPES

NEW = {
    "partner-partner_company_name": "Initrode",
    "partner-relationship_type": "Reseller",
    "partner-estimated_deal_size": "1,250,000.50",
    "partner-partner_contact_name": "Ivy Init",
    "partner-partner_contact_email": "Ivy@Initrode.example",
    "partner-notes": "Renewal in Q3",
}


def make_client(name="Acme Ltd"):
    company = factories.CompanyFactory(name=name)
    factories.ClientProfileFactory(company=company, tier="key")
    return company


def add_partner(company, name, amount=None, **fields) -> Partner:
    partner = Partner(
        company_id=company.id, partner_company_name=name, estimated_deal_size=amount, **fields
    )
    _db.session.add(partner)
    _db.session.commit()
    return partner


def partners_of(company) -> list[Partner]:
    _db.session.expire_all()
    stmt = select(Partner).where(Partner.company_id == company.id).order_by(Partner.id)
    return list(_db.session.scalars(stmt))


def audit_of(partner_id: int) -> list[tuple[str, int | None]]:
    stmt = (
        select(AuditEvent.action, AuditEvent.user_id)
        .where(AuditEvent.object_type == "partner", AuditEvent.object_id == partner_id)
        .order_by(AuditEvent.id)
    )
    return [tuple(row) for row in _db.session.execute(stmt)]


def partner_count() -> int:
    return _db.session.scalar(select(func.count(Partner.id)))


def shown(html: str) -> str:
    return unescape(visible_text(html))


@pytest.fixture
def me(login_as):
    return login_as("member", name="Mo Member")


@pytest.fixture
def acme(db, me):
    company = make_client()
    _db.session.commit()
    return company


# --- adding --------------------------------------------------------------------------------------


def test_the_add_form_opens_in_the_card_with_suggested_kinds(client, acme):
    response = client.get(f"/clients/{acme.id}/partners/new", headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="client-partners"')
    assert f'action="/clients/{acme.id}/partners"' in html
    assert "autofocus" in control(html, "partner-partner_company_name")
    assert 'list="partner-types"' in control(html, "partner-relationship_type")
    assert all(f'<option value="{kind}">' in html for kind in SUGGESTED_TYPES)


def test_without_javascript_the_add_form_opens_on_the_page(client, acme):
    response = client.get(f"/clients/{acme.id}/partners/new")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in html
    assert 'id="partner-form"' in section(html, "client-partners")


def test_adding_a_partner_shows_it_with_the_new_total_and_audits_it(client, acme, me):
    add_partner(acme, "Globex", Decimal("250000"))

    response = client.post(f"/clients/{acme.id}/partners", data=NEW, headers=HTMX)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = shown(html)
    assert "Initrode added." in text
    assert "Partners 2" in text
    assert "Initrode Reseller Renewal in Q3" in text
    assert "Total est. deal size 1,500,000.50" in text
    assert 'id="partner-form"' not in html  # the form closed
    [globex, initrode] = partners_of(acme)
    assert initrode.partner_company_name == "Initrode"
    assert initrode.estimated_deal_size == Decimal("1250000.50")
    assert initrode.partner_contact_email == "ivy@initrode.example"
    assert initrode.notes == "Renewal in Q3"
    assert audit_of(initrode.id) == [("create", me.id)]


def test_adding_without_javascript_redirects_to_the_section(client, acme):
    response = client.post(f"/clients/{acme.id}/partners", data=NEW)

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/clients/{acme.id}#client-partners")
    assert [p.partner_company_name for p in partners_of(acme)] == ["Initrode"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("partner_company_name", "   ", "This is required."),
        ("estimated_deal_size", "12.345", "Use at most two decimal places (whole cents)."),
        ("estimated_deal_size", "-5", "Use an amount of zero or more."),
        ("estimated_deal_size", "lots", "Send a number, like 250000 or 1250.50."),
    ],
)
def test_bad_values_come_back_next_to_their_field_and_nothing_is_written(
    client, acme, field, value, message
):
    response = client.post(
        f"/clients/{acme.id}/partners", data={**NEW, f"partner-{field}": value}, headers=HTMX
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="client-partners"')
    assert unescape(field_error(html, f"partner-{field}")) == message
    assert 'aria-invalid="true"' in control(html, f"partner-{field}")
    assert partner_count() == 0


def test_a_bad_email_is_refused(client, acme):
    response = client.post(
        f"/clients/{acme.id}/partners",
        data={**NEW, "partner-partner_contact_email": "not an email"},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "partner-partner_contact_email")
    assert partner_count() == 0


def test_errors_keep_what_was_typed(client, acme):
    data = {**NEW, "partner-estimated_deal_size": "12.345"}

    html = client.post(f"/clients/{acme.id}/partners", data=data, headers=HTMX).text

    assert 'value="Initrode"' in control(html, "partner-partner_company_name")
    assert 'value="12.345"' in control(html, "partner-estimated_deal_size")


def test_errors_without_javascript_show_the_page_with_the_form(client, acme):
    data = {**NEW, "partner-partner_company_name": ""}

    response = client.post(f"/clients/{acme.id}/partners", data=data)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" in html
    assert field_error(section(html, "client-partners"), "partner-partner_company_name")
    assert partner_count() == 0


# --- editing -------------------------------------------------------------------------------------


@pytest.fixture
def initrode(acme):
    return add_partner(
        acme,
        "Initrode",
        Decimal("1000000.50"),
        relationship_type="Reseller",
        partner_contact_name="Ivy Init",
        notes="Renewal in Q3",
    )


def test_edit_turns_the_row_into_a_filled_form(client, acme, initrode):
    response = client.get(f"/clients/{acme.id}/partners/{initrode.id}/edit", headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    row = html[html.index(f'<tr id="partner-{initrode.id}"') :]
    assert 'value="Initrode"' in control(row, "edit_partner-partner_company_name")
    assert 'value="1000000.50"' in control(row, "edit_partner-estimated_deal_size")
    assert 'value="Reseller"' in control(row, "edit_partner-relationship_type")
    assert f'action="/clients/{acme.id}/partners/{initrode.id}"' in row


def test_saving_an_edit_changes_the_partner_and_audits_it(client, acme, initrode, me):
    data = {
        "edit_partner-partner_company_name": "Initrode Global",
        "edit_partner-relationship_type": "Co-sell",
        "edit_partner-estimated_deal_size": "2000000",
        "edit_partner-partner_contact_name": "",
        "edit_partner-partner_contact_email": "",
        "edit_partner-notes": "",
    }

    response = client.post(f"/clients/{acme.id}/partners/{initrode.id}", data=data, headers=HTMX)

    assert response.status_code == 200
    text = shown(response.get_data(as_text=True))
    assert "Initrode Global saved." in text
    assert "Total est. deal size 2,000,000" in text
    [saved] = partners_of(acme)
    assert saved.partner_company_name == "Initrode Global"
    assert saved.relationship_type == "Co-sell"
    assert saved.estimated_deal_size == Decimal("2000000.00")
    assert saved.partner_contact_name is None and saved.notes is None  # emptied boxes clear
    assert audit_of(initrode.id)[-1] == ("update", me.id)


def test_a_bad_edit_keeps_the_row_open_with_the_error(client, acme, initrode):
    data = {
        "edit_partner-partner_company_name": "",
        "edit_partner-estimated_deal_size": "1000000.50",
    }

    response = client.post(f"/clients/{acme.id}/partners/{initrode.id}", data=data, headers=HTMX)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "edit_partner-partner_company_name") == "This is required."
    assert partners_of(acme)[0].partner_company_name == "Initrode"
    assert audit_of(initrode.id) == []


def test_another_clients_partner_is_not_found_here(client, acme):
    other = make_client("Other Co")
    theirs = add_partner(other, "Their partner")

    edit = client.get(f"/clients/{acme.id}/partners/{theirs.id}/edit", headers=HTMX)
    save = client.post(
        f"/clients/{acme.id}/partners/{theirs.id}",
        data={"edit_partner-partner_company_name": "Hijacked"},
    )

    assert edit.status_code == 404 and save.status_code == 404
    assert partners_of(other)[0].partner_company_name == "Their partner"


def test_a_company_that_is_not_a_client_has_no_partners_section(client, me):
    plain = factories.CompanyFactory(name="Plain Co")
    _db.session.commit()

    response = client.post(f"/clients/{plain.id}/partners", data=NEW, headers=HTMX)

    assert response.status_code == 404
    assert partner_count() == 0


# --- deleting ------------------------------------------------------------------------------------


def test_a_member_may_not_delete_a_partner(client, acme, initrode):
    confirm = client.get(f"/clients/{acme.id}/partners/{initrode.id}/delete", headers=HTMX)
    delete = client.post(f"/clients/{acme.id}/partners/{initrode.id}/delete", headers=HTMX)

    assert confirm.status_code == 403 and delete.status_code == 403
    assert [p.id for p in partners_of(acme)] == [initrode.id]
    assert audit_of(initrode.id) == []


def test_delete_asks_first(client, acme, initrode, login_as):
    login_as("manager")

    response = client.get(f"/clients/{acme.id}/partners/{initrode.id}/delete", headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Delete the partner Initrode (est. deal size 1,000,000.50)? This cannot be undone." in (
        shown(html)
    )
    assert f'action="/clients/{acme.id}/partners/{initrode.id}/delete"' in html
    assert partners_of(acme)  # nothing deleted yet


def test_a_manager_deletes_a_partner_and_the_audit_keeps_it(client, acme, initrode, login_as):
    manager = login_as("manager")
    add_partner(acme, "Globex", Decimal("5"))

    response = client.post(f"/clients/{acme.id}/partners/{initrode.id}/delete", headers=HTMX)

    assert response.status_code == 200
    text = shown(response.get_data(as_text=True))
    assert "Initrode deleted." in text
    assert "Partners 1" in text and "Total est. deal size 5" in text
    assert [p.partner_company_name for p in partners_of(acme)] == ["Globex"]
    assert audit_of(initrode.id) == [("delete", manager.id)]


def test_deleting_without_javascript_redirects_to_the_section(client, acme, initrode, login_as):
    login_as("executive")

    response = client.post(f"/clients/{acme.id}/partners/{initrode.id}/delete")

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/clients/{acme.id}#client-partners")
    assert partners_of(acme) == []


def test_cancel_returns_the_plain_section(client, acme, initrode):
    response = client.get(f"/clients/{acme.id}/partners", headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<form" not in html.split("<tbody>")[1]
    assert 'id="client-partners-heading" class="h6 mb-0" tabindex="-1" autofocus' in html
