"""Finding contacts: the search, filters and sort orders behind the contacts list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, exists, select, union_all
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from webapp.extensions import db
from webapp.models import (
    Company,
    Contact,
    ContactCompanyLink,
    ContactEmail,
    ContactTag,
    RelationshipProfile,
)
from webapp.services.search import like_pattern
from webapp.services.touches import join_cadence, touch_due_column

SORTS = {
    "name": ("Name A–Z", (Contact.last_name, Contact.first_name, Contact.id)),
    "-name": ("Name Z–A", (Contact.last_name.desc(), Contact.first_name.desc(), Contact.id.desc())),
    "-created": ("Newest first", (Contact.created_at.desc(), Contact.id.desc())),
    "-updated": ("Recently updated", (Contact.updated_at.desc(), Contact.id.desc())),
    "title": ("Title", (Contact.title, Contact.last_name, Contact.id)),
    "touch_due": ("Touch due", ()),  # most overdue first, ordered in ``contacts_query``
}
DEFAULT_SORT = "name"
# The keep-in-touch filter: contacts whose touch was due before today, or is due within two weeks.
TOUCH_FILTERS = {"overdue": ("Overdue", -1), "soon": ("Due within 2 weeks", 14)}


@dataclass(frozen=True)
class ContactFilters:
    q: str = ""
    owner_id: int | None = None
    company_id: int | None = None
    sort: str = DEFAULT_SORT
    archived: bool = False
    touch: str = ""  # a key of TOUCH_FILTERS, or "" for everyone
    tag: str = ""  # a tag's name, or "" for any


def _matches_text(q: str):
    """SQL: the contact's name, one of their emails or one of their companies' names contains
    ``q``. Three look-ups of ids, not an OR of subqueries run for every contact of the firm."""
    pattern = like_pattern(q)
    full_name = Contact.first_name + " " + Contact.last_name
    by_name = select(Contact.id).where(full_name.ilike(pattern, escape="\\"))
    by_email = select(ContactEmail.contact_id).where(ContactEmail.email.ilike(pattern, escape="\\"))
    by_company = (
        select(ContactCompanyLink.contact_id)
        .join(Company, Company.id == ContactCompanyLink.company_id)
        .where(Company.name.ilike(pattern, escape="\\"))
    )
    return Contact.id.in_(union_all(by_name, by_email, by_company))


def tag_names() -> list[str]:
    """Every tag in use, for the list's filter: one query."""
    stmt = select(ContactTag.name).distinct().order_by(ContactTag.name)
    return list(db.session.scalars(stmt))


def contacts_query(filters: ContactFilters, today: date | None = None) -> Select:
    """A ``select`` of contacts for the filters, with everything the list shows loaded eagerly.

    ``today`` is the viewer's day, which the keep-in-touch filter needs.
    """
    stmt = (
        select(Contact)
        .outerjoin(RelationshipProfile, RelationshipProfile.contact_id == Contact.id)
        .options(
            contains_eager(Contact.relationship_profile),
            joinedload(Contact.owner),
            selectinload(Contact.emails),
            selectinload(Contact.phones),
            selectinload(Contact.tags),
            selectinload(Contact.company_links)
            .joinedload(ContactCompanyLink.company)
            .joinedload(Company.client_profile),
        )
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
    if filters.tag:
        stmt = stmt.where(
            exists().where(ContactTag.contact_id == Contact.id, ContactTag.name == filters.tag)
        )
    if filters.touch in TOUCH_FILTERS or filters.sort == "touch_due":
        stmt = join_cadence(stmt)
    due = touch_due_column()
    if filters.touch in TOUCH_FILTERS and today is not None:
        _, days_ahead = TOUCH_FILTERS[filters.touch]
        stmt = stmt.where(due <= today + timedelta(days=days_ahead))
    if filters.sort == "touch_due":
        return stmt.order_by(due.is_(None), due, Contact.last_name, Contact.id)
    _, order = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    return stmt.order_by(*order)
