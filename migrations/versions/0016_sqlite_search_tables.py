"""sqlite search tables: FTS5 trigram indexes of contact names and emails and company names and
domains, kept in step by triggers (SQLite only)

Revision ID: 0016_sqlite_search_tables
Revises: 0015_cache_generations
Create Date: 2026-12-06 19:00:00

Issue 19: the embedded default searched with ``LIKE '%…%'``, reading every contact, email and
company. SQLite's FTS5 with the ``trigram`` tokenizer answers a substring of three characters or
more from an index, as ``pg_trgm`` does on PostgreSQL (migration 0011, which does nothing here):
``services/search.py`` narrows to the rows the index finds, then keeps ``LIKE``'s exact meaning.
Each search table reads its text from the table it indexes (``content=``) and triggers write every
change to it, in the same transaction. PostgreSQL has its trigram indexes: nothing is done there.
"""

from alembic import op

revision = "0016_sqlite_search_tables"
down_revision = "0015_cache_generations"
branch_labels = None
depends_on = None

# search table: (the table it indexes, the columns it holds)
SEARCH_TABLES = {
    "contact_names_fts": ("contacts", ("first_name", "last_name")),
    "contact_emails_fts": ("contact_emails", ("email",)),
    "companies_fts": ("companies", ("name",)),
    "company_domains_fts": ("company_domains", ("domain",)),
}


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _statements(name: str, source: str, columns: tuple[str, ...]) -> list[str]:
    listed = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    add = f"INSERT INTO {name}(rowid, {listed}) VALUES (new.id, {new});"
    remove = f"INSERT INTO {name}({name}, rowid, {listed}) VALUES ('delete', old.id, {old});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5({listed}, content='{source}', "
        "content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {name}_insert AFTER INSERT ON {source} BEGIN {add} END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_delete AFTER DELETE ON {source} BEGIN {remove} END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_update AFTER UPDATE OF {listed} ON {source} "
        f"BEGIN {remove} {add} END",
        f"INSERT INTO {name}({name}) VALUES ('rebuild')",
    ]


def upgrade():
    if not _sqlite():
        return
    for name, (source, columns) in SEARCH_TABLES.items():
        for statement in _statements(name, source, columns):
            op.execute(statement)


def downgrade():
    if not _sqlite():
        return
    for name, (source, _columns) in SEARCH_TABLES.items():
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}_{trigger}")
        op.execute(f"DROP TABLE IF EXISTS {name}")
