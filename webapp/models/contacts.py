"""Contacts: people at client and other companies, with emails, phones and company links."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin, UTCDateTime
from webapp.models.companies import Company
from webapp.models.people import User

CONTACT_STAGES = ("new", "working", "qualified", "customer", "inactive")


class Contact(TimestampMixin, db.Model):
    __tablename__ = "contacts"
    # The records API's name filters match ignoring case (``records.fields.same_text``).
    __table_args__ = (
        Index("ix_contacts_first_name_lower", text("lower(first_name)")),
        Index("ix_contacts_last_name_lower", text("lower(last_name)")),
        # One owner's live contacts, latest updated first: Today's card and its count.
        Index(
            "ix_contacts_owner_recent",
            "owner_id",
            text("updated_at DESC"),
            text("id DESC"),
            postgresql_where=text("archived_at IS NULL"),
            sqlite_where=text("archived_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(120), index=True)
    last_name: Mapped[str] = mapped_column(String(120), default="", index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(20), default="new")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # The latest touch (outbound message, action done, interaction), kept by services.touches.
    last_touch_on: Mapped[date | None] = mapped_column(Date)
    # A LinkedIn profile address, normalised (services.validation.normalise_linkedin_url): unique,
    # and a match key for imports, since most LinkedIn connections come without an email.
    linkedin_url: Mapped[str | None] = mapped_column(String(300), unique=True)
    # Set when this record was merged into another: its pages and API answer with where it went.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)

    owner: Mapped[User | None] = relationship()
    emails: Mapped[list[ContactEmail]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactEmail.position"
    )
    phones: Mapped[list[ContactPhone]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactPhone.position"
    )
    company_links: Mapped[list[ContactCompanyLink]] = relationship(
        back_populates="contact",
        cascade="all, delete-orphan",
        order_by=lambda: primary_link_first(),
    )
    tags: Mapped[list[ContactTag]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactTag.name"
    )

    @property
    def full_name(self) -> str:
        return full_name_of(self.first_name, self.last_name)

    @property
    def primary_email(self) -> str | None:
        return self.emails[0].email if self.emails else None

    @property
    def primary_phone(self) -> str | None:
        return self.phones[0].number if self.phones else None

    @property
    def primary_company(self) -> Company | None:
        return self.company_links[0].company if self.company_links else None

    @property
    def primary_company_id(self) -> int | None:
        company = self.primary_company
        return company.id if company else None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def tag_names(self) -> list[str]:
        """The tags in alphabetical order, whatever the case (as the services keep them)."""
        return sorted((tag.name for tag in self.tags), key=str.casefold)

    def __repr__(self) -> str:
        return f"<Contact {self.full_name}>"


class ContactEmail(db.Model):
    __tablename__ = "contact_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    contact: Mapped[Contact] = relationship(back_populates="emails")


class ContactPhone(db.Model):
    __tablename__ = "contact_phones"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(32))  # E.164
    position: Mapped[int] = mapped_column(default=0)

    contact: Mapped[Contact] = relationship(back_populates="phones")


class ContactCompanyLink(db.Model):
    """A typed contact-company link with edge attributes ``role`` and ``is_primary``."""

    __tablename__ = "contact_company_links"
    __table_args__ = (
        UniqueConstraint("contact_id", "company_id"),
        # A company's primary people, read from the index alone (the filing of their actions).
        Index(
            "ix_contact_company_links_primary",
            "company_id",
            "contact_id",
            postgresql_where=text("is_primary"),
            sqlite_where=text("is_primary = 1"),  # as SQLAlchemy writes the test there
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str | None] = mapped_column(String(120))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)

    contact: Mapped[Contact] = relationship(back_populates="company_links")
    company: Mapped[Company] = relationship()


def full_name_of(first_name: str, last_name: str) -> str:
    """A person's name as every page writes it (``Contact.full_name``), also for plain rows."""
    return f"{first_name} {last_name}".strip()


def primary_link_first() -> tuple:
    """The order of a contact's company links: the primary one first, then as they were added.
    ``Contact.company_links`` keeps it, so ``Contact.primary_company`` is the first link; a query
    that reads links as rows orders by it to agree."""
    return (ContactCompanyLink.is_primary.desc(), ContactCompanyLink.id)


class ContactTag(db.Model):
    """A free label on a contact ("Friends", "Conference 2026"), from the pages or an import."""

    __tablename__ = "contact_tags"
    __table_args__ = (UniqueConstraint("contact_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80), index=True)

    contact: Mapped[Contact] = relationship(back_populates="tags")
