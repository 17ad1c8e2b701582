"""name filter indexes: contacts' first and last names, and companies' and opportunities'
names, lowered, for the records API's filters that match a name ignoring case

Revision ID: 0018_name_filter_indexes
Revises: 0017_pending_filing_indexes
Create Date: 2026-12-07 04:45:00

Found by measuring the records API's list with a filter (issue 19, seventh slice):
``GET /api/v2/contact?last_name=Smith`` matches ``lower(last_name)`` (``records.fields.same_text``),
which the plain name indexes cannot answer, so PostgreSQL read every contact in id order:
43 ms on 100,000 contacts for one match. An index on the lowered name answers it directly.
Both databases index expressions.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_name_filter_indexes"
down_revision = "0017_pending_filing_indexes"
branch_labels = None
depends_on = None

LOWERED = (
    ("ix_contacts_first_name_lower", "contacts", "first_name"),
    ("ix_contacts_last_name_lower", "contacts", "last_name"),
    ("ix_companies_name_lower", "companies", "name"),
    ("ix_opportunities_name_lower", "opportunities", "name"),
)


def upgrade():
    for name, table, column in LOWERED:
        op.create_index(name, table, [sa.text(f"lower({column})")])


def downgrade():
    for name, table, _column in reversed(LOWERED):
        op.drop_index(name, table_name=table)
