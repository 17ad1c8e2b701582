"""Merging companies: one kept, up to ten others folded into it, in one transaction.

As with contacts (``services.merging``): the person merging picks the company to keep and,
field by field, which value wins. Domains are added to the kept company's; it is a client if
any of them was; its people, partners, opportunities and the actions, tasks and life events
filed under the others move to it (``COMPANY_MOVERS`` names every table that refers to a
company). The merged companies are archived with ``merged_into_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from webapp import access
from webapp.extensions import db
from webapp.models import (
    ClientProfile,
    Company,
    ContactCompanyLink,
    LifeEvent,
    Opportunity,
    Partner,
    RelationshipAction,
    Task,
)
from webapp.services import merging_links
from webapp.services.audit import apply_changes, record_event
from webapp.services.merging_common import (
    FieldChoice,
    FieldOptions,
    MergeContext,
    chosen_values,
    field_options,
    flatten_chain,
    id_given,
    load_for_merge,
    mark_merged,
    run_movers,
    text_given,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from webapp.access import Actor


@dataclass(frozen=True)
class CompanySide:
    """A company as a merge reads it, with its client profile if it is a client."""

    company: Company

    @property
    def id(self) -> int:
        return self.company.id

    def of_client(self, name: str) -> Any:
        profile = self.company.client_profile
        return getattr(profile, name) if profile is not None else None


def _user_id(value: int | None) -> str | None:
    return str(value) if value else None


def _date_given(value: Any) -> str | None:
    text = text_given(value)
    return date.fromisoformat(text).isoformat() if text else None


COMPANY_FIELDS = (
    FieldChoice("name", "Name", lambda s: s.company.name, text_given, may_empty=False),
    FieldChoice("industry", "Industry", lambda s: s.company.industry, text_given),
    FieldChoice(
        "owner",
        "Owner",
        lambda s: _user_id(s.company.owner_id),
        id_given,
        show=lambda s: s.company.owner.name,
    ),
    FieldChoice(
        "client_tier", "Client tier", lambda s: s.of_client("tier"), text_given, may_empty=False
    ),
    FieldChoice(
        "client_since",
        "Client since",
        lambda s: s.of_client("client_since").isoformat() if s.of_client("client_since") else None,
        _date_given,
        may_empty=False,
    ),
    FieldChoice(
        "account_manager",
        "Account manager",
        lambda s: _user_id(s.of_client("account_manager_id")),
        id_given,
        show=lambda s: s.company.client_profile.account_manager.name,
        may_empty=False,
    ),
)


def company_values(context: MergeContext) -> dict:
    """The kept company's chosen name, industry and owner."""
    chosen = context.chosen
    values = {
        "name": chosen["name"],
        "industry": chosen["industry"],
        "owner_id": int(chosen["owner"]) if chosen["owner"] else None,
    }
    return apply_changes(context.kept, values)


def client_profiles(context: MergeContext) -> None:
    """The kept company is a client if any of them was, with the chosen tier, date and
    account manager. The merged companies keep their own profiles, archived with them."""
    kept, chosen = context.kept, context.chosen
    if kept.client_profile is None and not any(r.client_profile for r in context.merged):
        return
    values = {
        "tier": chosen["client_tier"] or "standard",
        "client_since": _day(chosen["client_since"]),
        "account_manager_id": int(chosen["account_manager"]) if chosen["account_manager"] else None,
    }
    if kept.client_profile is None:
        kept.client_profile = ClientProfile(**values)
        changes = {f"client_{k}": {"before": None, "after": v} for k, v in values.items()}
        changes["is_client"] = {"before": False, "after": True}
    else:
        changes = {f"client_{k}": v for k, v in apply_changes(kept.client_profile, values).items()}
    db.session.flush()
    if changes:
        record_event(context.actor, "update", "company", kept.id, changes)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def domains(context: MergeContext) -> None:
    """The merged companies' domains after the kept company's, each once."""
    held = {d.domain.casefold() for d in context.kept.domains}
    position = max((d.position for d in context.kept.domains), default=-1) + 1
    moved = 0
    for record in context.merged:
        for domain in list(record.domains):
            if domain.domain.casefold() in held:
                continue
            held.add(domain.domain.casefold())
            domain.company = context.kept
            domain.position = position
            position += 1
            moved += 1
    db.session.flush()
    context.moved["domains"] += moved


def contact_links(context: MergeContext) -> None:
    """The merged companies' people work at the kept company; someone linked to both keeps one
    link, primary if either was, with the kept link's role or else the other's."""
    involved = [context.kept.id, *context.merged_ids]
    stmt = (
        select(ContactCompanyLink)
        .where(ContactCompanyLink.company_id.in_(involved))
        .order_by(ContactCompanyLink.company_id != context.kept.id, ContactCompanyLink.id)
    )
    held: dict[int, ContactCompanyLink] = {}
    moved = 0
    for link in db.session.scalars(stmt):
        kept_link = held.get(link.contact_id)
        if kept_link is None:
            held[link.contact_id] = link
            if link.company_id != context.kept.id:
                _moved_link(context, link.contact_id, link.company_id)
                link.company_id = context.kept.id
                moved += 1
            continue
        kept_link.role = kept_link.role or link.role
        kept_link.is_primary = kept_link.is_primary or link.is_primary
        _moved_link(context, link.contact_id, link.company_id)
        db.session.delete(link)
    db.session.flush()
    context.moved["people"] += moved


def _moved_link(context: MergeContext, contact_id: int, company_id: int) -> None:
    """The contact's history says its company changed."""
    changes = {"company_links": {"before": [company_id], "after": [context.kept.id]}}
    record_event(context.actor, "update", "contact", contact_id, changes)


def _repoint(column: Any, noun: str | None, context: MergeContext) -> None:
    """One UPDATE: rows whose ``column`` names a merged company name the kept one."""
    result = db.session.execute(
        update(column.class_)
        .where(column.in_(context.merged_ids))
        .values({column.key: context.kept.id})
        .execution_options(synchronize_session="fetch")
    )
    if noun:
        context.moved[noun] += result.rowcount or 0


def import_rows(context: MergeContext) -> None:
    """Left alone on purpose: undoing an import archives the companies it created (the merged
    record), never the kept one."""


# Every column that refers to a company, and what a merge does with its rows, in this order.
COMPANY_MOVERS: dict[tuple[str, str], Callable[[MergeContext], None]] = {
    ("companies", "merged_into_id"): partial(flatten_chain, Company),
    ("company_domains", "company_id"): domains,
    ("client_profiles", "company_id"): client_profiles,
    ("contact_company_links", "company_id"): contact_links,
    ("partners", "company_id"): partial(_repoint, Partner.company_id, "partners"),
    ("opportunities", "account_id"): partial(_repoint, Opportunity.account_id, "opportunities"),
    ("relationship_actions", "company_id"): partial(
        _repoint, RelationshipAction.company_id, "actions"
    ),
    ("tasks", "company_id"): partial(_repoint, Task.company_id, None),
    ("life_events", "company_id"): partial(_repoint, LifeEvent.company_id, "life events"),
    ("import_rows", "created_company_id"): import_rows,
    # Not a foreign key: a custom object's relation attribute holds account ids.
    ("custom_record_links", "target_id"): partial(
        merging_links.custom_relations, target_type="account"
    ),
}


@dataclass(frozen=True)
class CompanyMerge:
    kept: Company
    merged: list[Company]
    moved: dict[str, int]


def _sides(companies: list[Company]) -> list[CompanySide]:
    ids = [company.id for company in companies]
    db.session.scalars(
        select(Company)
        .where(Company.id.in_(ids))
        .options(
            selectinload(Company.domains),
            joinedload(Company.owner),
            joinedload(Company.client_profile).joinedload(ClientProfile.account_manager),
        )
    ).all()
    return [CompanySide(company) for company in companies]


def merge_companies(
    actor: Actor,
    kept_id: int,
    merged_ids: list[int],
    values: Any = None,
    *,
    sources: dict[str, int] | None = None,
    permission: str = access.RELATIONSHIPS_UPDATE,
) -> CompanyMerge:
    """Fold ``merged_ids`` into ``kept_id``; ``values`` and ``sources`` as for contacts
    (``services.merging.merge_contacts``). All of it or none of it is written."""
    kept, merged = load_for_merge(actor, Company, kept_id, merged_ids, permission, lock=True)
    context = MergeContext(actor, kept, merged)
    context.chosen = chosen_values(COMPANY_FIELDS, _sides([kept, *merged]), values, sources)
    with db.session.begin_nested():
        for record in [kept, *merged]:  # as stored now, not as loaded earlier
            db.session.expire(record, ["domains", "client_profile"])
        changes = company_values(context)
        run_movers(context, COMPANY_MOVERS)
        mark_merged(context, "company", changes)
    return CompanyMerge(kept, merged, {k: v for k, v in context.moved.items() if v})


@dataclass(frozen=True)
class CompanyMergePlan:
    kept: Company
    merged: list[Company]
    fields: list[FieldOptions]
    moving: dict[str, int]

    @property
    def records(self) -> list[Company]:
        return [self.kept, *self.merged]


def company_merge_plan(
    actor: Actor, kept_id: int, merged_ids: list[int], permission: str
) -> CompanyMergePlan:
    """What merging would do: each field's values and how much would move to the kept one."""
    kept, merged = load_for_merge(actor, Company, kept_id, merged_ids, permission)
    sides = _sides([kept, *merged])
    ids = [record.id for record in merged]
    counted = {
        "people": (ContactCompanyLink.id, ContactCompanyLink.company_id.in_(ids)),
        "partners": (Partner.id, Partner.company_id.in_(ids)),
        "opportunities": (Opportunity.id, Opportunity.account_id.in_(ids)),
        "actions": (RelationshipAction.id, RelationshipAction.company_id.in_(ids)),
    }
    moving = {}
    for noun, (column, where) in counted.items():
        total = db.session.scalar(select(func.count(column)).where(where)) or 0
        if total:
            moving[noun] = total
    return CompanyMergePlan(kept, merged, field_options(COMPANY_FIELDS, sides), moving)
