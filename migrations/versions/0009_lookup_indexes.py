"""lookup indexes: a contact's emails and a company's domains by their owner's id; the actions
queue in the order it is shown

Revision ID: 0009_lookup_indexes
Revises: 0008_contact_relationships
Create Date: 2026-11-24 12:00:00

Found by ``make bench``: loading a page of contacts (or searching them by email) read the whole
contact_emails table once per contact on SQLite, and company_domains likewise; a page of the
Actions queue sorted every pending action of the firm to show fifty.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_lookup_indexes"
down_revision = "0008_contact_relationships"
branch_labels = None
depends_on = None

# The Actions queue's order (``action_queries.actions_query``): pending first, soonest due first.
QUEUE_ORDER = (
    sa.text("(status <> 'pending')"),
    sa.text("(due_on IS NULL)"),
    "due_on",
    sa.text("completed_at DESC"),
    "id",
)


def upgrade():
    with op.batch_alter_table("contact_emails", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_emails_contact_id"), ["contact_id"])
    with op.batch_alter_table("company_domains", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_company_domains_company_id"), ["company_id"])
    op.create_index("ix_relationship_actions_queue_order", "relationship_actions", QUEUE_ORDER)


def downgrade():
    op.drop_index("ix_relationship_actions_queue_order", table_name="relationship_actions")
    with op.batch_alter_table("company_domains", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_company_domains_company_id"))
    with op.batch_alter_table("contact_emails", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_emails_contact_id"))
