"""Worlds and walks for the role matrix (tests/security/test_role_matrix.py).

``ActionFirm``: someone of a given role, a squad mate and an outsider from another squad, each with
one pending action on the same client's contact, so every route on one action can be tried on
each. ``api_requests``: every gated route of the JSON API, filled from a security ``World``, with a
body that would be accepted where one is easy to give.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests import factories
from tests.security.routes import WRITE_METHODS, fill, path_fills, path_values, rules
from webapp.extensions import db
from webapp.services import actions as action_service

if TYPE_CHECKING:
    from flask import Flask

    from tests.security.world import World
    from webapp.models import Company, Contact, RelationshipAction, User

# Whose action each of the three requests acts on: the actor's own, a squad mate's, an outsider's.
WHOSE = ("own", "squad mate's", "outsider's")
# What closes an action, sent as a page's form or as the API's JSON.
CLOSING_BODY = {"status": "done"}


@dataclass
class ActionFirm:
    actor: User
    mate: User  # in the actor's squad
    outsider: User  # in another squad
    client: Company
    contact: Contact  # at the client, where every action is filed
    actions: dict[str, RelationshipAction]  # by ``WHOSE``

    def path_values(self, action: RelationshipAction) -> dict[str, int]:
        """The path of a route on ``action``: the action, its contact and its client."""
        return {"action_id": action.id, "contact_id": self.contact.id, "company_id": self.client.id}


def build_action_firm(role: str) -> ActionFirm:
    """Two squads; the actor (of ``role``) and a member in one, a member in the other; one
    pending action for each of the three, filed under one client's contact. Committed."""
    home, away = factories.SquadFactory(name="Home"), factories.SquadFactory(name="Away")
    actor = factories.UserFactory(role=role, squad=home)
    mate = factories.UserFactory(role="member", squad=home)
    outsider = factories.UserFactory(role="member", squad=away)
    client = factories.ClientProfileFactory().company
    contact = factories.ContactFactory(owner=actor)
    factories.ContactCompanyLinkFactory(contact=contact, company=client, is_primary=True)
    actions = {
        whose: _open_action(contact, client, assignee)
        for whose, assignee in zip(WHOSE, (actor, mate, outsider), strict=True)
    }
    db.session.commit()
    return ActionFirm(actor, mate, outsider, client, contact, actions)


def _open_action(contact: Contact, client: Company, assignee: User) -> RelationshipAction:
    new = action_service.NewAction(
        contact=contact,
        title=f"Call {contact.first_name} for {assignee.name}",
        action_type="call",
        assigned_to=assignee,
        company_id=client.id,
    )
    return action_service.open_action(None, new)


def action_rules(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) of every route, pages and API, on one action (``action_id``)."""
    found = []
    for rule, method in rules(app, ("GET", *WRITE_METHODS)):
        if "action_id" in rule.arguments:
            found.append((rule.endpoint, method, rule.rule))
    return found


# --- the API's permission gates ---------------------------------------------------------------


@dataclass(frozen=True)
class ApiRequest:
    endpoint: str
    method: str
    url: str
    permission: str  # what the view declares it needs
    json: Any = None

    def __str__(self) -> str:
        return f"{self.method} {self.url} ({self.endpoint}, needs {self.permission})"


def _api_bodies(world: World) -> dict[str, Any]:
    """A body each write accepts, so a key that may write really writes (today all do)."""
    return {
        "api.create_partner": {"partner_company_name": "Globex"},
        "api.update_partner": {"notes": "Renewed for a year"},
        "api.create_life_event": {"event_type": "birthday", "title": "Birthday",
                                  "event_date": "03-14"},
        "api.update_life_event": {"title": "Promoted again"},
        # Twilio is unreachable in the tests: accepted, a send answers 502.
        "api.send_message": {"channel": "sms", "body": "Hello"},
        "api.update_profile": {"preferred_name": "Addie"},
        "api.create_action": {"title": "Call", "action_type": "call"},
        "api.update_action_status": CLOSING_BODY,
        "api.v2.create": {"attributes": {"first_name": "Nia", "last_name": "Ng"}},
        "api.v2.patch": {"attributes": {"first_name": "Ada"}},
        "api.v2.assert_": {"match": {"contact_emails": "ada@acme.example"},
                           "attributes": {"title": "CTO"}},
        "api.v2.update_relation": {"attribute": "owner", "add": [world.mate.id],
                                   "remove": [world.me.id]},
        "api.v2.write_batch": {"records": [{"attributes": {"first_name": "Ola"}}]},
        "api.v2.add_related": {"related_record_id": world.client.id},
        "api.v2.update_edge": {"role": "Buyer"},
        "api.v2.define_object": {"slug": "gadget", "name": "Gadget", "attributes": [
            {"slug": "code", "name": "Code", "value_type": "text"}]},
        "api.v2.add_account_domain": {"domain": "acme-two.example"},
        "api.v2.add_contact_email": {"email": "ada.second@acme.example"},
        "api.v2.add_contact_phone_number": {"phone_number": "+442079460960"},
        "api.v2.create_relationship": {"contact_is": world.bob.id, "of_contact": world.ada.id,
                                       "relationship_type_id": world.spare_type.id},
        "api.v2.change_relationship": {"relationship_type_id": world.spare_type.id},
        "api.v2.add_relationship_type": {
            "name": "rival", "name_reverse_relationship": "rival",
            "relationship_type_group_id": world.spare_type.group_id},
    }  # fmt: skip


def _api_paths(world: World) -> dict[str, dict[str, Any]]:
    """Path values, by endpoint, that differ from the world's usual ones, so the request acts."""
    return {
        "api.v2.delete_relationship_type": {"type_id": world.spare_type.id},  # one nobody uses
        "api.v2.remove_account_domain": {"value": "acme.example"},
        "api.v2.remove_contact_email": {"value": "ada@acme.example"},
        "api.v2.remove_contact_phone_number": {"value": "+447911123456"},
    }


def api_requests(app: Flask, world: World) -> list[ApiRequest]:
    """One request for every gated (route, method) of the API, its path filled from ``world``
    (a record type in the path is a contact's; an account's subresources take the client)."""
    values = path_values(world)
    record_ids = {"contact": world.ada.id, "account": world.client.id}
    bodies, paths = _api_bodies(world), _api_paths(world)
    found = []
    for rule, method in rules(app, ("GET", *WRITE_METHODS)):
        permission = getattr(app.view_functions[rule.endpoint], "required_permission", None)
        if not rule.rule.startswith("/api/") or permission is None:
            continue
        fills = path_fills(rule, values, record_ids)
        chosen = next((f for f in fills if f.get("record_type") == "contact"), fills[0])
        url = fill(rule.rule, chosen | paths.get(rule.endpoint, {}))
        body = bodies.get(rule.endpoint) if method != "DELETE" else None
        found.append(ApiRequest(rule.endpoint, method, url, permission, body))
    return found
