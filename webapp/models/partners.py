"""A client's partners: the firms a client works with that matter to the account."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from webapp.extensions import db
from webapp.models.base import TimestampMixin
from webapp.models.companies import Company
from webapp.models.contacts import Contact

CENT = Decimal("0.01")
# Up to 9,999,999,999,999.99: fifteen digits, so an amount reads back exactly as a JSON number.
MAX_DEAL_SIZE = Decimal("9999999999999.99")


class Cents(TypeDecorator):
    """An amount of money, a ``Decimal`` in Python, stored as whole cents.

    Integers are exact on every database (SQLite has no exact decimal type), and so are sums.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect) -> int | None:
        if value is None:
            return None
        cents = value * 100
        if cents != cents.to_integral_value():
            raise ValueError("amounts are kept to the cent")
        return int(cents)

    def process_result_value(self, value: int | None, dialect) -> Decimal | None:
        return None if value is None else (Decimal(value) / 100).quantize(CENT)


class Partner(TimestampMixin, db.Model):
    """A partner of a client company, with an estimated deal size kept as an exact decimal."""

    __tablename__ = "partners"
    __table_args__ = (
        CheckConstraint("estimated_deal_size_cents >= 0", name="deal_size_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    partner_company_name: Mapped[str] = mapped_column(String(200))
    partner_contact_name: Mapped[str | None] = mapped_column(String(200))
    partner_contact_email: Mapped[str | None] = mapped_column(String(320))
    relationship_type: Mapped[str | None] = mapped_column(String(80))
    estimated_deal_size: Mapped[Decimal | None] = mapped_column(
        "estimated_deal_size_cents", Cents()
    )
    notes: Mapped[str | None] = mapped_column(Text)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    company: Mapped[Company] = relationship()
    contact: Mapped[Contact | None] = relationship()
