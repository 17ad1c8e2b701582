"""Finding companies: the search and the clients-only filter behind the companies list, and the
ranked choices of the Company filter that picks one company on other lists."""

from __future__ import annotations

import functools

from sqlalchemy import Select, exists, func, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from webapp.extensions import db
from webapp.models import ClientProfile, Company, CompanyDomain, Contact, ContactCompanyLink
from webapp.services.search import found_in, like_pattern, name_rank


@functools.cache
def contact_count_column():
    """How many live contacts link to the company, as a correlated subquery (no N+1); built
    once."""
    return (
        select(func.count(ContactCompanyLink.id))
        .join(Contact, Contact.id == ContactCompanyLink.contact_id)
        .where(ContactCompanyLink.company_id == Company.id, Contact.archived_at.is_(None))
        .correlate(Company)
        .scalar_subquery()
        .label("contact_count")
    )


def companies_query(q: str = "", *, clients_only: bool = False) -> Select:
    """Rows of ``(Company, contact_count)`` eager-loading what the list shows: by name, or for a
    search the best matches first (``company_rank``), then by name."""
    stmt = select(Company, contact_count_column()).options(
        selectinload(Company.domains),
        joinedload(Company.client_profile).joinedload(ClientProfile.account_manager),
        joinedload(Company.owner),
    )
    stmt = stmt.where(Company.archived_at.is_(None))  # archived through the records API
    if clients_only:
        stmt = stmt.where(exists().where(ClientProfile.company_id == Company.id))
    if q.strip():
        return stmt.where(matches_company(q.strip())).order_by(
            company_rank(q.strip()), Company.name, Company.id
        )
    return stmt.order_by(Company.name, Company.id)


def matches_company(q: str):
    """SQL: the company's name or one of its domains contains ``q``. Two look-ups of ids, each
    answered from a trigram index on PostgreSQL (migration 0011)."""
    pattern = like_pattern(q)
    by_name = select(Company.id).where(
        Company.name.ilike(pattern, escape="\\"), *found_in("companies_fts", Company.id, q)
    )
    by_domain = select(CompanyDomain.company_id).where(
        CompanyDomain.domain.ilike(pattern, escape="\\"),
        *found_in("company_domains_fts", CompanyDomain.id, q),
    )
    return Company.id.in_(union_all(by_name, by_domain))


def company_rank(q: str):
    """SQL: how well a matching company's name matches ``q``: 0 all of it, 1 its start, 2
    anywhere in it, 3 only a domain."""
    return name_rank(Company.name, q)


# --- picking one company (the Company filter on the contacts and Actions pages) ------------------

CHOICES_SHOWN = 8


def _primary_domain():
    """SQL: the company's first domain, or NULL; a correlated subquery (no N+1)."""
    return (
        select(CompanyDomain.domain)
        .where(CompanyDomain.company_id == Company.id)
        .order_by(CompanyDomain.position, CompanyDomain.id)
        .limit(1)
        .correlate(Company)
        .scalar_subquery()
        .label("domain")
    )


def company_choices(q: str, limit: int = CHOICES_SHOWN) -> list:
    """Up to ``limit`` live companies whose name or a domain contains ``q``, best match first,
    as rows of ``(id, name, domain)``: one query, whatever the number of companies."""
    q = q.replace("\x00", "").strip()
    if not q:
        return []
    stmt = (
        select(Company.id, Company.name, _primary_domain())
        .where(Company.archived_at.is_(None), matches_company(q))
        .order_by(company_rank(q), Company.name, Company.id)
        .limit(limit)
    )
    return list(db.session.execute(stmt))


def live_company(company_id: int):
    """The ``(id, name)`` row of a company that exists and is not archived, or ``None``."""
    stmt = select(Company.id, Company.name).where(
        Company.id == company_id, Company.archived_at.is_(None)
    )
    return db.session.execute(stmt).first()
