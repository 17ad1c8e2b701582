"""Every schema change is a migration: the migrated database matches the models exactly."""

from __future__ import annotations

import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from webapp.extensions import db as _db

# Indexes on expressions, which SQLAlchemy cannot reflect on SQLite: checked by name instead.
EXPRESSION_INDEXES = {"uq_contact_relationships_pair", "ix_relationship_actions_queue_order"}


def _names_an_expression_index(difference) -> bool:
    index = difference[1] if isinstance(difference, tuple) and len(difference) > 1 else None
    return getattr(index, "name", None) in EXPRESSION_INDEXES


def test_the_migrations_build_exactly_the_schema_the_models_describe(app):
    with app.app_context(), _db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
            warnings.filterwarnings("ignore", ".*expression-based index", UserWarning)
            differences = compare_metadata(context, _db.metadata)
    differences = [d for d in differences if not _names_an_expression_index(d)]
    assert differences == [], "a model changed without a migration (flask db migrate)"


def test_the_expression_indexes_are_in_the_migrated_database(app):
    with app.app_context(), _db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            rows = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))
        else:
            rows = connection.execute(text("SELECT indexname FROM pg_indexes"))
        present = {name for (name,) in rows}
        assert inspect(connection).has_table("contact_relationships")
    assert EXPRESSION_INDEXES <= present
