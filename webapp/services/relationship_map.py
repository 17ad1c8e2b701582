"""The relationship map: the people around a client or a contact, their links and their owners.

Read-only. A map costs the same few queries whatever its size: the people (with their companies
and account managers) in one query, the relationships between them in another. Archived
contacts never appear, and nobody is reached through an archived contact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import case, literal, or_, select, union
from sqlalchemy.orm import joinedload

from webapp import access
from webapp.extensions import db
from webapp.models import (
    Company,
    Contact,
    ContactCompanyLink,
    ContactRelationship,
    RelationshipType,
)
from webapp.services import partners
from webapp.services.errors import NotFound
from webapp.services.relationship_map_graph import RelationshipMap, assemble
from webapp.services.summaries import works_at

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Select

    from webapp.access import Actor

# The most people one map draws: beyond this a graph stops being read, and the data says so.
CLIENT_CAP = 500
CONTACT_CAP = 300

__all__ = ["CLIENT_CAP", "CONTACT_CAP", "RelationshipMap", "client_map", "contact_map"]


def client_map(actor: Actor, company_id: int) -> RelationshipMap:
    """The client's live contacts, every relationship with an end among them, the people at the
    other end (at other companies, or none) and the account managers who own them all."""
    company = partners.client_company(actor, company_id, access.RELATIONSHIPS_VIEW)
    members = select(Contact.id).where(works_at(company.id))
    # One IN over a union, not an OR of two: PostgreSQL plans an OR of subqueries as a scan of
    # every contact (docs/performance.md).
    either = Contact.id.in_(union(members, *_neighbour_selects(members)))
    people, capped = _people(
        either, first=case((Contact.id.in_(members), 0), else_=1), cap=CLIENT_CAP
    )
    touching = or_(
        ContactRelationship.contact_is_id.in_(members),
        ContactRelationship.of_contact_id.in_(members),
    )
    return assemble(people, _relationships(touching), client=company, capped=capped, cap=CLIENT_CAP)


def contact_map(actor: Actor, contact_id: int) -> RelationshipMap:
    """The contact, the people within two hops of relationships, the relationships between all
    of them, and their account managers; at most ``CONTACT_CAP`` people, the nearest first."""
    contact = access.get_or_404(actor, Contact, contact_id, access.RELATIONSHIPS_VIEW)
    if contact.is_archived:
        raise NotFound(f"No contact with id {contact_id}.")
    one_hop = _live(_neighbours([contact.id]))
    two_hops = _live(_neighbours(one_hop))
    within = Contact.id.in_(union(select(literal(contact.id)), one_hop, two_hops))
    nearest = case((Contact.id == contact.id, 0), (Contact.id.in_(one_hop), 1), else_=2)
    people, capped = _people(within, first=nearest, cap=CONTACT_CAP)
    ids = select(Contact.id).where(within)
    between = ContactRelationship.contact_is_id.in_(ids) & ContactRelationship.of_contact_id.in_(
        ids
    )
    return assemble(people, _relationships(between), focus=contact, capped=capped, cap=CONTACT_CAP)


def _neighbours(ids) -> Select:
    """SQL: the ids of everyone at the other end of a relationship from one of ``ids``."""
    return union(*_neighbour_selects(ids))


def _neighbour_selects(ids) -> tuple[Select, Select]:
    """The two halves of ``_neighbours``, to join a larger union (SQLite takes no nested one)."""
    return (
        select(ContactRelationship.of_contact_id).where(ContactRelationship.contact_is_id.in_(ids)),
        select(ContactRelationship.contact_is_id).where(ContactRelationship.of_contact_id.in_(ids)),
    )


def _live(ids) -> Select:
    """SQL: those of ``ids`` that are live (not archived) contacts."""
    return select(Contact.id).where(Contact.id.in_(ids), Contact.archived_at.is_(None))


def _people(
    criterion: ColumnElement, *, first: ColumnElement, cap: int
) -> tuple[list[Contact], bool]:
    """Live contacts matching ``criterion`` with companies and owners, ``first`` ordering first;
    at most ``cap`` of them, and whether there were more."""
    stmt = (
        select(Contact)
        .where(Contact.archived_at.is_(None), criterion)
        .options(
            # Joined, not select-in: select-in loads in batches of 500, one query each.
            joinedload(Contact.company_links)
            .joinedload(ContactCompanyLink.company)
            .joinedload(Company.client_profile),
            joinedload(Contact.owner),
        )
        .order_by(first, Contact.last_name, Contact.first_name, Contact.id)
        .limit(cap + 1)
    )
    found = list(db.session.scalars(stmt).unique())
    return found[:cap], len(found) > cap


def _relationships(criterion: ColumnElement) -> list[ContactRelationship]:
    """The relationships matching ``criterion``, with their types and groups, oldest first."""
    stmt = (
        select(ContactRelationship)
        .where(criterion)
        .options(
            joinedload(ContactRelationship.relationship_type).joinedload(RelationshipType.group)
        )
        .order_by(ContactRelationship.id)
    )
    return list(db.session.scalars(stmt))
