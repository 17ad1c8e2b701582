"""pending actions index: the pending actions by assignee, for the Actions queue's tab counts

Revision ID: 0012_pending_actions_index
Revises: 0011_search_indexes
Create Date: 2026-12-06 11:10:00

Found by ``make bench-explain``: the executive's tab counts read every action of the firm (a
parallel sequential scan of 500,000 rows, 34 ms) to count the 150,000 pending ones. A partial
index holds only those, so the counts are an index-only scan.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_pending_actions_index"
down_revision = "0011_search_indexes"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade():
    op.create_index(
        "ix_relationship_actions_pending_assignee",
        "relationship_actions",
        ["assigned_to_id"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )


def downgrade():
    op.drop_index("ix_relationship_actions_pending_assignee", table_name="relationship_actions")
