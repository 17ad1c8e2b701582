"""Every session route of the URL map, with its path filled from a ``World``'s records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from webapp.services.records import registry
from webapp.web import contact_sections

if TYPE_CHECKING:
    from flask import Flask

    from tests.security.world import World

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Gated by something other than a session, so neither a session nor a CSRF token applies.
NOT_SESSION_ROUTES = {
    "static": "files",
    "twilio_webhooks.inbound": "Twilio signs its webhooks",
    "twilio_webhooks.status_callback": "Twilio signs its webhooks",
}
RULE_ARGUMENT = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    url: str
    query: tuple[tuple[str, str], ...] = ()

    @property
    def is_api(self) -> bool:
        return self.url.startswith("/api/")


def path_values(world: World) -> dict[str, Any]:
    """The value of each path argument the URL map uses, from the world's records."""
    return {
        "contact_id": world.ada.id,
        "company_id": world.client.id,
        "user_id": world.mate.id,
        "key_id": world.api_key.id,
        "squad_id": world.squad.id,
        "event_id": world.event.id,
        "action_id": world.action.id,
        "message_id": world.unmatched.id,
        "template_id": world.template.id,
        "interaction_id": world.interaction.id,
        "partner_id": world.partner.id,
        "relationship_id": world.relationship.id,
        "type_id": world.relationship_type.id,
        "digest_id": world.digest.id if world.digest else 1,
        "token": world.feed_token,
        "slug": world.custom_object.slug,
        "import_id": world.contact_import.id,
    }


def fill(rule: str, values: dict[str, Any]) -> str:
    """The rule's path with each ``<argument>`` replaced by its value."""
    return RULE_ARGUMENT.sub(lambda found: str(values[found.group(1)]), rule)


def rules(app: Flask, methods: tuple[str, ...]):
    """The URL map's rules answering any of ``methods``, sessions' only, in path order."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if rule.endpoint in NOT_SESSION_ROUTES:
            continue
        for method in sorted(rule.methods & set(methods)):
            yield rule, method


def record_paths(ids: dict[str, int]) -> list[dict[str, Any]]:
    """Path values for each record type of the records API: its id, and each relationship."""
    expanded = []
    for kind in registry.record_types():
        base = {"record_type": kind.api_name, "record_id": ids.get(kind.api_name, 1)}
        names = [r.api_name for r in kind.relationships] or ["none"]
        expanded += [base | {"api_name": name} for name in names]
    return expanded


def path_fills(rule, values: dict[str, Any], record_ids: dict[str, int]) -> list[dict[str, Any]]:
    """The path values to try for ``rule``: once, or once per record type and relationship."""
    values = values | {"target_id": 1, "value": "x", "api_name": "accounts"}
    if "section_name" in rule.arguments:  # each contact-page section loaded on scroll
        return [values | {"section_name": section.name} for section in contact_sections.LAZY]
    if "record_type" not in rule.arguments:
        # /api/v2/contact/<id>/emails and the like name their record type in the path.
        named = rule.rule.split("/")[3] if rule.rule.startswith("/api/v2/") else ""
        return [values | {"record_id": record_ids.get(named, 1)}]
    fills = [values | extra for extra in record_paths(record_ids)]
    if "api_name" not in rule.arguments:
        fills = list({fill(rule.rule, f): f for f in fills}.values())
    return fills


# Reads whose interesting state needs a query string (a template filled in, a print layout...).
EXTRA_QUERIES = {
    "clients.show": lambda w: [(("print", "1"),)],
    "contacts.index": lambda w: [(("archived", "1"),)],
    # Every section below the first screen in place, as the page opens them without JavaScript.
    "contacts.show": lambda w: [tuple(("open", section.name) for section in contact_sections.LAZY)],
    "contact_messages.draft": lambda w: [(("template_id", str(w.template.id)),)],
    "contact_messages.section": lambda w: [(("compose_for", str(w.action.id)),)],
    "contact_people.choices": lambda w: [(("q", "img"),)],
    "admin_messages.contact_choices": lambda w: [(("q", "img"),)],
    "companies.index": lambda w: [(("clients", "1"),)],
}


def read_routes(app: Flask, world: World, record_ids: dict[str, int]) -> list[Route]:
    """Every GET of the URL map, filled from the world (API record routes once per type)."""
    values = path_values(world)
    routes = []
    for rule, method in rules(app, ("GET",)):
        for filled in path_fills(rule, values, record_ids):
            url = fill(rule.rule, filled)
            routes.append(Route(rule.endpoint, method, url))
            for query in EXTRA_QUERIES.get(rule.endpoint, lambda w: [])(world):
                routes.append(Route(rule.endpoint, method, url, query))
    return list(dict.fromkeys(routes))
