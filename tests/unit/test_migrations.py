"""Every schema change is a migration: the migrated database matches the models exactly."""

from __future__ import annotations

import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from webapp.extensions import db as _db

# Indexes on expressions, which SQLAlchemy cannot reflect on SQLite: checked by name instead.
EXPRESSION_INDEXES = {"uq_contact_relationships_pair", "ix_relationship_actions_queue_order"}
# Search indexes that migration 0011 keeps on PostgreSQL only (trigram GIN and soundex): not in
# the models, which describe what both databases share.
POSTGRESQL_SEARCH_INDEXES = {
    "ix_contacts_full_name_trgm",
    "ix_contact_emails_email_trgm",
    "ix_companies_name_trgm",
    "ix_company_domains_domain_trgm",
    "ix_contacts_first_name_soundex",
    "ix_contacts_last_name_soundex",
}


def _names_an_expression_index(difference) -> bool:
    index = difference[1] if isinstance(difference, tuple) and len(difference) > 1 else None
    return getattr(index, "name", None) in EXPRESSION_INDEXES | POSTGRESQL_SEARCH_INDEXES


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
        postgresql = connection.dialect.name == "postgresql"
    assert EXPRESSION_INDEXES <= present
    if postgresql:
        assert POSTGRESQL_SEARCH_INDEXES <= present
    else:
        assert not POSTGRESQL_SEARCH_INDEXES & present
