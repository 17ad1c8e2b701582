"""Alembic environment for Rapport (Flask-Migrate), bound to the app's ``db.engine``."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name is not None and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)
target_metadata = db.metadata


def render_item(type_, obj, autogen_context):
    """Write the app's column types as plain SQLAlchemy ones, so migrations never import the app."""
    if type_ == "type" and obj.__class__.__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def include_object(obj, name, type_, reflected, compare_to):
    """Leave SQLite's search tables (migration 0016: FTS5 tables and their shadow tables, which
    no model describes) out of what autogenerate compares."""
    return not (type_ == "table" and reflected and compare_to is None and "_fts" in name)


def _options() -> dict:
    # Batch mode lets later migrations alter columns on SQLite too.
    options = {
        "render_as_batch": True,
        "compare_type": True,
        "render_item": render_item,
        "include_object": include_object,
    }
    options.update(current_app.extensions["migrate"].configure_args)
    return {"target_metadata": target_metadata, **options}


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, literal_binds=True, **_options())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    options = _options()
    options.setdefault("process_revision_directives", process_revision_directives)
    with db.engine.connect() as connection:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
