"""The access policy: role defaults, overrides, API-key limits, action scoping, get_or_404."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import ContactFactory, SquadFactory
from webapp import access
from webapp.models import ApiKey, Contact, PermissionOverride, User
from webapp.services.errors import NotFound, PermissionDenied

# The table from issue 2, written out by hand so a change to the policy is a visible decision.
MEMBER = {"relationships:view", "relationships:update", "crm:read", "crm:write"}
ISSUE_ROLE_DEFAULTS = {
    "member": MEMBER,
    "manager": MEMBER | {"relationships:manage"},
    "head": MEMBER | {"relationships:manage"},
    "executive": MEMBER | {"relationships:manage"},
}


def test_permissions_are_the_documented_six():
    assert set(access.PERMISSIONS) == {
        "relationships:view",
        "relationships:update",
        "relationships:manage",
        "crm:read",
        "crm:write",
        "admin",
    }
    assert set(access.PERMISSION_LABELS) == set(access.PERMISSIONS)


def test_role_defaults_are_exactly_the_issues_table():
    assert {role: set(p) for role, p in access.ROLE_DEFAULTS.items()} == ISSUE_ROLE_DEFAULTS


@pytest.mark.parametrize("role", sorted(ISSUE_ROLE_DEFAULTS))
def test_a_user_gets_their_roles_defaults(make_user, role):
    user = make_user(role)
    assert access.user_permissions(user) == ISSUE_ROLE_DEFAULTS[role]
    assert access.actor_for_user(user).permissions == ISSUE_ROLE_DEFAULTS[role]


@pytest.mark.parametrize("role", sorted(ISSUE_ROLE_DEFAULTS))
def test_the_admin_flag_adds_admin(make_user, role):
    user = make_user(role, is_admin=True)
    assert access.user_permissions(user) == ISSUE_ROLE_DEFAULTS[role] | {"admin"}


def test_a_grant_adds_a_permission_the_role_lacks(make_user):
    user = make_user("member")
    user.permission_overrides = [
        PermissionOverride(permission="relationships:manage", granted=True)
    ]
    assert access.user_permissions(user) == MEMBER | {"relationships:manage"}


def test_a_withdrawal_removes_a_role_default(make_user):
    user = make_user("manager")
    user.permission_overrides = [PermissionOverride(permission="crm:write", granted=False)]
    assert access.user_permissions(user) == ISSUE_ROLE_DEFAULTS["manager"] - {"crm:write"}


def test_a_withdrawal_can_take_admin_from_an_admin(make_user):
    user = make_user("member", is_admin=True)
    user.permission_overrides = [PermissionOverride(permission="admin", granted=False)]
    assert "admin" not in access.user_permissions(user)
    assert "admin" in access.default_permissions(user)


def test_an_inactive_user_has_no_permissions(make_user):
    user = make_user("executive", is_admin=True, active=False)
    user.permission_overrides = [PermissionOverride(permission="crm:read", granted=True)]
    assert access.user_permissions(user) == frozenset()
    assert not access.can(access.actor_for_user(user), "crm:read")


def test_an_unknown_role_has_no_defaults(make_user):
    assert access.user_permissions(make_user("intern")) == frozenset()


def test_can_and_require_agree(make_user):
    actor = access.actor_for_user(make_user("member"))
    assert access.can(actor, "crm:read")
    access.require(actor, "crm:read")
    assert not access.can(actor, "admin")
    with pytest.raises(PermissionDenied) as denied:
        access.require(actor, "admin")
    assert denied.value.status == 403
    assert denied.value.details == {"permission": "admin"}


def test_grantable_permissions_are_the_actors_own_in_canonical_order(make_user):
    actor = access.actor_for_user(make_user("manager", is_admin=True))
    assert access.grantable_permissions(actor) == access.PERMISSIONS


def test_an_api_key_carries_only_what_both_it_and_its_owner_have(make_user):
    owner = make_user("member")
    key = ApiKey(user=owner, permissions=["crm:read", "admin", "relationships:manage"])
    actor = access.actor_for_api_key(key)
    assert actor.permissions == {"crm:read"}
    assert actor.api_key is key and actor.user is owner


def test_an_api_key_of_an_inactive_owner_carries_nothing(make_user):
    owner = make_user("member", active=False)
    key = ApiKey(user=owner, permissions=sorted(MEMBER))
    assert access.actor_for_api_key(key).permissions == frozenset()


# --- Scoping of relationship actions -------------------------------------------------------


def test_who_sees_whose_actions_is_the_issues_rule():
    assert access.SEES_ALL_ACTIONS == {"executive", "head"}
    assert access.SEES_SQUAD_ACTIONS == {"manager"}


@pytest.fixture
def firm(make_user) -> dict[str, User]:
    """Two squads with a manager and two members each, a manager without a squad, and the top."""
    north, south = SquadFactory(name="North"), SquadFactory(name="South")
    return {
        "executive": make_user("executive"),
        "head": make_user("head"),
        "north_manager": make_user("manager", squad=north),
        "north_a": make_user("member", squad=north),
        "north_b": make_user("member", squad=north),
        "south_manager": make_user("manager", squad=south),
        "south_a": make_user("member", squad=south),
        "south_b": make_user("member", squad=south),
        "lone_manager": make_user("manager"),
        "lone_member": make_user("member"),
    }


def expected_visible(viewer: User, firm: dict[str, User]) -> set[str]:
    """Whose actions ``viewer`` should see, derived from the policy's own constants."""
    if viewer.role in access.SEES_ALL_ACTIONS:
        return set(firm)
    if viewer.role in access.SEES_SQUAD_ACTIONS and viewer.squad_id is not None:
        return {name for name, u in firm.items() if u.squad_id == viewer.squad_id}
    return {name for name, u in firm.items() if u.id == viewer.id}


def visible(db, viewer: User, firm: dict[str, User]) -> set[str]:
    stmt = access.scope_actions(access.actor_for_user(viewer), select(User.id), User.id)
    ids = set(db.session.scalars(stmt))
    return {name for name, u in firm.items() if u.id in ids}


VIEWERS = [
    "executive",
    "head",
    "north_manager",
    "north_a",
    "south_manager",
    "lone_manager",
    "lone_member",
]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_each_role_sees_the_actions_the_policy_says(db, firm, viewer):
    assert visible(db, firm[viewer], firm) == expected_visible(firm[viewer], firm)


def test_the_policy_table_reads_as_the_issue_says(db, firm):
    """The same expectations, spelled out: a check that the derived table above is not vacuous."""
    everyone = set(firm)
    assert visible(db, firm["executive"], firm) == everyone
    assert visible(db, firm["head"], firm) == everyone
    assert visible(db, firm["north_manager"], firm) == {"north_manager", "north_a", "north_b"}
    assert visible(db, firm["south_manager"], firm) == {"south_manager", "south_a", "south_b"}
    assert visible(db, firm["lone_manager"], firm) == {"lone_manager"}
    assert visible(db, firm["north_a"], firm) == {"north_a"}
    assert visible(db, firm["lone_member"], firm) == {"lone_member"}


def test_manager_sees_own_and_squad_actions_only(db, firm):
    seen = visible(db, firm["north_manager"], firm)
    assert {"north_manager", "north_a", "north_b"} <= seen
    assert not seen & {"south_manager", "south_a", "south_b", "executive"}


def test_scope_leaves_the_query_alone_for_those_who_see_all(firm):
    stmt = select(User.id)
    assert access.scope_actions(access.actor_for_user(firm["head"]), stmt, User.id) is stmt


# --- get_or_404 ----------------------------------------------------------------------------


def test_get_or_404_returns_the_record(make_user):
    contact = ContactFactory()
    actor = access.actor_for_user(make_user("member"))
    assert access.get_or_404(actor, Contact, contact.id, "relationships:view") is contact


def test_get_or_404_raises_not_found_for_a_missing_id(make_user):
    actor = access.actor_for_user(make_user("member"))
    with pytest.raises(NotFound) as missing:
        access.get_or_404(actor, Contact, 987654, "relationships:view")
    assert missing.value.status == 404
    assert missing.value.code == "record_not_found"


def test_get_or_404_checks_the_permission_before_anything_else(make_user):
    contact = ContactFactory()
    actor = access.actor_for_user(make_user("member"))
    with pytest.raises(PermissionDenied):
        access.get_or_404(actor, Contact, contact.id, "admin")
    with pytest.raises(PermissionDenied):  # not a 404 that would reveal what exists
        access.get_or_404(actor, Contact, 987654, "admin")
