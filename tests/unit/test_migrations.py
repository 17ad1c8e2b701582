"""Every schema change is a migration: the migrated database matches the models exactly."""

from __future__ import annotations

import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from webapp.extensions import db as _db

# Indexes on expressions, which SQLAlchemy cannot reflect on SQLite: checked by name instead.
EXPRESSION_INDEXES = {
    "uq_contact_relationships_pair",
    "ix_relationship_actions_queue_order",
    "ix_contacts_first_name_lower",
    "ix_contacts_last_name_lower",
    "ix_contacts_owner_recent",
    "ix_companies_name_lower",
    "ix_opportunities_name_lower",
}
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


# SQLite's search tables (migration 0016): FTS5 tables and their shadow tables, not in the models.
SQLITE_SEARCH_TABLES = (
    "contact_names_fts",
    "contact_emails_fts",
    "companies_fts",
    "company_domains_fts",
)


def _names_a_search_table(difference) -> bool:
    table = difference[1] if isinstance(difference, tuple) and len(difference) > 1 else None
    return difference[0] == "remove_table" and getattr(table, "name", "").startswith(
        SQLITE_SEARCH_TABLES
    )


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
    differences = [
        d for d in differences if not (_names_an_expression_index(d) or _names_a_search_table(d))
    ]
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


def test_sqlite_has_its_search_tables_and_postgresql_none(app):
    with app.app_context(), _db.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        sqlite = connection.dialect.name == "sqlite"
    assert set(SQLITE_SEARCH_TABLES) <= tables if sqlite else not set(SQLITE_SEARCH_TABLES) & tables
