"""A request for every write route of the URL map, with a body that would change something.

``PAGE_WRITES`` names each page write's body (as its form sends it) and whether, accepted, it
changes what is stored; tests/security/test_csrf.py checks the table covers every write route,
so a new route cannot go unchecked.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from tests.security.routes import WRITE_METHODS, fill, path_values, rules
from webapp.extensions import db
from webapp.models import RelationshipTypeGroup
from webapp.services import calendar

if TYPE_CHECKING:
    from flask import Flask

    from tests.security.world import World


# Writes that reach Twilio, which these tests keep unreachable: accepted, they answer 502.
REACHES_TWILIO = {"contact_messages.send", "contact_messages.retry"}
# Writes that end the session: a walk that goes on after them must skip them.
SIGNS_OUT = {"auth.sign_out"}


class ReusableUpload(io.BytesIO):
    """An uploaded file the walk can send again: the test client closes it after each request."""

    def close(self) -> None:
        self.seek(0)


@dataclass(frozen=True)
class Write:
    endpoint: str
    method: str
    url: str
    form: dict[str, Any] | None = None  # a page's form fields
    json: Any = None  # an API body
    changes: bool = False  # accepted, it changes what is stored

    @property
    def is_api(self) -> bool:
        return self.url.startswith("/api/")


def _group_id(name: str) -> int:
    stmt = select(RelationshipTypeGroup.id).where(RelationshipTypeGroup.name == name)
    return db.session.scalar(stmt)


def _page_writes(w: World) -> dict[str, tuple[dict[str, Any], dict[str, Any], bool]]:
    """endpoint -> (path values that differ from ``path_values``, form fields, changes)."""
    today = calendar.today_in("UTC").isoformat()
    contact = {"first_name": "Ada", "stage": "working", "emails": "ada@acme.example",
               "phones": "+447911123456", "company_links-0-company_id": str(w.client.id),
               "company_links-0-is_primary": "y"}  # fmt: skip
    return {
        "actions.set_status": ({}, {"status": "done"}, True),
        "actions.set_statuses": ({}, {"status": "done", "ids": [w.action.id]}, True),
        "admin_custom_objects.new_object": ({}, {
            "name": "Gadget", "slug": "gadget", "attributes-0-name": "Code",
            "attributes-0-slug": "code", "attributes-0-value_type": "text"}, True),
        "admin_messages.delete_template": ({}, {}, True),
        "admin_messages.edit_template": ({}, {"name": "Renamed", "body": "Hello"}, True),
        "admin_messages.new_template": ({}, {"name": "Another", "body": "Hello"}, True),
        "admin_messages.assign": ({}, {"contact_id": str(w.bob.id)}, True),
        "admin_relationship_types.create_type": ({}, {
            "relationship_type_group_id": str(_group_id("work")), "name": "rival",
            "name_reverse_relationship": "rival"}, True),
        "admin_relationship_types.delete_type": ({"type_id": w.spare_type.id}, {}, True),
        "admin.squads": ({}, {"name": "South"}, True),
        "admin.edit_user": ({}, {"name": "Max Moved", "role": "member", "timezone": "UTC",
                                 "squad_id": str(w.squad.id), "active": "y"}, True),
        "admin.user_permissions": ({}, {"permissions": ["relationships:view"]}, True),
        "admin.new_user": ({}, {"name": "Nina", "email": "nina@example.com", "role": "member",
                                "squad_id": "", "timezone": "UTC",
                                "password": "a long enough password"}, True),
        "api_keys.create": ({}, {"name": "Sync", "permissions": ["crm:read"]}, True),
        "api_keys.revoke": ({}, {}, True),
        "auth.sign_in": ({}, {"email": "nobody@rapport.test", "password": "wrong"}, False),
        "auth.sign_out": ({}, {}, False),
        "calendar_feed.create": ({}, {}, True),
        "calendar_feed.revoke": ({}, {}, True),
        "client_partners.create": ({}, {"partner-partner_company_name": "Globex"}, True),
        "client_partners.update": ({}, {"edit_partner-partner_company_name": "Initech"}, True),
        "client_partners.delete": ({}, {}, True),
        "clients.set_action_status": ({}, {"status": "done"}, True),
        "companies.new": ({}, {"name": "Initech", "client_tier": "standard"}, True),
        "companies.edit": ({}, {"name": "Acme", "domains": "acme.example", "is_client": "y",
                                "client_tier": "key"}, True),
        # A company into itself is refused (422): the world has one company to merge.
        "duplicates.merge_companies": ({}, {"other": str(w.client.id)}, False),
        "duplicates.merge_contacts": ({}, {"other": str(w.bob.id)}, True),
        "duplicates.not_duplicate": ({}, {"kind": "contact", "ids": [w.ada.id, w.bob.id]}, True),
        # Each write is undone before the next: there is no mark to take back (404).
        "duplicates.suggest_again": ({}, {"kind": "contact", "ids": [w.ada.id, w.bob.id]}, False),
        "contact_interactions.log_interaction": ({}, {
            "interaction-kind": "call", "interaction-occurred_on": today,
            "interaction-summary": "Talked"}, True),
        "contact_interactions.update_interaction": ({}, {
            "edit_interaction-kind": "note", "edit_interaction-occurred_on": today,
            "edit_interaction-summary": "Wrote"}, True),
        "contact_interactions.delete_interaction": ({}, {}, True),
        "contact_interactions.set_cadence": ({}, {"keep_in_touch-cadence_days": "30"}, True),
        # Sending reaches for Twilio (unreachable in these tests): accepted, it fails there.
        "contact_messages.send": ({}, {"message-channel": "sms", "message-body": "Hi"}, False),
        "contact_messages.retry": ({"message_id": w.outbound.id}, {}, False),
        "contact_people.create": ({}, {"relationship": f"is{w.spare_type.id}",
                                       "other_id": str(w.bob.id)}, True),
        "contact_people.change_type": ({}, {"relationship_type_id": w.spare_type.id}, True),
        "contact_people.remove": ({}, {}, True),
        "contact_relationships.create_action": ({}, {
            "action-title": "Call", "action-action_type": "call"}, True),
        "contact_relationships.set_action_status": ({}, {"status": "done"}, True),
        "contact_relationships.create_life_event": ({}, {
            "life_event-event_type": "birthday", "life_event-title": "Birthday",
            "life_event-event_date": "03-14"}, True),
        "contact_relationships.update_life_event": ({}, {
            "life_event-event_type": "promotion", "life_event-title": "Promoted",
            "life_event-event_date": today}, True),
        "contact_relationships.delete_life_event": ({}, {}, True),
        "contact_relationships.update_profile": ({}, {"profile-preferred_name": "Addie"}, True),
        "contacts.new": ({}, {"first_name": "Nia", "stage": "new"}, True),
        "contacts.edit": ({}, contact, True),
        "contacts.archive": ({}, {}, True),
        "contacts.restore": ({"contact_id": w.former.id}, {}, True),
        "today.complete_action": ({}, {}, True),
        "imports.upload": ({}, {"file": (ReusableUpload(b"First name,Email\r\nUma,u@x.example\r\n"),
                                         "people.csv")}, True),
        "imports.change": ({}, {"column-0": "first_name", "column-1": "ignore",
                                "column-2": "email", "then": "preview"}, False),
        "imports.undo_import": ({}, {}, True),
        "imports.discard": ({}, {}, False),  # the world's import has run: it cannot be discarded
    }  # fmt: skip


def page_writes(app: Flask, world: World) -> list[Write]:
    """Every page write of the URL map, with its body; a route missing from the table is
    listed with ``form=None``."""
    values = path_values(world) | {"message_id": world.unmatched.id}
    table = _page_writes(world)
    writes = []
    for rule, method in rules(app, WRITE_METHODS):
        if rule.rule.startswith("/api/"):
            continue
        overrides, form, changes = table.get(rule.endpoint, ({}, None, False))
        url = fill(rule.rule, values | overrides)
        writes.append(Write(rule.endpoint, method, url, form=form, changes=changes))
    return writes


def api_writes(app: Flask, world: World) -> list[Write]:
    """Every write of the JSON API (records of type contact where the path takes a type)."""
    values = path_values(world) | {
        "record_type": "contact", "record_id": world.ada.id, "api_name": "accounts",
        "target_id": world.client.id, "value": "x"}  # fmt: skip
    writes = []
    for rule, method in rules(app, WRITE_METHODS):
        if rule.rule.startswith("/api/"):
            body = {"attributes": {"first_name": "Csrf"}} if method != "DELETE" else None
            writes.append(Write(rule.endpoint, method, fill(rule.rule, values), json=body))
    return writes


def page_write_table_endpoints(world: World) -> set[str]:
    """The page writes the table has a body for."""
    return set(_page_writes(world))
