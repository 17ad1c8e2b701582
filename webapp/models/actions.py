"""Relationship actions (work suggested or planned) and their tasks in the action centre."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin, UTCDateTime
from webapp.models.companies import Company
from webapp.models.contacts import Contact
from webapp.models.people import User
from webapp.models.relationships import LifeEvent

ACTION_TYPES = ("gift", "card", "call", "whatsapp", "sms", "email", "linkedin", "meeting", "other")
ACTION_STATUSES = ("pending", "done", "dismissed")
CLOSED_STATUSES = ("done", "dismissed")
ACTION_SOURCES = ("manual", "life_event", "cadence")


class RelationshipAction(TimestampMixin, db.Model):
    """Something to do for a contact: send a card, call, buy a gift. Mirrored as a ``Task``."""

    __tablename__ = "relationship_actions"
    __table_args__ = (
        # A generated action exists once per occurrence of its life event, whatever its status.
        UniqueConstraint("life_event_id", "occurrence_on"),
        # A keep-in-touch action exists once per lapse of the contact's cadence.
        UniqueConstraint("contact_id", "cadence_period"),
        Index("ix_relationship_actions_queue", "assigned_to_id", "status", "due_on"),
        # The queue's own order (``action_queries.actions_query``), so a page reads only its rows.
        Index(
            "ix_relationship_actions_queue_order",
            text("(status <> 'pending')"),
            text("(due_on IS NULL)"),
            "due_on",
            text("completed_at DESC"),
            "id",
        ),
        # One person's queue in the same order: the Mine tab, Today's "due this week".
        Index(
            "ix_relationship_actions_assignee_queue_order",
            "assigned_to_id",
            text("(status <> 'pending')"),
            text("(due_on IS NULL)"),
            "due_on",
            text("completed_at DESC"),
            "id",
        ),
        # The queue's tab counts (``action_queries.pending_counts``): the pending actions alone,
        # counted from the index without reading the table.
        Index(
            "ix_relationship_actions_pending_assignee",
            "assigned_to_id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        # The pending actions filed under a company (``action_queries.pending_filed``, the
        # Clients list's open and overdue counts): those filed under it directly, and those of its
        # primary contacts that name no company, each read from its index alone.
        Index(
            "ix_relationship_actions_pending_by_company",
            "company_id",
            "due_on",
            "assigned_to_id",
            postgresql_where=text("status = 'pending' AND company_id IS NOT NULL"),
            sqlite_where=text("status = 'pending' AND company_id IS NOT NULL"),
        ),
        Index(
            "ix_relationship_actions_pending_by_contact",
            "contact_id",
            "due_on",
            "assigned_to_id",
            postgresql_where=text("status = 'pending' AND company_id IS NULL"),
            sqlite_where=text("status = 'pending' AND company_id IS NULL"),
        ),
        # The Team view's "last active" (``team._last_activity``): a person's latest done action.
        Index(
            "ix_relationship_actions_completed_by",
            "completed_by_id",
            "completed_at",
            postgresql_where=text("status = 'done'"),
            sqlite_where=text("status = 'done'"),
        ),
        # The Team view's "done in 30 days" and weekly chart: an assignee's done actions by time.
        Index(
            "ix_relationship_actions_done_assignee",
            "assigned_to_id",
            "completed_at",
            postgresql_where=text("status = 'done'"),
            sqlite_where=text("status = 'done'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through the unique (contact, cadence period) index: no index of its own.
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    action_type: Mapped[str] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)
    assigned_to_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    message_body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    source: Mapped[str] = mapped_column(String(20), default="manual")
    life_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("life_events.id", ondelete="SET NULL")
    )
    occurrence_on: Mapped[date | None] = mapped_column(Date)
    cadence_period: Mapped[date | None] = mapped_column(Date)  # the day that lapse began
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    contact: Mapped[Contact] = relationship()
    company: Mapped[Company | None] = relationship()
    assigned_to: Mapped[User] = relationship(foreign_keys=[assigned_to_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    life_event: Mapped[LifeEvent | None] = relationship(back_populates="actions")
    task: Mapped[Task | None] = relationship(back_populates="relationship_action", uselist=False)

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"


class Task(TimestampMixin, db.Model):
    """The action centre: every piece of work a person has, whatever produced it.

    A task mirroring a relationship action is written in the same transaction as the action,
    by the one service function that changes either (``services.actions``).
    """

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_queue", "assigned_to_id", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    assigned_to_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="SET NULL"))
    relationship_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("relationship_actions.id", ondelete="CASCADE"), unique=True
    )
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Standalone tasks can be archived through the records API; mirrored ones are dismissed.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    assigned_to: Mapped[User] = relationship(foreign_keys=[assigned_to_id])
    relationship_action: Mapped[RelationshipAction | None] = relationship(back_populates="task")
