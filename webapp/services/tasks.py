"""Tasks in the action centre, written directly (the records API's ``task`` type).

A task that mirrors a relationship action is changed through ``services.actions``, so the action
and its task stay one piece of work: its status closes or reopens both, its title, notes, due day,
assignee and people change both. A standalone task is written here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from webapp import access
from webapp.extensions import db
from webapp.models import Company, Contact, Task, User
from webapp.models.base import utcnow
from webapp.services import actions, archiving
from webapp.services.audit import apply_changes, record_event
from webapp.services.errors import Conflict, FieldValueInvalid

if TYPE_CHECKING:
    from webapp.access import Actor

# The task columns an action shares, and the action's name for each.
MIRRORED = actions.MIRRORED


def _check(actor: Actor, columns: dict[str, Any]) -> None:
    """Assignees are active people whose queue the actor sees; people and accounts exist."""
    problems: dict[str, list[str]] = {}
    if "assigned_to_id" in columns:
        user = db.session.get(User, columns["assigned_to_id"])
        if user is None or not user.active:
            problems["assignee"] = ["Choose an active user."]
        elif not access.sees_actions_of(actor, user):
            problems["assignee"] = ["You can only assign tasks to people whose queue you see."]
    for name, model, field in (
        ("contact_id", Contact, "contact"),
        ("company_id", Company, "account"),
    ):
        if columns.get(name) is not None and db.session.get(model, columns[name]) is None:
            problems[field] = [f"There is no {field} with id {columns[name]}."]
    if problems:
        raise FieldValueInvalid("Some values do not fit this task.", fields=problems)


def _status_columns(actor: Actor, status: str) -> dict[str, Any]:
    if status == "pending":
        return {"status": status, "completed_at": None, "completed_by_id": None}
    return {"status": status, "completed_at": utcnow(), "completed_by_id": actor.user_id}


def create_task(actor: Actor, columns: dict[str, Any]) -> Task:
    """A standalone task, assigned to the actor unless they name someone whose queue they see."""
    access.require(actor, access.CRM_WRITE)
    columns = {"assigned_to_id": actor.user_id, "status": "pending"} | columns
    _check(actor, columns)
    task = Task(**columns | _status_columns(actor, columns["status"]))
    db.session.add(task)
    db.session.flush()
    created = {name: {"before": None, "after": value} for name, value in columns.items()}
    record_event(actor, "create", "task", task.id, created)
    return task


def update_task(actor: Actor, task: Task, columns: dict[str, Any]) -> Task:
    """Change a task the actor sees; a mirrored one changes with its relationship action."""
    access.require(actor, access.CRM_WRITE)
    _check(actor, columns)
    status = columns.pop("status", None)
    action = task.relationship_action
    if action is not None:
        actions.revise_action(actor, action, {k: v for k, v in columns.items() if k in MIRRORED})
        if status in ("done", "dismissed"):
            actions.close_action(actor, action, status)
        elif status == "pending":
            actions.reopen_action(actor, action)
        return task
    if status is not None and status != task.status:
        columns |= _status_columns(actor, status)
    changes = apply_changes(task, columns)
    db.session.flush()
    if changes:
        record_event(actor, "update", "task", task.id, changes)
    return task


def archive_task(actor: Actor, task_id: int) -> Task:
    task = _visible(actor, task_id)
    if task.relationship_action_id is not None:
        raise Conflict(
            "This task is a relationship action's: dismiss it (status dismissed) instead.",
            code="task_mirrors_action",
        )
    archiving.archive(actor, task, "task")
    return task


def restore_task(actor: Actor, task_id: int) -> Task:
    task = _visible(actor, task_id)
    archiving.restore(actor, task, "task")
    return task


def _visible(actor: Actor, task_id: int) -> Task:
    return access.get_scoped_or_404(actor, Task, task_id, access.CRM_WRITE, Task.assigned_to_id)
