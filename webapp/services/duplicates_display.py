"""What the Duplicates page and the API show of the records in a page of likely pairs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from webapp.extensions import db
from webapp.models import Company, Contact, ContactCompanyLink
from webapp.services.duplicates import live_contact


def records_for_display(kind: str, ids: set[int]) -> dict[int, Any]:
    """The records of a page of pairs with what the Duplicates page shows of them, by id: a
    fixed number of queries however many there are."""
    if kind == "contact":
        stmt = select(Contact).options(
            joinedload(Contact.owner),
            selectinload(Contact.emails),
            selectinload(Contact.phones),
            selectinload(Contact.company_links).joinedload(ContactCompanyLink.company),
        )
        model: Any = Contact
    else:
        stmt = select(Company).options(
            joinedload(Company.owner),
            selectinload(Company.domains),
            joinedload(Company.client_profile),
        )
        model = Company
    return {record.id: record for record in db.session.scalars(stmt.where(model.id.in_(ids)))}


def people_counts(companies: dict[int, Company]) -> dict[int, int]:
    """How many live people work at each of these companies: one query."""
    if not companies:
        return {}
    stmt = (
        select(ContactCompanyLink.company_id, func.count(ContactCompanyLink.id))
        .join(Contact, Contact.id == ContactCompanyLink.contact_id)
        .where(ContactCompanyLink.company_id.in_(list(companies)), live_contact())
        .group_by(ContactCompanyLink.company_id)
    )
    return dict(db.session.execute(stmt).all())
