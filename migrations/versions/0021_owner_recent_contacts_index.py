"""owner recent contacts index: one owner's live contacts, most recently updated first

Revision ID: 0021_owner_recent_contacts_index
Revises: 0020_team_cache_generation
Create Date: 2026-12-07 18:20:00

Found by `EXPLAIN (ANALYZE, BUFFERS)` of Today (issue 19, twelfth slice): "Your recently updated
contacts" sorted all of the viewer's live contacts (491 for the generated firm's executive, 411
table pages) to show 8, and their count read the same pages again. With the owner's live contacts
in this order, the card reads 8 index entries and the count is an index-only scan (6 pages).
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_owner_recent_contacts_index"
down_revision = "0020_team_cache_generation"
branch_labels = None
depends_on = None

LIVE = sa.text("archived_at IS NULL")


def upgrade():
    op.create_index(
        "ix_contacts_owner_recent",
        "contacts",
        ["owner_id", sa.text("updated_at DESC"), sa.text("id DESC")],
        postgresql_where=LIVE,
        sqlite_where=LIVE,
    )


def downgrade():
    op.drop_index("ix_contacts_owner_recent", table_name="contacts")
