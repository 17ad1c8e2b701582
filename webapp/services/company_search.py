"""Finding companies: the search and the clients-only filter behind the companies list."""

from __future__ import annotations

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from webapp.models import ClientProfile, Company, CompanyDomain, Contact, ContactCompanyLink
from webapp.services.search import like_pattern


def contact_count_column():
    """How many live contacts link to the company, as a correlated subquery (no N+1)."""
    return (
        select(func.count(ContactCompanyLink.id))
        .join(Contact, Contact.id == ContactCompanyLink.contact_id)
        .where(ContactCompanyLink.company_id == Company.id, Contact.archived_at.is_(None))
        .correlate(Company)
        .scalar_subquery()
        .label("contact_count")
    )


def companies_query(q: str = "", *, clients_only: bool = False) -> Select:
    """Rows of ``(Company, contact_count)`` ordered by name, eager-loading what the list shows."""
    stmt = select(Company, contact_count_column()).options(
        selectinload(Company.domains),
        joinedload(Company.client_profile).joinedload(ClientProfile.account_manager),
        joinedload(Company.owner),
    )
    stmt = stmt.where(Company.archived_at.is_(None))  # archived through the records API
    if clients_only:
        stmt = stmt.where(exists().where(ClientProfile.company_id == Company.id))
    if q.strip():
        pattern = like_pattern(q.strip())
        domain_match = exists().where(
            CompanyDomain.company_id == Company.id, CompanyDomain.domain.ilike(pattern, escape="\\")
        )
        stmt = stmt.where(or_(Company.name.ilike(pattern, escape="\\"), domain_match))
    return stmt.order_by(Company.name, Company.id)
