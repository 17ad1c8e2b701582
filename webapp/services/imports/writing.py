"""Writing one planned row through the contact, company and profile services, audited.

Each row is written inside its own savepoint: a row that fails is rolled back whole and
recorded as an error, and the rows around it are unaffected. Most rows of a batch are written
set-based instead (``batches.py``); this is the path for the rest, and for a batch the database
refused at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from webapp import access
from webapp.extensions import db
from webapp.models import Contact, ImportRow, RelationshipProfile
from webapp.services import archiving, companies, contacts, profiles
from webapp.services.calendar import format_calendar_day
from webapp.services.errors import DomainError
from webapp.services.imports.planning import CompanyChoice, RowPlan, contact_diff, with_company

if TYPE_CHECKING:
    from webapp.access import Actor
    from webapp.models import Import

WRITE = access.CRM_WRITE


@dataclass
class RunContext:
    """What one run of an import carries from row to row."""

    actor: Actor
    record: Import
    # Companies this run created, by lower-cased name: later rows join them.
    created_companies: dict[str, int] = field(default_factory=dict)
    # Domains this run gave a new company: a domain is one company's, so the next goes without.
    claimed_domains: set[str] = field(default_factory=set)

    def saved(self) -> tuple[dict[str, int], set[str]]:
        """What to put back if the companies written since are rolled back."""
        return dict(self.created_companies), set(self.claimed_domains)

    def restore(self, saved: tuple[dict[str, int], set[str]]) -> None:
        self.created_companies, self.claimed_domains = dict(saved[0]), set(saved[1])


def _company(
    ctx: RunContext, choice: CompanyChoice | None
) -> tuple[CompanyChoice | None, int | None]:
    """The row's company as an existing id; created if new. Returns (choice, id it created)."""
    if choice is None or choice.company_id is not None:
        return choice, None
    key = choice.new_name.casefold()
    if key in ctx.created_companies:
        return CompanyChoice(company_id=ctx.created_companies[key]), None
    domain = choice.new_domain if choice.new_domain not in ctx.claimed_domains else None
    given = companies.CompanyInput(
        name=choice.new_name, owner_id=ctx.record.owner_id, domains=[domain] if domain else []
    )
    company = companies.create_company(ctx.actor, given, WRITE)
    ctx.created_companies[key] = company.id
    if domain:
        ctx.claimed_domains.add(domain)
    return CompanyChoice(company_id=company.id), company.id


def profile_text(profile: RelationshipProfile | None, name: str) -> str | None:
    """A profile field an import writes, as the profile service reads it back."""
    if profile is None:
        return None
    if name == "personal_notes":
        return profile.personal_notes
    return format_calendar_day(profile.birthday_month, profile.birthday_day, profile.birthday_year)


def _profile_before(contact_id: int, values: dict) -> dict:
    profile = profiles.find_profile(contact_id)
    return {name: profile_text(profile, name) for name in values}


def _write(ctx: RunContext, plan: RowPlan, row: ImportRow) -> None:
    choice, created_company = _company(ctx, plan.company)
    row.created_company_id = created_company
    given = with_company(plan.contact, choice)
    if plan.outcome == "create":
        contact = contacts.create_contact(ctx.actor, given, WRITE)
    else:
        contact = db.session.get(Contact, plan.contact_id)
        row.changes = contact_diff(contacts.ContactInput.of(contact), given)
        if row.changes:
            contact = contacts.update_contact(ctx.actor, contact.id, given, WRITE)
        if contact.is_archived:
            archiving.restore(ctx.actor, contact, "contact")
            row.changes["archived"] = {"before": True, "after": False}
    row.contact_id = contact.id
    if plan.profile:
        before = {} if plan.outcome == "create" else _profile_before(contact.id, plan.profile)
        profiles.update_profile(ctx.actor, contact.id, plan.profile, WRITE)
        for name, value in plan.profile.items():
            row.changes[f"profile.{name}"] = {"before": before.get(name), "after": value}


def _reason(error: DomainError) -> tuple[str | None, str]:
    """The field and the sentence a user needs to fix the row."""
    fields = error.details.get("fields") or {}
    if fields:
        name, messages = next(iter(fields.items()))
        return name, messages[0] if messages else error.message
    return error.details.get("field"), error.message


def write_row(ctx: RunContext, plan: RowPlan) -> ImportRow:
    """Write one planned row (or record why not); the row's record is added to the session."""
    row = row_record(ctx, plan)
    if plan.outcome in ("create", "update"):
        saved = ctx.saved()
        try:
            with db.session.begin_nested():
                _write(ctx, plan, row)
        except DomainError as exc:
            ctx.restore(saved)  # a company the row made went with it
            refuse(row, plan, exc)
    db.session.add(row)
    return row


def refuse(row: ImportRow, plan: RowPlan, error: DomainError) -> None:
    """Record the row as refused, with the field and the reason the services gave."""
    row.outcome, row.contact_id, row.created_company_id = "error", None, None
    row.changes, row.source = {}, plan.source
    row.field, row.message = _reason(error)


def row_record(ctx: RunContext, plan: RowPlan) -> ImportRow:
    """The record of what a row did, as planned (the write fills in the rest)."""
    return ImportRow(
        import_id=ctx.record.id,
        row_number=plan.number,
        outcome=plan.outcome,
        contact_id=plan.contact_id,
        field=plan.field,
        message=plan.message,
        changes={},
        source=plan.source if plan.outcome == "error" else {},
    )
