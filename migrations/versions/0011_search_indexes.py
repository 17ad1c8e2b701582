"""search indexes: trigram indexes for substring search on contact names and emails and company
names and domains, and sound-alike indexes on first and last names for misspelt searches
(PostgreSQL only)

Revision ID: 0011_search_indexes
Revises: 0010_imports_and_duplicates
Create Date: 2026-12-06 10:30:00

Found by ``make bench``: a contacts search (``ILIKE '%…%'``) read every contact, email and
company twice (the page and its count), about 100 ms each at 100,000 contacts. ``pg_trgm``'s GIN
indexes answer ``ILIKE`` with a substring from the index. ``fuzzystrmatch``'s ``soundex`` finds
"Jhon" for "John" (``contact_search.sounds_like``). SQLite keeps its ``LIKE`` search and has no
sound-alike matches: this migration does nothing there. Phone numbers have no trigram index: made of
ten digits, their trigrams are few and each is in most numbers, and keeping such an index doubled
the time of a 10,000-row import (14 s to 29 s); a search written like a phone number reads the
phone numbers instead (``contact_search.phone_digits``). The expressions below are the ones
``contact_search`` and ``company_search`` filter on, so the planner can match them.
"""

from alembic import op

revision = "0011_search_indexes"
down_revision = "0010_imports_and_duplicates"
branch_labels = None
depends_on = None

TRIGRAM_INDEXES = {
    "ix_contacts_full_name_trgm": ("contacts", "(first_name || ' ' || last_name)"),
    "ix_contact_emails_email_trgm": ("contact_emails", "email"),
    "ix_companies_name_trgm": ("companies", "name"),
    "ix_company_domains_domain_trgm": ("company_domains", "domain"),
}
SOUNDEX_INDEXES = {
    "ix_contacts_first_name_soundex": ("contacts", "soundex(first_name)"),
    "ix_contacts_last_name_soundex": ("contacts", "soundex(last_name)"),
}


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if not _postgresql():
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")
    for name, (table, expression) in TRIGRAM_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {table} USING gin (({expression}) gin_trgm_ops)")
    for name, (table, expression) in SOUNDEX_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {table} (({expression}))")


def downgrade():
    if not _postgresql():
        return
    for name in (*SOUNDEX_INDEXES, *TRIGRAM_INDEXES):
        op.execute(f"DROP INDEX IF EXISTS {name}")
