"""A client company's partners: who the client works with, and what the work may be worth."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from webapp import access
from webapp.extensions import db
from webapp.models import ClientProfile, Company, Contact, Partner
from webapp.models.partners import MAX_DEAL_SIZE
from webapp.services import field_rules
from webapp.services.audit import apply_changes, record_event
from webapp.services.errors import NotAClient, NotFound
from webapp.services.validation import FieldErrors

if TYPE_CHECKING:
    from webapp.access import Actor

RULES = {
    "partner_company_name": lambda v: field_rules.required_text(v, 200),
    "partner_contact_name": lambda v: field_rules.text(v, 200),
    "partner_contact_email": field_rules.email,
    "relationship_type": lambda v: field_rules.text(v, 80),
    "estimated_deal_size": lambda v: field_rules.amount(v, MAX_DEAL_SIZE),
    "notes": lambda v: field_rules.text(v, 5000),
    "contact_id": field_rules.record_id,
}
FIELDS = tuple(RULES)
# Kinds of partnership the forms suggest; any other text is kept as typed.
SUGGESTED_TYPES = (
    "Referral partner",
    "Reseller",
    "Implementation partner",
    "Technology partner",
    "Co-sell",
    "Supplier",
    "Advisor",
)


def client_company(actor: Actor, company_id: int, permission: str) -> Company:
    """The company, which must be a client: unknown is ``NotFound``, not a client ``NotAClient``."""
    manager = joinedload(Company.client_profile).joinedload(ClientProfile.account_manager)
    company = access.get_or_404(actor, Company, company_id, permission, options=[manager])
    if company.client_profile is None:
        raise NotAClient(
            f"{company.name} is not a client: make it a client to track its partners.",
            details={"company_id": str(company.id)},
        )
    return company


def client_partners(company_id: int) -> list[Partner]:
    """The client's partners, largest estimated deal first, then by name (one query, built
    once: the client page and the summary read them on every view)."""
    return list(db.session.scalars(_partners_statement(), {"company_id": company_id}))


@functools.cache
def _partners_statement():
    return (
        select(Partner)
        .where(Partner.company_id == bindparam("company_id", type_=db.Integer))
        .options(joinedload(Partner.contact))
        .order_by(
            Partner.estimated_deal_size.is_(None),
            Partner.estimated_deal_size.desc(),
            Partner.partner_company_name,
            Partner.id,
        )
    )


def list_partners(actor: Actor, company_id: int) -> list[Partner]:
    company = client_company(actor, company_id, access.RELATIONSHIPS_VIEW)
    return client_partners(company.id)


def total_deal_size(partners: list[Partner]) -> Decimal:
    """The sum of the partners' estimated deal sizes (those without one count as nothing)."""
    return sum((p.estimated_deal_size or Decimal(0) for p in partners), Decimal("0.00"))


def total_deal_size_by_client(company_ids: list[int]) -> dict[int, Decimal]:
    """Each client's total estimated deal size, in one query."""
    if not company_ids:
        return {}
    stmt = (
        select(Partner.company_id, func.sum(Partner.estimated_deal_size))
        .where(Partner.company_id.in_(company_ids))
        .group_by(Partner.company_id)
    )
    return {company_id: total for company_id, total in db.session.execute(stmt) if total}


def _columns(values: dict[str, Any]) -> dict[str, Any]:
    """Read each field by its rule; report every problem at once."""
    errors = FieldErrors()
    columns = errors.read_fields(values, RULES, "This is not a field of a partner.")
    contact_id = columns.get("contact_id")
    if contact_id is not None and db.session.get(Contact, contact_id) is None:
        errors.add("contact_id", f"There is no contact with id {contact_id}.")
    errors.raise_if_any()
    return columns


def create_partner(actor: Actor, company_id: int, values: dict[str, Any]) -> Partner:
    """Add a partner to a client; ``partner_company_name`` is required."""
    company = client_company(actor, company_id, access.RELATIONSHIPS_UPDATE)
    columns = _columns({"partner_company_name": None} | values)
    partner = Partner(company_id=company.id, created_by_id=actor.user_id, **columns)
    db.session.add(partner)
    db.session.flush()
    snapshot = {name: {"before": None, "after": value} for name, value in columns.items()}
    record_event(actor, "create", "partner", partner.id, snapshot)
    return partner


def partner_of(actor: Actor, company_id: int, partner_id: int, permission: str) -> Partner:
    """One of the client's partners; another client's partner is ``NotFound``."""
    client_company(actor, company_id, permission)
    partner = db.session.get(Partner, partner_id, options=[joinedload(Partner.contact)])
    if partner is None or partner.company_id != company_id:
        raise NotFound(f"No partner with id {partner_id} for company {company_id}.")
    return partner


def update_partner(
    actor: Actor, company_id: int, partner_id: int, values: dict[str, Any]
) -> Partner:
    """Change the fields given; ``null`` clears any but the partner's company name."""
    partner = partner_of(actor, company_id, partner_id, access.RELATIONSHIPS_UPDATE)
    changes = apply_changes(partner, _columns(values))
    if changes:
        db.session.flush()
        if "contact_id" in changes:
            db.session.expire(partner, ["contact"])  # loaded with the old id: reload the new one
        record_event(actor, "update", "partner", partner.id, changes)
    return partner


def delete_partner(actor: Actor, company_id: int, partner_id: int) -> Partner:
    """Remove a partner (needs ``relationships:manage``); the audit keeps what it was.

    Returns the partner as it was, for saying what went."""
    partner = partner_of(actor, company_id, partner_id, access.RELATIONSHIPS_MANAGE)
    snapshot = {
        "partner_company_name": {"before": partner.partner_company_name, "after": None},
        "estimated_deal_size": {"before": partner.estimated_deal_size, "after": None},
    }
    record_event(actor, "delete", "partner", partner.id, snapshot)
    db.session.delete(partner)
    db.session.flush()
    return partner
