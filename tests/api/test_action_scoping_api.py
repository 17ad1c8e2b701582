"""Who may use the action endpoints: the permission each needs, and the scoping matrix.

The matrix: who sees (and may close) whose actions, driven by ``access``.

A firm of two squads (a manager and two members each), a manager without a squad, a head and
an executive; one action per person. Every expectation is computed from
``access.sees_actions_of``, so the test follows the policy rather than a hand-written list.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.api.relationship_helpers import (
    ACTIONS_PATH,
    action_for,
    action_path,
    client_contact,
    contact_actions_path,
    error_of,
    freeze_today,
    ids,
    snapshot,
)
from tests.factories import SquadFactory
from webapp import access
from webapp.extensions import db as _db
from webapp.models import RelationshipAction
from webapp.services.api_keys import revoke_api_key

PEOPLE = {
    "north manager": ("manager", "North"),
    "north member one": ("member", "North"),
    "north member two": ("member", "North"),
    "south manager": ("manager", "South"),
    "south member one": ("member", "South"),
    "south member two": ("member", "South"),
    "squadless manager": ("manager", None),
    "head": ("head", None),
    "executive": ("executive", None),
}


@dataclass
class Member:
    """One person of the firm: their API client, their contact and their one action."""

    name: str
    api: object
    contact: object
    action: RelationshipAction

    @property
    def user(self):
        return self.api.user


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def firm(db, api_client) -> dict[str, Member]:
    squads = {name: SquadFactory(name=name) for name in ("North", "South")}
    people = {}
    for index, (name, (role, squad)) in enumerate(PEOPLE.items()):
        api = api_client(role=role, squad=squads.get(squad), name=name.title())
        contact = client_contact(
            api.user, f"Client{index}", "Person", email=f"client{index}@scoping.example"
        )
        action = action_for(api.user, contact, title=f"Secret plan {index}", due_date="2025-06-10")
        people[name] = Member(name, api, contact, action)
    _db.session.commit()
    return people


def visible_to(firm: dict[str, Member], viewer: Member) -> set[str]:
    """The action ids the policy says ``viewer`` sees."""
    actor = access.actor_for_user(viewer.user)
    return {str(p.action.id) for p in firm.values() if access.sees_actions_of(actor, p.user)}


def hidden_from(firm: dict[str, Member], viewer: Member) -> list[Member]:
    actor = access.actor_for_user(viewer.user)
    return [p for p in firm.values() if not access.sees_actions_of(actor, p.user)]


def test_the_firm_exercises_every_kind_of_scope(firm):
    """Guards the matrix itself: own only, own and squad, and everyone all occur."""
    sizes = {name: len(visible_to(firm, person)) for name, person in firm.items()}
    assert sizes["north member one"] == 1
    assert sizes["squadless manager"] == 1
    assert sizes["north manager"] == 3
    assert sizes["head"] == sizes["executive"] == len(PEOPLE)


@pytest.mark.parametrize("viewer", list(PEOPLE))
def test_the_list_returns_exactly_the_actions_the_policy_lets_them_see(firm, viewer):
    person = firm[viewer]
    body = person.api.get(f"{ACTIONS_PATH}?per_page=500").get_json()
    assert set(ids(body["actions"])) == visible_to(firm, person)
    assert body["meta"]["total"] == len(visible_to(firm, person))


@pytest.mark.parametrize("viewer", list(PEOPLE))
def test_filters_never_widen_the_scope(firm, viewer):
    person = firm[viewer]
    for other in hidden_from(firm, person):
        for query in (f"assigned_to_user_id={other.user.id}", f"contact_id={other.contact.id}"):
            response = person.api.get(f"{ACTIONS_PATH}?{query}")
            assert response.status_code == 200
            assert response.get_json()["actions"] == [], query
            assert other.action.title not in response.get_data(as_text=True)


@pytest.mark.parametrize("viewer", list(PEOPLE))
def test_a_contacts_list_shows_only_the_actions_in_scope(firm, viewer):
    person = firm[viewer]
    for other in firm.values():
        path = contact_actions_path(other.contact.id)
        listed = set(ids(person.api.get(path).get_json()["actions"]))
        expected = {str(other.action.id)} & visible_to(firm, person)
        assert listed == expected, other.name


@pytest.mark.parametrize("viewer", list(PEOPLE))
def test_closing_an_action_out_of_scope_is_404_and_reveals_nothing(db, firm, viewer):
    person = firm[viewer]
    hidden = hidden_from(firm, person)
    before = snapshot(db)
    for other in hidden:
        response = person.api.patch(action_path(other.action.id), json={"status": "done"})
        error = error_of(response, 404)
        text = response.get_data(as_text=True)
        assert other.action.title not in text and other.contact.first_name not in text
        assert other.user.name not in text
        assert error["details"] == {}
    assert snapshot(db) == before
    db.session.expire_all()
    assert all(db.session.get(RelationshipAction, o.action.id).status == "pending" for o in hidden)


@pytest.mark.parametrize("viewer", list(PEOPLE))
def test_an_action_out_of_scope_looks_exactly_like_one_that_does_not_exist(firm, viewer):
    person = firm[viewer]
    missing = person.api.patch(action_path(999_999), json={"status": "done"})
    for other in hidden_from(firm, person):
        response = person.api.patch(action_path(other.action.id), json={"status": "done"})
        assert response.status_code == missing.status_code == 404
        assert response.get_json()["error"]["code"] == missing.get_json()["error"]["code"]


@pytest.mark.parametrize("viewer", list(PEOPLE))
def test_every_action_in_scope_can_be_closed(db, firm, viewer):
    person = firm[viewer]
    actor = access.actor_for_user(person.user)
    for other in firm.values():
        if not access.sees_actions_of(actor, other.user):
            continue
        response = person.api.patch(action_path(other.action.id), json={"status": "dismissed"})
        assert response.status_code == 200, other.name
        assert response.get_json()["action"]["completed_by_user_id"] == str(person.user.id)


# The permission each action endpoint needs

CALL = {"title": "Call about the renewal", "action_type": "call"}


def endpoint_calls(contact, action_id: int) -> list[tuple[str, str, dict | None, str]]:
    """(method, path, body, the permission it needs) for each action endpoint."""
    return [
        ("get", ACTIONS_PATH, None, access.RELATIONSHIPS_VIEW),
        ("get", contact_actions_path(contact.id), None, access.RELATIONSHIPS_VIEW),
        ("post", contact_actions_path(contact.id), CALL, access.RELATIONSHIPS_UPDATE),
        ("patch", action_path(action_id), {"status": "done"}, access.RELATIONSHIPS_UPDATE),
    ]


def call(caller, method: str, path: str, body: dict | None):
    return getattr(caller, method)(path, **({"json": body} if body is not None else {}))


@pytest.fixture
def owner(api_client):
    return api_client(role="member")


@pytest.fixture
def owned(db, owner):
    """A contact of ``owner`` with one pending action of theirs."""
    contact = client_contact(owner.user)
    action = action_for(owner.user, contact)
    _db.session.commit()
    return contact, action


@pytest.mark.parametrize("index", range(4), ids=["list", "contact list", "create", "close"])
def test_each_endpoint_needs_its_permission(db, api_client, owned, index):
    method, path, body, needed = endpoint_calls(owned[0], owned[1].id)[index]
    others = [p for p in access.ROLE_DEFAULTS["head"] if p != needed]
    lacking = api_client(permissions=others, role="head")
    before = snapshot(db)
    error = error_of(call(lacking, method, path, body), 403, "forbidden")
    assert error["details"] == {"permission": needed}
    assert snapshot(db) == before
    holding = api_client(permissions=[needed], role="head")
    assert call(holding, method, path, body).status_code in (200, 201)


def test_without_a_key_or_with_a_revoked_one_every_endpoint_is_401(db, client, owner, owned):
    contact, action = owned
    revoke_api_key(access.actor_for_user(owner.user), owner.api_key.id)
    _db.session.commit()
    before = snapshot(db)
    for caller in (client, owner):
        for method, path, body, _needed in endpoint_calls(contact, action.id):
            error_of(call(caller, method, path, body), 401, "unauthenticated")
    assert snapshot(db) == before
    db.session.expire_all()
    assert db.session.get(RelationshipAction, action.id).status == "pending"
