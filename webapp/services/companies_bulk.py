"""Creating many companies at once (the new companies of an import's batch): the checks, rows
and audit events of ``companies.create_company``, in a fixed number of statements for the set.

The caller gives each company domains no other company holds (an import looks them up for the
whole batch); the unique key on domains stays the last word, and a domain taken meanwhile makes
the insert raise ``IntegrityError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import insert

from webapp import access
from webapp.extensions import db
from webapp.models import Company, CompanyDomain
from webapp.services.audit import event_values, record_events
from webapp.services.bulk import insert_returning_ids
from webapp.services.companies import CompanyInput, clean_company
from webapp.services.errors import DomainError

if TYPE_CHECKING:
    from webapp.access import Actor


@dataclass
class CleanCompany:
    scalars: dict
    domains: list[str]


def check_new(inputs: list[CompanyInput]) -> list[CleanCompany | DomainError]:
    """Each input read as ``create_company`` reads it (never a client): clean, or why not."""
    checked: list[CleanCompany | DomainError] = []
    for given in inputs:
        try:
            checked.append(CleanCompany(*clean_company(given)))
        except DomainError as error:
            checked.append(error)
    return checked


def insert_new(
    actor: Actor, accepted: list[CleanCompany], permission: str = access.RELATIONSHIPS_UPDATE
) -> list[int]:
    """Create the companies with their domains and one audit event each; their ids, in order."""
    access.require(actor, permission)
    if not accepted:
        return []
    ids = insert_returning_ids(Company.__table__, [clean.scalars for clean in accepted])
    domains = [
        {"company_id": company_id, "domain": domain, "position": position}
        for company_id, clean in zip(ids, accepted, strict=True)
        for position, domain in enumerate(clean.domains)
    ]
    if domains:
        db.session.execute(insert(CompanyDomain.__table__), domains)
    events = []
    for company_id, clean in zip(ids, accepted, strict=True):
        created = {k: {"before": None, "after": v} for k, v in clean.scalars.items()}
        if clean.domains:
            created["domains"] = {"before": [], "after": clean.domains}
        events.append(event_values(actor, "create", "company", company_id, created))
    record_events(events)
    return ids
