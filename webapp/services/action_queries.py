"""Reading relationship actions: one scoped, filterable query for the API and the pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from webapp import access
from webapp.extensions import db
from webapp.models import Contact, ContactCompanyLink, RelationshipAction
from webapp.services.calendar import today_in

if TYPE_CHECKING:
    from sqlalchemy import Select

    from webapp.access import Actor


@dataclass(frozen=True)
class ActionFilters:
    """What narrows a list of actions; every field empty means "all the actor may see"."""

    statuses: tuple[str, ...] = ()
    action_types: tuple[str, ...] = ()
    assigned_to_ids: tuple[int, ...] = ()
    contact_id: int | None = None
    company_id: int | None = None
    client_company_id: int | None = None  # filed under the company (see ``filed_company_id``)
    due_after: date | None = None  # on or after
    due_before: date | None = None  # on or before
    undated: bool = False  # only actions without a due date
    assignees: Select | None = field(default=None, compare=False)  # a sub-scope, e.g. "mine"


def filed_company_id():
    """SQL: the company an action is for: its own company, else its contact's primary company.

    The same rule ``action_json`` uses to name the company, so lists and counts agree.
    """
    primary = (
        select(ContactCompanyLink.company_id)
        .where(
            ContactCompanyLink.contact_id == RelationshipAction.contact_id,
            ContactCompanyLink.is_primary,
        )
        .correlate(RelationshipAction)
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(RelationshipAction.company_id, primary)


def is_overdue(action: RelationshipAction) -> bool:
    """Pending and past its due date, in the assignee's own timezone."""
    if not action.is_pending or action.due_on is None:
        return False
    return action.due_on < today_in(action.assigned_to.timezone)


def _filtered(stmt: Select, filters: ActionFilters) -> Select:
    action = RelationshipAction
    conditions = []
    if filters.statuses:
        conditions.append(action.status.in_(filters.statuses))
    if filters.action_types:
        conditions.append(action.action_type.in_(filters.action_types))
    if filters.assigned_to_ids:
        conditions.append(action.assigned_to_id.in_(filters.assigned_to_ids))
    if filters.contact_id is not None:
        conditions.append(action.contact_id == filters.contact_id)
    if filters.company_id is not None:
        conditions.append(action.company_id == filters.company_id)
    if filters.client_company_id is not None:
        conditions.append(filed_company_id() == filters.client_company_id)
    if filters.due_after is not None:
        conditions.append(action.due_on >= filters.due_after)
    if filters.due_before is not None:
        conditions.append(action.due_on <= filters.due_before)
    if filters.undated:
        conditions.append(action.due_on.is_(None))
    if filters.assignees is not None:
        conditions.append(action.assigned_to_id.in_(filters.assignees))
    return stmt.where(*conditions)


def actions_query(
    actor: Actor, filters: ActionFilters = ActionFilters(), *, unpaged: bool = False
) -> Select:
    """Actions the actor may see, filtered: pending first (soonest due first), then the rest.

    Loads the contact (with emails and primary company), company and assignee with the rows,
    so rendering a page of actions costs the same few queries however long it is. A list read
    whole (``unpaged``) joins the contacts' collections too, since select-in loading takes a
    query per 500 contacts; read it with ``.unique()``.
    """
    action = RelationshipAction
    collection = joinedload if unpaged else selectinload
    stmt = select(action).options(
        joinedload(action.contact).options(collection(Contact.emails)),
        joinedload(action.contact).options(
            collection(Contact.company_links).joinedload(ContactCompanyLink.company)
        ),
        joinedload(action.company),
        joinedload(action.assigned_to),
        joinedload(action.task),
    )
    stmt = access.scope_actions(actor, _filtered(stmt, filters), action.assigned_to_id)
    return stmt.order_by(
        action.status != "pending",
        action.due_on.is_(None),
        action.due_on,
        action.completed_at.desc(),
        action.id,
    )


def count_actions(actor: Actor, filters: ActionFilters = ActionFilters()) -> int:
    """How many actions ``actions_query`` would return, in one query."""
    stmt = select(func.count(RelationshipAction.id))
    stmt = access.scope_actions(actor, _filtered(stmt, filters), RelationshipAction.assigned_to_id)
    return db.session.scalar(stmt) or 0
