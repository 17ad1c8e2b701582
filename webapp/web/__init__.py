"""HTML blueprints, one module per area."""

from __future__ import annotations

from typing import TYPE_CHECKING

from webapp.web import (
    actions,
    admin,
    admin_messages,
    api_keys,
    auth,
    companies,
    contact_messages,
    contact_relationships,
    contacts,
    health,
    today,
)

if TYPE_CHECKING:
    from flask import Flask

BLUEPRINT_MODULES = (
    auth,
    health,
    today,
    contacts,
    contact_relationships,
    contact_messages,
    companies,
    actions,
    admin,
    admin_messages,
    api_keys,
)


def register_web_blueprints(app: Flask) -> None:
    for module in BLUEPRINT_MODULES:
        app.register_blueprint(module.bp)
