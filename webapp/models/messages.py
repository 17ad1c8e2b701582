"""Messages to and from contacts over Twilio (SMS, WhatsApp, MMS), and message templates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    case,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.actions import RelationshipAction
from webapp.models.base import TimestampMixin, UTCDateTime
from webapp.models.contacts import Contact
from webapp.models.people import User

MESSAGE_CHANNELS = ("sms", "whatsapp", "mms")
MESSAGE_DIRECTIONS = ("outbound", "inbound")

# How far along a message is; a status callback may only move it forward (they arrive out of
# order). Delivered, undelivered and failed are all final answers from the carrier; only "read"
# (WhatsApp) comes after "delivered".
STATUS_RANKS = {
    "queued": 0,
    "sent": 1,
    "delivered": 2,
    "undelivered": 2,
    "failed": 2,
    "read": 3,
    "received": 3,
}
MESSAGE_STATUSES = tuple(STATUS_RANKS)


class Message(TimestampMixin, db.Model):
    """One message. An inbound message from an unknown number has no contact until assigned."""

    __tablename__ = "messages"
    __table_args__ = (
        # A retried request with the same Idempotency-Key finds the message it already sent.
        UniqueConstraint("sent_by_id", "idempotency_key"),
        Index("ix_messages_contact_conversation", "contact_id", "created_at"),
        # The Team view's "last active" (``team._last_activity``): a person's latest sent message.
        Index(
            "ix_messages_sent_by_outbound",
            "sent_by_id",
            "created_at",
            postgresql_where=text("direction = 'outbound'"),
            sqlite_where=text("direction = 'outbound'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text, default="")
    media_urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20))
    from_number: Mapped[str | None] = mapped_column(String(40))  # E.164
    to_number: Mapped[str | None] = mapped_column(String(40))  # E.164
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_message: Mapped[str | None] = mapped_column(String(500))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    relationship_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("relationship_actions.id", ondelete="SET NULL"), index=True
    )
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    contact: Mapped[Contact | None] = relationship()
    sent_by: Mapped[User | None] = relationship()
    relationship_action: Mapped[RelationshipAction | None] = relationship()

    @hybrid_property
    def status_rank(self) -> int:
        """How far along the status is (``STATUS_RANKS``), in Python and in SQL alike."""
        return STATUS_RANKS[self.status]

    @status_rank.inplace.expression
    @classmethod
    def _status_rank_expression(cls) -> ColumnElement[int]:
        return case(STATUS_RANKS, value=cls.status, else_=0)

    @property
    def is_outbound(self) -> bool:
        return self.direction == "outbound"

    @property
    def media_url(self) -> str | None:
        return self.media_urls[0] if self.media_urls else None

    @property
    def can_retry(self) -> bool:
        """Twilio refused it, or the carrier could not deliver it: it may be sent again."""
        return self.is_outbound and self.status in ("failed", "undelivered")


class MessageTemplate(TimestampMixin, db.Model):
    """A reusable message with placeholders such as ``{preferred_name}``; admins keep the list."""

    __tablename__ = "message_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    body: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()
