"""SQL wildcards, quotes and comment markers typed into a search box are searched for as text.

A contact called ``100%_Real`` is found by ``%_``; ``%`` alone finds only the names with a ``%``
in them, not everyone; a quote or ``--`` is a character like any other; a NUL byte (which
PostgreSQL refuses in text) is no server error.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import factories
from webapp.extensions import db as _db
from webapp.models import Message

PROJECT = Path(__file__).resolve().parents[2]
HTMX = {"HX-Request": "true"}
# (first name, last name) of the people searched for; the companies have the full names.
NAMES = {
    "real": ("100%_Real", "Deal"),
    "decoy": ("100xxReal", "Decoy"),  # what "100%_Real" would match were % and _ wildcards
    "plain": ("Plain", "Person"),
    "quote": ("Sean", "O'Brien"),
    "double": ('The "Boss"', "Smith"),
    "backslash": ("Back\\slash", "Jones"),
    "dashes": ("Dash--Line", "Brown"),
    "underscore": ("Under_score", "Green"),
    "percent": ("Per%cent", "White"),
}
SEARCHES = {
    "%_": {"real"},
    "%": {"real", "percent"},
    "_": {"real", "underscore"},
    "100%_Real": {"real"},
    "'": {"quote"},
    '"': {"double"},
    "\\": {"backslash"},
    "--": {"dashes"},
    "%' OR '1'='1' --": set(),
}
NUL = "a\x00b"


@pytest.fixture
def people(client, login_as):
    """The people above as contacts (and as client companies), and an unmatched message."""
    me = login_as("executive", is_admin=True)
    contacts, companies = {}, {}
    for n, (key, (first, last)) in enumerate(NAMES.items()):
        contact = factories.ContactFactory(first_name=first, last_name=last, owner=me, title="")
        factories.ContactEmailFactory(contact=contact, email=f"person{n}@people.example")
        contacts[key] = contact.id
        company = factories.ClientProfileFactory(company__name=f"{first} {last}").company
        companies[key] = company.id
    anchor = factories.ContactFactory(first_name="Anchor", last_name="Anchor", owner=me)
    message = Message(channel="sms", direction="inbound", body="Hi", status="received")
    _db.session.add(message)
    _db.session.commit()
    return {
        "contacts": contacts,
        "companies": companies,
        "anchor": anchor.id,
        "message": message.id,
    }


def found(response, pattern: str) -> set[int]:
    assert response.status_code == 200, response.status_code
    return {int(n) for n in re.findall(pattern, response.text)}


def expected(people, kind: str, keys: set[str]) -> set[int]:
    return {people[kind][key] for key in keys}


# Each search box: (path of its answer, how a match is shown, what it lists[, its field's name]).
BOXES = {
    "contacts list": ("/contacts", r'href="/contacts/(\d+)"', "contacts"),
    "companies list": ("/companies", r'href="/companies/(\d+)"', "companies"),
    "clients list": ("/clients", r'href="/clients/(\d+)"', "companies"),
    "people section": ("/contacts/{anchor}/people/choices", r'name="other_id" value="(\d+)"',
                       "contacts"),
    "unmatched message": ("/admin/messages/unmatched/{message}/contacts",
                          r'name="contact_id" value="(\d+)"', "contacts"),
    "company filter": ("/companies/choices", r'data-value="(\d+)"', "companies", "company_name"),
}  # fmt: skip


def box_path(people, box: str) -> str:
    return BOXES[box][0].format(anchor=people["anchor"], message=people["message"])


def box_query(box: str, q: str) -> dict:
    """The query string that searches ``box`` for ``q``."""
    field = BOXES[box][3] if len(BOXES[box]) > 3 else "q"
    return {field: q}


@pytest.mark.parametrize("box", BOXES)
@pytest.mark.parametrize(("q", "keys"), SEARCHES.items(), ids=list(SEARCHES))
def test_a_search_box_matches_wildcards_and_quotes_literally(client, people, box, q, keys):
    pattern, kind = BOXES[box][1:3]

    response = client.get(box_path(people, box), query_string=box_query(box, q), headers=HTMX)

    assert found(response, pattern) == expected(people, kind, keys)


@pytest.mark.parametrize("box", BOXES)
def test_a_nul_byte_in_a_search_box_is_no_server_error(client, people, box):
    response = client.get(box_path(people, box), query_string=box_query(box, NUL), headers=HTMX)

    assert response.status_code == 200


def test_the_people_form_search_matches_wildcards_literally(client, people):
    """The People form's own Search button (without JavaScript) searches the same way."""
    path = f"/contacts/{people['anchor']}/people"
    form = {"relationship": "", "q": "%_", "search": "1"}

    response = client.post(path, data=form, headers=HTMX)
    nul = client.post(path, data=form | {"q": NUL}, headers=HTMX)

    assert found(response, r'name="other_id" value="(\d+)"') == {people["contacts"]["real"]}
    assert nul.status_code < 500


# The records API's list filters compare whole values, ignoring case:
# (record type, filter, what it lists, how a value is made from a name's (first, last)).
API_FILTERS = {
    "contact first_name": ("contact", "first_name", "contacts", lambda name: name[0]),
    "contact last_name": ("contact", "last_name", "contacts", lambda name: name[1]),
    "account name": ("account", "name", "companies", " ".join),
}


@pytest.mark.parametrize("api_filter", API_FILTERS)
def test_api_list_filters_match_wildcards_and_quotes_literally(client, people, api_filter):
    record_type, name, kind, value_of = API_FILTERS[api_filter]

    def listed(value: str) -> set[int]:
        answer = client.get(f"/api/v2/{record_type}", query_string={name: value})
        assert answer.status_code == 200, answer.text
        return {int(record["id"]) for record in answer.get_json()["data"]}

    for key, full_name in NAMES.items():
        assert listed(value_of(full_name)) == {people[kind][key]}, full_name
    for hostile in ("%", "_", "%_", "%%", "\\", "' OR '1'='1"):
        assert listed(hostile) == set(), hostile


def test_api_list_filters_refuse_a_nul_byte_with_the_envelope(client, people):
    """No stored value holds a NUL byte (PostgreSQL refuses them): the filter is refused."""
    for path in ("/api/v2/contact?first_name=a%00b", "/api/v2/account?name=a%00b"):
        response = client.get(path)

        assert response.status_code == 400, (path, response.text)
        assert response.get_json()["error"]["code"] == "invalid_filter"


def test_hostile_action_filters_are_ignored_not_matched(client, people):
    """The Actions page's filters are choices: a wildcard is not one, so it filters nothing."""
    hostile = {name: "%" for name in ("type", "due", "status", "assignee", "company", "tab")}
    unfiltered = client.get("/actions", headers=HTMX)

    response = client.get("/actions", query_string=hostile, headers=HTMX)

    assert response.status_code == 200
    pattern = r'<tr id="action-(\d+)"'
    assert re.findall(pattern, response.text) == re.findall(pattern, unfiltered.text)


def test_hostile_api_action_filters_are_refused_with_the_envelope(client, people):
    for name in ("status", "action_type", "due_before", "assigned_to_user_id"):
        response = client.get("/api/relationships/relationship-actions", query_string={name: "%"})
        assert response.status_code == 422
        assert name in response.get_json()["error"]["details"]["fields"]


# Search boxes answered in the browser alone, with no query to the server.
CLIENT_SIDE_SEARCH = {"templates/relationship_map/_map.html": "finds a name among the map's nodes"}
SERVER_SEARCH_TEMPLATES = {
    "templates/contacts/index.html": "contacts list",
    "templates/companies/index.html": "companies list",
    "templates/clients/index.html": "clients list",
    "templates/contacts/_people_form.html": "people section",
    "templates/admin/_unmatched_message.html": "unmatched message",
    "templates/_macros.html": "company filter",  # the Company filter on contacts and Actions
}


def test_every_search_box_in_the_templates_is_checked_above():
    boxes = {
        str(path.relative_to(PROJECT))
        for path in PROJECT.glob("templates/**/*.html")
        if 'type="search"' in path.read_text()
    }

    assert sorted(boxes - set(CLIENT_SIDE_SEARCH)) == sorted(SERVER_SEARCH_TEMPLATES)
    assert set(SERVER_SEARCH_TEMPLATES.values()) == set(BOXES)
