"""Finding contacts: the search, filters and sort orders behind the contacts list."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import joinedload, selectinload

from webapp.models import Company, Contact, ContactCompanyLink, ContactEmail
from webapp.services.search import like_pattern

SORTS = {
    "name": ("Name A–Z", (Contact.last_name, Contact.first_name, Contact.id)),
    "-name": ("Name Z–A", (Contact.last_name.desc(), Contact.first_name.desc(), Contact.id.desc())),
    "-created": ("Newest first", (Contact.created_at.desc(), Contact.id.desc())),
    "-updated": ("Recently updated", (Contact.updated_at.desc(), Contact.id.desc())),
    "title": ("Title", (Contact.title, Contact.last_name, Contact.id)),
}
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class ContactFilters:
    q: str = ""
    owner_id: int | None = None
    company_id: int | None = None
    sort: str = DEFAULT_SORT
    archived: bool = False


def _matches_text(q: str):
    pattern = like_pattern(q)
    full_name = Contact.first_name + " " + Contact.last_name
    email_match = exists().where(
        ContactEmail.contact_id == Contact.id, ContactEmail.email.ilike(pattern, escape="\\")
    )
    company_match = exists().where(
        ContactCompanyLink.contact_id == Contact.id,
        ContactCompanyLink.company_id == Company.id,
        Company.name.ilike(pattern, escape="\\"),
    )
    return or_(full_name.ilike(pattern, escape="\\"), email_match, company_match)


def contacts_query(filters: ContactFilters) -> Select:
    """A ``select`` of contacts for the filters, with everything the list shows loaded eagerly."""
    stmt = select(Contact).options(
        joinedload(Contact.owner),
        selectinload(Contact.emails),
        selectinload(Contact.phones),
        selectinload(Contact.company_links).joinedload(ContactCompanyLink.company),
    )
    archived = Contact.archived_at.is_not(None)
    stmt = stmt.where(archived if filters.archived else ~archived)
    if filters.q.strip():
        stmt = stmt.where(_matches_text(filters.q.strip()))
    if filters.owner_id is not None:
        stmt = stmt.where(Contact.owner_id == filters.owner_id)
    if filters.company_id is not None:
        stmt = stmt.where(
            exists().where(
                ContactCompanyLink.contact_id == Contact.id,
                ContactCompanyLink.company_id == filters.company_id,
            )
        )
    _, order = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    return stmt.order_by(*order)
