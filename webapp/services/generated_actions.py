"""Actions the scheduler generates, written set-based: many at once, each exactly once.

The counterpart of ``actions.open_action`` for batches: the actions are inserted with
``ON CONFLICT DO NOTHING`` on their generation key ((life event, occurrence) or (contact,
cadence period)), so a concurrent scheduler that inserted the same key first wins and this
one skips it. Only the rows really inserted get their task and their audit events.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from webapp.models import RelationshipAction, Task
from webapp.models.base import utcnow
from webapp.services.actions import MIRRORED
from webapp.services.audit import actor_columns, created_event, record_events
from webapp.services.bulk import copy_returning_ids, insert_rows

if TYPE_CHECKING:
    from webapp.access import Actor

AUDITED = ("title", "action_type", "assigned_to_id", "due_on", "source", "occurrence_on")
KEYS = {
    "life_event": ("life_event_id", "occurrence_on"),
    "cadence": ("contact_id", "cadence_period"),
}


def open_generated(
    source: str, rows: Sequence[dict[str, Any]], actor: Actor | None = None
) -> list[dict[str, Any]]:
    """Insert generated actions (one dict of columns each) with their tasks; return those added.

    ``rows`` carry contact_id, company_id, title, action_type, assigned_to_id, due_on and
    their key (see ``KEYS``). A row whose key already exists is skipped silently. The audit
    events name ``actor`` (an import's), or nobody when the scheduler generates them.
    """
    if not rows:
        return []
    now = utcnow()
    values = [
        {**row, "source": source, "status": "pending", "created_at": now, "updated_at": now}
        for row in rows
    ]
    key = KEYS[source]
    table = RelationshipAction.__table__
    returning = (table.c.id, *(table.c[k] for k in key))
    inserted = insert_rows(table, values, returning=returning, skip_duplicates=True)
    by_key = {tuple(row[k] for k in key): row for row in values}
    added = [{**by_key[tuple(found[1:])], "id": found[0]} for found in inserted]
    _add_tasks(added, actor)
    return added


def _add_tasks(added: list[dict[str, Any]], actor: Actor | None) -> None:
    if not added:
        return
    tasks = [
        {
            **{name: action.get(name) for name in MIRRORED},
            "status": "pending",
            "relationship_action_id": action["id"],
            "created_at": action["created_at"],
            "updated_at": action["created_at"],
        }
        for action in added
    ]
    who = actor_columns(actor)
    events = []
    for action, task_id in zip(added, copy_returning_ids(Task.__table__, tasks), strict=True):
        audited = {name: action.get(name) for name in AUDITED}
        events.append(created_event(who, "relationship_action", action["id"], audited))
        link = {"relationship_action_id": action["id"]}
        events.append(created_event(who, "task", task_id, link))
    record_events(events)
