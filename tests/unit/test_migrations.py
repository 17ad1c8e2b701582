"""Every schema change is a migration: the migrated database matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from webapp.extensions import db as _db


def test_the_migrations_build_exactly_the_schema_the_models_describe(app):
    with app.app_context(), _db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, _db.metadata)
    assert differences == [], "a model changed without a migration (flask db migrate)"
