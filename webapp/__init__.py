"""Rapport: relationship management for account teams. ``create_app`` builds the application."""

from __future__ import annotations

from flask import Flask

from webapp.boot import (
    register_blueprints,
    register_commands,
    register_errorhandlers,
    register_extensions,
    register_logging,
    register_profiler,
    register_request_hooks,
    register_template_helpers,
)
from webapp.config import INSTANCE_PATH, PROJECT_ROOT, load_config


def create_app(config: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error handlers, request hooks, CLI."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_PATH),
        static_folder=str(PROJECT_ROOT / "static"),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    config = config or {}
    app.config.from_mapping(load_config(secret_key=config.get("SECRET_KEY")))
    app.config.update(config)

    register_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_commands(app)
    register_profiler(app)
    return app
