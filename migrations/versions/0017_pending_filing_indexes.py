"""pending filing indexes: the pending actions filed under a company, and a company's primary
people, each answered from an index alone; one person's queue in its own order

Revision ID: 0017_pending_filing_indexes
Revises: 0016_sqlite_search_tables
Create Date: 2026-12-06 22:30:00

Found by profiling the Clients list (issue 19, fifth slice): each listed client's open and
overdue counts (``action_queries.pending_filed``) looked up its primary people in
``contact_company_links`` and then each person's actions in ``relationship_actions``, reading
some 10,000 table pages for a page of 25 clients (13 ms of its 20 ms of SQL). These partial
indexes hold just the rows and columns those counts read, so both steps are index-only scans.

One person's queue (the Actions page's Mine tab, Today's "due this week") read the whole firm's
queue in order (``ix_relationship_actions_queue_order``) and skipped everyone else's actions:
some 2,000 index entries for the executive's first 10. The same order after the assignee reads
just theirs.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_pending_filing_indexes"
down_revision = "0016_sqlite_search_tables"
branch_labels = None
depends_on = None

BY_COMPANY = sa.text("status = 'pending' AND company_id IS NOT NULL")
BY_CONTACT = sa.text("status = 'pending' AND company_id IS NULL")
# The order of ``action_queries.actions_query``, as ``ix_relationship_actions_queue_order`` has it.
QUEUE_ORDER = [
    sa.text("(status <> 'pending')"),
    sa.text("(due_on IS NULL)"),
    "due_on",
    sa.text("completed_at DESC"),
    "id",
]


def upgrade():
    op.create_index(
        "ix_relationship_actions_pending_by_company",
        "relationship_actions",
        ["company_id", "due_on", "assigned_to_id"],
        postgresql_where=BY_COMPANY,
        sqlite_where=BY_COMPANY,
    )
    op.create_index(
        "ix_relationship_actions_pending_by_contact",
        "relationship_actions",
        ["contact_id", "due_on", "assigned_to_id"],
        postgresql_where=BY_CONTACT,
        sqlite_where=BY_CONTACT,
    )
    op.create_index(
        "ix_relationship_actions_assignee_queue_order",
        "relationship_actions",
        ["assigned_to_id", *QUEUE_ORDER],
    )
    op.create_index(
        "ix_contact_company_links_primary",
        "contact_company_links",
        ["company_id", "contact_id"],
        postgresql_where=sa.text("is_primary"),
        sqlite_where=sa.text("is_primary = 1"),
    )


def downgrade():
    op.drop_index("ix_contact_company_links_primary", table_name="contact_company_links")
    op.drop_index("ix_relationship_actions_assignee_queue_order", table_name="relationship_actions")
    op.drop_index("ix_relationship_actions_pending_by_contact", table_name="relationship_actions")
    op.drop_index("ix_relationship_actions_pending_by_company", table_name="relationship_actions")
