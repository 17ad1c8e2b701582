"""The Actions page's view of the queue, read from the URL: a tab and its filters.

A value that is bad or unknown (a tab the user may not use, an assignee outside the tab, a
company that does not exist) counts as not given, so any URL shows a page, never an error. The
company comes read already (webapp/web/company_filter.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from webapp import access
from webapp.extensions import db
from webapp.models import ACTION_TYPES, User
from webapp.services.action_queries import ActionFilters
from webapp.services.validation import positive_int

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

    from webapp.access import Actor, Assignees

TAB_LABELS = {"mine": "Mine", "squad": "Squad", "everyone": "Everyone"}
STATUS_LABELS = {"pending": "Pending", "done": "Done", "dismissed": "Dismissed", "all": "All"}
DEFAULT_STATUS = "pending"
DUE_WINDOWS = {
    "overdue": "Overdue",
    "today": "Due today",
    "week": "Next 7 days",
    "month": "Next 30 days",
    "none": "No due date",
}


def tabs_for(actor: Actor) -> tuple[str, ...]:
    """The queues the actor may open: their own, their squad's (managers), everyone's."""
    user = actor.user
    tabs = ["mine"]
    if user.role in access.SEES_SQUAD_ACTIONS and user.squad_id is not None:
        tabs.append("squad")
    if user.role in access.SEES_ALL_ACTIONS:
        tabs.append("everyone")
    return tuple(tabs)


def tab_assignees(actor: Actor, tab: str) -> Assignees:
    """Whose actions a tab lists (see ``access.Assignees``); ``None`` is all the actor may see."""
    if tab == "mine":
        return access.own_assignee_ids(actor)
    if tab == "squad":
        return access.visible_assignee_ids(actor)
    return None


def assignee_options(actor: Actor, tab: str) -> list[tuple[int, str]]:
    """People in the tab's scope as (id, name), in one query."""
    stmt = select(User.id, User.name).order_by(User.name, User.id)
    assignees = tab_assignees(actor, tab)
    if assignees is not None:
        stmt = stmt.where(User.id.in_(assignees))
    return [(row.id, row.name) for row in db.session.execute(stmt)]


def due_range(window: str | None, today: date) -> dict:
    """The ``ActionFilters`` fields of a due window, counted from the viewer's ``today``."""
    if window == "overdue":
        return {"due_before": today - timedelta(days=1)}
    if window == "today":
        return {"due_after": today, "due_before": today}
    if window == "week":
        return {"due_after": today, "due_before": today + timedelta(days=6)}
    if window == "month":
        return {"due_after": today, "due_before": today + timedelta(days=29)}
    if window == "none":
        return {"undated": True}
    return {}


@dataclass(frozen=True)
class QueueView:
    """One view of the queue: a tab and the filters on it."""

    tab: str = "mine"
    status: str = DEFAULT_STATUS
    action_type: str | None = None
    due: str | None = None
    assignee_id: int | None = None
    company_id: int | None = None

    @property
    def is_filtered(self) -> bool:
        """Whether anything beyond the tab's default (pending) narrows the list."""
        narrowed = (self.action_type, self.due, self.assignee_id, self.company_id)
        return self.status != DEFAULT_STATUS or any(value is not None for value in narrowed)

    def filter_args(self) -> dict:
        """The query arguments of the filters (defaults left out, for tidy URLs)."""
        args = {
            "status": self.status if self.status != DEFAULT_STATUS else None,
            "type": self.action_type,
            "due": self.due,
            "assignee": self.assignee_id,
            "company": self.company_id,
        }
        return {name: value for name, value in args.items() if value is not None}

    def link_args(self) -> dict:
        """The query arguments that reproduce this view."""
        return {"tab": self.tab, **self.filter_args()}

    def tab_link_args(self, tab: str) -> dict:
        """The same filters on another tab; the assignee belongs to this tab's scope, so it goes."""
        kept = {name: value for name, value in self.filter_args().items() if name != "assignee"}
        return {"tab": tab, **kept}

    def action_filters(self, actor: Actor, today: date) -> ActionFilters:
        """What ``actions_query`` needs to list this view (it adds the actor's scope itself)."""
        return ActionFilters(
            statuses=() if self.status == "all" else (self.status,),
            action_types=(self.action_type,) if self.action_type else (),
            assigned_to_ids=(self.assignee_id,) if self.assignee_id else (),
            company_id=self.company_id,
            assignees=tab_assignees(actor, self.tab),
            **due_range(self.due, today),
        )


def read_tab(args: MultiDict, tabs: tuple[str, ...]) -> str:
    """The ``tab`` argument if the user may use that tab, else their first (Mine)."""
    tab = args.get("tab")
    return tab if tab in tabs else tabs[0]


def _choice(raw: str | None, allowed) -> str | None:
    return raw if raw in allowed else None


def read_view(
    args: MultiDict, tab: str, assignee_ids: set[int], company_id: int | None
) -> QueueView:
    """The filters from the query arguments; each bad or unknown value counts as not given."""
    assignee_id = positive_int(args.get("assignee"))
    return QueueView(
        tab=tab,
        status=_choice(args.get("status"), STATUS_LABELS) or DEFAULT_STATUS,
        action_type=_choice(args.get("type"), ACTION_TYPES),
        due=_choice(args.get("due"), DUE_WINDOWS),
        assignee_id=assignee_id if assignee_id in assignee_ids else None,
        company_id=company_id,
    )
