"""Builders for the partner and relationship-summary API tests: paths, clients, rows in bulk."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, text

from tests.api.relationship_helpers import company, snapshot
from tests.factories import ClientProfileFactory, ContactCompanyLinkFactory
from webapp.extensions import db as _db
from webapp.models import (
    Contact,
    ContactCompanyLink,
    ContactEmail,
    LifeEvent,
    Message,
    Partner,
    RelationshipAction,
    RelationshipProfile,
)

if TYPE_CHECKING:
    from webapp.models import Company, User

# A partner as an integrator would first send it.
PARTNER = {"partner_company_name": "Babbage & Sons", "relationship_type": "Reseller"}
PARTNER_FIELDS = (
    "partner_company_name",
    "partner_contact_name",
    "partner_contact_email",
    "relationship_type",
    "estimated_deal_size",
    "notes",
    "contact_id",
)


# Paths of reference 002


def partners_path(company_id: int) -> str:
    return f"/api/relationships/companies/{company_id}/partners"


def partner_path(company_id: int, partner_id: int | str) -> str:
    return f"/api/relationships/companies/{company_id}/partners/{partner_id}"


def summary_path(company_id: int) -> str:
    return f"/api/relationships/clients/{company_id}/relationship-summary"


# Records


def client_company(name: str = "Analytical Engines Ltd") -> Company:
    """A company that is a client: it has a client profile."""
    firm = company(name)
    ClientProfileFactory(company=firm)
    return firm


def link(contact: Contact, firm: Company, *, primary: bool = False, role: str | None = None):
    """Another company link for ``contact`` (not primary unless asked)."""
    return ContactCompanyLinkFactory(contact=contact, company=firm, is_primary=primary, role=role)


def created_partner(api, firm: Company, **values: Any) -> dict:
    """A partner (``PARTNER``, changed by ``values``) posted by ``api``; its JSON."""
    response = api.post(partners_path(firm.id), json=PARTNER | values)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["partner"]


def life_event(
    contact: Contact,
    title: str,
    on: str | None,
    *,
    recurs: bool = False,
    firm: Company | None = None,
) -> LifeEvent:
    """A life event on ``YYYY-MM-DD`` (or ``MM-DD``, year unknown), stored as given."""
    parts = [int(part) for part in on.split("-")] if on else [None, None, None]
    year, month, day = [None, *parts] if len(parts) == 2 else parts
    event = LifeEvent(
        contact_id=contact.id,
        company_id=firm.id if firm else None,
        event_type="other",
        title=title,
        event_month=month,
        event_day=day,
        event_year=year,
        recurs_annually=recurs,
    )
    _db.session.add(event)
    _db.session.flush()
    return event


def message(contact: Contact, body: str, at: datetime) -> Message:
    """An outbound SMS to ``contact`` sent at ``at``."""
    row = Message(
        contact_id=contact.id,
        channel="sms",
        direction="outbound",
        body=body,
        status="delivered",
        to_number="+447911123456",
        created_at=at,
        updated_at=at,
    )
    _db.session.add(row)
    _db.session.flush()
    return row


# Many rows at once, for query counts


def bulk_people(db, firm: Company, owner: User, how_many: int, today: date) -> None:
    """``how_many`` contacts of ``firm``, each with an email, a profile, a birthday in the next
    90 days, a pending action and two messages; inserted in bulk and committed."""
    contact_ids = db.session.scalars(
        insert(Contact).returning(Contact.id, sort_by_parameter_order=True),
        [
            {"first_name": f"Person{i}", "last_name": f"Bulk{firm.id}", "owner_id": owner.id}
            for i in range(how_many)
        ],
    ).all()
    email = "p{}@c{}.example"
    db.session.execute(
        insert(ContactEmail),
        [{"contact_id": c, "email": email.format(c, firm.id)} for c in contact_ids],
    )
    db.session.execute(
        insert(ContactCompanyLink),
        [{"contact_id": c, "company_id": firm.id, "is_primary": True} for c in contact_ids],
    )
    db.session.execute(
        insert(RelationshipProfile),
        [
            {"contact_id": c, "communication_preference": "email", "interests": ["golf"]}
            for c in contact_ids
        ],
    )
    events = []
    for i, contact_id in enumerate(contact_ids):
        birthday = today + timedelta(days=i % 90)
        events.append(
            {
                "contact_id": contact_id,
                "event_type": "birthday",
                "title": "Birthday",
                "event_month": birthday.month,
                "event_day": birthday.day,
                "event_year": 1980,
                "recurs_annually": True,
            }
        )
    db.session.execute(insert(LifeEvent), events)
    db.session.execute(
        insert(RelationshipAction),
        [
            {
                "contact_id": c,
                "title": f"Call {c}",
                "action_type": "call",
                "assigned_to_id": owner.id,
                "due_on": today + timedelta(days=i % 30),
                "status": "pending",
                "source": "manual",
            }
            for i, c in enumerate(contact_ids)
        ],
    )
    start = datetime(today.year, today.month, today.day, tzinfo=UTC) - timedelta(days=30)
    db.session.execute(
        insert(Message),
        [
            {
                "contact_id": c,
                "channel": "sms",
                "direction": "outbound",
                "body": f"Hello {c}",
                "status": "delivered",
                "created_at": start + timedelta(minutes=2 * i + n),
                "updated_at": start + timedelta(minutes=2 * i + n),
            }
            for i, c in enumerate(contact_ids)
            for n in range(2)
        ],
    )
    db.session.commit()


def bulk_partners(db, firm: Company, how_many: int) -> None:
    db.session.execute(
        insert(Partner),
        [
            {
                "company_id": firm.id,
                "partner_company_name": f"Partner {i}",
                "estimated_deal_size": None if i % 5 == 0 else Decimal(i * 1000),
            }
            for i in range(how_many)
        ],
    )
    db.session.commit()


# Reading back


def partner_row(db, partner_id: int | str) -> Partner | None:
    """The stored partner, or ``None`` once deleted."""
    db.session.expire_all()
    return db.session.get(Partner, int(partner_id))


def stored_cents(db, partner_id: int | str) -> int | None:
    """The raw ``estimated_deal_size_cents`` column, read with plain SQL."""
    sql = text("SELECT estimated_deal_size_cents FROM partners WHERE id = :id")
    return db.session.execute(sql, {"id": int(partner_id)}).scalar_one()


def partner_snapshot(db) -> dict[str, int]:
    """``snapshot`` (the audit trail included) plus the number of partners."""
    counts = snapshot(db)
    counts["partners"] = db.session.scalar(select(func.count()).select_from(Partner)) or 0
    return counts
