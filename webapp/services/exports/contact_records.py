"""The contacts an export writes, read a chunk at a time as plain records, not ORM objects.

The Contacts list's own query (``contact_search.contacts_query``) picks the contacts, so an
export follows every filter the page has; a chunk is the next ``CHUNK_SIZE`` of them by id
(keyset pagination). Each chunk costs four queries whatever its size: the contacts with their
owner, profile and primary company, then their emails, phones and tags. Plain rows, because
building ORM objects for 100,000 contacts took most of an export's time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from webapp.extensions import db
from webapp.models import (
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    RelationshipProfile,
    User,
    full_name_of,
)
from webapp.services.bulk import one_of_ids
from webapp.services.contact_columns import first_company_name, name_and_title
from webapp.services.contact_search import contacts_query
from webapp.services.exports import chunks

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import date

    from sqlalchemy import Row, Select
    from sqlalchemy.orm import InstrumentedAttribute

    from webapp.services.contact_search import ContactFilters


@dataclass(frozen=True, slots=True)
class ExportedContact:
    """One contact as the export files hold it."""

    first_name: str
    last_name: str
    title: str | None
    stage: str
    linkedin_url: str | None
    owner_email: str | None
    company: str | None  # the primary company's name
    notes: str | None  # the relationship profile's personal notes
    birthday_month: int | None
    birthday_day: int | None
    birthday_year: int | None
    emails: list[str]
    phones: list[str]
    tags: list[str]

    @property
    def full_name(self) -> str:
        return full_name_of(self.first_name, self.last_name)


def _next_rows(filters: ContactFilters, today: date, after: int, size: int) -> list[Row]:
    """The next ``size`` contacts for ``filters`` with an id above ``after``, by id.

    The columns are read from the chunk itself: joined back to ``contacts``, PostgreSQL read
    the whole table for each chunk of a thousand (bench/README.md, eighth slice).
    """
    chunk = (
        contacts_query(filters, today)
        .where(Contact.id > after)
        .order_by(None)
        .order_by(Contact.id)
        .limit(size)
        .subquery()
    )
    contact, profile = aliased(Contact, chunk), RelationshipProfile
    stmt = (
        select(
            *name_and_title(contact),
            contact.stage,
            contact.linkedin_url,
            User.email.label("owner_email"),
            first_company_name(contact).label("company"),
            profile.personal_notes.label("notes"),
            profile.birthday_month,
            profile.birthday_day,
            profile.birthday_year,
        )
        .select_from(contact)
        .outerjoin(User, User.id == contact.owner_id)
        .outerjoin(profile, profile.contact_id == contact.id)
        .order_by(contact.id)
    )
    return list(db.session.execute(stmt))


def _values_of(
    contact_id: InstrumentedAttribute, value: InstrumentedAttribute, order: tuple, ids: list[int]
) -> dict[int, list[str]]:
    """``value`` for each of the contacts ``ids``, in ``order``: one query."""
    stmt = select(contact_id, value).where(one_of_ids(contact_id, ids)).order_by(contact_id, *order)
    found: dict[int, list[str]] = defaultdict(list)
    for owner_id, each in db.session.execute(stmt):
        found[owner_id].append(each)
    return found


def _records(rows: list[Row]) -> list[ExportedContact]:
    """The rows as records, each contact once (the keep-in-touch join repeats a contact with two
    primary companies; rows come by id, so repeats are neighbours)."""
    ids = sorted({row.id for row in rows})
    # The orders of the Contact model's own collections (the first email and phone are primary).
    email, phone, tag = ContactEmail, ContactPhone, ContactTag
    emails = _values_of(email.contact_id, email.email, (email.position, email.id), ids)
    phones = _values_of(phone.contact_id, phone.number, (phone.position, phone.id), ids)
    tags = _values_of(tag.contact_id, tag.name, (tag.name,), ids)
    records, last_id = [], None
    for contact_id, *columns in rows:
        if contact_id == last_id:
            continue
        last_id = contact_id
        # The columns after the id are ExportedContact's first fields, in order: built from
        # the row as it is (``Row._asdict`` for each of 100,000 contacts was a tenth of an export).
        lists = (emails[contact_id], phones[contact_id], tags[contact_id])
        records.append(ExportedContact(*columns, *lists))
    return records


def contact_chunks(filters: ContactFilters, today: date) -> Iterator[list[ExportedContact]]:
    """The contacts the list shows for ``filters``, by id, ``CHUNK_SIZE`` at a time."""
    after, size = 0, chunks.CHUNK_SIZE
    while True:
        rows = _next_rows(filters, today, after, size)
        if rows:
            yield _records(rows)
        if len(rows) < size:
            return
        after = rows[-1].id


def _most_per_contact(contact_id: InstrumentedAttribute, ids: Select):
    per_contact = (
        select(func.count().label("n")).where(contact_id.in_(ids)).group_by(contact_id).subquery()
    )
    return func.coalesce(select(func.max(per_contact.c.n)).scalar_subquery(), 0)


def most_emails_and_phones(filters: ContactFilters, today: date) -> tuple[int, int]:
    """The most emails, and the most phone numbers, any contact for ``filters`` has: one query."""
    matching = contacts_query(filters, today).order_by(None).subquery()
    ids = select(matching.c.id)
    stmt = select(
        _most_per_contact(ContactEmail.contact_id, ids),
        _most_per_contact(ContactPhone.contact_id, ids),
    )
    emails, phones = db.session.execute(stmt).one()
    return int(emails), int(phones)
