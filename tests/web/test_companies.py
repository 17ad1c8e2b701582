"""Companies and clients pages: the list with live search, the company page, create and edit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import (
    ClientProfileFactory,
    CompanyDomainFactory,
    CompanyFactory,
    ContactCompanyLinkFactory,
    ContactEmailFactory,
    ContactFactory,
)
from webapp.models import (
    AuditEvent,
    ClientProfile,
    Company,
    CompanyDomain,
    PermissionOverride,
)
from webapp.models.base import utcnow

HTMX = {"HX-Request": "true"}


def company_count(db) -> int:
    return db.session.scalar(select(func.count(Company.id)))


def audit_events(db, action: str, company_id: int) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(
        AuditEvent.object_type == "company",
        AuditEvent.object_id == company_id,
        AuditEvent.action == action,
    )
    return list(db.session.scalars(stmt))


def make_client(name: str, *, tier: str = "key", manager=None, domain: str | None = None):
    company = CompanyFactory(name=name)
    ClientProfileFactory(company=company, tier=tier, account_manager=manager)
    if domain:
        CompanyDomainFactory(company=company, domain=domain)
    return company


def link_contact(company, *, first_name="Ada", last_name="Lovelace", role="Buyer", primary=False):
    contact = ContactFactory(first_name=first_name, last_name=last_name)
    ContactEmailFactory(contact=contact)
    ContactCompanyLinkFactory(contact=contact, company=company, role=role, is_primary=primary)
    return contact


# --- the list -------------------------------------------------------------------------------


def test_list_shows_each_company_with_domains_client_tier_manager_and_contact_count(
    client, db, login_as, make_user
):
    login_as("member")
    manager = make_user("manager", name="Maria Manager")
    acme = make_client("Acme Ltd", tier="strategic", manager=manager, domain="acme.example")
    link_contact(acme, first_name="Ann")
    link_contact(acme, first_name="Bob")
    archived = link_contact(acme, first_name="Gone")
    archived.archived_at = utcnow()
    CompanyFactory(name="Globex")
    db.session.commit()

    response = client.get("/companies")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Companies</h1>" in page
    assert "Acme Ltd" in page and "Globex" in page
    assert "acme.example" in page
    assert "Client · strategic" in page
    assert "Maria Manager" in page
    assert "Not a client" in page
    acme_row = page[page.index("Acme Ltd") : page.index("</tr>", page.index("Acme Ltd"))]
    assert '<td class="text-end">2</td>' in acme_row  # the archived contact is not counted


def test_clients_only_list_is_titled_clients_and_leaves_out_other_companies(client, db, login_as):
    login_as("member")
    make_client("Initech")
    CompanyFactory(name="Umbrella Corp")
    db.session.commit()

    page = client.get("/companies?clients=1").get_data(as_text=True)

    assert "<h1>Clients</h1>" in page
    assert "Initech" in page
    assert "Umbrella Corp" not in page


@pytest.mark.parametrize("q", ["hooli", "HOOLI.EXA", "Hool"])
def test_search_finds_a_company_by_name_or_domain(client, db, login_as, q):
    login_as("member")
    hooli = CompanyFactory(name="Hooli")
    CompanyDomainFactory(company=hooli, domain="hooli.example")
    CompanyFactory(name="Pied Piper")
    db.session.commit()

    page = client.get("/companies", query_string={"q": q}).get_data(as_text=True)

    assert "Hooli" in page
    assert "Pied Piper" not in page


def test_search_by_domain_only_matches_the_domain(client, db, login_as):
    login_as("member")
    vandelay = CompanyFactory(name="Vandelay Industries")
    CompanyDomainFactory(company=vandelay, domain="latex-imports.example")
    CompanyFactory(name="Kramerica")
    db.session.commit()

    page = client.get("/companies?q=latex-imports").get_data(as_text=True)

    assert "Vandelay Industries" in page
    assert "Kramerica" not in page


def test_search_with_no_match_says_so(client, db, login_as):
    login_as("member")
    CompanyFactory(name="Wonka")
    db.session.commit()

    page = client.get("/companies?q=zzz").get_data(as_text=True)

    assert "No companies match “zzz”." in page


def test_live_search_answers_htmx_with_only_the_results_fragment(client, db, login_as):
    login_as("member")
    CompanyFactory(name="Stark Industries")
    CompanyFactory(name="Wayne Enterprises")
    db.session.commit()

    response = client.get("/companies?q=stark", headers=HTMX)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in page and '<nav class="navbar' not in page
    assert 'id="company-results"' in page
    assert "Stark Industries" in page and "Wayne Enterprises" not in page
    assert 'hx-swap-oob="true"' in page  # the all/clients toggle keeps the typed search
    assert "HX-Request" in response.headers.get_all("Vary")[0]


def test_full_page_also_varies_on_hx_request_so_caches_keep_them_apart(client, db, login_as):
    login_as("member")

    response = client.get("/companies")

    assert "<html" in response.get_data(as_text=True)
    assert "HX-Request" in response.headers.get("Vary", "")


def test_list_pages_25_companies_at_a_time(client, db, login_as):
    login_as("member")
    for n in range(30):
        CompanyFactory(name=f"Company {n:02d}")
    db.session.commit()

    first = client.get("/companies").get_data(as_text=True)
    second = client.get("/companies?page=2").get_data(as_text=True)

    assert "Company 24" in first and "Company 25" not in first
    assert "Company 25" in second and "Company 29" in second and "Company 24" not in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-4",
        "page=0",
        "page=999999999999999999999999",
        "page=500",
        "clients=yes",
        "q=%00%25_\\",
        "q=" + "x" * 5000,
    ],
)
def test_odd_query_values_never_break_the_list(client, db, login_as, query):
    login_as("member")
    CompanyFactory(name="Soylent")
    db.session.commit()

    response = client.get(f"/companies?{query}")

    assert response.status_code == 200


def test_empty_list_invites_to_add_the_first_company(client, db, login_as):
    login_as("member")

    page = client.get("/companies").get_data(as_text=True)

    assert "No companies yet." in page
    assert "Add the first company" in page


def test_reader_without_update_permission_sees_no_new_or_edit_buttons(client, db, login_as):
    login_as("member", permission_overrides=[withdrawn("relationships:update")])
    company = CompanyFactory(name="Read Only Inc")
    db.session.commit()

    listing = client.get("/companies").get_data(as_text=True)
    company_page = client.get(f"/companies/{company.id}").get_data(as_text=True)

    assert "New company" not in listing
    assert "Read Only Inc" in company_page and "Edit company" not in company_page


def test_people_without_view_permission_cannot_see_companies(client, db, login_as):
    login_as("member", permission_overrides=[withdrawn("relationships:view")])
    company = CompanyFactory()
    db.session.commit()

    assert client.get("/companies").status_code == 403
    assert client.get(f"/companies/{company.id}").status_code == 403


# --- the company page ---------------------------------------------------------------------


def test_company_page_shows_domains_client_profile_and_its_live_contacts(
    client, db, login_as, make_user
):
    login_as("member")
    manager = make_user("manager", name="Priya Patel")
    company = make_client("Acme Ltd", tier="strategic", manager=manager, domain="acme.example")
    CompanyDomainFactory(company=company, domain="acme-group.example")
    company.client_profile.client_since = date(2021, 3, 4)
    ada = link_contact(company, first_name="Ada", last_name="Lovelace", role="CFO", primary=True)
    gone = link_contact(company, first_name="Archie", last_name="Ved")
    gone.archived_at = utcnow()
    db.session.commit()

    response = client.get(f"/companies/{company.id}")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "acme.example" in page and "acme-group.example" in page
    assert "Client · strategic" in page and "04 March 2021" in page and "Priya Patel" in page
    assert f'href="/contacts/{ada.id}"' in page
    assert "Ada Lovelace" in page and "CFO" in page and "Primary" in page
    assert "Archie Ved" not in page
    assert f'href="/contacts?company={company.id}"' in page
    assert "All contacts at this company" in page


def test_company_page_of_a_non_client_says_not_a_client(client, db, login_as):
    login_as("member")
    company = CompanyFactory(name="Prospect plc")
    db.session.commit()

    page = client.get(f"/companies/{company.id}").get_data(as_text=True)

    assert "Not a client" in page
    assert "No contacts are linked to Prospect plc yet." in page


def test_unknown_company_is_404(client, db, login_as):
    login_as("member")

    assert client.get("/companies/987654").status_code == 404


# --- create and edit ----------------------------------------------------------------------


def company_form(**fields) -> dict:
    values = {
        "name": "Cyberdyne Systems",
        "industry": "Robotics",
        "owner_id": "",
        "domains": "Cyberdyne.EXAMPLE\nhttps://www.skynet.example/about",
        "is_client": "y",
        "client_tier": "strategic",
        "client_since": "2024-01-15",
        "account_manager_id": "",
    }
    values.update(fields)
    return {k: v for k, v in values.items() if v is not None}


def test_creating_a_client_company_saves_company_domains_profile_and_audit_event(
    client, db, login_as, make_user
):
    user = login_as("member")
    manager = make_user("manager")
    db.session.commit()

    response = client.post(
        "/companies/new", data=company_form(owner_id=str(user.id), account_manager_id=manager.id)
    )

    assert response.status_code == 303
    company = db.session.scalar(select(Company).where(Company.name == "Cyberdyne Systems"))
    assert response.headers["Location"] == f"/companies/{company.id}"
    assert company.industry == "Robotics" and company.owner_id == user.id
    assert [d.domain for d in company.domains] == ["cyberdyne.example", "skynet.example"]
    profile = company.client_profile
    assert (profile.tier, profile.client_since) == ("strategic", date(2024, 1, 15))
    assert profile.account_manager_id == manager.id
    [event] = audit_events(db, "create", company.id)
    assert event.user_id == user.id
    assert event.changes["name"]["after"] == "Cyberdyne Systems"
    assert "Cyberdyne Systems was added." in client.get(response.headers["Location"]).text


def test_creating_a_company_that_is_not_a_client_adds_no_profile(client, db, login_as):
    login_as("member")

    client.post("/companies/new", data=company_form(is_client=None, domains=""))

    company = db.session.scalar(select(Company).where(Company.name == "Cyberdyne Systems"))
    assert company is not None and company.client_profile is None and company.domains == []


def test_new_company_form_hides_client_fields_until_client_is_ticked(client, db, login_as):
    login_as("member")

    page = client.get("/companies/new").get_data(as_text=True)

    assert 'class="client-fields"' in page
    assert ":has(#is_client:not(:checked)) .client-fields { display: none; }" in page
    assert 'name="client_tier"' in page  # present in the HTML: works without CSS support too


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  "}, "Give the company&#39;s name."),
        ({"domains": "not a domain"}, "not a domain is not a domain like example.com."),
        ({"domains": "taken.example"}, "taken.example already belongs to another company."),
        ({"client_tier": "platinum"}, "Choose one of: strategic, key, standard."),
        ({"client_since": "31/31/2024"}, "Not a valid date value."),
        ({"account_manager_id": "abc"}, "Invalid Choice: could not coerce."),
        ({"account_manager_id": "999999"}, "Choose an existing user."),
    ],
)
def test_bad_company_input_is_refused_with_its_message_and_nothing_saved(
    client, db, login_as, fields, message
):
    login_as("member")
    CompanyDomainFactory(domain="taken.example")
    db.session.commit()
    before = company_count(db)

    response = client.post("/companies/new", data=company_form(**fields))

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert company_count(db) == before
    assert db.session.scalar(select(func.count(ClientProfile.id))) == 0


def test_edit_turns_a_client_into_a_non_client_and_back(client, db, login_as):
    login_as("member")
    company = make_client("Tyrell Corp", tier="key", domain="tyrell.example")
    db.session.commit()
    company_id = company.id

    form = company_form(name="Tyrell Corp", domains="tyrell.example")
    response = client.post(
        f"/companies/{company_id}/edit", data={k: v for k, v in form.items() if k != "is_client"}
    )

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Company, company_id).client_profile is None
    assert db.session.scalar(select(func.count(ClientProfile.id))) == 0
    [removed] = audit_events(db, "update", company_id)
    assert removed.changes["is_client"] == {"before": True, "after": False}

    response = client.post(
        f"/companies/{company_id}/edit", data={**form, "client_tier": "standard"}
    )

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Company, company_id).client_profile.tier == "standard"
    assert len(audit_events(db, "update", company_id)) == 2


def test_edit_form_starts_from_the_company_as_stored(client, db, login_as):
    login_as("member")
    company = make_client("Oscorp", tier="strategic", domain="oscorp.example")
    CompanyDomainFactory(company=company, domain="oscorp-labs.example")
    db.session.commit()

    page = client.get(f"/companies/{company.id}/edit").get_data(as_text=True)

    assert 'value="Oscorp"' in page
    assert "oscorp-labs.example\noscorp.example" in page
    assert '<option selected value="strategic">' in page
    assert 'checked class="form-check-input" id="is_client"' in page


def test_edit_refuses_a_domain_of_another_company_and_keeps_the_old_ones(client, db, login_as):
    login_as("member")
    company = CompanyFactory(name="Initrode")
    CompanyDomainFactory(company=company, domain="initrode.example")
    CompanyDomainFactory(domain="other.example")
    db.session.commit()

    response = client.post(
        f"/companies/{company.id}/edit",
        data=company_form(name="Initrode", domains="other.example", is_client=None),
    )

    assert response.status_code == 422
    assert "other.example already belongs to another company." in response.text
    db.session.expire_all()
    assert [d.domain for d in db.session.get(Company, company.id).domains] == ["initrode.example"]
    assert audit_events(db, "update", company.id) == []


def withdrawn(permission: str) -> PermissionOverride:
    return PermissionOverride(permission=permission, granted=False)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_people_without_update_permission_cannot_create_a_company(client, db, login_as, method):
    login_as("member", permission_overrides=[withdrawn("relationships:update")])
    before = company_count(db)

    response = client.open("/companies/new", method=method, data=company_form())

    assert response.status_code == 403
    assert company_count(db) == before


def test_people_without_update_permission_cannot_edit_a_company(client, db, login_as):
    login_as("member", permission_overrides=[withdrawn("relationships:update")])
    company = CompanyFactory(name="Unchanged")
    db.session.commit()

    response = client.post(f"/companies/{company.id}/edit", data=company_form(name="Changed"))

    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Company, company.id).name == "Unchanged"


# --- queries ------------------------------------------------------------------------------


def test_company_page_runs_the_same_number_of_queries_with_2_and_50_contacts(
    client, db, login_as, count_queries, make_user
):
    login_as("member")
    company = make_client("Big Co", manager=make_user("manager"), domain="big.example")
    company.owner = make_user("member")
    for n in range(2):
        link_contact(company, first_name=f"First{n}", primary=n == 0)
    db.session.commit()
    url = f"/companies/{company.id}"
    client.get(url)  # warm up

    with count_queries() as with_two:
        assert client.get(url).status_code == 200
    for n in range(2, 50):
        link_contact(company, first_name=f"First{n}")
    db.session.commit()
    with count_queries() as with_fifty:
        page = client.get(url).get_data(as_text=True)

    assert "First49" in page
    assert len(with_fifty) == len(with_two)


def test_companies_list_runs_the_same_number_of_queries_with_5_and_60_companies(
    client, db, login_as, count_queries, make_user
):
    login_as("member")
    manager = make_user("manager")

    def add_companies(start: int, end: int) -> None:
        for n in range(start, end):
            company = make_client(f"Firm {n:02d}", manager=manager, domain=f"firm{n}.example")
            company.owner = manager
            link_contact(company, first_name=f"P{n}")
        db.session.commit()

    add_companies(0, 5)
    client.get("/companies")  # warm up
    with count_queries() as with_five:
        assert client.get("/companies").status_code == 200
    add_companies(5, 60)
    with count_queries() as with_sixty:
        assert "Firm 24" in client.get("/companies").get_data(as_text=True)

    assert len(with_sixty) == len(with_five)


def test_domains_are_stored_once_each_in_lower_case(client, db, login_as):
    login_as("member")

    client.post(
        "/companies/new",
        data=company_form(domains="ACME.example\nacme.example, www.acme.example", is_client=None),
    )

    assert list(db.session.scalars(select(CompanyDomain.domain))) == ["acme.example"]
