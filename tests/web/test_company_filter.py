"""The Company filter of the contacts list and the Actions page: typed text, picked ids, and the
suggestions it fetches from /companies/choices (docs/search.md, "Picking a company")."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests import factories
from tests.web.action_builders import HTMX, add_action, listed_ids
from tests.web.contact_page_builders import queries_for
from tests.web.test_contacts import names_in
from webapp.extensions import db as _db
from webapp.models import PermissionOverride

CHOICE = re.compile(r'data-value="(\d+)" data-label="([^"]*)"')


@pytest.fixture
def book(client, login_as):
    """Companies whose names overlap, one person and one action at each."""
    me = login_as("executive")
    names = {
        "naval": ("Naval Computing", "navy.example"),
        "works": ("Naval Works", None),
        "engines": ("Analytical Engines", "engines.example"),
        "archived": ("Naval Archive", None),
        "unnamed": ("Difference Ltd", "babbage-naval.example"),  # matches "naval" by its domain
    }
    book = {"me": me}
    for key, (name, domain) in names.items():
        company = factories.CompanyFactory(name=name)
        if domain:
            factories.CompanyDomainFactory(company=company, domain=domain)
        person = factories.ContactFactory(
            first_name=name.split()[0], last_name=key.title(), owner=me
        )
        factories.ContactCompanyLinkFactory(contact=person, company=company, is_primary=True)
        book[key] = company
        book[f"{key} person"] = person
        book[f"{key} action"] = add_action(me, contact=person, company_id=company.id)
    book["archived"].archived_at = datetime(2026, 1, 1, tzinfo=UTC)
    _db.session.commit()
    return book


def choices(client, text: str) -> list[tuple[int, str]]:
    response = client.get("/companies/choices", query_string={"company_name": text}, headers=HTMX)
    assert response.status_code == 200
    return [(int(i), name) for i, name in CHOICE.findall(response.text)]


def field_value(html: str) -> str:
    return re.search(r'name="company_name" value="([^"]*)"', html).group(1)


def picked_id(html: str) -> str:
    return re.search(r'name="company" value="([^"]*)" data-combobox-value', html).group(1)


# --- the suggestions ------------------------------------------------------------------------------


def test_suggestions_are_best_match_first_and_leave_out_archived_companies(client, book):
    found = choices(client, "naval")

    assert found == [
        (book["naval"].id, "Naval Computing"),  # the name starts with it; then by name
        (book["works"].id, "Naval Works"),
        (book["unnamed"].id, "Difference Ltd"),  # only a domain matches
    ]


def test_a_suggestion_shows_the_companys_domain(client, book):
    response = client.get("/companies/choices?company_name=engines", headers=HTMX)

    assert "Analytical Engines" in response.text and "engines.example" in response.text


def test_an_exact_name_comes_first(client, book):
    assert choices(client, "naval works")[0] == (book["works"].id, "Naval Works")


def test_suggestions_stop_at_eight(client, book):
    for n in range(12):
        factories.CompanyFactory(name=f"Fleet {n:02}")
    _db.session.commit()

    assert [name for _, name in choices(client, "fleet")] == [f"Fleet {n:02}" for n in range(8)]


def test_no_text_suggests_nothing_and_no_match_says_so(client, book):
    assert client.get("/companies/choices", headers=HTMX).text.strip() == ""
    response = client.get("/companies/choices?company_name=zeppelin", headers=HTMX)
    assert "No company matches “zeppelin”." in response.text
    assert choices(client, "zeppelin") == []


def test_suggestions_need_relationships_view(client, book):
    book["me"].permission_overrides = [
        PermissionOverride(permission="relationships:view", granted=False)
    ]
    _db.session.commit()

    assert client.get("/companies/choices?company_name=naval").status_code == 403


def test_suggestions_need_signing_in(app, book):
    response = app.test_client().get("/companies/choices?company_name=naval")

    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


# --- reading the filter on the two lists ----------------------------------------------------------

# Each list: (its path, the arguments of the view, what a row of it is of a company's fixtures).
LISTS = {
    "contacts": ("/contacts", {}, "person"),
    "actions": ("/actions", {"tab": "everyone"}, "action"),
}


def get(client, kind: str, **args):
    path, view, _ = LISTS[kind]
    return client.get(path, query_string={**view, **args})


def rows(kind: str, html: str, book) -> list:
    """What the list shows, sorted: contact names or action ids."""
    return sorted(names_in(html) if kind == "contacts" else listed_ids(html))


def shown(kind: str, book, *keys: str) -> list:
    """What the list shows for those companies' person or action, sorted."""
    row = LISTS[kind][2]
    if kind == "contacts":
        return sorted(book[f"{key} {row}"].full_name for key in keys)
    return sorted(book[f"{key} {row}"].id for key in keys)


@pytest.mark.parametrize("kind", LISTS)
def test_a_picked_id_filters_and_the_field_shows_its_name(client, book, kind):
    html = get(client, kind, company=book["engines"].id).text

    assert rows(kind, html, book) == (shown(kind, book, "engines"))
    assert field_value(html) == "Analytical Engines"
    assert picked_id(html) == str(book["engines"].id)


@pytest.mark.parametrize("kind", LISTS)
def test_a_whole_name_in_any_case_filters_even_when_longer_names_contain_it(client, book, kind):
    factories.CompanyFactory(name="Analytical Engines Europe")
    _db.session.commit()

    html = get(client, kind, company_name="analytical engines").text

    assert rows(kind, html, book) == (shown(kind, book, "engines"))
    assert field_value(html) == "Analytical Engines"
    assert "is-invalid" not in html


@pytest.mark.parametrize("kind", LISTS)
def test_text_that_only_one_company_matches_filters_by_it(client, book, kind):
    html = get(client, kind, company_name="engin").text

    assert rows(kind, html, book) == (shown(kind, book, "engines"))
    assert picked_id(html) == str(book["engines"].id)


@pytest.mark.parametrize("kind", LISTS)
def test_text_several_companies_match_filters_nothing_and_offers_them(client, book, kind):
    html = get(client, kind, company_name="naval").text

    assert rows(kind, html, book) == rows(kind, get(client, kind).text, book)  # not one company's
    assert "Several companies match “naval”: pick one." in html
    assert 'aria-invalid="true"' in html and field_value(html) == "naval"
    feedback = re.search(r'id="\w+-company-feedback".*?</div>', html, re.S).group(0)
    links = re.findall(r'<a href="([^"]+)">([^<]+)<', feedback)
    assert [name.strip() for _, name in links] == [
        "Naval Computing",
        "Naval Works",
        "Difference Ltd",
    ]
    assert f"company={book['naval'].id}" in links[0][0].replace("&amp;", "&")
    if kind == "actions":
        assert "tab=everyone" in links[0][0]  # the rest of the view is kept


@pytest.mark.parametrize("kind", LISTS)
def test_text_no_company_matches_says_so(client, book, kind):
    html = get(client, kind, company_name="zeppelin").text

    assert "No company matches “zeppelin”." in html
    assert picked_id(html) == ""


@pytest.mark.parametrize("kind", LISTS)
def test_text_that_differs_from_the_picked_companys_name_is_a_new_search(client, book, kind):
    html = get(client, kind, company=book["naval"].id, company_name="engines").text

    assert rows(kind, html, book) == (shown(kind, book, "engines"))
    assert picked_id(html) == str(book["engines"].id)


@pytest.mark.parametrize("kind", LISTS)
def test_an_archived_or_unknown_company_id_filters_nothing(client, book, kind):
    everything = rows(kind, get(client, kind).text, book)
    for company_id in (book["archived"].id, 999999, "abc"):
        html = get(client, kind, company=company_id).text
        assert rows(kind, html, book) == everything
        assert field_value(html) == ""


@pytest.mark.parametrize("kind", LISTS)
def test_htmx_results_carry_the_fields_feedback_out_of_band(client, book, kind):
    path, view, _ = LISTS[kind]

    ambiguous = client.get(path, query_string={**view, "company_name": "naval"}, headers=HTMX).text
    picked = client.get(path, query_string={**view, "company_name": "engin"}, headers=HTMX).text

    feedback = re.compile(r'<div id="\w+-company-feedback"[^>]*hx-swap-oob="true">')
    assert feedback.search(ambiguous) and "Several companies match" in ambiguous
    assert "<html" not in ambiguous
    assert (
        f'data-company-id="{book["engines"].id}" data-company-name="Analytical Engines"' in picked
    )


def test_the_contacts_export_follows_the_typed_company(client, book):
    response = client.get("/contacts/export.csv?company_name=engin")

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Analytical" in body and "Naval" not in body


def test_suggestions_run_the_same_queries_for_5_and_50_companies(client, book, count_queries):
    with_five = queries_for(
        client, count_queries, "/companies/choices?company_name=o", headers=HTMX
    )
    for n in range(45):
        company = factories.CompanyFactory(name=f"Overflow {n:02}")
        factories.CompanyDomainFactory(company=company, domain=f"overflow{n}.example")
    _db.session.commit()
    with_fifty = queries_for(
        client, count_queries, "/companies/choices?company_name=o", headers=HTMX
    )
    assert with_fifty == with_five, f"{with_five} queries with 5 companies, {with_fifty} with 50"


@pytest.mark.parametrize("kind", LISTS)
def test_the_lists_run_no_query_per_company_in_the_firm(client, book, kind, count_queries):
    path, view, _ = LISTS[kind]
    args = {**view, "company_name": "engin"}
    before = queries_for(client, count_queries, path, query_string=args)
    for n in range(40):
        factories.CompanyFactory(name=f"Other Firm {n:02}")
    _db.session.commit()
    after = queries_for(client, count_queries, path, query_string=args)
    assert after == before, f"{before} queries with 5 companies, {after} with 45"
