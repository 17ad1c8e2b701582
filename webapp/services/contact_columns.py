"""A contact's first email, phone and company as SQL columns, for pages that read plain rows.

Lists of contacts read what they show as columns rather than ORM objects with their collections
(docs/performance.md, "Plain rows for what a page lists"). These are the rules of
``Contact.primary_email``, ``primary_phone`` and ``primary_company`` written in SQL, each a
correlated subquery over ``Contact`` that one index answers. Each is built once and reused: an
expression is the same in every statement, and building it took longer than PostgreSQL took to
answer it for a page (docs/performance.md, "Expressions built once").
"""

from __future__ import annotations

import functools

from sqlalchemy import select

from webapp.models import (
    Company,
    Contact,
    ContactCompanyLink,
    ContactEmail,
    ContactPhone,
    primary_link_first,
)


def name_and_title(contact=Contact) -> tuple:
    """The columns that name a contact in a row: id, first and last name, title (of ``contact``,
    ``Contact`` or an alias of it)."""
    return (contact.id, contact.first_name, contact.last_name, contact.title)


@functools.cache
def first_email():
    """SQL: the contact's first email (``Contact.primary_email``), NULL without one."""
    return _first(ContactEmail.email, ContactEmail.contact_id, ContactEmail.position)


@functools.cache
def first_phone():
    """SQL: the contact's first phone number (``Contact.primary_phone``), NULL without one."""
    return _first(ContactPhone.number, ContactPhone.contact_id, ContactPhone.position)


def first_company_name(contact=Contact):
    """SQL: the name of the contact's first company, the primary one first
    (``Contact.primary_company``), NULL without one; ``contact`` may be an alias of ``Contact``
    (built afresh for an alias: an export makes one per chunk)."""
    return _first_company_name_of_contact() if contact is Contact else _first_company(contact)


@functools.cache
def _first_company_name_of_contact():
    return _first_company(Contact)


def _first_company(contact):
    stmt = (
        select(Company.name)
        .join(ContactCompanyLink, ContactCompanyLink.company_id == Company.id)
        .where(ContactCompanyLink.contact_id == contact.id)
        .order_by(*primary_link_first())
    )
    return stmt.correlate(contact).limit(1).scalar_subquery()


def _first(column, owner, position):
    stmt = select(column).where(owner == Contact.id).order_by(position)
    return stmt.correlate(Contact).limit(1).scalar_subquery()
