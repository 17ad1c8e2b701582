"""Builders for the duplicates and merge tests: people and companies with the values that make
them look alike, and one of every row that refers to a contact or a company."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from tests import factories
from webapp import access
from webapp.extensions import db
from webapp.models import (
    Company,
    CompanyDomain,
    Contact,
    ContactCompanyLink,
    ContactEmail,
    ContactPhone,
    ContactRelationship,
    ContactTag,
    Interaction,
    Message,
    Opportunity,
    OpportunityContact,
    Partner,
    RelationshipAction,
    RelationshipType,
    Task,
    User,
)
from webapp.models.custom_objects import (
    CustomAttribute,
    CustomObject,
    CustomRecord,
    CustomRecordLink,
)
from webapp.services import actions


def person(
    owner: User | None,
    first_name: str,
    last_name: str,
    *,
    emails: tuple[str, ...] = (),
    phones: tuple[str, ...] = (),
    company: Company | None = None,
    linkedin_url: str | None = None,
    **fields: Any,
) -> Contact:
    """A contact with the given emails, phone numbers and primary company, flushed."""
    contact = Contact(
        first_name=first_name,
        last_name=last_name,
        owner=owner,
        linkedin_url=linkedin_url,
        **({"stage": "working"} | fields),
    )
    contact.emails = [ContactEmail(email=e, position=i) for i, e in enumerate(emails)]
    contact.phones = [ContactPhone(number=p, position=i) for i, p in enumerate(phones)]
    if company is not None:
        contact.company_links = [ContactCompanyLink(company=company, is_primary=True)]
    db.session.add(contact)
    db.session.flush()
    return contact


def firm(name: str, *domains: str, owner: User | None = None) -> Company:
    company = factories.CompanyFactory(name=name, owner=owner)
    company.domains = [CompanyDomain(domain=d, position=i) for i, d in enumerate(domains)]
    db.session.flush()
    return company


def rows(model: Any, **where: Any) -> list[Any]:
    """The stored rows of ``model`` matching ``where``, read afresh."""
    db.session.flush()
    db.session.expire_all()
    stmt = select(model).filter_by(**where)
    return list(db.session.scalars(stmt.order_by(model.id)))


def count(model: Any, **where: Any) -> int:
    db.session.flush()
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def relationship_type(name: str = "colleague") -> RelationshipType:
    return db.session.scalar(select(RelationshipType).where(RelationshipType.name == name))


def link(first: Contact, second: Contact, name: str = "colleague") -> ContactRelationship:
    edge = ContactRelationship(
        contact_is_id=first.id,
        of_contact_id=second.id,
        relationship_type_id=relationship_type(name).id,
    )
    db.session.add(edge)
    db.session.flush()
    return edge


def custom_link(contact: Contact, target_type: str = "contact") -> CustomRecordLink:
    """A custom record whose relation attribute points at ``contact`` (or a company)."""
    kind = CustomObject(slug=f"project{contact.id}", name="Project")
    kind.attributes = [
        CustomAttribute(
            slug="client", name="Client", value_type="relation", target_type=target_type
        )
    ]
    db.session.add(kind)
    db.session.flush()
    record = CustomRecord(object_id=kind.id, values={})
    record.links = [CustomRecordLink(attribute="client", target_id=contact.id)]
    db.session.add(record)
    db.session.flush()
    return record.links[0]


def everything_about(contact: Contact, owner: User, company: Company) -> dict[str, Any]:
    """One of every row that refers to a contact, for ``contact``."""
    actor = access.actor_for_user(owner)
    new = actions.NewAction(contact=contact, title="Call", action_type="call", assigned_to=owner)
    action = actions.open_action(actor, new)
    task = Task(title="Send the deck", assigned_to_id=owner.id, contact_id=contact.id)
    message = Message(
        contact_id=contact.id, channel="sms", direction="outbound", body="Hi", status="sent"
    )
    interaction = Interaction(
        contact_id=contact.id, kind="call", occurred_on=date(2026, 1, 5), summary="Talked"
    )
    partner = Partner(company=company, partner_company_name="Globex", contact_id=contact.id)
    deal = Opportunity(name="Renewal", account=company)
    deal.contact_links = [OpportunityContact(contact_id=contact.id, role="Sponsor")]
    db.session.add_all([task, message, interaction, partner, deal])
    tag = ContactTag(contact_id=contact.id, name="Conference 2026")
    db.session.add(tag)
    db.session.flush()
    return {
        "action": action,
        "task": task,
        "message": message,
        "interaction": interaction,
        "partner": partner,
        "deal": deal,
        "custom": custom_link(contact),
    }


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def stored_action(action_id: int) -> RelationshipAction:
    db.session.expire_all()
    return db.session.get(RelationshipAction, action_id)
