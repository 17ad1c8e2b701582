"""Opportunities: deals in the making at an account, with their owners and the people involved."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin, UTCDateTime
from webapp.models.companies import Company
from webapp.models.contacts import Contact
from webapp.models.partners import Cents
from webapp.models.people import User

OPPORTUNITY_STAGES = (
    "prospecting",
    "qualification",
    "proposal",
    "negotiation",
    "closed_won",
    "closed_lost",
)


class Opportunity(TimestampMixin, db.Model):
    __tablename__ = "opportunities"
    __table_args__ = (
        CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
        # The records API's name filter matches ignoring case (``records.fields.same_text``).
        Index("ix_opportunities_name_lower", text("lower(name)")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    stage: Mapped[str] = mapped_column(String(30), default="prospecting", index=True)
    amount: Mapped[Decimal | None] = mapped_column("amount_cents", Cents())
    close_on: Mapped[date | None] = mapped_column(Date, index=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    account: Mapped[Company | None] = relationship()
    owner_links: Mapped[list[OpportunityOwner]] = relationship(
        back_populates="opportunity",
        cascade="all, delete-orphan",
        order_by="OpportunityOwner.position",
    )
    contact_links: Mapped[list[OpportunityContact]] = relationship(
        back_populates="opportunity", cascade="all, delete-orphan", order_by="OpportunityContact.id"
    )

    @property
    def owner_ids(self) -> list[int]:
        return [link.user_id for link in self.owner_links]


class OpportunityOwner(db.Model):
    """One of an opportunity's owners (a user-type attribute holding several users)."""

    __tablename__ = "opportunity_owners"
    __table_args__ = (UniqueConstraint("opportunity_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    opportunity: Mapped[Opportunity] = relationship(back_populates="owner_links")
    user: Mapped[User] = relationship()


class OpportunityContact(db.Model):
    """A typed link between an opportunity and a contact, with the contact's ``role`` in it."""

    __tablename__ = "opportunity_contacts"
    __table_args__ = (UniqueConstraint("opportunity_id", "contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str | None] = mapped_column(String(120))

    opportunity: Mapped[Opportunity] = relationship(back_populates="contact_links")
    contact: Mapped[Contact] = relationship()
