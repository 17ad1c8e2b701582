"""Security headers on every response (pages, fragments, JSON, errors, static files), HSTS and
secure cookies in production only, and no template that a strict CSP would break."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from werkzeug.routing import IntegerConverter

from tests import factories
from tests.conftest import make_app
from webapp.config import PROJECT_ROOT, ConfigError, load_config
from webapp.extensions import db as _db

EXPECTED = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: https:; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'self'; form-action 'self'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
ONE_YEAR = 31536000


def missing_headers(response) -> dict[str, str | None]:
    """The expected security headers this response lacks or gets wrong: {name: what it had}."""
    return {
        name: response.headers.get(name)
        for name, value in EXPECTED.items()
        if response.headers.get(name) != value
    }


def _example_url(rule) -> str:
    """The rule's path with 1 for every id and a plain word for any other argument."""
    values = {
        name: 1 if isinstance(converter, IntegerConverter) else "app.js"
        for name, converter in rule._converters.items()
    }
    return rule.build(values, append_unknown=False)[1]


def _every_route(app, methods: set[str]) -> list[tuple[str, str]]:
    return [
        (method, _example_url(rule))
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods & methods)
    ]


def _walk(client, routes) -> dict[str, dict]:
    """Request each route; those whose response lacks a header, with what it lacked."""
    lacking = {}
    for method, url in routes:
        response = client.open(url, method=method)
        if missing_headers(response):
            lacking[f"{method} {url} ({response.status_code})"] = missing_headers(response)
        response.close()  # a static file's stays open otherwise
    return lacking


# --- every response ------------------------------------------------------------------------


def test_the_policy_runs_only_the_apps_own_scripts(client):
    policy = client.get("/sign-in").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-eval" not in policy


def test_every_route_answers_a_signed_out_visitor_with_the_headers(app, client):
    routes = _every_route(app, {"GET", "POST", "PUT", "PATCH", "DELETE"})
    assert len(routes) > 100, "the walk found too few routes"
    assert _walk(client, routes) == {}


def test_every_page_fragment_and_api_read_carries_them_when_signed_in(app, client, login_as):
    login_as("executive", is_admin=True)  # every page opens to an admin executive
    routes = _every_route(app, {"GET"})
    assert ("GET", "/contacts") in routes and ("GET", "/api/v2/_schema") in routes
    assert _walk(client, routes) == {}


def test_the_api_answers_an_api_key_with_them(api_client):
    key = api_client(role="executive")
    for response in (
        key.get("/api/v2/contact"),
        key.get("/api/relationships/relationship-actions"),
        key.post("/api/v2/contact", json={"attributes": {"nope": 1}}),  # a 4xx envelope
    ):
        assert response.is_json
        assert missing_headers(response) == {}


def test_error_pages_and_error_envelopes_carry_them(client, login_as):
    login_as("member")
    not_found_page = client.get("/no-such-page")
    not_found_json = client.get("/api/v2/no-such-type")
    wrong_method = client.delete("/contacts")
    assert (not_found_page.status_code, not_found_json.status_code) == (404, 404)
    assert wrong_method.status_code == 405
    assert "text/html" in not_found_page.content_type and not_found_json.is_json
    for response in (not_found_page, not_found_json, wrong_method):
        assert missing_headers(response) == {}


@pytest.fixture
def failing_app(app, db):
    """An app on the same database with a page and an API path that fail unexpectedly."""
    failing = make_app(app.config["SQLALCHEMY_DATABASE_URI"])

    @failing.get("/boom")
    @failing.get("/api/boom")
    def boom():
        raise RuntimeError("something broke")

    yield failing
    with failing.app_context():
        _db.engine.dispose()


def test_an_unexpected_error_still_carries_them(failing_app):
    client = failing_app.test_client()
    page, envelope = client.get("/boom"), client.get("/api/boom")
    assert (page.status_code, envelope.status_code) == (500, 500)
    assert "Something went wrong" in page.text
    assert envelope.get_json()["error"]["code"] == "internal_error"
    assert missing_headers(page) == {} and missing_headers(envelope) == {}


def test_static_files_carry_them(client):
    response = client.get("/static/app.js")
    assert response.status_code == 200
    assert missing_headers(response) == {}
    response.close()


def test_a_view_that_sets_a_header_itself_keeps_it(failing_app):
    @failing_app.get("/framed")
    def framed():
        return "ok", {"X-Frame-Options": "SAMEORIGIN"}

    response = failing_app.test_client().get("/framed")
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Content-Security-Policy"] == EXPECTED["Content-Security-Policy"]


# --- production only: HSTS and secure cookies ------------------------------------------------


@pytest.fixture
def production_app(app, db, monkeypatch):
    """The app as ``RAPPORT_ENV=production`` configures it, on the test database."""
    monkeypatch.setenv("RAPPORT_ENV", "production")
    monkeypatch.delenv("HSTS_MAX_AGE", raising=False)
    monkeypatch.delenv("TWILIO_ACCOUNT_SID", raising=False)
    production = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    yield production
    with production.app_context():
        _db.engine.dispose()


def _sign_in_cookies(client, email: str) -> dict[str, str]:
    response = client.post(
        "/sign-in", data={"email": email, "password": factories.PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302, response.text
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_production_sends_hsts_on_every_response(production_app):
    client = production_app.test_client()
    for response in (client.get("/sign-in"), client.get("/api/me"), client.get("/nowhere")):
        assert response.headers.get("Strict-Transport-Security") == f"max-age={ONE_YEAR}"


def test_production_cookies_are_secure_http_only_and_same_site(production_app, make_user):
    make_user("member", email="ada@rapport.test")
    _db.session.commit()
    cookies = _sign_in_cookies(production_app.test_client(), "ada@rapport.test")
    assert {"session", "remember_token"} <= set(cookies)
    for name in ("session", "remember_token"):
        assert "; Secure" in cookies[name], cookies[name]
        assert "; HttpOnly" in cookies[name], cookies[name]
        assert "; SameSite=Lax" in cookies[name], cookies[name]


def test_development_sends_no_hsts_and_plain_http_cookies(client, make_user):
    """Development runs on http://127.0.0.1: HSTS there would lock the browser out of it."""
    make_user("member", email="ada@rapport.test")
    _db.session.commit()
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    cookies = _sign_in_cookies(client, "ada@rapport.test")
    assert "Secure" not in cookies["session"] and "Secure" not in cookies["remember_token"]
    assert "HttpOnly" in cookies["remember_token"]


@pytest.mark.parametrize(
    ("environment", "max_age"),
    [
        ({"RAPPORT_ENV": "production"}, ONE_YEAR),
        ({"RAPPORT_ENV": "production", "HSTS_MAX_AGE": "600"}, 600),
        ({"RAPPORT_ENV": "production", "HSTS_MAX_AGE": "0"}, 0),
        ({"RAPPORT_ENV": "development", "HSTS_MAX_AGE": "600"}, 0),
        ({}, 0),
    ],
)
def test_hsts_lasts_a_year_in_production_unless_configured(
    monkeypatch, tmp_path, environment, max_age
):
    monkeypatch.delenv("HSTS_MAX_AGE", raising=False)
    monkeypatch.delenv("RAPPORT_ENV", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert load_config(tmp_path, secret_key="test")["HSTS_MAX_AGE"] == max_age


def test_a_malformed_hsts_setting_stops_the_start(monkeypatch, tmp_path):
    monkeypatch.setenv("RAPPORT_ENV", "production")
    monkeypatch.setenv("HSTS_MAX_AGE", "one year")
    with pytest.raises(ConfigError, match="HSTS_MAX_AGE"):
        load_config(tmp_path, secret_key="test")


# --- nothing the policy would refuse -------------------------------------------------------

TEMPLATES = sorted((PROJECT_ROOT / "templates").rglob("*.html"))
REFUSED_IN_TEMPLATES = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "on*= handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "hx-on (needs eval)": re.compile(r"\bhx-on\b|\bhx-on:", re.IGNORECASE),
    "hx-trigger filter (needs eval)": re.compile(r"hx-trigger=\"[^\"]*\["),
    "hx-vals js: (needs eval)": re.compile(r"hx-vals=['\"]\s*js:", re.IGNORECASE),
}


COMMENTS = re.compile(r"\{#.*?#\}|<!--.*?-->", re.DOTALL)  # never reach the browser as code


def _refused(path: Path) -> list[str]:
    text = COMMENTS.sub("", path.read_text())
    return [what for what, pattern in REFUSED_IN_TEMPLATES.items() if pattern.search(text)]


def test_the_scan_finds_what_it_looks_for():
    samples = {
        "inline <script>": "<script>alert(1)</script>",
        "on*= handler": '<form onsubmit="return confirm()">',
        "javascript: URL": '<a href="javascript:void(0)">',
        "hx-on (needs eval)": '<form hx-on::config-request="x()">',
        "hx-trigger filter (needs eval)": '<div hx-trigger="every 5s [ok()]">',
        "hx-vals js: (needs eval)": "<div hx-vals='js:{a: 1}'>",
    }
    for what, sample in samples.items():
        assert REFUSED_IN_TEMPLATES[what].search(sample), what
    harmless = (
        '<script src="/static/app.js" defer></script><form data-confirm="Sure?">'
        "{# a javascript: URL would run #}"
    )
    assert not any(
        pattern.search(COMMENTS.sub("", harmless)) for pattern in REFUSED_IN_TEMPLATES.values()
    )


def test_no_template_needs_inline_script_or_eval():
    assert len(TEMPLATES) > 50
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): found
        for path in TEMPLATES
        if (found := _refused(path))
    }
    assert offenders == {}


def test_the_apps_own_scripts_use_no_eval():
    for path in (PROJECT_ROOT / "static").glob("*.js"):
        text = path.read_text()
        assert not re.search(r"\beval\(|new Function\(|setTimeout\(\s*[\"'`]", text), path.name
