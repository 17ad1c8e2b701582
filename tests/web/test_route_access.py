"""Every route, walked from the URL map: only the public ones answer a stranger."""

from __future__ import annotations

import pytest

from webapp import create_app

# Twilio's webhooks have no session: a valid Twilio signature is their gate (their own tests
# refuse every unsigned or wrongly signed request, including a signed-out visitor's).
TWILIO_SIGNED = {"twilio_webhooks.status_callback", "twilio_webhooks.inbound"}
# A calendar feed has no session either: its secret token is its gate, and it opens that one
# user's feed alone (tests/web/test_calendar_feed.py refuses unknown and revoked tokens).
TOKEN_GATED = {"calendar_feed.ics"}
PUBLIC_ENDPOINTS = {
    "static",
    "auth.sign_in",
    "health.healthz",
    "api.openapi_document",
    *TWILIO_SIGNED,
    *TOKEN_GATED,
}
ID_ARGUMENTS = {
    "digest_id",
    "contact_id",
    "company_id",
    "user_id",
    "key_id",
    "squad_id",
    "event_id",
    "action_id",
    "message_id",
    "template_id",
    "interaction_id",
    "partner_id",
    "import_id",
    "record_id",
    "target_id",
    "relationship_id",
    "type_id",
}
# The records API's path words: a record type, a relationship's api name, an email, a domain...
WORD_ARGUMENTS = {
    "record_type": "contact",
    "api_name": "accounts",
    "value": "x",
    "slug": "project",
    "section_name": "timeline",  # a contact-page section loaded on scroll
}


def _routes() -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every route, ids filled with 1."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        unknown = set(rule.arguments) - ID_ARGUMENTS - set(WORD_ARGUMENTS)
        assert not unknown, f"{rule.rule}: add {unknown} to ID_ARGUMENTS or WORD_ARGUMENTS"
        url = rule.rule
        for argument in rule.arguments:
            word = WORD_ARGUMENTS.get(argument, "1")
            url = url.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", word)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, url))
    return routes


ROUTES = _routes()


@pytest.mark.parametrize(("endpoint", "method", "url"), ROUTES)
def test_signed_out_visitors_are_sent_to_sign_in_or_refused(client, endpoint, method, url):
    response = client.open(url, method=method)
    if url.startswith("/api/"):
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthenticated"
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")


ADMIN_ROUTES = [route for route in ROUTES if route[2].startswith("/admin/")]


@pytest.mark.parametrize(("endpoint", "method", "url"), ADMIN_ROUTES)
def test_users_without_admin_get_403_on_every_admin_route(client, login_as, endpoint, method, url):
    login_as("executive")
    response = client.open(url, method=method)
    assert response.status_code == 403


def test_the_walk_covers_the_admin_area():
    assert ADMIN_ROUTES, "no /admin/ routes found: the admin checks above walked nothing"
