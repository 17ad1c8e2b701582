"""The one registry of record types the records API serves."""

from __future__ import annotations

from dataclasses import replace

from webapp.models import Company, Contact, Opportunity, Task
from webapp.services.errors import UnknownRecordType
from webapp.services.records import (
    account_type,
    company_links,
    contact_type,
    interaction_types,
    opportunity_type,
    task_type,
)
from webapp.services.records.connection_links import connections_store
from webapp.services.records.fk_links import fk_link_store, own_fk_store
from webapp.services.records.schema import RecordType, RelationshipSpec

CONTACT = replace(
    contact_type.CONTACT,
    relationships=(
        RelationshipSpec(
            "accounts",
            "account",
            "many_to_many",
            company_links.ACCOUNTS_OF_CONTACT,
            edge_fields=company_links.EDGE_FIELDS,
            label="Accounts the contact works at",
        ),
        RelationshipSpec(
            "opportunities",
            "opportunity",
            "many_to_many",
            opportunity_type.OPPORTUNITIES_OF_CONTACT,
            edge_fields=opportunity_type.ROLE,
            label="Opportunities the contact is involved in",
        ),
        RelationshipSpec(
            "connections",
            "contact",
            "many_to_many",
            connections_store(contact_type.CONTACT.store.load_options),
            writable=False,
            label="People the contact has a relationship with (spouse, colleague, ...)",
            read_only_reason=(
                "Link people with POST /api/v2/contact-relationships, which gives the link "
                "its type; GET /api/v2/contact/{id}/contact-relationships reads the types."
            ),
        ),
    ),
)
ACCOUNT = replace(
    account_type.ACCOUNT,
    relationships=(
        RelationshipSpec(
            "contacts",
            "contact",
            "many_to_many",
            company_links.CONTACTS_OF_ACCOUNT,
            edge_fields=company_links.EDGE_FIELDS,
            label="People who work at the account",
        ),
        RelationshipSpec(
            "opportunities",
            "opportunity",
            "one_to_many",
            fk_link_store(Opportunity, Opportunity.account_id, opportunity_type.load_options),
            writable=False,
            label="Opportunities at the account",
            read_only_reason=(
                "An opportunity's account is its own field: PATCH /api/v2/opportunity/{id} "
                'with {"attributes": {"account": "<account id>"}}.'
            ),
        ),
    ),
)
OPPORTUNITY = replace(
    opportunity_type.OPPORTUNITY,
    relationships=(
        RelationshipSpec(
            "contacts",
            "contact",
            "many_to_many",
            opportunity_type.CONTACTS_OF_OPPORTUNITY,
            edge_fields=opportunity_type.ROLE,
            label="People involved in the deal",
        ),
    ),
)


def _belongs_to(target: str, model, foreign_key, load_options, field: str) -> RelationshipSpec:
    """A singleton relationship kept by the parent's own field (a task's contact)."""
    return RelationshipSpec(
        field,
        target,
        "many_to_one",
        own_fk_store(model, foreign_key, load_options),
        writable=False,
        label=f"The {target} it is for",
        read_only_reason=f"Set the {field} field instead: PATCH the record's attributes.{field}.",
    )


TASK = replace(
    task_type.TASK,
    relationships=(
        _belongs_to(
            "contact", Contact, Task.contact_id, contact_type.CONTACT.store.load_options, "contact"
        ),
        _belongs_to(
            "account", Company, Task.company_id, account_type.ACCOUNT.store.load_options, "account"
        ),
    ),
)
# Notes and meetings read the contact they were logged on; activities have no relationships.
NOTE = replace(interaction_types.NOTE, relationships=(interaction_types.CONTACT_OF_INTERACTION,))
MEETING = replace(
    interaction_types.MEETING, relationships=(interaction_types.CONTACT_OF_INTERACTION,)
)
BUILT_IN: dict[str, RecordType] = {
    kind.api_name: kind
    for kind in (CONTACT, ACCOUNT, OPPORTUNITY, TASK, NOTE, MEETING, interaction_types.ACTIVITY)
}


def record_types() -> list[RecordType]:
    """Every record type, built-in ones first, then the custom objects admins defined."""
    from webapp.services.records.custom_types import custom_record_types  # it imports this

    return [*BUILT_IN.values(), *custom_record_types()]


def record_type(api_name: str) -> RecordType:
    """The record type called ``api_name``, or ``UnknownRecordType`` (404)."""
    from webapp.services.records.custom_types import custom_record_type  # it imports this

    found = BUILT_IN.get(api_name) or custom_record_type(api_name)
    if found is None:
        known = ", ".join(kind.api_name for kind in record_types())
        raise UnknownRecordType(
            f"No record type called {api_name!r}. Record types: {known}.",
            details={"record_type": api_name},
        )
    return found
