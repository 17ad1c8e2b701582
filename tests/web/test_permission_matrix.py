"""Every gated route against every permission: allowed exactly when access.py's policy says so.

The expectations are generated from the policy itself (``access.user_permissions``) and from the
permission each view declares through ``permission_required``; nothing is listed by hand.
"""

from __future__ import annotations

import pytest

from tests.conftest import sign_in_session
from tests.web.test_route_access import ID_ARGUMENTS, PUBLIC_ENDPOINTS
from webapp import access, create_app
from webapp.models import PermissionOverride

# Signing out ends whatever session there is, so it needs no gate.
OPEN_TO_ANYONE = {"auth.sign_out"}


def _gated_routes() -> list[tuple[str, str, str, str | None]]:
    """(endpoint, method, url, required permission) for every non-public route."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS | OPEN_TO_ANYONE:
            continue
        view = app.view_functions[rule.endpoint]
        assert hasattr(view, "required_permission"), (
            f"{rule.rule} is not behind permission_required"
        )
        url = rule.rule
        for argument in rule.arguments & ID_ARGUMENTS:
            url = url.replace(f"<int:{argument}>", "1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, url, view.required_permission))
    return routes


GATED = [route for route in _gated_routes() if route[3] is not None]


def _holding_only(make_user, kept: set[str]):
    """A user whose permissions are exactly ``kept``, through overrides as an admin sets them."""
    user = make_user("executive", is_admin=True)
    defaults = access.default_permissions(user)
    user.permission_overrides = [
        PermissionOverride(permission=p, granted=False) for p in sorted(defaults - kept)
    ] + [PermissionOverride(permission=p, granted=True) for p in sorted(kept - defaults)]
    return user


@pytest.mark.parametrize(("endpoint", "method", "url", "permission"), GATED)
@pytest.mark.parametrize("held", ["all but required", "only required"])
def test_route_allows_exactly_the_users_the_policy_allows(
    client, db, make_user, endpoint, method, url, permission, held
):
    everything = set(access.PERMISSIONS)
    kept = everything - {permission} if held == "all but required" else {permission}
    user = _holding_only(make_user, kept)
    db.session.commit()
    sign_in_session(client, user.id)

    allowed = permission in access.user_permissions(user)
    response = client.open(url, method=method)

    if allowed:
        assert response.status_code not in (401, 403), response.get_data(as_text=True)[:300]
    else:
        assert response.status_code == 403


def test_the_matrix_walks_every_permission_that_gates_a_route():
    gating = {route[3] for route in GATED}
    assert {access.RELATIONSHIPS_VIEW, access.RELATIONSHIPS_UPDATE, access.ADMIN} <= gating
