"""partners: a client company's partners, with an exact estimated deal size in cents

Revision ID: 0005_partners
Revises: 0004_scheduled_work
Create Date: 2026-11-24 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005_partners"
down_revision = "0004_scheduled_work"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("partner_company_name", sa.String(length=200), nullable=False),
        sa.Column("partner_contact_name", sa.String(length=200), nullable=True),
        sa.Column("partner_contact_email", sa.String(length=320), nullable=True),
        sa.Column("relationship_type", sa.String(length=80), nullable=True),
        sa.Column("estimated_deal_size_cents", sa.BigInteger(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "estimated_deal_size_cents >= 0",
            name=op.f("ck_partners_deal_size_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_partners_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_partners_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_partners_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
    )
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partners_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_partners_contact_id"), ["contact_id"], unique=False)


def downgrade():
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partners_contact_id"))
        batch_op.drop_index(batch_op.f("ix_partners_company_id"))
    op.drop_table("partners")
