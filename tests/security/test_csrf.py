"""Cross-site request forgery: with CSRF protection on, as in production, every write of the URL
map made by a signed-in browser without the token is refused and changes nothing; with the token,
sent as the page sends it, the same request goes through. Reads change nothing worth forging.

The routes come from the URL map (``tests/security/writes.py`` holds a body for each page write),
so a new route is covered, or fails ``test_every_page_write_has_a_body_to_send``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from tests.conftest import make_app, rolled_back, sign_in_session
from tests.security.routes import read_routes, rules
from tests.security.session import changed, fingerprint, savepoint
from tests.security.world import add_digest, build_world
from tests.security.writes import (
    REACHES_TWILIO,
    WRITE_METHODS,
    Write,
    api_writes,
    page_write_table_endpoints,
    page_writes,
)
from webapp import create_app
from webapp.extensions import db as _db

# Reads that write, on purpose, and why a forged link gains nothing by it.
WRITING_READS = {
    "digest.index": "opening the latest digest marks it read, as opening an email does",
    "digest.show": "opening a digest marks it read, as opening an email does",
    "calendar_feed.ics": "a calendar app's fetch is noted for the settings page",
}


def _write_routes() -> list[tuple[str, str]]:
    """(endpoint, method) of every session write route, read from the URL map at collection."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return [(rule.endpoint, method) for rule, method in rules(app, WRITE_METHODS)]


WRITE_ROUTES = _write_routes()
PAGE_ROUTES = [route for route in WRITE_ROUTES if not route[0].startswith("api.")]
API_ROUTES = [route for route in WRITE_ROUTES if route[0].startswith("api.")]


@dataclass
class Protected:
    app: object  # the app with CSRF on
    connection: object
    user_id: int  # the world's executive admin, who may do everything
    writes: dict[tuple[str, str], Write]
    reads: list  # every GET route, filled in
    table: set[str]


@pytest.fixture(scope="module")
def protected(app):
    """A CSRF-protected app on the test database, and a world kept for the module."""
    csrf_app = make_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)
    with rolled_back(app) as connection:
        world = build_world()
        add_digest(world)
        writes = page_writes(csrf_app, world) + api_writes(csrf_app, world)
        yield Protected(
            csrf_app,
            connection,
            world.me.id,
            {(w.endpoint, w.method): w for w in writes},
            read_routes(csrf_app, world, {}),
            page_write_table_endpoints(world),
        )
    with csrf_app.app_context():
        _db.engine.dispose()


@pytest.fixture
def signed_in(protected):
    """A signed-in browser of the protected app, and its CSRF token; undone afterwards."""
    with savepoint(protected.connection):
        client = protected.app.test_client()
        sign_in_session(client, protected.user_id)
        page = client.get("/settings/calendar").text
        token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
        yield client, token


def send(client, write: Write, token: str | None = None, *, header: bool = False):
    """The write as a browser sends it: a form post (token in a field), or htmx or fetch with
    the token in the ``X-CSRFToken`` header."""
    headers = {"X-CSRFToken": token} if token and header else {}
    if write.is_api:
        return client.open(write.url, method=write.method, json=write.json, headers=headers)
    form = dict(write.form or {})
    if token and not header:
        form["csrf_token"] = token
    return client.open(write.url, method=write.method, data=form, headers=headers)


def shown_errors(html: str) -> list[str]:
    """The form errors a page shows, to say why a write did not go through."""
    return re.findall(r"invalid-feedback[^>]*>\s*([^<]+?)\s*<", html)


def refused_for_csrf(response) -> bool:
    if response.status_code != 400:
        return False
    if response.is_json:
        return response.get_json()["error"]["code"] == "csrf_failed"
    return "Form expired" in response.text


def test_every_page_write_has_a_body_to_send(protected):
    """A new write route needs a body in tests/security/writes.py: else it goes unchecked."""
    endpoints = {endpoint for endpoint, _method in PAGE_ROUTES}
    assert sorted(endpoints - protected.table) == []
    assert sorted(protected.table - endpoints) == []


@pytest.mark.parametrize(("endpoint", "method"), WRITE_ROUTES)
def test_a_write_without_the_token_is_refused_and_changes_nothing(
    protected, signed_in, endpoint, method
):
    client, _token = signed_in
    write = protected.writes[(endpoint, method)]
    before = fingerprint(protected.connection)

    response = send(client, write)

    assert refused_for_csrf(response), (response.status_code, response.text[:300])
    assert changed(before, fingerprint(protected.connection)) == []


@pytest.mark.parametrize(("endpoint", "method"), PAGE_ROUTES)
def test_a_page_write_with_the_forms_token_goes_through(protected, signed_in, endpoint, method):
    client, token = signed_in
    write = protected.writes[(endpoint, method)]
    before = fingerprint(protected.connection)

    response = send(client, write, token)

    assert not refused_for_csrf(response)
    if endpoint not in REACHES_TWILIO:
        assert response.status_code < 500, response.text[:300]
    difference = changed(before, fingerprint(protected.connection))
    if write.changes:
        assert difference, (
            f"the body changed nothing: {response.status_code} {shown_errors(response.text)}"
        )


@pytest.mark.parametrize(("endpoint", "method"), API_ROUTES)
def test_a_session_api_write_with_the_header_token_is_not_refused(
    protected, signed_in, endpoint, method
):
    client, token = signed_in
    write = protected.writes[(endpoint, method)]

    response = send(client, write, token, header=True)

    assert not refused_for_csrf(response)
    assert response.status_code < 500, response.text[:300]


def test_htmx_sends_the_token_the_page_gives_it_in_a_header(protected, signed_in):
    """base.html's ``hx-headers`` carries a token, and a page write takes it there."""
    client, _token = signed_in
    page = client.get("/").text
    given = re.search(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""", page)
    action = protected.writes[("actions.set_status", "POST")]

    response = send(client, action, given.group(1), header=True)

    assert not refused_for_csrf(response)
    assert response.status_code < 400


def test_a_token_from_another_browser_is_refused(protected, signed_in):
    client, _token = signed_in
    stranger = protected.app.test_client()
    page = stranger.get("/sign-in").text
    their_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    action = protected.writes[("actions.set_status", "POST")]
    before = fingerprint(protected.connection)

    response = send(client, action, their_token)

    assert refused_for_csrf(response)
    assert changed(before, fingerprint(protected.connection)) == []


def test_no_read_changes_anything_a_forged_link_could_use(protected, signed_in):
    client, _token = signed_in
    before = fingerprint(protected.connection)

    for route in protected.reads:
        if route.endpoint not in WRITING_READS:
            response = client.get(route.url, query_string=dict(route.query))
            assert response.status_code < 500, route.url

    assert changed(before, fingerprint(protected.connection)) == []
