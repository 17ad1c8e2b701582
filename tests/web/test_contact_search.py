"""Search that is fast and forgiving (issue 19): results ranked by how well the name matches,
phone numbers found however they are written, and, on PostgreSQL, misspelt names found and every
look-up answered from an index (migration 0011). The People section's picker searches the same way.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from tests import factories
from tests.web.test_contacts import add_contact, names_in
from webapp.extensions import db as _db
from webapp.models import Company, Contact, ContactEmail
from webapp.services.contact_search import full_name, sounds_like
from webapp.services.search import like_pattern


def _postgresql() -> bool:
    return _db.session.get_bind().dialect.name == "postgresql"


@pytest.fixture
def smiths(db):
    """People whose names hold "smith" in different places, and one who only has it in an email."""
    people = {
        "carter": add_contact("Bob", "Carter", email="smith.fan@carter.example"),
        "blacksmith": add_contact("Anna", "Blacksmith"),
        "smithers": add_contact("Jane", "Smithers"),
        "john": add_contact("John", "Smith"),
        "jon": add_contact("Jon", "Smyth"),
    }
    _db.session.commit()
    return people


def _search(client, q: str, **args) -> list[str]:
    response = client.get("/contacts", query_string={"q": q, **args})
    assert response.status_code == 200
    return names_in(response.text)


def _sounds_alike(*names: str) -> list[str]:
    """What only sounds like the search: found on PostgreSQL alone."""
    return list(names) if _postgresql() else []


def test_best_match_comes_first_then_names_in_order(client, login_as, smiths):
    login_as("member")
    # the start of the last name (by name), then anywhere in the name, then only in an email
    # or a sound-alike
    assert _search(client, "smith") == [
        "John Smith",
        "Jane Smithers",
        "Anna Blacksmith",
        "Bob Carter",
        *_sounds_alike("Jon Smyth"),
    ]
    assert _search(client, "john smith")[0] == "John Smith"
    assert _search(client, "jane")[0] == "Jane Smithers"


def test_best_match_is_the_default_sort_and_name_order_can_still_be_chosen(
    client, login_as, smiths
):
    login_as("member")
    html = client.get("/contacts", query_string={"q": "smith"}).text
    assert '<option value="best" selected>Best match</option>' in html
    by_name = _search(client, "smith", sort="name")
    assert by_name == [
        "Anna Blacksmith",
        "Bob Carter",
        "John Smith",
        "Jane Smithers",
        *_sounds_alike("Jon Smyth"),
    ]
    # without a search, best match is the name order
    assert names_in(client.get("/contacts").text) == [
        "Anna Blacksmith",
        "Bob Carter",
        "John Smith",
        "Jane Smithers",
        "Jon Smyth",
    ]


@pytest.mark.parametrize(
    "q", ["020 7946 0018", "+44 20 7946 0018", "(020) 7946-0018", "7946 0018", "46001"]
)
def test_a_phone_number_is_found_however_it_is_written(client, login_as, smiths, q):
    login_as("member")
    factories.ContactPhoneFactory(contact=smiths["carter"], number="+442079460018")
    _db.session.commit()
    assert _search(client, q) == ["Bob Carter"]


def test_a_few_digits_are_not_a_phone_number(client, login_as, smiths):
    login_as("member")
    factories.ContactPhoneFactory(contact=smiths["carter"], number="+442079460018")
    _db.session.commit()
    assert _search(client, "018") == []


def test_a_misspelt_name_is_found_on_postgresql(client, login_as, smiths):
    login_as("member")
    found = _search(client, "Jhon Smtih")
    if _postgresql():
        # each word sounds like the name and is at most two slips from it; Jane and Smithers
        # are further away
        assert found == ["John Smith", "Jon Smyth"]
        assert _search(client, "Smtih") == ["John Smith", "Jon Smyth"]
        assert _search(client, "Jnae") == ["Jane Smithers"]
        assert _search(client, "Smt") == [], "three letters allow one slip, not two"
    else:
        assert found == [], "SQLite has no sound-alike matching"


def test_the_people_picker_searches_the_same_way(client, login_as, smiths):
    login_as("member")
    other = add_contact("Peter", "Piper")
    _db.session.commit()
    url = f"/contacts/{other.id}/people/choices"
    html = client.get(url, query_string={"q": "smith"}).text
    assert html.index("John Smith") < html.index("Anna Blacksmith") < html.index("Bob Carter")
    misspelt = client.get(url, query_string={"q": "Jhon Smtih"}).text
    assert ("John Smith" in misspelt) is _postgresql()


def test_every_look_up_of_a_name_search_uses_an_index_on_postgresql(app, smiths):
    """Names, emails and companies from trigram indexes, sound-alikes from soundex ones (phone
    numbers have none: docs/search.md, "Speed"). Each look-up is planned on its own, with every
    way but an index's bitmap turned off, so the plan shows whether its expression matches."""
    if not _postgresql():
        pytest.skip("the trigram and soundex indexes are PostgreSQL's (migration 0011)")
    pattern = like_pattern("smtih")
    lookups = {
        "ix_contacts_full_name_trgm": select(Contact.id).where(
            full_name().ilike(pattern, escape="\\")
        ),
        "ix_contact_emails_email_trgm": select(ContactEmail.contact_id).where(
            ContactEmail.email.ilike(pattern, escape="\\")
        ),
        "ix_companies_name_trgm": select(Company.id).where(
            Company.name.ilike(pattern, escape="\\")
        ),
        "ix_contacts_last_name_soundex": select(Contact.id).where(sounds_like("Smtih")),
    }
    _db.session.execute(text("SET LOCAL enable_seqscan = off"))
    _db.session.execute(text("SET LOCAL enable_indexscan = off"))
    for index, stmt in lookups.items():
        plan = _plan(stmt)
        assert f"Bitmap Index Scan on {index}" in plan, f"{index} is not used:\n{plan}"


def _plan(stmt) -> str:
    compiled = stmt.compile(_db.session.get_bind(), compile_kwargs={"literal_binds": True})
    return "\n".join(_db.session.scalars(text(f"EXPLAIN {compiled}")))
