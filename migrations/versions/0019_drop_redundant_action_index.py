"""drop redundant action index: a relationship action's contact is looked up through the unique
(contact, cadence period) index, whose first column it is

Revision ID: 0019_drop_redundant_action_index
Revises: 0018_name_filter_indexes
Create Date: 2026-12-07 09:50:00

Found by timing the scheduler's first tick (issue 19, ninth slice): every action inserted
updates each of the table's fifteen indexes, and ``ix_relationship_actions_contact_id`` (contact)
answers nothing that ``uq_relationship_actions_contact_id`` (contact, cadence period) does not:
a B-tree serves lookups on its leading column alone, on PostgreSQL and SQLite alike.
"""

from alembic import op

revision = "0019_drop_redundant_action_index"
down_revision = "0018_name_filter_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_relationship_actions_contact_id", table_name="relationship_actions")


def downgrade():
    op.create_index(
        "ix_relationship_actions_contact_id", "relationship_actions", ["contact_id"], unique=False
    )
