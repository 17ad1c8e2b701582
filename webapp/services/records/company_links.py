"""The typed junction between contacts and accounts, with edge attributes ``role`` and
``is_primary``, seen from either side. Every write goes through the contact service, which keeps
one primary account per contact and audits the change, as the contact form does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp import access
from webapp.extensions import db
from webapp.models import Company, Contact, ContactCompanyLink, primary_link_first
from webapp.services import contacts
from webapp.services.contacts import CompanyLinkInput
from webapp.services.errors import FieldValueInvalid
from webapp.services.records.attributes import api_names
from webapp.services.records.contact_type import API_NAMES, contact_input
from webapp.services.records.schema import FieldSpec, LinkStore

if TYPE_CHECKING:
    from webapp.access import Actor

EDGE_FIELDS = (
    FieldSpec(
        "role",
        "text",
        read=lambda link: link.role,
        label="Role at the account",
        max_length=120,
    ),
    FieldSpec(
        "is_primary",
        "boolean",
        read=lambda link: link.is_primary,
        label="The contact's primary account",
        nullable=False,
    ),
)


def _edge_json(link: ContactCompanyLink) -> dict[str, Any]:
    return {spec.api_name: spec.read(link) for spec in EDGE_FIELDS}


def _find(contact_id: int, company_id: int) -> ContactCompanyLink | None:
    stmt = select(ContactCompanyLink).where(
        ContactCompanyLink.contact_id == contact_id, ContactCompanyLink.company_id == company_id
    )
    return db.session.scalar(stmt)


def _rewrite_links(actor: Actor, contact_id: int, change) -> None:
    """Write the contact's links after ``change(links) -> links``, through the contact service."""
    contact = db.session.get(Contact, contact_id)
    given = contact_input({}, contact)
    given.company_links = change(list(given.company_links))
    with api_names(API_NAMES):
        contacts.update_contact(actor, contact_id, given, permission=access.CRM_WRITE)


def _with_edge(links: list, company_id: int, values: dict[str, Any]) -> list:
    """``links`` with the one to ``company_id`` given ``values``; a new primary demotes the rest."""
    current = next(link for link in links if link.company_id == company_id)
    if values.get("is_primary") is False and current.is_primary:
        reason = "Make another account primary instead."
        if len(links) == 1:
            reason = "The contact's only account is its primary one."
        raise FieldValueInvalid(
            "A contact always has one primary account while it has any.",
            fields={"is_primary": [reason]},
        )
    role = values.get("role", current.role)
    primary = values.get("is_primary", current.is_primary)
    changed = []
    for link in links:
        if link.company_id == company_id:
            changed.append(CompanyLinkInput(company_id, role, primary))
        else:
            changed.append(
                CompanyLinkInput(link.company_id, link.role, link.is_primary and not primary)
            )
    return changed


def link_contact(actor: Actor, contact_id: int, company_id: int, values: dict[str, Any]) -> None:
    """Link a contact to an account; already linked, only the edge values given change."""

    def change(links: list) -> list:
        if not any(link.company_id == company_id for link in links):
            links.append(CompanyLinkInput(company_id, None, not links))
        return _with_edge(links, company_id, values)

    _rewrite_links(actor, contact_id, change)


def update_edge(actor: Actor, contact_id: int, company_id: int, values: dict[str, Any]) -> None:
    _rewrite_links(actor, contact_id, lambda links: _with_edge(links, company_id, values))


def unlink_contact(actor: Actor, contact_id: int, company_id: int) -> None:
    """Remove the link; if it was the primary one, the next live account becomes primary."""

    def change(links: list) -> list:
        kept = [link for link in links if link.company_id != company_id]
        if not kept or any(link.is_primary for link in kept):
            return kept
        archived = set(
            db.session.scalars(
                select(Company.id).where(
                    Company.id.in_([link.company_id for link in kept]),
                    Company.archived_at.is_not(None),
                )
            )
        )
        heir = next((lk for lk in kept if lk.company_id not in archived), kept[0])
        return [CompanyLinkInput(lk.company_id, lk.role, lk is heir) for lk in kept]

    _rewrite_links(actor, contact_id, change)


def _accounts_of(contact_id: int):
    return (
        select(ContactCompanyLink)
        .join(Company, Company.id == ContactCompanyLink.company_id)
        .where(ContactCompanyLink.contact_id == contact_id)
        .options(
            joinedload(ContactCompanyLink.company).selectinload(Company.domains),
            joinedload(ContactCompanyLink.company).joinedload(Company.client_profile),
        )
        .order_by(*primary_link_first())
    )


def _contacts_of(company_id: int):
    return (
        select(ContactCompanyLink)
        .join(Contact, Contact.id == ContactCompanyLink.contact_id)
        .where(ContactCompanyLink.company_id == company_id)
        .options(
            joinedload(ContactCompanyLink.contact).selectinload(Contact.emails),
            joinedload(ContactCompanyLink.contact).selectinload(Contact.phones),
        )
        .order_by(ContactCompanyLink.contact_id)  # link rows are rewritten; contact ids stay
    )


# Seen from the contact: its accounts.
ACCOUNTS_OF_CONTACT = LinkStore(
    links=_accounts_of,
    target_of=lambda link: link.company,
    edge_json=_edge_json,
    find=_find,
    add=link_contact,
    update_edge=update_edge,
    remove=unlink_contact,
    target_archived_column=Company.archived_at,
)

# Seen from the account: its contacts (the same edges, the ids the other way round).
CONTACTS_OF_ACCOUNT = LinkStore(
    links=_contacts_of,
    target_of=lambda link: link.contact,
    edge_json=_edge_json,
    find=lambda company_id, contact_id: _find(contact_id, company_id),
    add=lambda actor, company_id, contact_id, values: link_contact(
        actor, contact_id, company_id, values
    ),
    update_edge=lambda actor, company_id, contact_id, values: update_edge(
        actor, contact_id, company_id, values
    ),
    remove=lambda actor, company_id, contact_id: unlink_contact(actor, contact_id, company_id),
    target_archived_column=Contact.archived_at,
)
