"""last activity indexes: each person's latest completed action, outbound message and interaction,
and their recently done actions

Revision ID: 0013_last_activity_indexes
Revises: 0012_pending_actions_index
Create Date: 2026-12-06 13:40:00

Found by ``make bench`` (issue 19): the Team view's "last active" column took the latest of
every completed action, outbound message and interaction of the firm (a union of some
1,400,000 rows grouped by person, 200 ms at 100,000 contacts). With these indexes each person's
latest moment of each kind is one step down an index. Its "done in 30 days" counts and the
weekly chart read each assignee's done actions by completion time from the last index.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_last_activity_indexes"
down_revision = "0012_pending_actions_index"
branch_labels = None
depends_on = None

DONE = sa.text("status = 'done'")
OUTBOUND = sa.text("direction = 'outbound'")


def upgrade():
    op.create_index(
        "ix_relationship_actions_completed_by",
        "relationship_actions",
        ["completed_by_id", "completed_at"],
        postgresql_where=DONE,
        sqlite_where=DONE,
    )
    op.create_index(
        "ix_messages_sent_by_outbound",
        "messages",
        ["sent_by_id", "created_at"],
        postgresql_where=OUTBOUND,
        sqlite_where=OUTBOUND,
    )
    op.create_index("ix_interactions_created_by", "interactions", ["created_by_id", "created_at"])
    op.create_index(
        "ix_relationship_actions_done_assignee",
        "relationship_actions",
        ["assigned_to_id", "completed_at"],
        postgresql_where=DONE,
        sqlite_where=DONE,
    )


def downgrade():
    op.drop_index("ix_relationship_actions_done_assignee", table_name="relationship_actions")
    op.drop_index("ix_interactions_created_by", table_name="interactions")
    op.drop_index("ix_messages_sent_by_outbound", table_name="messages")
    op.drop_index("ix_relationship_actions_completed_by", table_name="relationship_actions")
