"""Pairs a person marked "not a duplicate", so the Duplicates page stops suggesting them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow

DUPLICATE_KINDS = ("contact", "company")


class NotDuplicatePair(db.Model):
    __tablename__ = "not_duplicate_pairs"
    __table_args__ = (
        UniqueConstraint("kind", "low_id", "high_id"),
        CheckConstraint("low_id < high_id", name="ck_not_duplicate_pairs_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    low_id: Mapped[int]
    high_id: Mapped[int]
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
