"""contact relationships: typed, reversible links between people, in four groups, seeded

Revision ID: 0008_contact_relationships
Revises: 0007_custom_objects
Create Date: 2026-11-24 12:00:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008_contact_relationships"
down_revision = "0007_custom_objects"
branch_labels = None
depends_on = None

PAIR_LOW = "(CASE WHEN contact_is_id < of_contact_id THEN contact_is_id ELSE of_contact_id END)"
PAIR_HIGH = "(CASE WHEN contact_is_id < of_contact_id THEN of_contact_id ELSE contact_is_id END)"

# (group, name, reverse name): "Peter is the uncle of John" reads "John is the nephew of Peter".
BUILT_IN_TYPES = (
    ("love", "partner", "partner"),
    ("love", "spouse", "spouse"),
    ("love", "date", "date"),
    ("love", "ex-partner", "ex-partner"),
    ("family", "parent", "child"),
    ("family", "child", "parent"),
    ("family", "sibling", "sibling"),
    ("family", "grandparent", "grandchild"),
    ("family", "grandchild", "grandparent"),
    ("family", "uncle", "nephew"),
    ("family", "nephew", "uncle"),
    ("family", "aunt", "niece"),
    ("family", "niece", "aunt"),
    ("family", "cousin", "cousin"),
    ("family", "godparent", "godchild"),
    ("family", "godchild", "godparent"),
    ("friend", "friend", "friend"),
    ("friend", "best friend", "best friend"),
    ("work", "colleague", "colleague"),
    ("work", "boss", "subordinate"),
    ("work", "subordinate", "boss"),
    ("work", "manager of", "managed by"),
    ("work", "assistant of", "has assistant"),
    ("work", "former colleague", "former colleague"),
    ("work", "introduced by", "introduced"),
    ("work", "board member with", "board member with"),
    ("work", "mentor", "protégé"),
)
GROUPS = ("love", "family", "friend", "work")


def upgrade():
    groups = op.create_table(
        "relationship_type_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("delible", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationship_type_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_relationship_type_groups_name")),
    )
    types = op.create_table(
        "relationship_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_reverse_relationship", sa.String(length=80), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("delible", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["relationship_type_groups.id"],
            name=op.f("fk_relationship_types_group_id_relationship_type_groups"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationship_types")),
        sa.UniqueConstraint("group_id", "name", name=op.f("uq_relationship_types_group_id")),
    )
    with op.batch_alter_table("relationship_types", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_relationship_types_group_id"), ["group_id"], unique=False
        )
    _create_contact_relationships()
    _seed(groups, types)


def _create_contact_relationships():
    op.create_table(
        "contact_relationships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_is_id", sa.Integer(), nullable=False),
        sa.Column("relationship_type_id", sa.Integer(), nullable=False),
        sa.Column("of_contact_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "contact_is_id <> of_contact_id", name=op.f("ck_contact_relationships_not_self")
        ),
        sa.ForeignKeyConstraint(
            ["contact_is_id"],
            ["contacts.id"],
            name=op.f("fk_contact_relationships_contact_is_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["of_contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_relationships_of_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["relationship_type_id"],
            ["relationship_types.id"],
            name=op.f("fk_contact_relationships_relationship_type_id_relationship_types"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_contact_relationships_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_relationships")),
        sa.UniqueConstraint(
            "contact_is_id",
            "relationship_type_id",
            "of_contact_id",
            name=op.f("uq_contact_relationships_contact_is_id"),
        ),
    )
    with op.batch_alter_table("contact_relationships", schema=None) as batch_op:
        for column in ("contact_is_id", "relationship_type_id", "of_contact_id"):
            batch_op.create_index(
                batch_op.f(f"ix_contact_relationships_{column}"), [column], unique=False
            )
    # The same two people and type, whichever way round they were stored.
    op.create_index(
        "uq_contact_relationships_pair",
        "contact_relationships",
        [sa.text(PAIR_LOW), sa.text(PAIR_HIGH), "relationship_type_id"],
        unique=True,
    )


def _seed(groups, types):
    now = datetime.now(UTC)
    op.bulk_insert(
        groups,
        [
            {"id": i, "name": name, "delible": False, "created_at": now, "updated_at": now}
            for i, name in enumerate(GROUPS, start=1)
        ],
    )
    group_ids = {name: i for i, name in enumerate(GROUPS, start=1)}
    op.bulk_insert(
        types,
        [
            {
                "name": name,
                "name_reverse_relationship": reverse,
                "group_id": group_ids[group],
                "delible": False,
                "created_at": now,
                "updated_at": now,
            }
            for group, name, reverse in BUILT_IN_TYPES
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        # Rows inserted with explicit ids leave the sequence behind them.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('relationship_type_groups', 'id'), "
            "(SELECT MAX(id) FROM relationship_type_groups))"
        )


def downgrade():
    op.drop_table("contact_relationships")
    op.drop_table("relationship_types")
    op.drop_table("relationship_type_groups")
