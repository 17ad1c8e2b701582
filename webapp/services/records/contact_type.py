"""The ``contact`` record type: a person, written through the same service as the pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from webapp import access
from webapp.models import CONTACT_STAGES, Contact, ContactEmail
from webapp.services import contacts
from webapp.services.contacts import ContactInput
from webapp.services.records.attributes import api_names
from webapp.services.records.fields import (
    id_field,
    id_string,
    iso,
    reordered,
    same_text,
    timestamp_fields,
)
from webapp.services.records.schema import FieldSpec, RecordStore, RecordType

if TYPE_CHECKING:
    from webapp.access import Actor

# The contact service's names for what the records API calls otherwise.
API_NAMES = {"owner_id": "owner", "emails": "contact_emails", "phones": "phone_numbers"}


def _has_email(value: str):
    return Contact.id.in_(select(ContactEmail.contact_id).where(ContactEmail.email == value))


FIELDS = (
    id_field(Contact),
    FieldSpec(
        "first_name",
        "text",
        read=lambda c: c.first_name,
        label="First name",
        required=True,
        nullable=False,
        max_length=120,
        where=same_text(Contact.first_name),
        order_by=Contact.first_name,
    ),
    FieldSpec(
        "last_name",
        "text",
        read=lambda c: c.last_name or None,
        label="Last name",
        max_length=120,
        where=same_text(Contact.last_name),
        order_by=Contact.last_name,
    ),
    FieldSpec("title", "text", read=lambda c: c.title, label="Job title", max_length=200),
    FieldSpec(
        "stage",
        "select",
        read=lambda c: c.stage,
        label="Stage",
        nullable=False,
        options=CONTACT_STAGES,
        order_by=Contact.stage,
    ),
    FieldSpec(
        "owner",
        "user",
        read=lambda c: id_string(c.owner_id),
        label="Owner",
        where=lambda value: Contact.owner_id == value,
    ),
    FieldSpec(
        "primary_email",
        "email",
        read=lambda c: c.primary_email,
        label="Primary email",
        unique=True,
        where=_has_email,
    ),
    FieldSpec(
        "contact_emails",
        "email",
        read=lambda c: [e.email for e in c.emails],
        label="Emails",
        unique=True,
        multiple=True,
        where=_has_email,
    ),
    FieldSpec(
        "phone_numbers",
        "phone",
        read=lambda c: [p.number for p in c.phones],
        label="Phone numbers",
        multiple=True,
    ),
    FieldSpec(
        "last_touch_on",
        "date",
        read=lambda c: iso(c.last_touch_on),
        label="Last touch",
        creatable=False,
        updatable=False,
    ),
    *timestamp_fields(Contact),
)


def contact_input(values: dict[str, Any], contact: Contact | None = None) -> ContactInput:
    """The whole contact the service writes: what it is now, with ``values`` laid over it."""
    current = ContactInput.of(contact) if contact is not None else ContactInput(first_name="")
    return ContactInput(
        first_name=values.get("first_name", current.first_name),
        last_name=values.get("last_name", current.last_name) or "",
        title=values.get("title", current.title),
        stage=values.get("stage", current.stage),
        owner_id=values.get("owner", current.owner_id),
        emails=reordered(current.emails, values, "contact_emails", "primary_email"),
        phones=values.get("phone_numbers", current.phones),
        company_links=current.company_links,
        linkedin_url=current.linkedin_url,
        tags=current.tags,
    )


def _create(actor: Actor, values: dict[str, Any]) -> Contact:
    with api_names(API_NAMES):
        owned = {"owner": actor.user_id} | values  # the caller, unless another is named
        return contacts.create_contact(actor, contact_input(owned), permission=access.CRM_WRITE)


def _update(actor: Actor, contact: Contact, values: dict[str, Any]) -> Contact:
    with api_names(API_NAMES):
        given = contact_input(values, contact)
        return contacts.update_contact(actor, contact.id, given, permission=access.CRM_WRITE)


def _load_options() -> tuple:
    return (selectinload(Contact.emails), selectinload(Contact.phones))


def _record_options() -> tuple:
    """One contact's emails and phones in its own query (docs/performance.md)."""
    return (joinedload(Contact.emails), joinedload(Contact.phones))


CONTACT = RecordType(
    api_name="contact",
    label="Contact",
    description="A person at a client or another company: the same contacts the pages show.",
    fields=FIELDS,
    store=RecordStore(
        model=Contact,
        load_options=_load_options,
        record_options=_record_options,
        create=_create,
        update=_update,
        archive=lambda actor, id_: contacts.archive_contact(actor, id_, access.CRM_WRITE),
        restore=lambda actor, id_: contacts.restore_contact(actor, id_, access.CRM_WRITE),
        archived_column=Contact.archived_at,
    ),
    assertable=True,
    relationship_support="typed_and_generic",
)
