"""Companies and clients found the way contacts are (issue 19): the whole name first, then its
start, then anywhere in it, then only a domain; on PostgreSQL from trigram indexes."""

from __future__ import annotations

import re

import pytest

from tests.factories import ClientProfileFactory, CompanyDomainFactory, CompanyFactory
from tests.web.test_clients_list import listed


@pytest.fixture
def smiths(db):
    """Companies holding "smith" in different places; each is a client."""
    made = {}
    for name, domain in (
        ("Acme", "smith-supplies.example"),
        ("Blacksmith Ltd", None),
        ("Smith & Co", None),
        ("Smith", None),
        ("Zeta", None),
    ):
        company = CompanyFactory(name=name)
        ClientProfileFactory(company=company, tier="key")
        if domain:
            CompanyDomainFactory(company=company, domain=domain)
        made[name] = company
    db.session.commit()
    return made


def _company_names(html: str) -> list[str]:
    return re.findall(r'<a class="fw-medium" href="/companies/\d+">([^<]+)</a>', html)


def test_companies_search_puts_the_best_match_first(client, login_as, smiths):
    login_as("member")
    html = client.get("/companies", query_string={"q": "smith"}).text
    assert _company_names(html) == ["Smith", "Smith &amp; Co", "Blacksmith Ltd", "Acme"]
    assert _company_names(client.get("/companies").text) == [
        "Acme",
        "Blacksmith Ltd",
        "Smith",
        "Smith &amp; Co",
        "Zeta",
    ]


def test_clients_search_puts_the_best_match_first_unless_another_order_is_chosen(
    client, login_as, smiths
):
    login_as("member")
    by = {name: company.id for name, company in smiths.items()}
    html = client.get("/clients", query_string={"q": "smith"}).text
    assert listed(html) == [by["Smith"], by["Smith & Co"], by["Blacksmith Ltd"], by["Acme"]]
    assert '<option value="best" selected>Best match</option>' in html
    by_name = client.get("/clients", query_string={"q": "smith", "sort": "name"}).text
    assert listed(by_name) == [by["Acme"], by["Blacksmith Ltd"], by["Smith"], by["Smith & Co"]]
