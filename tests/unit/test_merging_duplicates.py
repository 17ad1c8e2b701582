"""Finding likely duplicates: each reason finds its pairs, and people who only look alike at a
glance are left alone."""

from __future__ import annotations

import pytest

from tests import factories
from tests.unit.merging_builders import firm, person
from webapp import access
from webapp.models.base import utcnow
from webapp.services import duplicates
from webapp.services.errors import PermissionDenied
from webapp.services.merging import merge_contacts


@pytest.fixture
def owner(db):
    return factories.UserFactory(role="member")


@pytest.fixture
def acme(db):
    return firm("Acme Ltd")


def reasons(kind: str = "contact") -> dict[tuple[int, int], list[str]]:
    return {pair.ids: [r.code for r in pair.reasons] for pair in duplicates.pairs_of(kind)}


def ids(*records) -> tuple[int, ...]:
    return tuple(sorted(record.id for record in records))


def test_the_same_email_in_another_case_is_a_pair(owner):
    ada = person(owner, "Ada", "Lovelace", emails=("ada@engines.example",))
    again = person(owner, "A.", "King", emails=("Ada@Engines.Example",))  # written long ago

    assert reasons() == {ids(ada, again): ["same_email"]}


def test_the_same_phone_number_is_a_pair(owner):
    ada = person(owner, "Ada", "Lovelace", phones=("+442079460958",))
    again = person(owner, "Augusta", "King", phones=("+447911123456", "+442079460958"))

    assert reasons() == {ids(ada, again): ["same_phone"]}


def test_a_switchboard_number_many_people_share_is_not_a_sign(owner):
    for n in range(duplicates.MAX_SHARED + 1):
        person(owner, f"Person{n}", f"Other{n}", phones=("+442079460958",))

    assert reasons() == {}


def test_the_same_linkedin_profile_is_a_pair(owner):
    ada = person(owner, "Ada", "Lovelace", linkedin_url="https://www.linkedin.com/in/ada")
    again = person(owner, "Augusta", "King", linkedin_url="https://www.linkedin.com/in/ADA")

    assert reasons() == {ids(ada, again): ["same_linkedin"]}


def test_the_same_name_at_the_same_company_is_a_pair(owner, acme):
    ada = person(owner, "Ada", "Lovelace", company=acme)
    again = person(owner, "ada", "LOVELACE ", company=acme)

    assert reasons() == {ids(ada, again): ["same_name_same_company"]}


def test_close_names_at_the_same_company_are_a_pair(owner, acme):
    john = person(owner, "John", "Smith", company=acme)
    jon = person(owner, "Jon", "Smith", company=acme)

    assert reasons() == {ids(john, jon): ["close_name_same_company"]}


def test_the_same_name_at_different_companies_is_not(owner, acme):
    person(owner, "John", "Smith", company=acme)
    person(owner, "John", "Smith", company=firm("Globex"))

    assert reasons() == {}


def test_different_people_at_one_company_are_not(owner, acme):
    person(owner, "John", "Smith", company=acme)
    person(owner, "Jane", "Doe", company=acme)
    person(owner, "Bob", "Smith", company=acme)
    person(owner, "Rob", "Smith", company=acme)

    assert reasons() == {}


def test_several_reasons_make_a_stronger_pair_listed_first(owner, acme):
    weak = (
        person(owner, "John", "Smith", company=acme),
        person(owner, "Jon", "Smith", company=acme),
    )
    strong = (
        person(owner, "Ada", "Lovelace", emails=("ada@e.example",), phones=("+442079460958",)),
        person(owner, "Ada", "King", emails=("ADA@e.example",), phones=("+442079460958",)),
    )

    found = duplicates.pairs_of("contact")

    assert [pair.ids for pair in found] == [ids(*strong), ids(*weak)]
    assert [r.code for r in found[0].reasons] == ["same_email", "same_phone"]


def test_archived_and_merged_contacts_are_left_out(owner, acme):
    archived = person(owner, "Ada", "Lovelace", emails=("ada@e.example",))
    archived.archived_at = utcnow()
    person(owner, "Ada", "King", emails=("ADA@e.example",))
    kept = person(owner, "John", "Smith", company=acme)
    merged = person(owner, "John", "Smith", company=acme)
    merge_contacts(access.actor_for_user(owner), kept.id, [merged.id])

    assert reasons() == {}


def test_a_pair_marked_not_a_duplicate_stays_hidden(owner, acme):
    john = person(owner, "John", "Smith", company=acme)
    jon = person(owner, "Jon", "Smith", company=acme)

    mark, created = duplicates.mark_not_duplicate(
        access.actor_for_user(owner), "contact", [jon.id, john.id]
    )
    again, created_again = duplicates.mark_not_duplicate(
        access.actor_for_user(owner), "contact", [john.id, jon.id]
    )

    assert reasons() == {}
    assert created and not created_again and again.id == mark.id


def test_only_who_may_merge_them_may_mark_them(owner, acme):
    john = person(owner, "John", "Smith", company=acme)
    jon = person(factories.UserFactory(role="member"), "Jon", "Smith", company=acme)

    with pytest.raises(PermissionDenied):
        duplicates.mark_not_duplicate(access.actor_for_user(owner), "contact", [john.id, jon.id])


# --- companies ---


def test_companies_with_the_same_domain_in_another_spelling_are_a_pair(db):
    acme = firm("Acme", "acme.example")
    again = firm("Roadrunner Supplies", "WWW.Acme.Example")

    assert reasons("company") == {ids(acme, again): ["same_domain"]}


@pytest.mark.parametrize("other", ["ACME Limited", "Acme, Inc.", "acme"])
def test_companies_with_the_same_name_once_suffixes_are_set_aside_are_a_pair(db, other):
    acme = firm("Acme Ltd")
    again = firm(other)

    assert reasons("company") == {ids(acme, again): ["same_name"]}


def test_companies_with_different_names_are_not(db):
    firm("Acme Ltd")
    firm("Acme Rockets Ltd")
    firm("Limited")

    assert reasons("company") == {}
