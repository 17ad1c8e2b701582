"""cache generations: a number per group of tables that every transaction writing them raises

Revision ID: 0015_cache_generations
Revises: 0014_life_events_by_contact_day
Create Date: 2026-12-06 18:40:00

Issue 19: the Actions tabs, the Team view and Today counted every pending action of the firm (or
walked every event of the viewer's contacts) on each view. ``services/count_cache.py`` keeps those
figures for a minute in each worker, against the generation of the tables they read; the commit
of any transaction that writes those tables raises the generation, so the next view counts again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_cache_generations"
down_revision = "0014_life_events_by_contact_day"
branch_labels = None
depends_on = None

GROUPS = ("actions", "events")


def upgrade():
    generations = op.create_table(
        "cache_generations",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_cache_generations")),
    )
    op.bulk_insert(generations, [{"name": name, "generation": 0} for name in GROUPS])


def downgrade():
    op.drop_table("cache_generations")
