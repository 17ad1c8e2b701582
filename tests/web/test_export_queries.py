"""Exports run a fixed number of SQL queries per chunk, however many contacts or clients."""

from __future__ import annotations

from datetime import date

import pytest

from tests import factories
from tests.unit.relationship_builders import at_noon_utc, freeze_time
from tests.web.export_builders import Person, add_person
from webapp.extensions import db as _db
from webapp.services.exports import chunks


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(date(2027, 3, 10)))


@pytest.fixture
def me(login_as):
    return login_as("member")


def add_people(count: int, start: int = 0) -> None:
    """Contacts with every field filled and an owner and company each, so a lazy load shows."""
    for n in range(start, start + count):
        add_person(
            Person(f"Person{n}", "Bulk", owner=factories.UserFactory(),
                   emails=[f"p{n}@bulk.example", f"p{n}@home.example"],
                   phones=["+442079460958", "+447700900123"],
                   company=factories.CompanyFactory(name=f"Company {n}"),
                   tags=["Bulk", f"Tag {n}"], notes="Notes", birthday=(1, 2, None))
        )  # fmt: skip
    _db.session.commit()


def export_queries(client, count_queries, path: str) -> int:
    """How many SQL statements one whole download of ``path`` runs (after a warm-up)."""
    client.get(path).get_data()
    with count_queries() as statements:
        response = client.get(path)
        response.get_data()  # the file is written while it is read
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize(
    "path",
    ["/contacts/export.csv", "/contacts/export.vcf", "/contacts/export.csv?q=bulk&touch=soon"],
)
def test_contacts_export_runs_the_same_queries_for_5_and_50_contacts(
    client, count_queries, me, path
):
    add_people(5)
    with_five = export_queries(client, count_queries, path)
    add_people(45, start=5)
    assert export_queries(client, count_queries, path) == with_five


def test_each_further_chunk_of_contacts_costs_the_same_few_queries(
    client, count_queries, me, monkeypatch
):
    monkeypatch.setattr(chunks, "CHUNK_SIZE", 10)
    costs = []
    for start in (0, 10, 20):
        add_people(10, start=start)
        costs.append(export_queries(client, count_queries, "/contacts/export.csv"))
    second_chunk, third_chunk = costs[1] - costs[0], costs[2] - costs[1]
    assert second_chunk == third_chunk <= 5, f"chunks cost {second_chunk} and {third_chunk} queries"


def test_clients_export_runs_the_same_queries_for_3_and_30_clients(client, count_queries, me):
    def add_clients(count: int, start: int) -> None:
        for n in range(start, start + count):
            company = factories.CompanyFactory(name=f"Client {n}")
            factories.CompanyDomainFactory(company=company)
            factories.ClientProfileFactory(company=company, account_manager=factories.UserFactory())
        _db.session.commit()

    add_clients(3, 0)
    with_three = export_queries(client, count_queries, "/clients/export.csv")
    add_clients(27, 3)
    assert export_queries(client, count_queries, "/clients/export.csv") == with_three
