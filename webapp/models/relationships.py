"""Beyond the contact card: the relationship profile and the life events of a person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin
from webapp.models.companies import Company
from webapp.models.contacts import Contact
from webapp.models.people import User

if TYPE_CHECKING:
    from webapp.models.actions import RelationshipAction

COMMUNICATION_CHANNELS = ("email", "phone", "sms", "whatsapp", "linkedin", "in_person")


class RelationshipProfile(TimestampMixin, db.Model):
    """One per contact, created on first read with the contact's phone number (reference 002)."""

    __tablename__ = "relationship_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), unique=True
    )
    communication_preference: Mapped[str | None] = mapped_column(String(20))
    communication_notes: Mapped[str | None] = mapped_column(Text)
    personal_notes: Mapped[str | None] = mapped_column(Text)
    # A birthday is a calendar day; the year is often unknown, and then stays unknown.
    birthday_month: Mapped[int | None] = mapped_column(SmallInteger)
    birthday_day: Mapped[int | None] = mapped_column(SmallInteger)
    birthday_year: Mapped[int | None] = mapped_column(SmallInteger)
    home_address: Mapped[str | None] = mapped_column(Text)
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    dietary_requirements: Mapped[str | None] = mapped_column(String(500))
    preferred_name: Mapped[str | None] = mapped_column(String(120))
    assistant_name: Mapped[str | None] = mapped_column(String(200))
    assistant_email: Mapped[str | None] = mapped_column(String(320))
    phone_number: Mapped[str | None] = mapped_column(String(32))  # E.164
    whatsapp_number: Mapped[str | None] = mapped_column(String(32))  # E.164
    twilio_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    # Days between touches; None: the client tier's default; 0: no keep-in-touch reminders.
    cadence_days: Mapped[int | None] = mapped_column(SmallInteger)

    contact: Mapped[Contact] = relationship(
        backref=db.backref("relationship_profile", uselist=False, passive_deletes=True)
    )


class LifeEvent(TimestampMixin, db.Model):
    """A date that matters to a contact. The date may be a month and day with the year unknown."""

    __tablename__ = "life_events"
    __table_args__ = (
        Index("ix_life_events_month_day", "event_month", "event_day"),
        # A contact's events, and the days of the year they fall on: a viewer's upcoming
        # events (Today) walk their own contacts into it, not every event of the firm.
        Index("ix_life_events_contact_month_day", "contact_id", "event_month", "event_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    event_type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    event_month: Mapped[int | None] = mapped_column(SmallInteger)
    event_day: Mapped[int | None] = mapped_column(SmallInteger)
    event_year: Mapped[int | None] = mapped_column(SmallInteger)
    recurs_annually: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(Text)
    auto_action_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # None means "the event type's default lead time".
    auto_action_days_before: Mapped[int | None] = mapped_column(SmallInteger)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    contact: Mapped[Contact] = relationship()
    company: Mapped[Company | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    actions: Mapped[list[RelationshipAction]] = relationship(
        back_populates="life_event", passive_deletes=True
    )

    @property
    def has_date(self) -> bool:
        return self.event_month is not None and self.event_day is not None
