"""Opportunities: create, change, archive and restore a deal, its owners and its people.

Values arrive checked against the ``opportunity`` record type's fields (the records API is
their one door); the rules that need the database (an account that exists, users who exist, a
contact linked once) are kept here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from webapp import access
from webapp.extensions import db
from webapp.models import Company, Contact, Opportunity, OpportunityContact, OpportunityOwner
from webapp.services import archiving
from webapp.services.audit import apply_changes, record_event
from webapp.services.errors import FieldValueInvalid, NotFound

if TYPE_CHECKING:
    from webapp.access import Actor

COLUMNS = ("name", "stage", "amount", "close_on", "account_id")


def _check_account(account_id: int | None) -> None:
    if account_id is None:
        return
    company = db.session.get(Company, account_id)
    if company is None or company.archived_at is not None:
        raise FieldValueInvalid(
            "Choose an existing account.", fields={"account": [f"No account {account_id}."]}
        )


def _write_owners(opportunity: Opportunity, owner_ids: list[int]) -> dict:
    before = opportunity.owner_ids
    if before == owner_ids:
        return {}
    kept = {link.user_id: link for link in opportunity.owner_links}
    opportunity.owner_links = [kept.get(uid) or OpportunityOwner(user_id=uid) for uid in owner_ids]
    for position, link in enumerate(opportunity.owner_links):
        link.position = position
    return {"owner_ids": {"before": before, "after": owner_ids}}


def create_opportunity(actor: Actor, columns: dict[str, Any], owner_ids: list[int]) -> Opportunity:
    """A new opportunity; ``columns`` by column name, owners in order."""
    access.require(actor, access.CRM_WRITE)
    _check_account(columns.get("account_id"))
    opportunity = Opportunity(created_by_id=actor.user_id, **columns)
    db.session.add(opportunity)
    changes = _write_owners(opportunity, owner_ids)
    db.session.flush()
    created = {name: {"before": None, "after": value} for name, value in columns.items()}
    record_event(actor, "create", "opportunity", opportunity.id, created | changes)
    return opportunity


def update_opportunity(
    actor: Actor, opportunity_id: int, columns: dict[str, Any], owner_ids: list[int] | None
) -> Opportunity:
    """Change the given columns, and the owners when ``owner_ids`` is a list."""
    opportunity = access.get_or_404(actor, Opportunity, opportunity_id, access.CRM_WRITE)
    if "account_id" in columns and columns["account_id"] != opportunity.account_id:
        _check_account(columns["account_id"])
    changes = apply_changes(opportunity, columns)
    if owner_ids is not None:
        changes |= _write_owners(opportunity, owner_ids)
    db.session.flush()
    if changes:
        record_event(actor, "update", "opportunity", opportunity.id, changes)
    return opportunity


def archive_opportunity(actor: Actor, opportunity_id: int) -> Opportunity:
    opportunity = access.get_or_404(actor, Opportunity, opportunity_id, access.CRM_WRITE)
    archiving.archive(actor, opportunity, "opportunity")
    return opportunity


def restore_opportunity(actor: Actor, opportunity_id: int) -> Opportunity:
    opportunity = access.get_or_404(actor, Opportunity, opportunity_id, access.CRM_WRITE)
    archiving.restore(actor, opportunity, "opportunity")
    return opportunity


def contact_link(opportunity_id: int, contact_id: int) -> OpportunityContact | None:
    stmt = select(OpportunityContact).where(
        OpportunityContact.opportunity_id == opportunity_id,
        OpportunityContact.contact_id == contact_id,
    )
    return db.session.scalar(stmt)


def link_contact(
    actor: Actor, opportunity_id: int, contact_id: int, values: dict[str, Any]
) -> OpportunityContact:
    """Involve a contact in the opportunity (with their ``role``); linked already, set the role
    if one is given."""
    opportunity = access.get_or_404(actor, Opportunity, opportunity_id, access.CRM_WRITE)
    if db.session.get(Contact, contact_id) is None:
        raise NotFound(f"No contact with id {contact_id}.")
    link = contact_link(opportunity_id, contact_id)
    if link is None:
        link = OpportunityContact(contact_id=contact_id, role=values.get("role"))
        opportunity.contact_links.append(link)
        change = {"before": None, "after": {"role": link.role}}
        db.session.flush()
        record_event(
            actor, "update", "opportunity", opportunity_id, {f"contact:{contact_id}": change}
        )
        return link
    return set_contact_role(actor, opportunity_id, contact_id, values)


def set_contact_role(
    actor: Actor, opportunity_id: int, contact_id: int, values: dict[str, Any]
) -> OpportunityContact:
    link = contact_link(opportunity_id, contact_id)
    if link is None:
        raise NotFound(f"Contact {contact_id} is not on opportunity {opportunity_id}.")
    if "role" in values and values["role"] != link.role:
        change = {"before": {"role": link.role}, "after": {"role": values["role"]}}
        link.role = values["role"]
        db.session.flush()
        record_event(
            actor, "update", "opportunity", opportunity_id, {f"contact:{contact_id}": change}
        )
    return link


def unlink_contact(actor: Actor, opportunity_id: int, contact_id: int) -> None:
    access.require(actor, access.CRM_WRITE)
    link = contact_link(opportunity_id, contact_id)
    if link is None:
        raise NotFound(f"Contact {contact_id} is not on opportunity {opportunity_id}.")
    change = {"before": {"role": link.role}, "after": None}
    db.session.delete(link)
    db.session.flush()
    record_event(actor, "update", "opportunity", opportunity_id, {f"contact:{contact_id}": change})
