"""Relationship actions and their tasks in the action centre: created and closed together.

The action is the one source of truth for status; its task is written in the same flush,
by the functions here and nowhere else, so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from webapp import access
from webapp.extensions import db
from webapp.models import (
    ACTION_TYPES,
    CLOSED_STATUSES,
    Company,
    Contact,
    RelationshipAction,
    Task,
    User,
)
from webapp.services import calendar, field_rules, touches
from webapp.services.audit import apply_changes, record_event
from webapp.services.errors import BadRequest, NotFound
from webapp.services.validation import FieldErrors

if TYPE_CHECKING:
    from webapp.access import Actor

MIRRORED = ("title", "description", "assigned_to_id", "due_on", "contact_id", "company_id")


@dataclass
class NewAction:
    """Everything a new action needs, already checked."""

    contact: Contact
    title: str
    action_type: str
    assigned_to: User
    description: str | None = None
    due_on: date | None = None
    message_body: str | None = None
    company_id: int | None = None
    source: str = "manual"
    life_event_id: int | None = None
    occurrence_on: date | None = None


def open_action(actor: Actor | None, new: NewAction) -> RelationshipAction:
    """Add the action and its task in one flush, and audit both."""
    action = RelationshipAction(
        contact_id=new.contact.id,
        company_id=new.company_id,
        title=new.title,
        action_type=new.action_type,
        description=new.description,
        assigned_to_id=new.assigned_to.id,
        due_on=new.due_on,
        message_body=new.message_body,
        status="pending",
        source=new.source,
        life_event_id=new.life_event_id,
        occurrence_on=new.occurrence_on,
        created_by_id=actor.user_id if actor else None,
    )
    action.task = Task(status="pending", **{name: getattr(action, name) for name in MIRRORED})
    db.session.add(action)
    db.session.flush()
    snapshot = {
        name: {"before": None, "after": getattr(action, name)}
        for name in ("title", "action_type", "assigned_to_id", "due_on", "source", "occurrence_on")
    }
    record_event(actor, "create", "relationship_action", action.id, snapshot)
    record_event(
        actor,
        "create",
        "task",
        action.task.id,
        {"relationship_action_id": {"before": None, "after": action.id}},
    )
    return action


def revise_action(actor: Actor | None, action: RelationshipAction, values: dict[str, Any]) -> dict:
    """Change a pending action's fields and mirror them on its task; returns the changes."""
    task = action.task  # loaded before the action changes, so both are written in one flush
    changes = apply_changes(action, values)
    if changes:
        apply_changes(task, {k: v for k, v in values.items() if k in MIRRORED})
        record_event(actor, "update", "relationship_action", action.id, changes)
    return changes


def close_action(actor: Actor | None, action: RelationshipAction, status: str) -> bool:
    """Mark the action and its task ``done`` or ``dismissed``; ``False`` if it already was."""
    if action.status == status:
        return False
    return _change_status(actor, action, _closing(actor, status), action_name=status)


def _closing(actor: Actor | None, status: str) -> dict[str, Any]:
    """The fields a close writes, on an action and on a task alike."""
    return {
        "status": status,
        "completed_at": calendar.now(),
        "completed_by_id": actor.user_id if actor else None,
    }


def reopen_action(actor: Actor | None, action: RelationshipAction) -> bool:
    """Make a closed action (and its task) pending again; ``False`` if it already was."""
    if action.is_pending:
        return False
    opening = {"status": "pending", "completed_at": None, "completed_by_id": None}
    return _change_status(actor, action, opening, action_name="reopen")


def _change_status(actor, action: RelationshipAction, values: dict, action_name: str) -> bool:
    task = action.task  # loaded before the action changes, so both are written in one flush
    changes = apply_changes(action, values)
    apply_changes(task, values)
    db.session.flush()
    record_event(actor, action_name, "relationship_action", action.id, changes)
    record_event(actor, action_name, "task", task.id, {"status": changes["status"]})
    if "done" in (changes["status"]["before"], changes["status"]["after"]):
        touches.refresh(action.contact)  # done is a touch; reopening takes it back
    return True


def _assignee(actor: Actor, raw: Any, errors: FieldErrors) -> User:
    """Whom the action is for: the caller by default, or someone whose queue they see."""
    user_id = errors.read("assigned_to_user_id", field_rules.record_id, raw)
    if user_id is None:
        return actor.user
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        errors.add("assigned_to_user_id", f"There is no active user with id {user_id}.")
        return actor.user
    if not access.sees_actions_of(actor, user):
        errors.add(
            "assigned_to_user_id", "You can only assign actions to people whose queue you see."
        )
    return user


def _company_id(contact: Contact, raw: Any, errors: FieldErrors) -> int | None:
    """The given company (which must exist), else the contact's primary company."""
    company_id = errors.read("company_id", field_rules.record_id, raw)
    if company_id is None:
        return contact.primary_company_id
    if db.session.get(Company, company_id) is None:
        errors.add("company_id", f"There is no company with id {company_id}.")
    return company_id


CREATE_RULES = {
    "title": lambda v: field_rules.required_text(v, 200),
    "action_type": lambda v: field_rules.choice(v, ACTION_TYPES, required=True),
    "description": lambda v: field_rules.text(v, 5000),
    "due_date": field_rules.iso_date,
    "message_body": lambda v: field_rules.text(v, 1600),
}
CREATE_FIELDS = (*CREATE_RULES, "assigned_to_user_id", "company_id")


def create_action(actor: Actor, contact_id: int, values: dict[str, Any]) -> RelationshipAction:
    """A manual action for a contact, assigned to the caller unless they name someone."""
    contact = access.get_or_404(actor, Contact, contact_id, access.RELATIONSHIPS_UPDATE)
    errors = FieldErrors()
    for name in values.keys() - set(CREATE_FIELDS):
        errors.add(name, "This is not a relationship action field.")
    cleaned = {
        name: errors.read(name, rule, values.get(name)) for name, rule in CREATE_RULES.items()
    }
    assignee = _assignee(actor, values.get("assigned_to_user_id"), errors)
    company_id = _company_id(contact, values.get("company_id"), errors)
    errors.raise_if_any()
    new = NewAction(
        contact=contact,
        title=cleaned["title"],
        action_type=cleaned["action_type"],
        assigned_to=assignee,
        description=cleaned["description"],
        due_on=cleaned["due_date"],
        message_body=cleaned["message_body"],
        company_id=company_id,
    )
    return open_action(actor, new)


def _visible_action(actor: Actor, action_id: int, permission: str) -> RelationshipAction:
    return access.get_scoped_or_404(
        actor, RelationshipAction, action_id, permission, RelationshipAction.assigned_to_id
    )


def _checked_status(status: Any) -> str:
    if status not in CLOSED_STATUSES:
        raise BadRequest(
            "Set status to done or dismissed.",
            fields={"status": ["Use done or dismissed."]},
            code="invalid_status",
        )
    return status


def set_status(
    actor: Actor, action_id: int, status: Any, *, contact_id: int | None = None
) -> RelationshipAction:
    """Mark one action (and its task) done or dismissed. Out of scope is ``NotFound``.

    With ``contact_id``, an action of another contact is ``NotFound`` too.
    """
    status = _checked_status(status)
    action = _visible_action(actor, action_id, access.RELATIONSHIPS_UPDATE)
    if contact_id is not None and action.contact_id != contact_id:
        raise NotFound(f"No relationship action with id {action_id} for contact {contact_id}.")
    close_action(actor, action, status)
    return action


def set_statuses(actor: Actor, action_ids: list[int], status: Any) -> list[RelationshipAction]:
    """The bulk form of ``set_status``: all of them, or (if any is out of reach) none."""
    status = _checked_status(status)
    access.require(actor, access.RELATIONSHIPS_UPDATE)
    wanted = set(action_ids)
    stmt = select(RelationshipAction).where(RelationshipAction.id.in_(wanted))
    stmt = access.scope_actions(actor, stmt, RelationshipAction.assigned_to_id)
    actions = list(db.session.scalars(stmt.order_by(RelationshipAction.id)))
    missing = wanted - {action.id for action in actions}
    if missing:
        raise NotFound(f"No relationship action with id {min(missing)}.")
    for action in actions:
        close_action(actor, action, status)
    return actions


def set_task_status(actor: Actor, task_id: int, status: Any) -> Task:
    """Close a task from the action centre's side; a mirrored action closes with it."""
    status = _checked_status(status)
    task = access.get_scoped_or_404(
        actor, Task, task_id, access.RELATIONSHIPS_UPDATE, Task.assigned_to_id
    )
    if task.relationship_action is not None:
        close_action(actor, task.relationship_action, status)
    elif task.status != status:
        changes = apply_changes(task, _closing(actor, status))
        db.session.flush()
        record_event(actor, status, "task", task.id, changes)
    return task
