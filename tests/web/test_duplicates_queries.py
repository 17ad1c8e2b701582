"""The Duplicates pages run a fixed number of SQL queries, however many records and pairs."""

from __future__ import annotations

import pytest

from tests import factories
from tests.unit.merging_builders import firm, person
from webapp.extensions import db as _db


def queries_for(client, count_queries, path: str) -> int:
    """How many SQL statements one request for ``path`` runs, with nothing left in the session
    from before (so a lazy load per record shows even for records an earlier request read)."""
    client.get(path)
    _db.session.expunge_all()
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


def add_look_alikes(owners: list, start: int, count: int) -> None:
    """``count`` pairs of people who look alike (close names at one company, a shared email in
    another case, a shared phone) and companies sharing a name, each with its own owner."""
    for n in range(start, start + count):
        owner = owners[n % len(owners)]
        company = firm(f"Firm {n} Ltd", f"firm{n}.example", owner=owner)
        firm(f"FIRM {n} Limited", owner=owners[(n + 1) % len(owners)])
        person(owner, "John", f"Smith{n}", company=company, emails=(f"john{n}@x.example",))
        person(owner, "Jon", f"Smith{n}", company=company, emails=(f"JOHN{n}@x.example",))
        number = f"+4479111{n:05d}"
        person(owner, "Ada", f"Lovelace{n}", phones=(number,))
        person(owners[(n + 2) % len(owners)], "Augusta", f"King{n}", phones=(number,))
    _db.session.commit()


@pytest.fixture
def owners(db, login_as):
    login_as("manager")  # sees the merge buttons on every pair
    return [factories.UserFactory(role="member", name=f"Owner {n}") for n in range(30)]


@pytest.mark.parametrize(
    ("path", "few"),
    [("/duplicates", 5), ("/duplicates/companies", 5), ("/duplicates?page=2", 20)],
)
def test_the_duplicates_pages_run_the_same_queries_for_few_and_many_pairs(
    client, count_queries, owners, path, few
):
    """Fewer pairs than a page holds, then many pages' worth."""
    add_look_alikes(owners, 0, few)
    with_few = queries_for(client, count_queries, path)
    add_look_alikes(owners, few, 300)
    with_many = queries_for(client, count_queries, path)

    assert with_many == with_few, f"{with_few} queries with {few} of each, {with_many} with more"
