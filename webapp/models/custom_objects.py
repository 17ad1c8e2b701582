"""Custom objects: record types an admin defines, and their records, kept without a migration each.

A record's scalar values (text, number, date, boolean, select) live in one JSON column by
attribute slug; its relation and user values are link rows, so they can be filtered and joined.
Unique attributes hold their values in ``custom_unique_values`` under a unique constraint, so the
database refuses a duplicate even when two writes race.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin, UTCDateTime, utcnow

CUSTOM_VALUE_TYPES = ("text", "number", "date", "boolean", "select", "relation", "user")
LINKED_VALUE_TYPES = ("relation", "user")  # kept as link rows, not in ``values``


class CustomObject(db.Model):
    """A record type defined by an admin: served at ``/api/v2/{slug}``."""

    __tablename__ = "custom_objects"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    attributes: Mapped[list[CustomAttribute]] = relationship(
        back_populates="custom_object",
        cascade="all, delete-orphan",
        order_by="(CustomAttribute.position, CustomAttribute.id)",
    )


class CustomAttribute(db.Model):
    """One attribute of a custom object; ``target_type`` names a relation's record type."""

    __tablename__ = "custom_attributes"
    __table_args__ = (
        UniqueConstraint("object_id", "slug"),
        CheckConstraint(
            "value_type IN ({})".format(", ".join(f"'{kind}'" for kind in CUSTOM_VALUE_TYPES)),
            name="known_value_type",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    object_id: Mapped[int] = mapped_column(ForeignKey("custom_objects.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    value_type: Mapped[str] = mapped_column(String(20))
    required: Mapped[bool] = mapped_column(default=False)
    unique: Mapped[bool] = mapped_column(default=False)
    multiple: Mapped[bool] = mapped_column(default=False)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    target_type: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)

    custom_object: Mapped[CustomObject] = relationship(back_populates="attributes")


class CustomRecord(TimestampMixin, db.Model):
    """A record of a custom object."""

    __tablename__ = "custom_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    object_id: Mapped[int] = mapped_column(
        ForeignKey("custom_objects.id", ondelete="CASCADE"), index=True
    )
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    links: Mapped[list[CustomRecordLink]] = relationship(
        back_populates="record",
        cascade="all, delete-orphan",
        order_by="(CustomRecordLink.attribute, CustomRecordLink.position, CustomRecordLink.id)",
    )

    def linked_ids(self, attribute: str) -> list[int]:
        """The ids an attribute links to (records, or users), in their order."""
        return [link.target_id for link in self.links if link.attribute == attribute]


class CustomRecordLink(db.Model):
    """A relation or user attribute's value: one target (a record id, or a user id) each."""

    __tablename__ = "custom_record_links"
    __table_args__ = (UniqueConstraint("record_id", "attribute", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("custom_records.id", ondelete="CASCADE"))
    attribute: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column(index=True)
    position: Mapped[int] = mapped_column(default=0)

    record: Mapped[CustomRecord] = relationship(back_populates="links")


class CustomUniqueValue(db.Model):
    """The value a record holds for a unique attribute, normalised (case-folded text)."""

    __tablename__ = "custom_unique_values"
    __table_args__ = (UniqueConstraint("object_id", "attribute", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_id: Mapped[int] = mapped_column(ForeignKey("custom_objects.id", ondelete="CASCADE"))
    attribute: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(600))
    record_id: Mapped[int] = mapped_column(
        ForeignKey("custom_records.id", ondelete="CASCADE"), index=True
    )
