"""team cache generation: the Team view's figures kept against the tables they read

Revision ID: 0020_team_cache_generation
Revises: 0019_drop_redundant_action_index
Create Date: 2026-12-07 18:05:00

Issue 19: the Team view read, on every view, each person's open, overdue and recently done
actions, when each last did something (three look-ups per person among actions, messages and
interactions) and the weekly completions. ``services/count_cache.py`` now keeps all of them for a
minute against the ``team`` group's generation, which every transaction writing actions, users,
messages or interactions raises (docs/performance.md, "Figures kept for a minute").
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_team_cache_generation"
down_revision = "0019_drop_redundant_action_index"
branch_labels = None
depends_on = None

GROUP = "team"


def upgrade():
    generations = sa.table(
        "cache_generations", sa.column("name", sa.String), sa.column("generation", sa.BigInteger)
    )
    op.bulk_insert(generations, [{"name": GROUP, "generation": 0}])


def downgrade():
    op.execute(sa.text("DELETE FROM cache_generations WHERE name = :name").bindparams(name=GROUP))
