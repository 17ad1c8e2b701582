"""The action centre: every relationship action has one task, and the two never disagree."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, func, select

from tests.factories import CompanyFactory, ContactCompanyLinkFactory, SquadFactory
from tests.records import events_for, reload
from tests.unit.relationship_builders import (
    actor_of,
    add_event,
    at_noon_utc,
    contact_of,
    freeze_time,
    only_pending,
    stored_status,
    task_of,
    user,
)
from webapp.models import AuditEvent, RelationshipAction, Task
from webapp.services import actions
from webapp.services.errors import BadRequest, NotFound, ValidationFailed

TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(TODAY))


@pytest.fixture
def member(db):
    return user("member")


@pytest.fixture
def actor(member):
    return actor_of(member)


@pytest.fixture
def contact(db, member):
    return contact_of(member, "Grace", "Hopper")


def manual_action(actor, contact, **values) -> RelationshipAction:
    given = {"title": "Call about the renewal", "action_type": "call", "due_date": "2025-06-10"}
    return actions.create_action(actor, contact.id, given | values)


def auto_action(db, actor, contact) -> RelationshipAction:
    return only_pending(db, add_event(actor, contact, "06-20").id)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def both_statuses(db, action: RelationshipAction) -> tuple[str, str]:
    """The action's and its task's status as the database has them."""
    return stored_status(db, "relationship_actions", action.id), stored_status(
        db, "tasks", action.task.id
    )


def done_events(db) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.action.in_(("done", "dismissed")))
    return list(db.session.scalars(stmt))


# One task per action, mirroring it


def test_a_manual_action_gets_one_task_with_its_title_assignee_due_date_and_contact(
    db, actor, contact
):
    company = CompanyFactory()
    ContactCompanyLinkFactory(contact=contact, company=company)
    action = manual_action(actor, contact, description="Bring the figures")
    stored = reload(db, action)
    task = task_of(db, stored)
    assert (task.title, task.assigned_to_id, task.due_on, task.contact_id) == (
        "Call about the renewal",
        actor.user_id,
        date(2025, 6, 10),
        contact.id,
    )
    assert (task.company_id, task.description, task.status) == (
        company.id,
        "Bring the figures",
        "pending",
    )
    assert stored.company_id == company.id


def test_an_auto_action_gets_one_task_mirroring_it(db, actor, contact):
    action = auto_action(db, actor, contact)
    task = task_of(db, action)
    assert (task.title, task.assigned_to_id, task.due_on, task.contact_id) == (
        action.title,
        action.assigned_to_id,
        action.due_on,
        contact.id,
    )


def test_every_action_has_exactly_one_task(db, actor, contact):
    manual_action(actor, contact)
    manual_action(actor, contact, title="Lunch", action_type="meeting")
    auto_action(db, actor, contact)
    db.session.flush()
    assert count(db, RelationshipAction) == count(db, Task) == 3
    orphans = select(func.count()).where(Task.relationship_action_id.is_(None))
    assert db.session.scalar(orphans) == 0


def test_a_new_action_is_audited_on_both_sides(db, actor, contact):
    action = manual_action(actor, contact)
    assert [(e.action, e.user_id) for e in events_for(db, action)] == [("create", actor.user_id)]
    assert [e.action for e in events_for(db, action.task)] == ["create"]


def test_an_action_is_for_the_caller_unless_they_name_someone(db, actor, contact):
    assert manual_action(actor, contact).assigned_to_id == actor.user_id


def test_a_manager_may_assign_to_their_squad(db, contact):
    squad = SquadFactory()
    manager, teammate = user("manager", squad=squad), user("member", squad=squad)
    action = manual_action(actor_of(manager), contact, assigned_to_user_id=teammate.id)
    assert task_of(db, reload(db, action)).assigned_to_id == teammate.id


def test_assigning_outside_ones_queue_writes_nothing(db, actor, contact):
    stranger = user("member")
    with pytest.raises(ValidationFailed) as failure:
        manual_action(actor, contact, assigned_to_user_id=stranger.id)
    assert "assigned_to_user_id" in failure.value.fields
    assert count(db, RelationshipAction) == count(db, Task) == 0


# Closing from either side


@pytest.mark.parametrize("status", ["done", "dismissed"])
def test_set_status_closes_the_task_too(db, actor, contact, status):
    action = manual_action(actor, contact)
    actions.set_status(actor, action.id, status)
    assert both_statuses(db, action) == (status, status)
    stored = reload(db, action)
    assert stored.completed_by_id == stored.task.completed_by_id == actor.user_id
    assert stored.completed_at is not None and stored.task.completed_at is not None


def test_set_status_writes_action_and_task_in_the_same_flush(db, actor, contact):
    action = auto_action(db, actor, contact)
    flushed: list[set[str]] = []

    def remember(session, _context):
        flushed.append({type(obj).__name__ for obj in session.dirty if hasattr(obj, "status")})

    session = db.session()
    event.listen(session, "after_flush", remember)
    try:
        actions.set_status(actor, action.id, "done")
    finally:
        event.remove(session, "after_flush", remember)
    assert {"RelationshipAction", "Task"} in flushed
    assert both_statuses(db, action) == ("done", "done")  # on disk with no further flush


@pytest.mark.parametrize("status", ["done", "dismissed"])
def test_set_task_status_closes_the_action_too(db, actor, contact, status):
    action = auto_action(db, actor, contact)
    actions.set_task_status(actor, action.task.id, status)
    assert both_statuses(db, action) == (status, status)


def test_closing_is_audited_for_action_and_task(db, actor, contact):
    action = manual_action(actor, contact)
    actions.set_status(actor, action.id, "done")
    action_events = events_for(db, action)
    assert [e.action for e in action_events] == ["create", "done"]
    assert action_events[-1].changes["status"] == {"before": "pending", "after": "done"}
    task_events = events_for(db, action.task)
    assert [(e.action, e.user_id) for e in task_events] == [
        ("create", actor.user_id),
        ("done", actor.user_id),
    ]


def test_closing_twice_changes_and_audits_nothing_more(db, actor, contact):
    action = manual_action(actor, contact)
    actions.set_status(actor, action.id, "done")
    completed_at = reload(db, action).completed_at
    actions.set_task_status(actor, action.task.id, "done")
    actions.set_status(actor, action.id, "done")
    assert reload(db, action).completed_at == completed_at
    assert [e.action for e in events_for(db, action)] == ["create", "done"]
    assert [e.action for e in events_for(db, action.task)] == ["create", "done"]


# They cannot diverge


def fail_on_task_audit(monkeypatch) -> None:
    """Make the audit of the task side raise, after the action has been written."""
    real = actions.record_event

    def record(actor, verb, object_type, *args, **kwargs):
        if object_type == "task":
            raise RuntimeError("the audit log is unavailable")
        return real(actor, verb, object_type, *args, **kwargs)

    monkeypatch.setattr(actions, "record_event", record)


@pytest.mark.parametrize("side", ["action", "task"])
def test_a_failure_half_way_leaves_neither_side_closed(db, actor, contact, monkeypatch, side):
    action = auto_action(db, actor, contact)
    task_id = action.task.id
    fail_on_task_audit(monkeypatch)
    with pytest.raises(RuntimeError), db.session.begin_nested():
        if side == "action":
            actions.set_status(actor, action.id, "done")
        else:
            actions.set_task_status(actor, task_id, "done")
    db.session.expire_all()
    assert both_statuses(db, action) == ("pending", "pending")
    assert reload(db, action).completed_at is None
    assert db.session.get(Task, task_id).completed_at is None
    assert done_events(db) == []


def test_bulk_close_with_one_action_out_of_scope_changes_nothing(db, actor, contact):
    mine = [manual_action(actor, contact, title=f"Call {n}") for n in range(2)]
    someone_else = actor_of(user("member"))
    theirs = manual_action(someone_else, contact_of(someone_else.user), title="Theirs")
    ids = [mine[0].id, theirs.id, mine[1].id]
    with pytest.raises(NotFound):
        actions.set_statuses(actor, ids, "done")
    for action in [*mine, theirs]:
        assert both_statuses(db, action) == ("pending", "pending")
    assert done_events(db) == []


def test_bulk_close_with_an_unknown_id_changes_nothing(db, actor, contact):
    action = manual_action(actor, contact)
    with pytest.raises(NotFound):
        actions.set_statuses(actor, [action.id, 987654], "dismissed")
    assert both_statuses(db, action) == ("pending", "pending")


def test_bulk_close_closes_every_action_and_task(db, actor, contact):
    closing = [manual_action(actor, contact, title=f"Call {n}") for n in range(3)]
    untouched = manual_action(actor, contact, title="Not this one")
    actions.set_statuses(actor, [a.id for a in closing], "dismissed")
    for action in closing:
        assert both_statuses(db, action) == ("dismissed", "dismissed")
    assert both_statuses(db, untouched) == ("pending", "pending")


def test_a_manager_closes_a_squad_members_action_but_not_an_outsiders(db, contact):
    squad = SquadFactory()
    manager = actor_of(user("manager", squad=squad))
    teammate = actor_of(user("member", squad=squad))
    outsider = actor_of(user("member"))
    ours = manual_action(teammate, contact)
    theirs = manual_action(outsider, contact)
    actions.set_status(manager, ours.id, "done")
    with pytest.raises(NotFound):
        actions.set_status(manager, theirs.id, "done")
    with pytest.raises(NotFound):
        actions.set_task_status(manager, theirs.task.id, "done")
    assert both_statuses(db, ours) == ("done", "done")
    assert both_statuses(db, theirs) == ("pending", "pending")


@pytest.mark.parametrize("status", ["pending", "open", "DONE", "", None, 1, ["done"]])
def test_only_done_or_dismissed_is_accepted(db, actor, contact, status):
    action = manual_action(actor, contact)
    attempts = [
        lambda: actions.set_status(actor, action.id, status),
        lambda: actions.set_statuses(actor, [action.id], status),
        lambda: actions.set_task_status(actor, action.task.id, status),
    ]
    for attempt in attempts:
        with pytest.raises(BadRequest) as refused:
            attempt()
        assert refused.value.status == 400
        assert "status" in refused.value.fields
    assert both_statuses(db, action) == ("pending", "pending")


def test_a_task_without_an_action_closes_on_its_own(db, actor):
    task = Task(title="Expenses", assigned_to_id=actor.user_id, status="pending")
    db.session.add(task)
    db.session.flush()
    actions.set_task_status(actor, task.id, "done")
    stored = reload(db, task)
    assert (stored.status, stored.completed_by_id) == ("done", actor.user_id)
    assert [e.action for e in events_for(db, task)] == ["done"]
