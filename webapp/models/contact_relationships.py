"""People linked to people (reference 004): typed, reversible relationship types in groups."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin
from webapp.models.contacts import Contact

RELATIONSHIP_GROUPS = ("love", "family", "friend", "work")
PAIR_LOW = "(CASE WHEN contact_is_id < of_contact_id THEN contact_is_id ELSE of_contact_id END)"
PAIR_HIGH = "(CASE WHEN contact_is_id < of_contact_id THEN of_contact_id ELSE contact_is_id END)"


class RelationshipTypeGroup(TimestampMixin, db.Model):
    """love, family, friend or work: built in, never deleted."""

    __tablename__ = "relationship_type_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    delible: Mapped[bool] = mapped_column(Boolean, default=False)

    types: Mapped[list[RelationshipType]] = relationship(
        back_populates="group", order_by="RelationshipType.id"
    )


class RelationshipType(TimestampMixin, db.Model):
    """A kind of link read both ways: "uncle" one way, "nephew" the other."""

    __tablename__ = "relationship_types"
    __table_args__ = (UniqueConstraint("group_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    name_reverse_relationship: Mapped[str] = mapped_column(String(80))
    group_id: Mapped[int] = mapped_column(ForeignKey("relationship_type_groups.id"), index=True)
    delible: Mapped[bool] = mapped_column(Boolean, default=True)  # built-in types are not

    group: Mapped[RelationshipTypeGroup] = relationship(back_populates="types")


class ContactRelationship(TimestampMixin, db.Model):
    """One stored edge, "``contact_is`` is <type> of ``of_contact``", read from either side."""

    __tablename__ = "contact_relationships"
    __table_args__ = (
        UniqueConstraint("contact_is_id", "relationship_type_id", "of_contact_id"),
        CheckConstraint("contact_is_id <> of_contact_id", name="not_self"),
        # One edge of a type between two people whichever way round: "A uncle of B" and
        # "B uncle of A" may not both be stored, even by two racing requests.
        Index(
            "uq_contact_relationships_pair",
            text(PAIR_LOW),
            text(PAIR_HIGH),
            "relationship_type_id",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_is_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    relationship_type_id: Mapped[int] = mapped_column(
        ForeignKey("relationship_types.id"), index=True
    )
    of_contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    contact_is: Mapped[Contact] = relationship(foreign_keys=[contact_is_id])
    of_contact: Mapped[Contact] = relationship(foreign_keys=[of_contact_id])
    relationship_type: Mapped[RelationshipType] = relationship()
