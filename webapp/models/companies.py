"""Companies, their web domains, and the client profile that makes one a client."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin, UTCDateTime
from webapp.models.people import User

CLIENT_TIERS = ("strategic", "key", "standard")


class Company(TimestampMixin, db.Model):
    __tablename__ = "companies"
    # The records API's name filter matches ignoring case (``records.fields.same_text``).
    __table_args__ = (Index("ix_companies_name_lower", text("lower(name)")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    industry: Mapped[str | None] = mapped_column(String(120))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Set when this record was merged into another: its pages and API answer with where it went.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), index=True)

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    # The first domain is the primary one (the records API's ``domain_name``).
    domains: Mapped[list[CompanyDomain]] = relationship(
        back_populates="company",
        cascade="all, delete-orphan",
        order_by="(CompanyDomain.position, CompanyDomain.domain)",
    )
    client_profile: Mapped[ClientProfile | None] = relationship(
        back_populates="company", cascade="all, delete-orphan"
    )

    @property
    def is_client(self) -> bool:
        return self.client_profile is not None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Company {self.name}>"


class CompanyDomain(db.Model):
    __tablename__ = "company_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    company: Mapped[Company] = relationship(back_populates="domains")


class ClientProfile(TimestampMixin, db.Model):
    """Present for a company that is a client of the firm; absent otherwise."""

    __tablename__ = "client_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), unique=True
    )
    tier: Mapped[str] = mapped_column(String(20), default="standard")
    client_since: Mapped[date | None] = mapped_column(Date)
    account_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    company: Mapped[Company] = relationship(back_populates="client_profile")
    account_manager: Mapped[User | None] = relationship()
