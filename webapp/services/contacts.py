"""Contacts: create, edit, archive and restore, with their emails, phones and company links."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select

from webapp import access
from webapp.extensions import db
from webapp.models import (
    CONTACT_STAGES,
    Company,
    Contact,
    ContactCompanyLink,
    ContactEmail,
    ContactPhone,
    ContactTag,
    User,
)
from webapp.services import archiving
from webapp.services.audit import apply_changes, record_event
from webapp.services.errors import Conflict
from webapp.services.merging_common import refuse_merged
from webapp.services.uniqueness import ensure_free
from webapp.services.validation import (
    FieldErrors,
    clean_tags,
    clean_text,
    normalise_email,
    normalise_linkedin_url,
    normalise_phone,
)

if TYPE_CHECKING:
    from webapp.access import Actor


@dataclass(frozen=True)
class CompanyLinkInput:
    company_id: int
    role: str | None = None
    is_primary: bool = False


@dataclass
class ContactInput:
    """Everything a contact form or API body may set."""

    first_name: str
    last_name: str = ""
    title: str | None = None
    stage: str = "new"
    owner_id: int | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    company_links: list[CompanyLinkInput] = field(default_factory=list)
    linkedin_url: str | None = None
    tags: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, contact: Contact) -> ContactInput:
        """The contact as it is now, to change a few fields and write back whole."""
        return cls(
            first_name=contact.first_name,
            last_name=contact.last_name,
            title=contact.title,
            stage=contact.stage,
            owner_id=contact.owner_id,
            emails=[e.email for e in contact.emails],
            phones=[p.number for p in contact.phones],
            company_links=[
                CompanyLinkInput(link.company_id, link.role, link.is_primary)
                for link in contact.company_links
            ],
            linkedin_url=contact.linkedin_url,
            tags=contact.tag_names,
        )


@dataclass
class CleanContact:
    """A contact's values as the service writes them."""

    scalars: dict
    emails: list[str]
    phones: list[str]
    links: list[CompanyLinkInput]
    tags: list[str]


def _clean_scalars(given: ContactInput, errors: FieldErrors, known_owner_id: int | None) -> dict:
    scalars: dict = {"stage": given.stage, "owner_id": given.owner_id}
    for name, limit in (("first_name", 120), ("last_name", 120), ("title", 200)):
        try:
            scalars[name] = clean_text(getattr(given, name), max_length=limit)
        except ValueError as exc:
            errors.add(name, str(exc))
    if not scalars.get("first_name") and "first_name" not in errors.fields:
        errors.add("first_name", "Give the contact's first name.")
    scalars["last_name"] = scalars.get("last_name") or ""
    scalars["linkedin_url"] = None
    if given.linkedin_url and given.linkedin_url.strip():
        try:
            scalars["linkedin_url"] = normalise_linkedin_url(given.linkedin_url)
        except ValueError as exc:
            errors.add("linkedin_url", str(exc))
    if given.stage not in CONTACT_STAGES:
        errors.add("stage", f"Choose one of: {', '.join(CONTACT_STAGES)}.")
    owner_id = given.owner_id
    if owner_id not in (None, known_owner_id) and db.session.get(User, owner_id) is None:
        errors.add("owner_id", "Choose an existing user as owner.")
    return scalars


def _clean_list(raw: list[str], normalise, field_name: str, errors: FieldErrors) -> list[str]:
    cleaned: list[str] = []
    for value in raw:
        if not value.strip():
            continue
        try:
            normalised = normalise(value)
        except ValueError as exc:
            errors.add(field_name, str(exc))
            continue
        if normalised not in cleaned:
            cleaned.append(normalised)
    return cleaned


def existing_companies(ids: set[int]) -> set[int]:
    """Of ``ids``, the companies that exist."""
    return set(db.session.scalars(select(Company.id).where(Company.id.in_(ids)))) if ids else set()


def _clean_links(
    links: list[CompanyLinkInput], errors: FieldErrors, known: set[int]
) -> list[CompanyLinkInput]:
    ids = [link.company_id for link in links]
    if len(set(ids)) != len(ids):
        errors.add("company_links", "Link each company once.")
    others = set(ids) - known
    if others and existing_companies(others) != others:
        errors.add("company_links", "Choose existing companies.")
    if sum(link.is_primary for link in links) > 1:
        errors.add("company_links", "Only one company can be the primary one.")
    cleaned = []
    for link in links:
        try:
            cleaned.append(
                CompanyLinkInput(
                    link.company_id, clean_text(link.role, max_length=120), link.is_primary
                )
            )
        except ValueError as exc:
            errors.add("company_links", str(exc))
    if cleaned and not any(link.is_primary for link in cleaned):
        cleaned[0] = CompanyLinkInput(cleaned[0].company_id, cleaned[0].role, True)
    return cleaned


def _clean_tag_list(raw: list[str], errors: FieldErrors) -> list[str]:
    try:
        return clean_tags(raw)
    except ValueError as exc:
        errors.add("tags", str(exc))
        return []


def clean_contact(
    given: ContactInput,
    known_companies: set[int] | frozenset[int] = frozenset(),
    known_owner_id: int | None = None,
) -> CleanContact:
    """``given`` checked field by field (every problem at once) and normalised; uniqueness
    against other contacts is the caller's next step. ``known_companies`` and
    ``known_owner_id`` are known to exist (looked up by the caller for many contacts at once, or
    the contact's own): only other companies and owners are looked up."""
    errors = FieldErrors()
    clean = CleanContact(
        scalars=_clean_scalars(given, errors, known_owner_id),
        emails=_clean_list(given.emails, normalise_email, "emails", errors),
        phones=_clean_list(given.phones, normalise_phone, "phones", errors),
        links=_clean_links(given.company_links, errors, set(known_companies)),
        tags=_clean_tag_list(given.tags, errors),
    )
    errors.raise_if_any()
    return clean


def _validate(given: ContactInput, contact: Contact | None) -> CleanContact:
    """``given`` checked for a new contact, or to replace ``contact``. What ``contact`` holds
    already is known good (foreign keys and unique constraints keep it so): only a new owner,
    new companies and new emails are looked up (docs/performance.md)."""
    if contact is None:
        clean = clean_contact(given)
        check_unique(clean)
        return clean
    companies = {link.company_id for link in contact.company_links}
    clean = clean_contact(given, companies, contact.owner_id)
    check_unique(clean, contact.id, held={email.email for email in contact.emails})
    return clean


def check_unique(
    clean: CleanContact,
    contact_id: int | None = None,
    held: set[str] | frozenset[str] = frozenset(),
) -> None:
    """Raise ``Conflict`` if another contact holds one of ``clean``'s emails or its LinkedIn;
    emails in ``held`` are contact ``contact_id``'s own already."""
    _check_emails_free([email for email in clean.emails if email not in held], contact_id)
    _check_linkedin_free(clean.scalars["linkedin_url"], contact_id)


def _check_linkedin_free(url: str | None, contact_id: int | None) -> None:
    if url is None:
        return
    holder = db.session.scalar(select(Contact.id).where(Contact.linkedin_url == url))
    if holder is not None and holder != contact_id:
        raise Conflict(
            f"{url} already belongs to another contact.",
            details={"field": "linkedin_url", "linkedin_url": [url], "contact_id": holder},
        )


def _check_emails_free(emails: list[str], contact_id: int | None) -> None:
    ensure_free(
        ContactEmail.email,
        ContactEmail.contact_id,
        emails,
        contact_id,
        field="emails",
        owner_noun="contact",
        holder_key="contact_id",  # the form links to that contact, the API names it
    )


def _replace(contact: Contact, collection: str, items: list, had_any: bool) -> None:
    """Put ``items`` in the contact's ``collection``. The removals are flushed first, so a kept
    value (a re-ordered email, a re-added tag) does not clash with itself; a new contact has
    nothing to remove, and its rows go in with it at the next flush."""
    if had_any:
        setattr(contact, collection, [])
        db.session.flush()
    setattr(contact, collection, items)


def children_of(clean: CleanContact) -> dict[str, list]:
    """The emails, phones, company links and tags ``clean`` asks for, as the audit shows them."""
    return {
        "emails": clean.emails,
        "phones": clean.phones,
        "company_links": _links_summary(clean.links),
        "tags": clean.tags,
    }


def creation_changes(clean: CleanContact) -> dict[str, dict]:
    """The audit changes of creating the contact ``clean`` describes."""
    scalars = {k: {"before": None, "after": v} for k, v in clean.scalars.items()}
    children = {k: {"before": [], "after": v} for k, v in children_of(clean).items() if v}
    return scalars | children


def children_now(contact: Contact) -> dict[str, list]:
    """The contact's emails, phones, company links and tags, as the audit shows them."""
    return {
        "emails": [e.email for e in contact.emails],
        "phones": [p.number for p in contact.phones],
        "company_links": _links_summary(contact.company_links),
        "tags": contact.tag_names,
    }


def _write_children(contact: Contact, clean: CleanContact) -> dict:
    """Replace emails, phones, links and tags; return the audit changes among them."""
    before = children_now(contact)
    after = children_of(clean)
    links_after = after["company_links"]
    made = {
        "emails": lambda: [ContactEmail(email=e, position=i) for i, e in enumerate(clean.emails)],
        "phones": lambda: [ContactPhone(number=p, position=i) for i, p in enumerate(clean.phones)],
        "company_links": lambda: [ContactCompanyLink(**link) for link in links_after],
        "tags": lambda: [ContactTag(name=name) for name in clean.tags],
    }
    changed = [name for name in before if before[name] != after[name]]
    for name in changed:
        _replace(contact, name, made[name](), bool(before[name]) and name != "phones")
    return {k: {"before": before[k], "after": after[k]} for k in changed}


def _links_summary(links: list[ContactCompanyLink] | list[CompanyLinkInput]) -> list[dict]:
    return [
        {"company_id": link.company_id, "role": link.role, "is_primary": link.is_primary}
        for link in links
    ]


def create_contact(
    actor: Actor, given: ContactInput, permission: str = access.RELATIONSHIPS_UPDATE
) -> Contact:
    """Create a contact; emails must not belong to another contact.

    ``permission`` is the one the caller's channel needs: the pages' ``relationships:update``,
    or the records API's ``crm:write``.
    """
    access.require(actor, permission)
    clean = _validate(given, None)
    contact = Contact(**clean.scalars)
    db.session.add(contact)
    _write_children(contact, clean)
    db.session.flush()
    record_event(actor, "create", "contact", contact.id, creation_changes(clean))
    return contact


def update_contact(
    actor: Actor,
    contact_id: int,
    given: ContactInput,
    permission: str = access.RELATIONSHIPS_UPDATE,
) -> Contact:
    """Replace a contact's fields, emails, phones and company links with ``given``."""
    contact = access.get_or_404(actor, Contact, contact_id, permission)
    clean = _validate(given, contact)
    changes = apply_changes(contact, clean.scalars) | _write_children(contact, clean)
    db.session.flush()
    if changes:
        record_event(actor, "update", "contact", contact.id, changes)
    return contact


def archive_contact(
    actor: Actor, contact_id: int, permission: str = access.RELATIONSHIPS_UPDATE
) -> Contact:
    """Archive a contact: hidden from lists, kept with its history. Archiving twice is harmless."""
    contact = access.get_or_404(actor, Contact, contact_id, permission)
    archiving.archive(actor, contact, "contact")
    return contact


def restore_contact(
    actor: Actor, contact_id: int, permission: str = access.RELATIONSHIPS_UPDATE
) -> Contact:
    """Bring an archived contact back into the lists; one merged into another stays merged."""
    contact = access.get_or_404(actor, Contact, contact_id, permission)
    refuse_merged(Contact, contact, "contact")
    archiving.restore(actor, contact, "contact")
    return contact
