"""Reading relationship actions: one scoped, filterable query for the API and the pages."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, func, select, union_all
from sqlalchemy.orm import joinedload, load_only

from webapp import access
from webapp.extensions import db
from webapp.models import (
    Contact,
    ContactCompanyLink,
    RelationshipAction,
)
from webapp.services.calendar import today_in

if TYPE_CHECKING:
    from sqlalchemy import Select

    from webapp.access import Actor, Assignees


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
    assignees: Assignees = field(default=None, compare=False)  # a sub-scope, e.g. "mine"


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


def filed_under(company_id: int):
    """The ids of the actions filed under ``company_id`` by the rule of ``filed_company_id``,
    as a subquery to join: two indexed look-ups (the action's own company; the company's
    primary contacts' actions without one), not that rule evaluated for every action."""
    action = RelationshipAction
    own = select(action.id).where(action.company_id == company_id)
    by_contact = (
        select(action.id)
        .join(ContactCompanyLink, ContactCompanyLink.contact_id == action.contact_id)
        .where(
            action.company_id.is_(None),
            ContactCompanyLink.company_id == company_id,
            ContactCompanyLink.is_primary,
        )
    )
    return union_all(own, by_contact).subquery("filed_under")


def pending_filed(actor: Actor):
    """The actor's pending actions as ``(company_id, due_on)`` rows, each under the company it is
    filed under by the rule of ``filed_company_id``, through the same two joins as
    ``filed_under`` (for every company at once) rather than that rule run for each action."""
    return pending_filed_in(access.action_scope(actor))


@functools.lru_cache(maxsize=512)
def pending_filed_in(scope: access.ActionScope):
    """``pending_filed`` for an action scope: built once per scope and kept (its statement is
    the same for every viewer with the scope)."""
    action = RelationshipAction
    own = select(action.company_id.label("company_id"), action.due_on.label("due_on")).where(
        action.status == "pending", action.company_id.is_not(None)
    )
    by_contact = (
        select(ContactCompanyLink.company_id.label("company_id"), action.due_on.label("due_on"))
        .join(ContactCompanyLink, ContactCompanyLink.contact_id == action.contact_id)
        .where(
            action.status == "pending",
            action.company_id.is_(None),
            ContactCompanyLink.is_primary,
        )
    )
    scoped = (access.scope_to(scope, q, action.assigned_to_id) for q in (own, by_contact))
    return union_all(*scoped).subquery("filed_pending")


def is_overdue(action: RelationshipAction) -> bool:
    """Pending and past its due date, in the assignee's own timezone."""
    if not action.is_pending or action.due_on is None:
        return False  # without reading the assignee, which a list of done actions may not load
    return overdue_in(action.status, action.due_on, action.assigned_to.timezone)


def overdue_in(status: str, due_on: date | None, timezone: str | None) -> bool:
    """``is_overdue`` from an action's status and due date and its assignee's timezone."""
    return status == "pending" and due_on is not None and due_on < today_in(timezone)


def filtered(stmt: Select, filters: ActionFilters) -> Select:
    """``stmt``, a query over ``RelationshipAction``, narrowed to ``filters``."""
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
    if filters.due_after is not None:
        conditions.append(action.due_on >= filters.due_after)
    if filters.due_before is not None:
        conditions.append(action.due_on <= filters.due_before)
    if filters.undated:
        conditions.append(action.due_on.is_(None))
    if filters.assignees is not None:
        conditions.append(action.assigned_to_id.in_(filters.assignees))
    if filters.client_company_id is not None:
        # Joined first, so the database narrows to the client's few actions before the rest.
        filed = filed_under(filters.client_company_id)
        stmt = stmt.join_from(action, filed, filed.c.id == action.id)
    return stmt.where(*conditions)


def actions_query(actor: Actor, filters: ActionFilters = ActionFilters()) -> Select:
    """Actions the actor may see, filtered: pending first (soonest due first), then the rest.

    Loads what a page shows with the rows (the contact, the company, the assignee), so rendering
    a page of actions costs the same few queries however long it is. The Actions queue and the
    API read their long lists as rows instead (``action_rows``).
    """
    return actions_in_scope(access.action_scope(actor), filters)


def actions_in_scope(scope: access.ActionScope, filters: ActionFilters) -> Select:
    """``actions_query`` for an action scope (``access.ActionScope``) rather than an actor: a
    statement that can be built once for everyone with that scope and kept."""
    action = RelationshipAction
    stmt = select(action).options(
        joinedload(action.contact),
        joinedload(action.company),
        joinedload(action.assigned_to),
    )
    stmt = access.scope_to(scope, filtered(stmt, filters), action.assigned_to_id)
    return stmt.order_by(*queue_order())


def queue_order() -> tuple:
    """The order actions are listed in: pending first (soonest due first, undated last), then
    the rest, latest done first."""
    action = RelationshipAction
    return (
        action.status != "pending",
        action.due_on.is_(None),
        action.due_on,
        action.completed_at.desc(),
        action.id,
    )


def pending_counts(actor: Actor, groups: dict[str, Assignees]) -> dict[str, int]:
    """How many pending actions each group of assignees has (``access.Assignees``; ``None`` is
    all the actor sees), in one query: one pass over the pending actions in the actor's scope,
    however many groups (the Actions queue's tabs)."""
    row = db.session.execute(pending_counts_query(actor, groups)).one()
    return {name: count or 0 for name, count in zip(groups, row, strict=True)}


def pending_counts_query(actor: Actor, groups: dict[str, Assignees]) -> Select:
    """The one query of ``pending_counts``: ``count(*)`` over ``assigned_to_id``, so it is
    answered from ``ix_relationship_actions_pending_assignee`` without reading the table."""
    action = RelationshipAction
    columns = [
        func.count() if ids is None else func.count().filter(action.assigned_to_id.in_(ids))
        for ids in groups.values()
    ]
    stmt = select(*columns).select_from(action).where(action.status == "pending")
    return access.scope_actions(actor, stmt, action.assigned_to_id)


def count_actions(actor: Actor, filters: ActionFilters = ActionFilters()) -> int:
    """How many actions ``actions_query`` would return, in one query. ``count(*)``, not of a
    column: the database can then count from an index alone (``ix_relationship_actions_queue``
    for one person's pending actions due by a day) without reading a row."""
    return db.session.scalar(count_in_scope(access.action_scope(actor), filters)) or 0


def count_in_scope(scope: access.ActionScope, filters: ActionFilters) -> Select:
    """The statement of ``count_actions`` for an action scope rather than an actor."""
    stmt = select(func.count()).select_from(RelationshipAction)
    return access.scope_to(scope, filtered(stmt, filters), RelationshipAction.assigned_to_id)


def own_pending_due_by(
    actor: Actor, due_by: date, shown: int
) -> tuple[list[RelationshipAction], int]:
    """The actor's own pending actions due on or before ``due_by`` (Today's card): the ``shown``
    first in queue order, with only what the card shows of each (title, type, due day, the
    contact's name), and how many there are in all."""
    listed, counted = _own_pending_due_by(access.action_scope(actor), shown)
    params = {"assignee_id": actor.user_id, "due_by": due_by}  # access.own_assignee_ids
    return list(db.session.scalars(listed, params)), db.session.scalar(counted, params) or 0


@functools.lru_cache(maxsize=512)
def _own_pending_due_by(scope: access.ActionScope, shown: int) -> tuple[Select, Select]:
    """``own_pending_due_by``'s two statements, built once per scope with the assignee and the
    day bound (docs/performance.md, "Expressions built once"). The card's few columns rather
    than each action with its contact, company and assignee whole: reading those was most of
    the query's time."""
    action = RelationshipAction
    filters = ActionFilters(
        statuses=("pending",),
        assignees=[bindparam("assignee_id", type_=db.Integer)],
        due_before=bindparam("due_by", type_=db.Date),
    )
    card = select(action).options(
        load_only(action.title, action.action_type, action.due_on, action.contact_id),
        joinedload(action.contact).load_only(Contact.first_name, Contact.last_name),
    )
    listed = access.scope_to(scope, filtered(card, filters), action.assigned_to_id)
    return listed.order_by(*queue_order()).limit(shown), count_in_scope(scope, filters)
