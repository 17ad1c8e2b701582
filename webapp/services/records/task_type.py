"""The ``task`` record type: work in the action centre. Tasks are personal work, so every read
and write is scoped like the action queues: executives and heads all, managers their squad's,
everyone else their own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from webapp import access
from webapp.models import ACTION_STATUSES, Task
from webapp.services import tasks
from webapp.services.records.fields import id_field, id_string, iso, timestamp_fields
from webapp.services.records.schema import FieldSpec, RecordStore, RecordType

if TYPE_CHECKING:
    from webapp.access import Actor

COLUMN_OF = {
    "assignee": "assigned_to_id",
    "due_date": "due_on",
    "contact": "contact_id",
    "account": "company_id",
}

FIELDS = (
    id_field(Task),
    FieldSpec(
        "title",
        "text",
        read=lambda t: t.title,
        label="Title",
        required=True,
        nullable=False,
        max_length=200,
        order_by=Task.title,
    ),
    FieldSpec("description", "text", read=lambda t: t.description, label="Notes", max_length=5000),
    FieldSpec(
        "status",
        "select",
        read=lambda t: t.status,
        label="Status",
        nullable=False,
        options=ACTION_STATUSES,
        where=lambda value: Task.status == value,
        order_by=Task.status,
    ),
    FieldSpec(
        "assignee",
        "user",
        read=lambda t: id_string(t.assigned_to_id),
        label="Assigned to",
        nullable=False,
        where=lambda value: Task.assigned_to_id == value,
    ),
    FieldSpec(
        "due_date",
        "date",
        read=lambda t: iso(t.due_on),
        label="Due",
        where=lambda value: Task.due_on == value,
    ),
    FieldSpec(
        "contact",
        "relation",
        read=lambda t: id_string(t.contact_id),
        label="Contact",
        target="contact",
        where=lambda value: Task.contact_id == value,
    ),
    FieldSpec(
        "account",
        "relation",
        read=lambda t: id_string(t.company_id),
        label="Account",
        target="account",
    ),
    FieldSpec(
        "relationship_action",
        "id",
        read=lambda t: id_string(t.relationship_action_id),
        label="The relationship action it mirrors",
        creatable=False,
        updatable=False,
    ),
    FieldSpec(
        "completed_at",
        "datetime",
        read=lambda t: iso(t.completed_at),
        label="Completed",
        creatable=False,
        updatable=False,
    ),
    *timestamp_fields(Task),
)


def _columns(values: dict[str, Any]) -> dict[str, Any]:
    return {COLUMN_OF.get(name, name): value for name, value in values.items()}


def _update(actor: Actor, task: Task, values: dict[str, Any]) -> Task:
    return tasks.update_task(actor, task, _columns(values))


def _scope(actor: Actor, stmt):
    return access.scope_actions(actor, stmt, Task.assigned_to_id)


TASK = RecordType(
    api_name="task",
    label="Task",
    description=(
        "Work in the action centre. A task that mirrors a relationship action changes with it; "
        "tasks are scoped to the queues the caller sees."
    ),
    fields=FIELDS,
    store=RecordStore(
        model=Task,
        load_options=lambda: (),
        create=lambda actor, values: tasks.create_task(actor, _columns(values)),
        update=_update,
        archive=tasks.archive_task,
        restore=tasks.restore_task,
        archived_column=Task.archived_at,
        scope=_scope,
        archive_conflict=(
            "The task mirrors a relationship action (task_mirrors_action): dismiss it instead"
        ),
    ),
)
