"""life events by contact and day: a contact's events with the days of the year they fall on

Revision ID: 0014_life_events_by_contact_day
Revises: 0013_last_activity_indexes
Create Date: 2026-12-06 13:55:00

Found by ``make bench`` (issue 19): Today's upcoming events (the viewer's contacts' events in the
next days) read every life event of the firm in those days (43,000 of 1,000,000) and kept the
viewer's 200: 48 ms. With the contact first, then month and day, PostgreSQL walks the viewer's
contacts into the index: 1.4 ms. The index replaces the one on ``contact_id`` alone, which it
serves as well (its first column).
"""

from alembic import op

revision = "0014_life_events_by_contact_day"
down_revision = "0013_last_activity_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_life_events_contact_month_day",
        "life_events",
        ["contact_id", "event_month", "event_day"],
    )
    op.drop_index("ix_life_events_contact_id", table_name="life_events")


def downgrade():
    op.create_index("ix_life_events_contact_id", "life_events", ["contact_id"])
    op.drop_index("ix_life_events_contact_month_day", table_name="life_events")
