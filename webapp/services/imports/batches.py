"""Writing a batch of planned rows at once, through the services' set-based halves.

A batch's new people, and changes to people the firm has, are written by ``companies_bulk``,
``contacts_bulk`` and ``profiles_bulk``: the same checks, rows and audit events as the one-by-one
services, in a fixed number of statements for the batch. A row those checks refuse is recorded as
an error and written nowhere. The rows the set-based services do not take (restoring an archived
contact, moving an existing birthday) go one by one (``writing.write_row``). If someone else takes
one of the batch's emails or domains between the plan and the write, the database's unique keys
refuse the set: it is rolled back and its rows are written one by one instead, each deciding for
itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import Contact, ImportRow, RelationshipProfile
from webapp.services import companies, companies_bulk, contacts, contacts_bulk, profiles_bulk
from webapp.services.contacts import CleanContact
from webapp.services.errors import DomainError
from webapp.services.imports.planning import CompanyChoice, RowPlan, contact_diff, with_company
from webapp.services.imports.writing import (
    WRITE,
    RunContext,
    profile_text,
    refuse,
    row_record,
    write_row,
)


def write_batch(ctx: RunContext, plans: list[RowPlan]) -> None:
    """Write a batch's planned rows: most at once, the rest one by one."""
    at_once = _for_writing_at_once(plans)
    saved = ctx.saved()
    try:
        with db.session.begin_nested():
            rows = _write_at_once(ctx, at_once)
    except IntegrityError:
        ctx.restore(saved)
        rows = [write_row(ctx, plan) for plan in at_once]
    db.session.add_all(rows)
    taken = {plan.number for plan in at_once}
    for plan in plans:
        if plan.number not in taken:
            write_row(ctx, plan)


def _for_writing_at_once(plans: list[RowPlan]) -> list[RowPlan]:
    """The rows the set-based services take: new people, and changes to people who are not
    archived (restoring is one by one) and whose birthday, if the row sets one, has no life
    event yet (moving one, and its actions, is one by one)."""
    updates = [plan for plan in plans if plan.outcome == "update"]
    dated = profiles_bulk.with_birthday_events(
        {plan.contact_id for plan in updates if "birthday" in plan.profile}
    )
    return [
        plan
        for plan in plans
        if plan.outcome == "create"
        or (
            plan.outcome == "update"
            and "archived" not in plan.changes
            and not ("birthday" in plan.profile and plan.contact_id in dated)
        )
    ]


@dataclass
class _Accepted:
    """A row the services' checks accepted, with what writing it needs."""

    plan: RowPlan
    row: ImportRow
    clean: CleanContact
    contact: Contact | None = None  # the person it changes; none for a new one
    profile: RelationshipProfile | None = None  # their profile, if they have one


def _checked(
    plans: list[RowPlan], people: dict[int, Contact], profiles: dict[int, RelationshipProfile]
) -> list[CleanContact | DomainError]:
    """Each row's contact and profile values, read by the services' rules; or why not."""
    givens = [with_company(plan.contact, plan.company) for plan in plans]
    new = [i for i, plan in enumerate(plans) if plan.outcome == "create"]
    changed = [i for i, plan in enumerate(plans) if plan.outcome != "create"]
    checked: list[CleanContact | DomainError] = [None] * len(plans)  # type: ignore[list-item]
    for index, clean in zip(new, contacts_bulk.check_new([givens[i] for i in new]), strict=True):
        checked[index] = clean
    people_changed = [people[plans[i].contact_id] for i in changed]
    found = contacts_bulk.check_changes(people_changed, [givens[i] for i in changed])
    for index, clean in zip(changed, found, strict=True):
        checked[index] = clean
    for index, plan in enumerate(plans):
        if plan.profile and isinstance(checked[index], CleanContact):
            try:
                profiles_bulk.read_new(plan.profile, profiles.get(plan.contact_id))
            except DomainError as error:
                checked[index] = error
    return checked


def _accept(ctx: RunContext, plans: list[RowPlan], rows: list[ImportRow]) -> list[_Accepted]:
    """The rows the checks accept, each with its company (created if new); the others refused."""
    people = {p.contact_id: db.session.get(Contact, p.contact_id) for p in plans if p.contact_id}
    profiles = profiles_bulk.existing_profiles({p.contact_id for p in plans if p.profile} - {None})
    checked = _checked(plans, people, profiles)
    fine = [plan for plan, clean in zip(plans, checked, strict=True) if not _refused(clean)]
    companies_of = _companies(ctx, fine)
    accepted = []
    for plan, row, clean in zip(plans, rows, checked, strict=True):
        company = companies_of.get(plan.number, clean)
        if _refused(company):
            refuse(row, plan, company)
            continue
        choice, row.created_company_id = company
        if choice is not None and all(k.company_id != choice.company_id for k in clean.links):
            link = contacts.CompanyLinkInput(choice.company_id, None, not clean.links)
            clean.links.append(link)
        contact = people.get(plan.contact_id)
        if contact is not None:
            given = with_company(plan.contact, choice)
            row.changes = contact_diff(contacts.ContactInput.of(contact), given)
        accepted.append(_Accepted(plan, row, clean, contact, profiles.get(plan.contact_id)))
    return accepted


def _refused(checked: object) -> bool:
    return isinstance(checked, DomainError)


_Company = tuple[CompanyChoice | None, int | None] | DomainError


def _companies(ctx: RunContext, plans: list[RowPlan]) -> dict[int, _Company]:
    """Each row's company, by row number: (its choice, with an id; the id of the company the
    row created, if it did), or why the company it names cannot be made. The batch's new
    companies are created at once; the first row naming one is the row that created it."""
    found: dict[int, _Company] = {}
    wanted: dict[str, companies.CompanyInput] = {}
    naming: dict[str, list[int]] = {}
    domains = set(ctx.claimed_domains)
    for plan in plans:
        choice = plan.company
        if choice is None or choice.company_id is not None:
            found[plan.number] = (choice, None)
            continue
        key = choice.new_name.casefold()
        if key in ctx.created_companies:
            found[plan.number] = (CompanyChoice(company_id=ctx.created_companies[key]), None)
            continue
        if key not in wanted:
            domain = choice.new_domain if choice.new_domain not in domains else None
            domains.add(domain)
            given = companies.CompanyInput(
                name=choice.new_name,
                owner_id=ctx.record.owner_id,
                domains=[domain] if domain else [],
            )
            wanted[key] = given
        naming.setdefault(key, []).append(plan.number)
    made = _create_companies(ctx, wanted)
    for key, numbers in naming.items():
        for position, number in enumerate(numbers):
            company_id = made[key]
            if _refused(company_id):
                found[number] = company_id
            else:
                found[number] = (
                    CompanyChoice(company_id=company_id),
                    None if position else company_id,
                )
    return found


def _create_companies(
    ctx: RunContext, wanted: dict[str, companies.CompanyInput]
) -> dict[str, int | DomainError]:
    """Create the companies (by lower-cased name); their ids, or why not."""
    keys = list(wanted)
    checked = companies_bulk.check_new([wanted[key] for key in keys])
    good = [(key, clean) for key, clean in zip(keys, checked, strict=True) if not _refused(clean)]
    ids = companies_bulk.insert_new(ctx.actor, [clean for _, clean in good], WRITE)
    for (key, clean), company_id in zip(good, ids, strict=True):
        ctx.created_companies[key] = company_id
        ctx.claimed_domains.update(clean.domains)
    return {
        key: ctx.created_companies.get(key, clean) for key, clean in zip(keys, checked, strict=True)
    }


def _write_at_once(ctx: RunContext, plans: list[RowPlan]) -> list[ImportRow]:
    """Write the rows set-based: new people, changed people, then their profiles."""
    rows = [row_record(ctx, plan) for plan in plans]
    accepted = _accept(ctx, plans, rows)
    new = [a for a in accepted if a.contact is None]
    ids = contacts_bulk.insert_new(ctx.actor, [a.clean for a in new], WRITE)
    for item, contact_id in zip(new, ids, strict=True):
        item.row.contact_id = contact_id
    changed = [a for a in accepted if a.contact is not None and a.row.changes]
    contacts_bulk.add_to_existing(ctx.actor, [(a.contact, a.clean) for a in changed], WRITE)
    profiles = []
    for item in accepted:
        for name, value in item.plan.profile.items():
            before = profile_text(item.profile, name)
            item.row.changes[f"profile.{name}"] = {"before": before, "after": value}
        if item.plan.profile:
            profiles.append(_profile_of(item))
    existing = {a.profile.contact_id: a.profile for a in accepted if a.profile is not None}
    profiles_bulk.write(ctx.actor, profiles, existing, WRITE)
    return rows


def _profile_of(item: _Accepted) -> profiles_bulk.NewProfile:
    clean = item.clean
    return profiles_bulk.NewProfile(
        contact_id=item.row.contact_id,
        first_name=clean.scalars["first_name"],
        last_name=clean.scalars["last_name"],
        owner_id=clean.scalars["owner_id"],
        company_id=next((k.company_id for k in clean.links if k.is_primary), None),
        phone_number=clean.phones[0] if clean.phones else None,
        columns=profiles_bulk.read_new(item.plan.profile, item.profile),
        preferred_name=item.profile.preferred_name if item.profile else None,
    )
