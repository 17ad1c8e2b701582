"""Signing in and out: passwords, messages, redirects, rate limits, cookies and CSRF."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from tests import factories
from webapp.extensions import db as _db
from webapp.models import User

MISMATCH = "That email and password do not match an active account."


def sign_in(client, email: str, password: str = factories.PASSWORD, query: str = ""):
    return client.post(f"/sign-in{query}", data={"email": email, "password": password})


def signed_in_email(client) -> str | None:
    """Whose session the client holds, as the JSON API sees it."""
    response = client.get("/api/me")
    return response.get_json()["data"]["user"]["email"] if response.status_code == 200 else None


def test_sign_in_page_shows_the_form(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert 'name="email"' in response.text and 'name="password"' in response.text


def test_good_password_signs_in_and_lands_on_today(client, make_user):
    user = make_user("member", email="ada@rapport.test", name="Ada Lovelace")
    _db.session.commit()
    response = sign_in(client, "ada@rapport.test")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    today = client.get("/")
    assert today.status_code == 200
    assert "<title>Today · Rapport</title>" in today.text
    assert "Good to see you, Ada" in today.text
    assert signed_in_email(client) == "ada@rapport.test"
    _db.session.expire_all()
    assert _db.session.get(User, user.id).last_sign_in_at is not None


def test_email_is_matched_whatever_its_case_and_spacing(client, make_user):
    make_user("member", email="ada@rapport.test")
    _db.session.commit()
    assert sign_in(client, "  Ada@Rapport.TEST ").status_code == 302
    assert signed_in_email(client) == "ada@rapport.test"


def test_wrong_password_gets_a_clear_message_and_no_session(client, make_user):
    make_user("member", email="ada@rapport.test")
    _db.session.commit()
    response = sign_in(client, "ada@rapport.test", "not the password")
    assert response.status_code == 401
    assert MISMATCH in response.text
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert signed_in_email(client) is None


def test_unknown_email_gets_the_same_message(client):
    response = sign_in(client, "nobody@rapport.test")
    assert response.status_code == 401
    assert MISMATCH in response.text


def test_inactive_user_cannot_sign_in(client, make_user):
    make_user("member", email="gone@rapport.test", active=False)
    _db.session.commit()
    response = sign_in(client, "gone@rapport.test")
    assert response.status_code == 401
    assert MISMATCH in response.text
    assert signed_in_email(client) is None


def test_empty_fields_are_named_next_to_the_form(client):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    assert response.status_code == 200
    assert "Enter your email." in response.text
    assert "Enter your password." in response.text
    assert signed_in_email(client) is None


def test_a_deactivated_user_loses_their_session(client, login_as):
    user = login_as("member")
    assert signed_in_email(client) == user.email
    user.active = False
    _db.session.commit()
    assert signed_in_email(client) is None


@pytest.mark.parametrize(
    ("next_value", "expected"),
    [
        ("/settings/api-keys", "/settings/api-keys"),
        ("/contacts?q=ada&page=2", "/contacts?q=ada&page=2"),
        ("https://evil.example/steal", "/"),
        ("//evil.example/steal", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("settings", "/"),
    ],
)
def test_next_is_followed_only_to_local_paths(client, make_user, next_value, expected):
    make_user("member", email="ada@rapport.test")
    _db.session.commit()
    response = client.post(
        "/sign-in",
        query_string={"next": next_value},
        data={"email": "ada@rapport.test", "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_signed_in_user_visiting_sign_in_goes_to_today(client, login_as):
    login_as("member")
    response = client.get("/sign-in")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_out_ends_the_session(client, login_as):
    login_as("member")
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert signed_in_email(client) is None
    page = client.get("/settings/api-keys")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/sign-in")


def test_sign_out_by_get_is_not_allowed(client, login_as):
    user = login_as("member")
    assert client.get("/sign-out").status_code == 405
    assert signed_in_email(client) == user.email


def _signed_in_only_pages(app) -> list[str]:
    """Every HTML page the app serves by GET, with ids filled in, except the public ones."""
    public = {"static", "auth.sign_in", "health.healthz"}
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in public or rule.endpoint.startswith("api.") or "GET" not in rule.methods:
            continue
        ints = {
            name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)
        }
        if set(rule.arguments) - ints:
            continue
        with app.test_request_context():
            from flask import url_for

            urls.append(url_for(rule.endpoint, **{name: 1 for name in ints}))
    return urls


def test_every_page_redirects_to_sign_in_when_signed_out(app, client):
    urls = _signed_in_only_pages(app)
    assert "/" in urls and "/settings/api-keys" in urls
    not_redirected = {}
    for url in urls:
        response = client.get(url)
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not location.startswith("/sign-in?next="):
            not_redirected[url] = (response.status_code, location)
    assert not_redirected == {}


def test_redirect_to_sign_in_remembers_the_page(client):
    response = client.get("/settings/api-keys")
    assert response.headers["Location"] == "/sign-in?next=/settings/api-keys"


def test_repeated_failures_are_rate_limited(client, make_user, app):
    assert app.config["SIGN_IN_RATE_LIMIT"] == "5 per minute"
    make_user("member", email="ada@rapport.test")
    _db.session.commit()
    statuses = [sign_in(client, "ada@rapport.test", "guess").status_code for _ in range(6)]
    assert statuses == [401, 401, 401, 401, 401, 429]
    # Even the right password waits until the window passes.
    assert sign_in(client, "ada@rapport.test").status_code == 429
    assert signed_in_email(client) is None


def test_successful_sign_ins_are_not_counted_towards_the_limit(client, make_user):
    make_user("member", email="ada@rapport.test")
    _db.session.commit()
    for _ in range(5):
        assert sign_in(client, "ada@rapport.test").status_code == 302
        assert client.post("/sign-out").status_code == 302
    statuses = [sign_in(client, "ada@rapport.test", "guess").status_code for _ in range(5)]
    assert statuses == [401] * 5


def test_session_cookie_is_http_only_and_same_site_lax(client, make_user):
    make_user("member", email="ada@rapport.test")
    _db.session.commit()
    response = sign_in(client, "ada@rapport.test")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development and tests run on plain http


def test_post_without_csrf_token_is_refused(csrf_client, make_user):
    make_user("member", email="ada@rapport.test")
    _db.session.commit()
    response = csrf_client.post(
        "/sign-in", data={"email": "ada@rapport.test", "password": factories.PASSWORD}
    )
    assert response.status_code == 400
    assert "Form expired" in response.text
    assert signed_in_email(csrf_client) is None


def test_post_with_the_page_csrf_token_is_accepted(csrf_client):
    page = csrf_client.get("/sign-in")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = csrf_client.post(
        "/sign-in", data={"csrf_token": token, "email": "nobody@rapport.test", "password": "x"}
    )
    assert response.status_code == 401  # past the CSRF check, then a wrong password
    assert MISMATCH in response.text
