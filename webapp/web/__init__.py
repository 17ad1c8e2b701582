"""HTML blueprints, one module per area."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register_web_blueprints(app: Flask) -> None:
    from webapp.web import auth, health, today

    for module in (auth, health, today):
        app.register_blueprint(module.bp)
