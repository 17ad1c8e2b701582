"""Companies and clients: create and edit a company, its domains, and its client profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from webapp import access
from webapp.extensions import db
from webapp.models import CLIENT_TIERS, ClientProfile, Company, CompanyDomain, User
from webapp.services import archiving
from webapp.services.audit import apply_changes, record_event
from webapp.services.uniqueness import ensure_free
from webapp.services.validation import FieldErrors, clean_text, normalise_domain

if TYPE_CHECKING:
    from webapp.access import Actor


@dataclass
class CompanyInput:
    """Everything a company form or API body may set. ``is_client`` adds or removes the profile."""

    name: str
    industry: str | None = None
    owner_id: int | None = None
    domains: list[str] = field(default_factory=list)
    is_client: bool = False
    client_tier: str = "standard"
    client_since: date | None = None
    account_manager_id: int | None = None


def _check_user(errors: FieldErrors, field_name: str, user_id: int | None) -> None:
    if user_id is not None and db.session.get(User, user_id) is None:
        errors.add(field_name, "Choose an existing user.")


def clean_company(given: CompanyInput) -> tuple[dict, list[str]]:
    """``given`` checked field by field (every problem at once): its columns and its domains,
    normalised; whether the domains are free is the caller's next step."""
    errors = FieldErrors()
    scalars: dict = {"owner_id": given.owner_id}
    try:
        scalars["name"] = clean_text(given.name, max_length=200)
    except ValueError as exc:
        errors.add("name", str(exc))
    if not scalars.get("name") and "name" not in errors.fields:
        errors.add("name", "Give the company's name.")
    try:
        scalars["industry"] = clean_text(given.industry, max_length=120)
    except ValueError as exc:
        errors.add("industry", str(exc))
    _check_user(errors, "owner_id", given.owner_id)
    domains: list[str] = []
    for raw in given.domains:
        if not raw.strip():
            continue
        try:
            domain = normalise_domain(raw)
        except ValueError as exc:
            errors.add("domains", str(exc))
            continue
        if domain not in domains:
            domains.append(domain)
    if given.is_client:
        if given.client_tier not in CLIENT_TIERS:
            errors.add("client_tier", f"Choose one of: {', '.join(CLIENT_TIERS)}.")
        _check_user(errors, "account_manager_id", given.account_manager_id)
    errors.raise_if_any()
    return scalars, domains


def _check_domains_free(domains: list[str], company_id: int | None) -> None:
    ensure_free(
        CompanyDomain.domain,
        CompanyDomain.company_id,
        domains,
        company_id,
        field="domains",
        owner_noun="company",
    )


def _write_domains(company: Company, domains: list[str]) -> dict:
    """Replace the domains, in the order given: the first is the primary one."""
    before = [d.domain for d in company.domains]
    if before == domains:
        return {}
    keep = {d.domain: d for d in company.domains if d.domain in domains}
    company.domains = [keep.get(d) or CompanyDomain(domain=d) for d in domains]
    for position, kept in enumerate(company.domains):
        kept.position = position
    return {"domains": {"before": before, "after": domains}}


def _write_client_profile(company: Company, given: CompanyInput) -> dict:
    profile = company.client_profile
    if not given.is_client:
        if profile is None:
            return {}
        company.client_profile = None
        return {"is_client": {"before": True, "after": False}}
    values = {
        "tier": given.client_tier,
        "client_since": given.client_since,
        "account_manager_id": given.account_manager_id,
    }
    if profile is None:
        company.client_profile = ClientProfile(**values)
        created = {f"client_{k}": {"before": None, "after": v} for k, v in values.items()}
        return {"is_client": {"before": False, "after": True}} | created
    return {f"client_{k}": v for k, v in apply_changes(profile, values).items()}


def create_company(
    actor: Actor, given: CompanyInput, permission: str = access.RELATIONSHIPS_UPDATE
) -> Company:
    """Create a company (a client if ``is_client``); its domains must be free.

    ``permission`` is the one the caller's channel needs (the records API's is ``crm:write``).
    """
    access.require(actor, permission)
    scalars, domains = clean_company(given)
    _check_domains_free(domains, None)
    company = Company(**scalars)
    db.session.add(company)
    changes = _write_domains(company, domains) | _write_client_profile(company, given)
    db.session.flush()
    created = {k: {"before": None, "after": v} for k, v in scalars.items()}
    record_event(actor, "create", "company", company.id, created | changes)
    return company


def update_company(
    actor: Actor,
    company_id: int,
    given: CompanyInput,
    permission: str = access.RELATIONSHIPS_UPDATE,
) -> Company:
    """Replace a company's fields, domains and client profile with ``given``."""
    company = access.get_or_404(actor, Company, company_id, permission)
    scalars, domains = clean_company(given)
    _check_domains_free(domains, company.id)
    changes = apply_changes(company, scalars)
    changes |= _write_domains(company, domains) | _write_client_profile(company, given)
    db.session.flush()
    if changes:
        record_event(actor, "update", "company", company.id, changes)
    return company


def archive_company(
    actor: Actor, company_id: int, permission: str = access.RELATIONSHIPS_UPDATE
) -> Company:
    """Archive a company: hidden from lists and searches, kept with its people and history."""
    company = access.get_or_404(actor, Company, company_id, permission)
    archiving.archive(actor, company, "company")
    return company


def restore_company(
    actor: Actor, company_id: int, permission: str = access.RELATIONSHIPS_UPDATE
) -> Company:
    """Bring an archived company back into the lists."""
    company = access.get_or_404(actor, Company, company_id, permission)
    archiving.restore(actor, company, "company")
    return company
