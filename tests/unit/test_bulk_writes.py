"""Set-based writes (``services/bulk.py``): what the scheduler and imports write many at once
arrives exactly as one row at a time would have, on SQLite and on PostgreSQL, where the rows are
copied in with ``COPY``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.jobs.builders import contact_of, owner
from webapp import access
from webapp.extensions import db as _db
from webapp.models import AuditEvent, Contact, RelationshipAction, Task
from webapp.models.base import utcnow
from webapp.services import count_cache
from webapp.services.audit import actor_columns, created_event, event_values, record_events
from webapp.services.bulk import copy_rows, new_ids, one_of_ids
from webapp.services.generated_actions import open_generated

AWKWARD = 'Tab\there, a new\nline, a back\\slash, \\N, quotes "\'" and ünïcødé ✓'


def check_in(contact, period: date, **fields) -> dict:
    return {
        "contact_id": contact.id,
        "company_id": None,
        "title": f"Check in with {contact.full_name}",
        "description": None,
        "action_type": "call",
        "assigned_to_id": contact.owner_id,
        "due_on": date(2026, 12, 7),
        "cadence_period": period,
        **fields,
    }


def events_of(object_type: str, object_id: int) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(
        AuditEvent.object_type == object_type, AuditEvent.object_id == object_id
    )
    return list(_db.session.scalars(stmt))


def test_each_generated_action_gets_its_own_task_and_two_audit_events(db):
    person = owner()
    contacts = [contact_of(person, first_name=f"Person{n}") for n in range(5)]
    rows = [check_in(contact, date(2026, 12, 1)) for contact in contacts]
    started = utcnow()

    added = open_generated("cadence", rows)

    assert len(added) == 5
    for row in added:
        action = _db.session.get(RelationshipAction, row["id"])
        task = _db.session.scalars(select(Task).filter_by(relationship_action_id=action.id)).one()
        mirrored = (task.title, task.due_on, task.assigned_to_id, task.contact_id, task.status)
        assert mirrored == (action.title, action.due_on, person.id, action.contact_id, "pending")
        [created] = events_of("relationship_action", action.id)
        assert created.action == "create" and created.user_id is None
        assert created.changes["due_on"] == {"before": None, "after": "2026-12-07"}
        assert created.changes["title"]["after"] == action.title
        [linked] = events_of("task", task.id)
        assert linked.changes == {"relationship_action_id": {"before": None, "after": action.id}}
        assert linked.created_at.tzinfo is not None
        assert started - timedelta(seconds=1) <= linked.created_at <= utcnow()


@pytest.mark.parametrize("acting", [False, True])
def test_a_created_event_written_in_bulk_is_the_one_written_alone(db, acting):
    actor = access.actor_for_user(owner()) if acting else None
    values = {
        "title": AWKWARD,
        "assigned_to_id": 7,
        "due_on": date(2026, 12, 7),
        "done_at": datetime(2026, 12, 7, 9, 30, tzinfo=UTC),
        "amount": Decimal("12.50"),
        "tags": ["a", date(2026, 1, 2)],
        "description": None,
    }
    alone = event_values(
        actor,
        "create",
        "relationship_action",
        5,
        {k: {"before": None, "after": v} for k, v in values.items()},
    )
    assert created_event(actor_columns(actor), "relationship_action", 5, values) == alone


def test_a_key_already_taken_gets_no_task_and_no_audit_event(db):
    ada = contact_of(owner())
    first = open_generated("cadence", [check_in(ada, date(2026, 12, 1))])
    tasks_before = _db.session.scalar(select(func.count(Task.id)))
    events_before = _db.session.scalar(select(func.count(AuditEvent.id)))

    again = open_generated("cadence", [check_in(ada, date(2026, 12, 1), title="Another")])

    assert len(first) == 1 and again == []
    assert _db.session.scalar(select(func.count(Task.id))) == tasks_before
    assert _db.session.scalar(select(func.count(AuditEvent.id))) == events_before


def test_audit_events_keep_every_character_and_value_they_are_given(db):
    changes = {
        "note": {"before": None, "after": AWKWARD},
        "due_on": {"before": date(2026, 1, 2), "after": None},
        "tags": {"before": ["a", "b\tc"], "after": []},
    }
    record_events([event_values(None, "update", "contact", 424242, changes)])

    [event] = events_of("contact", 424242)
    assert event.changes == {
        "note": {"before": None, "after": AWKWARD},
        "due_on": {"before": "2026-01-02", "after": None},
        "tags": {"before": ["a", "b\tc"], "after": []},
    }
    assert (event.action, event.user_id, event.import_id) == ("update", None, None)


def test_copied_timestamps_are_the_same_instant_in_utc(db):
    tokyo = timezone(timedelta(hours=9))
    moment = datetime(2026, 12, 6, 9, 30, tzinfo=tokyo)
    copy_rows(
        AuditEvent.__table__,
        [{"object_type": "contact", "object_id": 515151, "action": "create", "changes": {},
          "created_at": moment}],
    )  # fmt: skip

    [event] = events_of("contact", 515151)
    assert event.created_at == moment
    assert event.created_at.astimezone(UTC) == datetime(2026, 12, 6, 0, 30, tzinfo=UTC)


def test_copied_rows_roll_back_with_their_transaction(db):
    with _db.session.begin_nested() as savepoint:
        record_events([event_values(None, "create", "contact", 616161, {})])
        assert len(events_of("contact", 616161)) == 1
        savepoint.rollback()
    assert events_of("contact", 616161) == []


def test_no_rows_write_nothing(db):
    before = _db.session.scalar(select(func.count(AuditEvent.id)))
    record_events([])
    copy_rows(AuditEvent.__table__, [])
    assert open_generated("cadence", []) == []
    assert _db.session.scalar(select(func.count(AuditEvent.id))) == before


def test_a_copy_into_a_table_a_kept_figure_counts_is_noticed(db):
    """``COPY`` passes no statement through SQLAlchemy, so ``copy_rows`` tells the cache itself:
    the transaction then counts afresh and its commit raises the group's generation."""
    connection = _db.session.connection()
    connection.info.pop(count_cache.WRITTEN, None)
    copy_rows(
        AuditEvent.__table__,
        [event_values(None, "create", "contact", 1, {}) | {"created_at": utcnow()}],
    )
    assert count_cache.WRITTEN not in connection.info  # audit events: no figure counts them
    ada = contact_of(owner())
    open_generated("cadence", [check_in(ada, date(2026, 12, 1))])
    assert "actions" in connection.info[count_cache.WRITTEN]


@pytest.mark.parametrize("count", [1, 3])
def test_ids_taken_from_the_sequence_are_new_and_not_handed_out_again(db, count):
    if _db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("Ids are taken ahead only on PostgreSQL; SQLite returns them from the insert.")
    taken = new_ids(Task.__table__, count)
    assert len(set(taken)) == count
    assert min(taken) > (_db.session.scalar(select(func.max(Task.id))) or 0)
    ada = contact_of(owner())
    [added] = open_generated("cadence", [check_in(ada, date(2026, 12, 1))])
    task_id = _db.session.scalar(select(Task.id).filter_by(relationship_action_id=added["id"]))
    assert task_id > max(taken)


@pytest.mark.parametrize("wanted", ["none", "missing", "some", "all"])
def test_one_of_ids_finds_what_in_finds(db, wanted):
    people = [contact_of(owner(), first_name=f"Person{n}") for n in range(4)]
    ids = {
        "none": [],
        "missing": [999999],
        "some": [people[0].id, people[2].id, 999999],
        "all": [person.id for person in people],
    }[wanted]
    stmt = select(Contact.id).order_by(Contact.id)
    found = list(_db.session.scalars(stmt.where(one_of_ids(Contact.id, ids))))
    assert found == list(_db.session.scalars(stmt.where(Contact.id.in_(ids))))
    assert found == sorted(set(ids) & {person.id for person in people})
