"""imports and duplicates: uploaded files and the rows they wrote, contact tags, LinkedIn URLs,
merged records, pairs marked "not a duplicate", and audit events naming their import

Revision ID: 0010_imports_and_duplicates
Revises: 0009_lookup_indexes
Create Date: 2026-12-06 04:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010_imports_and_duplicates"
down_revision = "0009_lookup_indexes"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade():
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("linkedin_url", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint("uq_contacts_linkedin_url", ["linkedin_url"])
        batch_op.create_index(batch_op.f("ix_contacts_merged_into_id"), ["merged_into_id"])
        batch_op.create_foreign_key(
            "fk_contacts_merged_into_id", "contacts", ["merged_into_id"], ["id"]
        )
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_companies_merged_into_id"), ["merged_into_id"])
        batch_op.create_foreign_key(
            "fk_companies_merged_into_id", "companies", ["merged_into_id"], ["id"]
        )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_events_import_id"), ["import_id"])

    op.create_table(
        "contact_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contact_id", "name"),
    )
    op.create_index(op.f("ix_contact_tags_name"), "contact_tags", ["name"])

    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("encoding", sa.String(length=40), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("overwrite", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("undo_kept", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("queued_at", UTC_DATETIME, nullable=True),
        sa.Column("started_at", UTC_DATETIME, nullable=True),
        sa.Column("heartbeat_at", UTC_DATETIME, nullable=True),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.Column("undone_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_imports_created_by_id"), "imports", ["created_by_id"])
    op.create_index(op.f("ix_imports_status"), "imports", ["status"])

    op.create_table(
        "import_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("created_company_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=80), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_company_id"], ["companies.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("import_id", "row_number"),
    )
    op.create_index(op.f("ix_import_rows_contact_id"), "import_rows", ["contact_id"])

    op.create_table(
        "not_duplicate_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("low_id", sa.Integer(), nullable=False),
        sa.Column("high_id", sa.Integer(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("low_id < high_id", name="ck_not_duplicate_pairs_ordered"),
        sa.ForeignKeyConstraint(["marked_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "low_id", "high_id"),
    )


def downgrade():
    op.drop_table("not_duplicate_pairs")
    op.drop_index(op.f("ix_import_rows_contact_id"), table_name="import_rows")
    op.drop_table("import_rows")
    op.drop_index(op.f("ix_imports_status"), table_name="imports")
    op.drop_index(op.f("ix_imports_created_by_id"), table_name="imports")
    op.drop_table("imports")
    op.drop_index(op.f("ix_contact_tags_name"), table_name="contact_tags")
    op.drop_table("contact_tags")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_import_id"))
        batch_op.drop_column("import_id")
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_constraint("fk_companies_merged_into_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_companies_merged_into_id"))
        batch_op.drop_column("merged_into_id")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_constraint("fk_contacts_merged_into_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_contacts_merged_into_id"))
        batch_op.drop_constraint("uq_contacts_linkedin_url", type_="unique")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("linkedin_url")
