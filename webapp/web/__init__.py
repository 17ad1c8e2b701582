"""HTML blueprints, one module per area."""

from __future__ import annotations

from typing import TYPE_CHECKING

from webapp.web import (
    actions,
    admin,
    admin_custom_objects,
    admin_messages,
    admin_relationship_types,
    admin_scheduler,
    api_keys,
    auth,
    calendar_feed,
    client_partners,
    clients,
    companies,
    contact_interactions,
    contact_messages,
    contact_people,
    contact_relationships,
    contact_sections,
    contacts,
    digest,
    duplicates,
    exports,
    health,
    imports,
    relationship_map,
    team,
    today,
)

if TYPE_CHECKING:
    from flask import Flask

BLUEPRINT_MODULES = (
    auth,
    health,
    today,
    digest,
    contacts,
    contact_relationships,
    contact_people,
    contact_messages,
    contact_interactions,
    contact_sections,
    companies,
    clients,
    client_partners,
    duplicates,
    exports,
    imports,
    relationship_map,
    actions,
    team,
    admin,
    admin_messages,
    admin_scheduler,
    admin_custom_objects,
    admin_relationship_types,
    api_keys,
    calendar_feed,
)


def register_web_blueprints(app: Flask) -> None:
    for module in BLUEPRINT_MODULES:
        app.register_blueprint(module.bp)
