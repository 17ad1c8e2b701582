"""The access matrix by role and by an API key's permissions, generated from access.py's policy.

- Every route on one relationship action (pages and API, from the URL map), for every role: the
  actor's own action, a squad mate's and an outsider's; whatever ``access.sees_actions_of`` lets
  the actor see is closed, anything else is a 404 and stays as it was.
- /team opens for exactly the roles ``access.may_view_team`` lets in; the others get 403.
- Every gated API route with a key holding every permission but the one the view needs (403, the
  JSON envelope naming that permission), and with a key holding only that one (let through).

Signed-out visitors and sessions' permission sets are tests/web/test_route_access.py's and
tests/web/test_permission_matrix.py's.
"""

from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import FreshIdentityClient, rolled_back, sign_in_session
from tests.security.role_world import (
    CLOSING_BODY,
    ApiRequest,
    action_rules,
    api_requests,
    build_action_firm,
)
from tests.security.routes import WRITE_METHODS, fill
from tests.security.session import savepoint
from tests.security.world import build_world
from webapp import access, create_app
from webapp.api.errors import HTTP_CODES
from webapp.extensions import db as _db
from webapp.models import RelationshipAction
from webapp.services.api_keys import create_api_key

ROLES = sorted(access.ROLE_DEFAULTS)
# The routes on one action today (`flask routes | grep action_id`): the walk must find them all.
KNOWN_ACTION_ROUTES = {
    "actions.set_status",
    "api.update_action_status",
    "clients.set_action_status",
    "contact_relationships.set_action_status",
    "today.complete_action",
}
HIDDEN = "404, unchanged"


def _url_map_app():
    return create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


ACTION_ROUTES = action_rules(_url_map_app())


def test_the_walk_finds_every_route_on_one_action():
    assert KNOWN_ACTION_ROUTES <= {endpoint for endpoint, _method, _rule in ACTION_ROUTES}


# --- routes on one action, by role ------------------------------------------------------------


def _sender(client, user, is_api: bool):
    """Requests as ``user``: with their session on pages, with their own API key on the API."""
    if not is_api:
        sign_in_session(client, user.id)
        return lambda method, url: client.open(url, method=method, data=CLOSING_BODY)
    key = create_api_key(access.actor_for_user(user), user, name="role matrix")
    _db.session.commit()
    headers = {"Authorization": f"Bearer {key.secret}"}
    return lambda method, url: client.open(url, method=method, headers=headers, json=CLOSING_BODY)


def _outcome(response, action: RelationshipAction) -> str:
    """What a user would notice: the action closed, shown, or hidden and left alone."""
    _db.session.expire_all()
    stored = _db.session.get(RelationshipAction, action.id).status
    if response.status_code < 400 and stored == "done":
        return "closed"
    if response.status_code < 400 and stored == "pending":
        return "shown"
    if response.status_code == 404 and stored == "pending":
        return HIDDEN
    return f"{response.status_code}, {stored}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "method", "rule"), ACTION_ROUTES)
def test_a_route_on_one_action_acts_exactly_where_the_policy_lets_the_role_see(
    client, db, endpoint, method, rule, role
):
    """A write on an action it sees closes it (this is the one effect the routes on one action
    have today; a new one with another effect needs its own expectation here)."""
    firm = build_action_firm(role)
    actor = access.actor_for_user(firm.actor)
    send = _sender(client, firm.actor, rule.startswith("/api/"))
    allowed = "closed" if method in WRITE_METHODS else "shown"
    expected, answered = {}, {}

    for whose, action in firm.actions.items():
        expected[whose] = allowed if access.sees_actions_of(actor, action.assigned_to) else HIDDEN
        response = send(method, fill(rule, firm.path_values(action)))
        answered[whose] = _outcome(response, action)

    assert answered == expected, f"{method} {rule} as a {role}"


# --- the Team view, by role -------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_team_view_opens_for_exactly_the_roles_the_policy_lets_lead(client, login_as, role):
    user = login_as(role, squad=factories.SquadFactory())
    factories.UserFactory(role="member", squad=user.squad)
    _db.session.commit()
    allowed = access.may_view_team(access.actor_for_user(user))

    response = client.get("/team")

    assert response.status_code == (200 if allowed else 403)


def test_the_team_view_policy_lets_some_roles_in_and_keeps_some_out():
    """The test above checks both answers, not just one."""
    roles = {role for role in ROLES if role in access.LEADS_TEAMS}
    assert roles and roles != set(ROLES)


# --- API keys' permission sets ----------------------------------------------------------------


@pytest.fixture
def gated_api(app):
    """A security world kept for the test, each gated API request filled from it, and a client;
    everything is rolled back at the end."""
    with rolled_back(app) as connection:
        world = build_world()
        app.test_client_class = FreshIdentityClient
        yield connection, world, api_requests(app, world), app.test_client()


def _keys(owner, held: str, permissions: set[str]) -> dict[str, str]:
    """For each gating permission, the secret of a key of ``owner`` holding ``held``."""
    secrets = {}
    for needed in sorted(permissions):
        kept = set(access.PERMISSIONS) - {needed} if held == "all but" else {needed}
        key = create_api_key(access.actor_for_user(owner), owner, name=f"{held} {needed}",
                             permissions=sorted(kept))  # fmt: skip
        secrets[needed] = key.secret
    _db.session.commit()
    return secrets


def _refused_for_want_of(response, permission: str) -> bool:
    if response.status_code != 403 or not response.is_json:
        return False
    error = response.get_json()["error"]
    return error["code"] == HTTP_CODES[403] and error["details"].get("permission") == permission


def _walk(connection, client, requests: list[ApiRequest], secrets: dict[str, str]):
    """(request, response) for each request, with its key; each request's writes undone."""
    for request in requests:
        headers = {"Authorization": f"Bearer {secrets[request.permission]}"}
        with savepoint(connection):
            response = client.open(
                request.url, method=request.method, headers=headers, json=request.json
            )
            yield request, response


def test_a_key_without_the_permission_a_route_needs_is_refused_with_the_envelope(gated_api):
    connection, world, requests, client = gated_api
    owner = world.me  # an executive and admin: holds every permission a key may carry
    assert access.user_permissions(owner) == set(access.PERMISSIONS)
    secrets = _keys(owner, "all but", {request.permission for request in requests})
    assert len(requests) > len(KNOWN_ACTION_ROUTES)  # the walk found the API

    failures = [
        f"{request}: {response.status_code} {response.get_data(as_text=True)[:200]}"
        for request, response in _walk(connection, client, requests, secrets)
        if not _refused_for_want_of(response, request.permission)
    ]

    assert not failures, "\n".join(failures)


def test_a_key_holding_only_the_permission_a_route_needs_is_let_through(gated_api):
    connection, world, requests, client = gated_api
    owner = world.me
    assert access.user_permissions(owner) == set(access.PERMISSIONS)
    secrets = _keys(owner, "only", {request.permission for request in requests})
    assert len(requests) > len(KNOWN_ACTION_ROUTES)

    failures = [
        f"{request}: {response.status_code} {response.get_data(as_text=True)[:200]}"
        for request, response in _walk(connection, client, requests, secrets)
        if response.status_code in (401, 403)
    ]

    assert not failures, "\n".join(failures)
