"""The ``opportunity`` record type: a deal at an account, with owners (a user attribute holding
several users) and the contacts involved (a typed relationship with each one's ``role``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from webapp.models import (
    OPPORTUNITY_STAGES,
    Contact,
    Opportunity,
    OpportunityContact,
    OpportunityOwner,
)
from webapp.services import opportunities
from webapp.services.records.fields import (
    amount_json,
    id_field,
    id_string,
    iso,
    same_text,
    timestamp_fields,
)
from webapp.services.records.schema import FieldSpec, LinkStore, RecordStore, RecordType

if TYPE_CHECKING:
    from webapp.access import Actor

# Record-type field -> model column, where the names differ.
COLUMN_OF = {"close_date": "close_on", "account": "account_id"}


def _owned_by(user_id: int):
    owners = select(OpportunityOwner.opportunity_id).where(OpportunityOwner.user_id == user_id)
    return Opportunity.id.in_(owners)


FIELDS = (
    id_field(Opportunity),
    FieldSpec(
        "name",
        "text",
        read=lambda o: o.name,
        label="Name",
        required=True,
        nullable=False,
        max_length=200,
        where=same_text(Opportunity.name),
        order_by=Opportunity.name,
    ),
    FieldSpec(
        "stage",
        "select",
        read=lambda o: o.stage,
        label="Stage",
        nullable=False,
        options=OPPORTUNITY_STAGES,
        where=lambda value: Opportunity.stage == value,
        order_by=Opportunity.stage,
    ),
    FieldSpec("amount", "number", read=lambda o: amount_json(o.amount), label="Amount"),
    FieldSpec(
        "close_date",
        "date",
        read=lambda o: iso(o.close_on),
        label="Expected close date",
        where=lambda value: Opportunity.close_on == value,
    ),
    FieldSpec(
        "account",
        "relation",
        read=lambda o: id_string(o.account_id),
        label="Account",
        target="account",
        where=lambda value: Opportunity.account_id == value,
    ),
    FieldSpec(
        "owners",
        "user",
        read=lambda o: [str(user_id) for user_id in o.owner_ids],
        label="Owners",
        multiple=True,
        where=_owned_by,
    ),
    *timestamp_fields(Opportunity),
)


def _columns(values: dict[str, Any]) -> dict[str, Any]:
    return {COLUMN_OF.get(name, name): value for name, value in values.items() if name != "owners"}


def _create(actor: Actor, values: dict[str, Any]) -> Opportunity:
    columns = {"stage": "prospecting"} | _columns(values)
    return opportunities.create_opportunity(actor, columns, values.get("owners", [actor.user_id]))


def _update(actor: Actor, opportunity: Opportunity, values: dict[str, Any]) -> Opportunity:
    owners = values.get("owners")
    return opportunities.update_opportunity(actor, opportunity.id, _columns(values), owners)


def load_options() -> tuple:
    return (selectinload(Opportunity.owner_links),)


OPPORTUNITY = RecordType(
    api_name="opportunity",
    label="Opportunity",
    description="A deal in the making at an account, with its owners and the people involved.",
    fields=FIELDS,
    store=RecordStore(
        model=Opportunity,
        load_options=load_options,
        create=_create,
        update=_update,
        archive=opportunities.archive_opportunity,
        restore=opportunities.restore_opportunity,
        archived_column=Opportunity.archived_at,
    ),
    relationship_support="typed_and_generic",
)

ROLE = (
    FieldSpec(
        "role", "text", read=lambda link: link.role, label="Role in the deal", max_length=120
    ),
)


def _role_json(link: OpportunityContact) -> dict[str, Any]:
    return {"role": link.role}


def _contacts_of(opportunity_id: int):
    return (
        select(OpportunityContact)
        .join(Contact, Contact.id == OpportunityContact.contact_id)
        .where(OpportunityContact.opportunity_id == opportunity_id)
        .options(
            joinedload(OpportunityContact.contact).selectinload(Contact.emails),
            joinedload(OpportunityContact.contact).selectinload(Contact.phones),
        )
        .order_by(OpportunityContact.id)
    )


def _opportunities_of(contact_id: int):
    return (
        select(OpportunityContact)
        .join(Opportunity, Opportunity.id == OpportunityContact.opportunity_id)
        .where(OpportunityContact.contact_id == contact_id)
        .options(joinedload(OpportunityContact.opportunity).selectinload(Opportunity.owner_links))
        .order_by(OpportunityContact.id)
    )


CONTACTS_OF_OPPORTUNITY = LinkStore(
    links=_contacts_of,
    target_of=lambda link: link.contact,
    edge_json=_role_json,
    find=opportunities.contact_link,
    add=opportunities.link_contact,
    update_edge=opportunities.set_contact_role,
    remove=opportunities.unlink_contact,
    target_archived_column=Contact.archived_at,
)

OPPORTUNITIES_OF_CONTACT = LinkStore(
    links=_opportunities_of,
    target_of=lambda link: link.opportunity,
    edge_json=_role_json,
    find=lambda contact_id, opportunity_id: opportunities.contact_link(opportunity_id, contact_id),
    add=lambda actor, contact_id, opportunity_id, values: opportunities.link_contact(
        actor, opportunity_id, contact_id, values
    ),
    update_edge=lambda actor, contact_id, opportunity_id, values: opportunities.set_contact_role(
        actor, opportunity_id, contact_id, values
    ),
    remove=lambda actor, contact_id, opportunity_id: opportunities.unlink_contact(
        actor, opportunity_id, contact_id
    ),
    target_archived_column=Opportunity.archived_at,
)
