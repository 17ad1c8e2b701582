"""custom objects: record types an admin defines, their attributes, records, links and unique
values (one set of tables for every custom object: defining one needs no migration)

Revision ID: 0007_custom_objects
Revises: 0006_records_api
Create Date: 2026-11-24 11:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007_custom_objects"
down_revision = "0006_records_api"
branch_labels = None
depends_on = None

VALUE_TYPES = ("text", "number", "date", "boolean", "select", "relation", "user")


def upgrade():
    _create_objects()
    _create_records()


def downgrade():
    with op.batch_alter_table("custom_unique_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custom_unique_values_record_id"))
    op.drop_table("custom_unique_values")
    with op.batch_alter_table("custom_record_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custom_record_links_target_id"))
    op.drop_table("custom_record_links")
    with op.batch_alter_table("custom_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custom_records_object_id"))
        batch_op.drop_index(batch_op.f("ix_custom_records_archived_at"))
    op.drop_table("custom_records")
    op.drop_table("custom_attributes")
    op.drop_table("custom_objects")


def _create_objects():
    op.create_table(
        "custom_objects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_custom_objects_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_objects")),
        sa.UniqueConstraint("slug", name=op.f("uq_custom_objects_slug")),
    )
    known = ", ".join(f"'{kind}'" for kind in VALUE_TYPES)
    op.create_table(
        "custom_attributes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("value_type", sa.String(length=20), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("unique", sa.Boolean(), nullable=False),
        sa.Column("multiple", sa.Boolean(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("target_type", sa.String(length=40), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            f"value_type IN ({known})", name=op.f("ck_custom_attributes_known_value_type")
        ),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["custom_objects.id"],
            name=op.f("fk_custom_attributes_object_id_custom_objects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_attributes")),
        sa.UniqueConstraint("object_id", "slug", name=op.f("uq_custom_attributes_object_id")),
    )


def _create_records():
    op.create_table(
        "custom_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["custom_objects.id"],
            name=op.f("fk_custom_records_object_id_custom_objects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_custom_records_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_records")),
    )
    with op.batch_alter_table("custom_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_custom_records_archived_at"), ["archived_at"])
        batch_op.create_index(batch_op.f("ix_custom_records_object_id"), ["object_id"])
    op.create_table(
        "custom_record_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("attribute", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["custom_records.id"],
            name=op.f("fk_custom_record_links_record_id_custom_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_record_links")),
        sa.UniqueConstraint(
            "record_id", "attribute", "target_id", name=op.f("uq_custom_record_links_record_id")
        ),
    )
    with op.batch_alter_table("custom_record_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_custom_record_links_target_id"), ["target_id"])
    op.create_table(
        "custom_unique_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("attribute", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=600), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["custom_objects.id"],
            name=op.f("fk_custom_unique_values_object_id_custom_objects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["custom_records.id"],
            name=op.f("fk_custom_unique_values_record_id_custom_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_unique_values")),
        sa.UniqueConstraint(
            "object_id", "attribute", "value", name=op.f("uq_custom_unique_values_object_id")
        ),
    )
    with op.batch_alter_table("custom_unique_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_custom_unique_values_record_id"), ["record_id"])
