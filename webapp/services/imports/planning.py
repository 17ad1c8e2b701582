"""What each row of an import would do: create, update, leave unchanged, or why it cannot.

The preview and the run share this plan, so what the preview promised is what the run does
(against the database as it is when the run reaches the row).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import Contact, RelationshipProfile
from webapp.services.contacts import CompanyLinkInput, ContactInput
from webapp.services.imports.cleaning import CleanRow, clean_row
from webapp.services.imports.mapping import apply_mapping
from webapp.services.imports.matching import Matcher, work_domain
from webapp.services.imports.reading import SourceRecord

# The contact's fields an import writes (undo puts them back).
CONTACT_FIELDS = ("first_name", "last_name", "title", "emails", "phones", "linkedin_url", "tags")


@dataclass(frozen=True)
class CompanyChoice:
    """The row's company: an existing one, or one to create (named, with its domain if known)."""

    company_id: int | None = None
    new_name: str | None = None
    new_domain: str | None = None


@dataclass
class RowPlan:
    number: int
    outcome: str  # create, update, unchanged, duplicate_in_file, error
    source: dict[str, str]
    row: CleanRow | None = None
    contact_id: int | None = None
    contact: ContactInput | None = None
    profile: dict[str, str] = field(default_factory=dict)
    company: CompanyChoice | None = None
    changes: dict[str, dict] = field(default_factory=dict)
    field: str | None = None
    message: str | None = None


@dataclass
class FilePlan:
    """The rows seen so far: which keys (emails, LinkedIn, phones) the file already gave."""

    mapping: dict[str, str]
    overwrite: bool
    owner_id: int
    seen: dict[str, int] = field(default_factory=dict)


def _error(record: SourceRecord, field_name: str | None, message: str) -> RowPlan:
    return RowPlan(record.number, "error", record.values, field=field_name, message=message)


def read_row(record: SourceRecord, plan: FilePlan) -> RowPlan:
    """The row cleaned, or an error, or a duplicate of an earlier row of the file."""
    if record.problem:
        return _error(record, None, record.problem)
    row = clean_row(apply_mapping(record, plan.mapping))
    if row.problems:
        field_name, message = row.problems[0]
        return _error(record, field_name, message)
    earlier = sorted({plan.seen[key] for key in row.keys if key in plan.seen})
    if earlier:
        message = f"The same person as row {earlier[0]} of this file."
        return RowPlan(record.number, "duplicate_in_file", record.values, row, message=message)
    for key in row.keys:
        plan.seen[key] = record.number
    return RowPlan(record.number, "create", record.values, row)


def _company(row: CleanRow, matcher: Matcher) -> CompanyChoice | None:
    existing = matcher.company_for(row)
    if existing is not None:
        return CompanyChoice(company_id=existing)
    if not row.company:
        return None
    domains = [d for e in row.emails if (d := work_domain(e))]
    free = next((d for d in domains if d not in matcher.taken_domains), None)
    return CompanyChoice(new_name=row.company, new_domain=free)


def _new_contact(row_plan: RowPlan, plan: FilePlan) -> None:
    row = row_plan.row
    row_plan.contact = ContactInput(
        first_name=row.first_name,
        last_name=row.last_name,
        title=row.title or None,
        owner_id=plan.owner_id,
        emails=row.emails,
        phones=row.phones,
        linkedin_url=row.linkedin_url,
        tags=row.tags,
    )
    row_plan.profile = _profile_values(row, None, overwrite=True)


def _profile_values(
    row: CleanRow, profile: RelationshipProfile | None, *, overwrite: bool
) -> dict[str, str]:
    """The birthday and notes to set: only where the profile has none, unless overwriting."""
    values: dict[str, str] = {}
    has_birthday = profile is not None and profile.birthday_month is not None
    if row.birthday and (overwrite or not has_birthday):
        current = profile and (profile.birthday_month, profile.birthday_day, profile.birthday_year)
        if current != row.birthday:
            values["birthday"] = row.birthday_text
    notes = profile.personal_notes if profile else None
    if row.notes and (overwrite or not notes) and notes != row.notes:
        values["personal_notes"] = row.notes
    return values


def _merged_input(contact: Contact, row: CleanRow, overwrite: bool) -> ContactInput:
    """The contact with the row laid over it: new emails, phones and tags added; names, title
    and LinkedIn filled where empty (or replaced, when overwriting)."""
    current = ContactInput.of(contact)

    def take(now, given):
        return given if given and (overwrite or not now) else now

    return replace(
        current,
        first_name=take(current.first_name, row.first_name) if overwrite else current.first_name,
        last_name=take(current.last_name, row.last_name),
        title=take(current.title, row.title),
        emails=current.emails + [e for e in row.emails if e not in current.emails],
        phones=current.phones + [p for p in row.phones if p not in current.phones],
        linkedin_url=take(current.linkedin_url, row.linkedin_url),
        tags=current.tags
        + [t for t in row.tags if t.casefold() not in {c.casefold() for c in current.tags}],
    )


def with_company(given: ContactInput, company: CompanyChoice | None) -> ContactInput:
    """``given`` linked to the row's existing company too (primary when it has no other)."""
    if company is None or company.company_id is None:
        return given
    if any(link.company_id == company.company_id for link in given.company_links):
        return given
    primary = not given.company_links
    links = [*given.company_links, CompanyLinkInput(company.company_id, None, primary)]
    return replace(given, company_links=links)


def contact_diff(before: ContactInput, after: ContactInput) -> dict[str, dict]:
    """{field: {"before", "after"}} of what writing ``after`` over ``before`` changes; the
    company links as their ids (an import only ever adds one)."""
    changes = {
        name: {"before": getattr(before, name), "after": getattr(after, name)}
        for name in CONTACT_FIELDS
        if getattr(before, name) != getattr(after, name)
    }
    before_ids = [link.company_id for link in before.company_links]
    after_ids = [link.company_id for link in after.company_links]
    if before_ids != after_ids:
        changes["company_ids"] = {"before": before_ids, "after": after_ids}
    return changes


def _update(row_plan: RowPlan, contact: Contact, profile, plan: FilePlan) -> None:
    row = row_plan.row
    before = ContactInput.of(contact)
    after = with_company(_merged_input(contact, row, plan.overwrite), row_plan.company)
    row_plan.contact_id = contact.id
    row_plan.contact = after
    row_plan.profile = _profile_values(row, profile, overwrite=plan.overwrite)
    row_plan.changes = contact_diff(before, after)
    if contact.is_archived:  # someone the firm had put away is in the book again
        row_plan.changes["archived"] = {"before": True, "after": False}
    needs_company = row_plan.company is not None and row_plan.company.company_id is None
    changed = row_plan.changes or row_plan.profile or needs_company
    row_plan.outcome = "update" if changed else "unchanged"


def _load_contacts(ids: set[int]) -> tuple[dict[int, Contact], dict[int, RelationshipProfile]]:
    if not ids:
        return {}, {}
    contacts = db.session.scalars(
        select(Contact)
        .where(Contact.id.in_(ids))
        .options(
            selectinload(Contact.emails),
            selectinload(Contact.phones),
            selectinload(Contact.company_links),
            selectinload(Contact.tags),
        )
    )
    profiles = db.session.scalars(
        select(RelationshipProfile).where(RelationshipProfile.contact_id.in_(ids))
    )
    return {c.id: c for c in contacts}, {p.contact_id: p for p in profiles}


def plan_batch(records: list[SourceRecord], plan: FilePlan) -> list[RowPlan]:
    """Plan a batch of rows in file order, a fixed number of queries for the whole batch."""
    planned = [read_row(record, plan) for record in records]
    readable = [p for p in planned if p.outcome == "create"]
    matcher = Matcher.load([p.row for p in readable])
    matches: dict[int, int] = {}
    for row_plan in readable:
        row_plan.company = _company(row_plan.row, matcher)
        contact_id, problem = matcher.contact_for(row_plan.row)
        if problem:
            row_plan.outcome, row_plan.field, row_plan.message = "error", "email", problem
        elif contact_id is not None:
            matches[row_plan.number] = contact_id
    contacts, profiles = _load_contacts(set(matches.values()))
    for row_plan in readable:
        if row_plan.number in matches:
            contact_id = matches[row_plan.number]
            _update(row_plan, contacts[contact_id], profiles.get(contact_id), plan)
        elif row_plan.outcome == "create":
            _new_contact(row_plan, plan)
    return planned
