"""A contact's connections in the records API: the people it has a contact relationship with,
either way round. The typed, reversible links themselves are written through
``/api/v2/contact-relationships``, so here they are read-only."""

from __future__ import annotations

from sqlalchemy import select, union

from webapp.extensions import db
from webapp.models import Contact, ContactRelationship
from webapp.services.records.schema import LinkStore


def _connected_ids(contact_id: int):
    return union(
        select(ContactRelationship.of_contact_id).where(
            ContactRelationship.contact_is_id == contact_id
        ),
        select(ContactRelationship.contact_is_id).where(
            ContactRelationship.of_contact_id == contact_id
        ),
    )


def connections_store(load_options) -> LinkStore:
    def links(contact_id: int):
        stmt = select(Contact).where(Contact.id.in_(_connected_ids(contact_id)))
        return stmt.options(*load_options()).order_by(Contact.id)

    def find(contact_id: int, other_id: int):
        return db.session.scalar(links(contact_id).where(Contact.id == other_id))

    return LinkStore(
        links=links,
        target_of=lambda contact: contact,
        edge_json=lambda contact: None,
        find=find,
        target_archived_column=Contact.archived_at,
    )
