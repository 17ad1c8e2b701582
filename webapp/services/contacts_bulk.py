"""Creating many contacts at once (an import's batch): the checks, rows and audit events of
``contacts.create_contact``, in a fixed number of statements for the whole set.

``check_new`` reads every input by the same rules as ``create_contact`` and refuses, by the
same ``Conflict``, an email or LinkedIn address that another contact holds or that an earlier
input of the set takes; ``insert_new`` writes the accepted ones. The unique constraints stay the
last word: a contact created meanwhile by someone else makes the insert raise ``IntegrityError``,
and the caller writes the set one by one instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from webapp import access
from webapp.extensions import db
from webapp.models import Contact, ContactCompanyLink, ContactEmail, ContactPhone, ContactTag
from webapp.services.audit import apply_changes, event_values, record_events
from webapp.services.bulk import insert_returning_ids
from webapp.services.contacts import (
    CleanContact,
    ContactInput,
    check_unique,
    children_now,
    children_of,
    clean_contact,
    creation_changes,
    existing_companies,
)
from webapp.services.errors import Conflict, DomainError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from webapp.access import Actor

CHUNK = 500  # values per IN (...), well inside every database's limit


def _holders(column, holder, values: Iterable[str]) -> dict[str, int]:
    ordered = sorted(set(values))
    found: dict[str, int] = {}
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        found.update(db.session.execute(select(column, holder).where(column.in_(chunk))).all())
    return found


def _keys(clean: CleanContact) -> set[str]:
    url = clean.scalars["linkedin_url"]
    return set(clean.emails) | ({url} if url else set())


def _refuse_taken(checked: list[CleanContact | DomainError], owners: list[int | None]) -> None:
    """Put the ``Conflict`` saying so in place of each input whose email or LinkedIn another
    contact holds, or an earlier input of the set takes. ``owners``: each input's own contact."""
    accepted = [c for c in checked if isinstance(c, CleanContact)]
    emails = (e for c in accepted for e in c.emails)
    held = _holders(ContactEmail.email, ContactEmail.contact_id, emails)
    urls = (u for c in accepted if (u := c.scalars["linkedin_url"]))
    held |= _holders(Contact.linkedin_url, Contact.id, urls)
    claimed: set[str] = set()
    for index, (clean, owner) in enumerate(zip(checked, owners, strict=True)):
        if not isinstance(clean, CleanContact):
            continue
        keys = _keys(clean)
        try:
            if any(held.get(key, owner) != owner for key in keys):
                check_unique(clean, owner)  # raises the one-by-one service's own error
            if keys & claimed:
                _refuse_claimed(clean, claimed)
        except Conflict as conflict:
            checked[index] = conflict
            continue
        claimed |= keys


def _refuse_claimed(clean: CleanContact, claimed: set[str]) -> None:
    emails = [e for e in clean.emails if e in claimed]
    url = clean.scalars["linkedin_url"]
    field, values = ("emails", emails) if emails else ("linkedin_url", [url])
    raise Conflict(
        f"{', '.join(values)} already belongs to another contact.",
        details={"field": field, field: values},
    )


def _cleaned(givens: list[ContactInput]) -> list[CleanContact | DomainError]:
    known = existing_companies(
        {link.company_id for given in givens for link in given.company_links}
    )
    checked: list[CleanContact | DomainError] = []
    for given in givens:
        try:
            checked.append(clean_contact(given, known))
        except DomainError as error:
            checked.append(error)
    return checked


def check_new(inputs: list[ContactInput]) -> list[CleanContact | DomainError]:
    """Each input read as ``create_contact`` reads it: the clean contact, or why not."""
    checked = _cleaned(inputs)
    _refuse_taken(checked, [None] * len(inputs))
    return checked


def check_changes(
    contacts: list[Contact], givens: list[ContactInput]
) -> list[CleanContact | DomainError]:
    """Each contact's new values read as ``update_contact`` reads them: clean, or why not."""
    checked = _cleaned(givens)
    _refuse_taken(checked, [contact.id for contact in contacts])
    return checked


def _children(ids: list[int], accepted: list[CleanContact]) -> dict:
    pairs = list(zip(ids, accepted, strict=True))
    return {
        ContactEmail: [
            {"contact_id": i, "email": e, "position": n}
            for i, c in pairs
            for n, e in enumerate(c.emails)
        ],
        ContactPhone: [
            {"contact_id": i, "number": p, "position": n}
            for i, c in pairs
            for n, p in enumerate(c.phones)
        ],
        ContactCompanyLink: [
            {
                "contact_id": i,
                "company_id": k.company_id,
                "role": k.role,
                "is_primary": k.is_primary,
            }
            for i, c in pairs
            for k in c.links
        ],
        ContactTag: [{"contact_id": i, "name": t} for i, c in pairs for t in c.tags],
    }


def insert_new(
    actor: Actor, accepted: list[CleanContact], permission: str = access.RELATIONSHIPS_UPDATE
) -> list[int]:
    """Create the contacts ``check_new`` accepted, with their emails, phones, company links,
    tags and one audit event each; their ids, in the same order."""
    access.require(actor, permission)
    if not accepted:
        return []
    ids = insert_returning_ids(Contact.__table__, [clean.scalars for clean in accepted])
    for model, child_rows in _children(ids, accepted).items():
        if child_rows:
            db.session.execute(insert(model.__table__), child_rows)
    record_events(
        [
            event_values(actor, "create", "contact", contact_id, creation_changes(clean))
            for contact_id, clean in zip(ids, accepted, strict=True)
        ]
    )
    return ids


def add_to_existing(
    actor: Actor,
    pairs: list[tuple[Contact, CleanContact]],
    permission: str = access.RELATIONSHIPS_UPDATE,
) -> list[dict]:
    """Write each clean value set over its contact as ``update_contact`` does, where the new
    emails, phones, company links and tags only add to the contact's (as an import's do): one
    flush for the set and one audit event per contact that changed. Each contact's changes."""
    access.require(actor, permission)
    found = []
    for contact, clean in pairs:
        before = children_now(contact)
        changes = apply_changes(contact, clean.scalars)
        after = children_of(clean)
        for name in [n for n in before if before[n] != after[n]]:
            _ADD[name](contact, clean)
            changes[name] = {"before": before[name], "after": after[name]}
        found.append(changes)
    db.session.flush()
    record_events(
        [
            event_values(actor, "update", "contact", contact.id, changes)
            for (contact, _clean), changes in zip(pairs, found, strict=True)
            if changes
        ]
    )
    return found


def _add_emails(contact: Contact, clean: CleanContact) -> None:
    have = {e.email for e in contact.emails}
    for position, email in enumerate(clean.emails):
        if email not in have:
            contact.emails.append(ContactEmail(email=email, position=position))


def _add_phones(contact: Contact, clean: CleanContact) -> None:
    contact.phones = [ContactPhone(number=n, position=i) for i, n in enumerate(clean.phones)]


def _add_links(contact: Contact, clean: CleanContact) -> None:
    have = {link.company_id: link for link in contact.company_links}
    for wanted in clean.links:
        link = have.get(wanted.company_id)
        if link is None:
            contact.company_links.append(
                ContactCompanyLink(
                    company_id=wanted.company_id, role=wanted.role, is_primary=wanted.is_primary
                )
            )
        else:
            link.role, link.is_primary = wanted.role, wanted.is_primary


def _add_tags(contact: Contact, clean: CleanContact) -> None:
    have = {tag.name for tag in contact.tags}
    contact.tags.extend(ContactTag(name=name) for name in clean.tags if name not in have)


_ADD = {
    "emails": _add_emails,
    "phones": _add_phones,
    "company_links": _add_links,
    "tags": _add_tags,
}
