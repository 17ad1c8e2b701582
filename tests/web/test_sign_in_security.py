"""Signing in starts a new session (no fixation), signing out leaves nothing behind, and too many
failed sign-ins get a page that says why and when to try again.

(The records API's 429, in the JSON envelope with Retry-After: tests/api/v2/test_rate_limit_api.py.)
"""

from __future__ import annotations

import re

import pytest
from flask.sessions import SecureCookieSessionInterface

from tests import factories
from webapp.extensions import db as _db

EMAIL = "ada@rapport.test"


@pytest.fixture
def ada(make_user):
    user = make_user("member", email=EMAIL, name="Ada Lovelace")
    _db.session.commit()
    return user


def _session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def _read_session(app, value: str) -> dict:
    """What a session cookie holds, read as the app would read it."""
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    return dict(serializer.loads(value))


def _who(client) -> str | None:
    response = client.get("/api/me")
    return response.get_json()["data"]["user"]["email"] if response.status_code == 200 else None


def _csrf_token(page_text: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page_text) or re.search(
        r'"X-CSRFToken": "([^"]+)"', page_text
    )
    assert found, "the page carries no CSRF token"
    return found.group(1)


# --- session fixation ------------------------------------------------------------------------


def test_a_planted_session_does_not_survive_sign_in(app, client, ada):
    """Someone who set the browser's session beforehand (a shared computer, a cookie planted
    from elsewhere) finds nothing of it in the signed-in session; their copy is not signed in."""
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["_fresh"] = False
    planted = _session_cookie(client)

    response = client.post(
        "/sign-in?next=/settings/api-keys", data={"email": EMAIL, "password": factories.PASSWORD}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/settings/api-keys"  # the next page is kept
    signed_in = _session_cookie(client)
    assert signed_in and signed_in != planted
    held = _read_session(app, signed_in)
    assert "planted" not in held
    assert held["_user_id"] == str(ada.id) and held["_fresh"] is True
    assert _who(client) == EMAIL

    someone_else = app.test_client()
    someone_else.set_cookie("session", planted)
    assert _who(someone_else) is None


def test_a_failed_sign_in_keeps_the_session_as_it_was(app, client, ada):
    with client.session_transaction() as session:
        session["kept"] = "yes"
    response = client.post("/sign-in", data={"email": EMAIL, "password": "a guess"})
    assert response.status_code == 401
    with client.session_transaction() as session:
        assert session.get("kept") == "yes" and "_user_id" not in session


def test_sign_in_issues_a_new_csrf_token_and_forms_keep_working(csrf_client, ada):
    """The pre-sign-in token is dropped with the old session; the signed-in pages' token works."""
    sign_in_page = csrf_client.get("/sign-in")
    old_token = _csrf_token(sign_in_page.text)
    response = csrf_client.post(
        "/sign-in",
        data={"csrf_token": old_token, "email": EMAIL, "password": factories.PASSWORD},
    )
    assert response.status_code == 302

    stale = csrf_client.post("/sign-out", data={"csrf_token": old_token})
    assert stale.status_code == 400
    assert "Form expired" in stale.text
    assert _who(csrf_client) == EMAIL  # a stale form did nothing

    new_token = _csrf_token(csrf_client.get("/").text)
    assert csrf_client.post("/sign-out", data={"csrf_token": new_token}).status_code == 302
    assert _who(csrf_client) is None


# --- sign-out --------------------------------------------------------------------------------


def test_sign_out_leaves_nothing_of_the_session_but_says_so(client, ada):
    client.post("/sign-in", data={"email": EMAIL, "password": factories.PASSWORD})
    with client.session_transaction() as session:
        session["left_behind"] = "private"

    response = client.post("/sign-out")

    assert response.headers["Location"] == "/sign-in"
    with client.session_transaction() as session:
        assert "left_behind" not in session and "_user_id" not in session
    assert "You are signed out." in client.get("/sign-in").text


def test_sign_out_forgets_a_remembered_device(client, ada):
    client.post("/sign-in", data={"email": EMAIL, "password": factories.PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None

    response = client.post("/sign-out")

    cleared = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert cleared and "Expires=Thu, 01 Jan 1970" in cleared[0]
    assert client.get_cookie("remember_token") is None
    assert _who(client) is None


# --- too many failed sign-ins ----------------------------------------------------------------


def test_too_many_failed_sign_ins_get_a_page_saying_to_wait(client, ada):
    for _ in range(5):
        assert (
            client.post("/sign-in", data={"email": EMAIL, "password": "guess"}).status_code == 401
        )

    response = client.post("/sign-in", data={"email": EMAIL, "password": "guess"})

    assert response.status_code == 429
    assert "text/html" in response.content_type
    assert '<h1 class="h3">Slow down</h1>' in response.text
    assert "Too many attempts from your address. Wait a minute, then try again." in response.text
    retry_after = response.headers.get("Retry-After", "")
    assert retry_after.isdigit() and 0 < int(retry_after) <= 60, retry_after
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_the_limit_is_per_address(client, ada):
    for _ in range(6):
        client.post("/sign-in", data={"email": EMAIL, "password": "guess"})
    assert client.post("/sign-in", data={"email": EMAIL}).status_code == 429

    elsewhere = client.post(
        "/sign-in",
        data={"email": EMAIL, "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert elsewhere.status_code == 302


def test_an_api_client_over_the_sign_in_limit_gets_the_json_envelope(client, ada):
    for _ in range(5):
        client.post("/sign-in", data={"email": EMAIL, "password": "guess"})

    response = client.post(
        "/sign-in",
        data={"email": EMAIL, "password": "guess"},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 429
    assert response.is_json, response.text
    assert response.get_json()["error"]["message"]
    assert response.headers.get("Retry-After", "").isdigit()
