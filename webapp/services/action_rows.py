"""Relationship actions as plain rows carrying what the API's JSON of an action names.

The API's relationship summary lists every pending action of a client with its contact's name
and first email, its company's name and its assignee's; the Actions queue shows a page of them.
Read as ORM objects, that meant each action with its contact, the contact's emails, links and
companies, its assignee and its task: most of the summary's time. Here one query reads those
columns and nothing else (docs/performance.md, "Plain rows for what a page lists"). ``row_of``
gives an ORM action the same shape, so ``api.serializers.action_json`` has one home for the JSON
whatever was read.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select

from webapp import access
from webapp.extensions import db
from webapp.models import Company, Contact, RelationshipAction, Task, User, full_name_of
from webapp.services.action_queries import (
    ActionFilters,
    filtered,
    is_overdue,
    overdue_in,
    queue_order,
)
from webapp.services.contact_columns import first_company_name, first_email

if TYPE_CHECKING:
    from sqlalchemy import Select

    from webapp.access import Actor


@dataclass(frozen=True)
class ActionRow:
    """An action's columns, its task's id, and the names the API shows beside them."""

    id: int
    contact_id: int
    company_id: int | None
    life_event_id: int | None
    occurrence_on: date | None
    title: str
    action_type: str
    description: str | None
    assigned_to_id: int
    due_on: date | None
    message_body: str | None
    status: str
    source: str
    completed_at: datetime | None
    completed_by_id: int | None
    created_at: datetime
    updated_at: datetime
    task_id: int | None
    first_name: str
    last_name: str
    contact_email: str | None
    # The action's company, else its contact's first company (``Contact.primary_company``).
    company_name: str | None
    assigned_to_name: str
    overdue: bool  # ``action_queries.overdue_in``: in the assignee's own timezone

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"

    @property
    def full_name(self) -> str:
        """The contact's name, as ``Contact.full_name`` gives it."""
        return full_name_of(self.first_name, self.last_name)


_ACTION_COLUMN_NAMES = (
    "id",
    "contact_id",
    "company_id",
    "life_event_id",
    "occurrence_on",
    "title",
    "action_type",
    "description",
    "assigned_to_id",
    "due_on",
    "message_body",
    "status",
    "source",
    "completed_at",
    "completed_by_id",
    "created_at",
    "updated_at",
)
_ACTION_COLUMNS = tuple(getattr(RelationshipAction, name) for name in _ACTION_COLUMN_NAMES)
_STATUS = _ACTION_COLUMN_NAMES.index("status")
_DUE_ON = _ACTION_COLUMN_NAMES.index("due_on")


def action_rows(
    actor: Actor, filters: ActionFilters, *, limit: int | None = None, offset: int = 0
) -> list[ActionRow]:
    """The actions ``actions_query`` would give for ``filters``, in its order, as rows (``limit``
    of them from ``offset``, else all). One query."""
    scope, assignees = access.action_scope(actor), _assignees_key(filters.assignees)
    if limit is None or assignees is _UNKEPT:
        return rows_of(rows_in_scope(scope, filters).offset(offset).limit(limit))
    window = {"rows_limit": limit, "rows_offset": offset}
    return rows_of(_kept_window(scope, filters, assignees), window)


_UNKEPT = object()


def _assignees_key(assignees: Any) -> Any:
    """``ActionFilters.assignees`` as part of a key (that field is left out of the filters'
    equality): ``None``, a tuple of ids, or ``_UNKEPT`` for a subquery, whose statement is then
    built afresh."""
    if assignees is None:
        return None
    if isinstance(assignees, list | tuple) and all(isinstance(i, int) for i in assignees):
        return tuple(assignees)
    return _UNKEPT


@functools.lru_cache(maxsize=128)
def _kept_window(scope: access.ActionScope, filters: ActionFilters, assignees: Any) -> Select:
    """A window of ``rows_in_scope`` (``rows_limit`` rows from ``rows_offset``), built once for a
    scope, filters and assignees: building it, and the key SQLAlchemy caches its compiled form
    under, was a twentieth of the Actions queue (docs/performance.md, "Expressions built
    once")."""
    stmt = rows_in_scope(scope, replace(filters, assignees=assignees))
    return stmt.offset(bindparam("rows_offset")).limit(bindparam("rows_limit"))


def rows_of(stmt: Select, params: dict[str, Any] | None = None) -> list[ActionRow]:
    """The rows of an ``action_rows_statement`` (or one built by ``rows_in_scope`` and kept,
    run with ``params``)."""
    # The columns come in ActionRow's order, the assignee's timezone last: a row built from the
    # tuple as it is, not through ``Row._asdict`` (a tenth of a page of 100, eleventh slice).
    rows = []
    for *values, timezone in db.session.execute(stmt, params):
        overdue = overdue_in(values[_STATUS], values[_DUE_ON], timezone)
        rows.append(ActionRow(*values, overdue=overdue))
    return rows


def action_rows_statement(actor: Actor, filters: ActionFilters) -> Select:
    """The statement of ``action_rows``: ``ActionRow``'s columns in its order (all but
    ``overdue``), then the assignee's timezone."""
    return rows_in_scope(access.action_scope(actor), filters)


def rows_in_scope(scope: access.ActionScope, filters: ActionFilters) -> Select:
    """``action_rows_statement`` for an action scope rather than an actor: a statement that can
    be built once for everyone with that scope, with bound parameters in ``filters``, and kept
    (building it took a tenth of the relationship summary, bench/README.md, twelfth slice)."""
    action = RelationshipAction
    # The task's id as a look-up per row rather than a sixth join: PostgreSQL plans the query in
    # about half the time (1 ms of the summary's 3, bench/README.md, eleventh slice), and a
    # task is unique per action.
    task_id = select(Task.id).where(Task.relationship_action_id == action.id).scalar_subquery()
    stmt = (
        select(
            *_ACTION_COLUMNS,
            task_id.label("task_id"),
            Contact.first_name,
            Contact.last_name,
            first_email().label("contact_email"),
            func.coalesce(Company.name, first_company_name()).label("company_name"),
            User.name.label("assigned_to_name"),
            User.timezone.label("assignee_timezone"),
        )
        .select_from(action)
        .join(Contact, Contact.id == action.contact_id)
        .join(User, User.id == action.assigned_to_id)
        .outerjoin(Company, Company.id == action.company_id)
    )
    stmt = access.scope_to(scope, filtered(stmt, filters), action.assigned_to_id)
    return stmt.order_by(*queue_order())


def row_of(action: RelationshipAction) -> ActionRow:
    """An action read as an ORM object (with its contact, company, assignee and task), as a
    row."""
    contact = action.contact
    company = action.company or contact.primary_company
    return ActionRow(
        *(getattr(action, column.key) for column in _ACTION_COLUMNS),
        task_id=action.task.id if action.task else None,
        first_name=contact.first_name,
        last_name=contact.last_name,
        contact_email=contact.primary_email,
        company_name=company.name if company else None,
        assigned_to_name=action.assigned_to.name,
        overdue=is_overdue(action),
    )
