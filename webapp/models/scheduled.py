"""What scheduled work leaves behind: ticks, interactions (touches), digests, calendar feeds."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin, UTCDateTime, utcnow
from webapp.models.contacts import Contact
from webapp.models.people import User

INTERACTION_KINDS = ("call", "meeting", "email", "note")
TICK_STATUSES = ("running", "ok", "failed")


class Interaction(TimestampMixin, db.Model):
    """A call, meeting, email or note logged on a contact: a touch for the keep-in-touch cadence."""

    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_contact_timeline", "contact_id", "occurred_on"),
        # The Team view's "last active" (``team._last_activity``): a person's latest logged one.
        Index("ix_interactions_created_by", "created_by_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    # Who at the firm had the call or meeting; the one who logged it by default.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Archived through the records API: off the timeline and no longer a touch, but kept.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    contact: Mapped[Contact] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class SchedulerTick(db.Model):
    """One run of one scheduled job: when, for which day, what it did, and how it ended."""

    __tablename__ = "scheduler_ticks"
    __table_args__ = (Index("ix_scheduler_ticks_job_started", "job", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    run_for: Mapped[date | None] = mapped_column(Date)  # the day given to ``tick --date``
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default="running")
    created: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class Digest(db.Model):
    """A user's morning digest for one day, kept in the app (and emailed when SMTP is set)."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("user_id", "digest_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    digest_on: Mapped[date] = mapped_column(Date)
    contents: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class CalendarFeed(db.Model):
    """A private iCal URL of one user's work; only a hash of its token is kept."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (
        # One live feed per user, even when two "create" requests race.
        Index(
            "uq_calendar_feeds_live_user",
            "user_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
