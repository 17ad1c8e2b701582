"""The scoping matrix for the pages: who sees which actions, generated from access.py's policy.

A firm of two squads (a manager and two members in each), an executive and a head, one action
each. For every role, the widest tab the page offers must list exactly the actions
``access.sees_actions_of`` allows, and every other action's status routes must answer 404.
"""

from __future__ import annotations

import pytest

from tests import factories
from tests.web.action_builders import add_action, listed_ids, sign_in, stored, tab_counts
from webapp import access
from webapp.extensions import db as _db

ROLES = ["member", "manager", "head", "executive"]
WIDEST_TAB = {"member": "mine", "manager": "squad", "head": "everyone", "executive": "everyone"}


@pytest.fixture
def firm(db):
    """Everyone in the firm, each with one pending action; returns (people, actions by user id)."""
    north, south = factories.SquadFactory(name="North"), factories.SquadFactory(name="South")
    people = [factories.UserFactory(role="executive"), factories.UserFactory(role="head")]
    for squad in (north, south):
        people.append(factories.UserFactory(role="manager", squad=squad))
        people += [factories.UserFactory(role="member", squad=squad) for _ in range(2)]
    actions = {person.id: add_action(person) for person in people}
    _db.session.commit()
    return people, actions


def viewer_of(people, role: str):
    """The firm's first person with ``role`` (in the North squad where squads apply)."""
    return next(person for person in people if person.role == role)


def expected_for(viewer, people, actions) -> tuple[set[int], set[int]]:
    """(visible action ids, hidden action ids) according to the policy itself."""
    actor = access.actor_for_user(viewer)
    visible = {actions[p.id].id for p in people if access.sees_actions_of(actor, p)}
    return visible, {a.id for a in actions.values()} - visible


@pytest.mark.parametrize("role", ROLES)
def test_the_widest_tab_lists_exactly_what_the_policy_lets_the_role_see(client, firm, role):
    people, actions = firm
    viewer = viewer_of(people, role)
    visible, hidden = expected_for(viewer, people, actions)
    assert visible and hidden or role in access.SEES_ALL_ACTIONS  # the matrix tests something
    sign_in(client, viewer)
    html = client.get(f"/actions?tab={WIDEST_TAB[role]}").text
    assert set(listed_ids(html)) == visible
    assert tab_counts(html)[WIDEST_TAB[role]] == len(visible)


@pytest.mark.parametrize("role", ROLES)
def test_every_tab_stays_inside_the_policy(client, firm, role):
    people, actions = firm
    viewer = viewer_of(people, role)
    visible, _hidden = expected_for(viewer, people, actions)
    sign_in(client, viewer)
    tabs = list(tab_counts(client.get("/actions").text))
    for tab in tabs:
        shown = set(listed_ids(client.get(f"/actions?tab={tab}&status=all").text))
        assert shown <= visible, f"tab {tab} shows actions outside the policy"
    mine = set(listed_ids(client.get("/actions?tab=mine").text))
    assert mine == {actions[viewer.id].id}


@pytest.mark.parametrize("role", ROLES)
def test_out_of_scope_actions_are_not_found_on_the_status_routes(client, firm, role):
    people, actions = firm
    viewer = viewer_of(people, role)
    _visible, hidden = expected_for(viewer, people, actions)
    sign_in(client, viewer)
    by_id = {a.id: a for a in actions.values()}
    for action_id in sorted(hidden):
        for url in (f"/actions/{action_id}/status", f"/today/actions/{action_id}/done"):
            response = client.post(url, data={"status": "done"})
            assert response.status_code == 404, url
        bulk = client.post("/actions/status", data={"status": "dismissed", "ids": [action_id]})
        assert bulk.status_code == 404
        assert stored(by_id[action_id]) == ("pending", "pending")


@pytest.mark.parametrize("role", ROLES)
def test_in_scope_actions_can_be_closed_from_the_page(client, firm, role):
    people, actions = firm
    viewer = viewer_of(people, role)
    visible, _hidden = expected_for(viewer, people, actions)
    sign_in(client, viewer)
    response = client.post(
        "/actions/status",
        data={"status": "done", "ids": sorted(visible)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    by_id = {a.id: a for a in actions.values()}
    assert all(stored(by_id[action_id]) == ("done", "done") for action_id in visible)
