"""records api: opportunities with owners and contacts; companies, tasks and interactions can
be archived; a company's domains keep their order (the first is the primary one)

Revision ID: 0006_records_api
Revises: 0005_partners
Create Date: 2026-11-24 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006_records_api"
down_revision = "0005_partners"
branch_labels = None
depends_on = None


def upgrade():
    _create_opportunities()
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_companies_archived_at"), ["archived_at"], unique=False)
    for table in ("tasks", "interactions"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True)
            )
            batch_op.create_index(
                batch_op.f(f"ix_{table}_archived_at"), ["archived_at"], unique=False
            )
    # Existing domains all start at 0, so their order stays alphabetical until someone reorders.
    with op.batch_alter_table("company_domains", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    for table in ("interactions", "tasks"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_archived_at"))
            batch_op.drop_column("archived_at")
    op.drop_table("opportunity_contacts")
    op.drop_table("opportunity_owners")
    op.drop_table("opportunities")
    with op.batch_alter_table("company_domains", schema=None) as batch_op:
        batch_op.drop_column("position")
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_companies_archived_at"))
        batch_op.drop_column("archived_at")


def _create_opportunities():
    op.create_table(
        "opportunities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("stage", sa.String(length=30), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=True),
        sa.Column("close_on", sa.Date(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_cents >= 0", name=op.f("ck_opportunities_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["companies.id"],
            name=op.f("fk_opportunities_account_id_companies"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_opportunities_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunities")),
    )
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        for column in ("name", "stage", "close_on", "account_id", "archived_at"):
            batch_op.create_index(batch_op.f(f"ix_opportunities_{column}"), [column], unique=False)
    op.create_table(
        "opportunity_owners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_opportunity_owners_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_opportunity_owners_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity_owners")),
        sa.UniqueConstraint(
            "opportunity_id", "user_id", name=op.f("uq_opportunity_owners_opportunity_id")
        ),
    )
    with op.batch_alter_table("opportunity_owners", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunity_owners_user_id"), ["user_id"], unique=False
        )
    op.create_table(
        "opportunity_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_opportunity_contacts_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_opportunity_contacts_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity_contacts")),
        sa.UniqueConstraint(
            "opportunity_id", "contact_id", name=op.f("uq_opportunity_contacts_opportunity_id")
        ),
    )
    with op.batch_alter_table("opportunity_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunity_contacts_contact_id"), ["contact_id"], unique=False
        )
