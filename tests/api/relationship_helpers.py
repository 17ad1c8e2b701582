"""Shared builders for the relationships API tests: paths, people, contacts, actions, snapshots."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select

from tests.factories import (
    CompanyFactory,
    ContactCompanyLinkFactory,
    ContactEmailFactory,
    ContactFactory,
    ContactPhoneFactory,
)
from webapp import access
from webapp.models import (
    AuditEvent,
    Company,
    Contact,
    LifeEvent,
    RelationshipAction,
    RelationshipProfile,
    Task,
    User,
)
from webapp.services import actions as action_service

if TYPE_CHECKING:
    import pytest
    from flask import Response

TODAY = date(2025, 6, 1)
TRACKED = (RelationshipProfile, LifeEvent, RelationshipAction, Task, AuditEvent)


# Paths of reference 002


def profile_path(contact_id: int) -> str:
    return f"/api/relationships/contacts/{contact_id}/relationship"


def events_path(contact_id: int) -> str:
    return f"/api/relationships/contacts/{contact_id}/life-events"


def event_path(contact_id: int, event_id: int) -> str:
    return f"/api/relationships/contacts/{contact_id}/life-events/{event_id}"


ACTIONS_PATH = "/api/relationships/relationship-actions"
# The filters of a list of relationship actions (reference 002), paging aside.
ACTION_LIST_FILTERS = (
    "status",
    "action_type",
    "assigned_to_user_id",
    "due_before",
    "due_after",
    "contact_id",
    "company_id",
)


def contact_actions_path(contact_id: int) -> str:
    return f"/api/relationships/contacts/{contact_id}/relationship-actions"


def action_path(action_id: int) -> str:
    return f"{ACTIONS_PATH}/{action_id}"


# Time


def freeze_today(monkeypatch: pytest.MonkeyPatch, day: date = TODAY) -> None:
    """Make ``calendar.now()`` (behind every "today" and due date) noon UTC on ``day``."""
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    monkeypatch.setattr("webapp.services.calendar.now", lambda: moment)


# Records


def client_contact(
    owner: User | None,
    first_name: str = "Ada",
    last_name: str = "Lovelace",
    *,
    email: str | None = "ada@analytical.example",
    phones: tuple[str, ...] = (),
    company: Company | None = None,
) -> Contact:
    """A contact with (optionally) an email, phones in order, and a primary company."""
    contact = ContactFactory(first_name=first_name, last_name=last_name, owner=owner)
    if email:
        ContactEmailFactory(contact=contact, email=email, position=0)
    for position, number in enumerate(phones):
        ContactPhoneFactory(contact=contact, number=number, position=position)
    if company is not None:
        ContactCompanyLinkFactory(contact=contact, company=company, is_primary=True)
    return contact


def company(name: str = "Analytical Engines Ltd") -> Company:
    return CompanyFactory(name=name)


def action_for(assignee: User, contact: Contact, **values: Any) -> RelationshipAction:
    """A manual action through the service, created by (and assigned to) ``assignee``."""
    given = {"title": f"Call {contact.first_name}", "action_type": "call"} | values
    return action_service.create_action(access.actor_for_user(assignee), contact.id, given)


# Many rows at once, for query counts


def add_actions(db, how_many: int, assignees, contacts, companies) -> None:
    """Insert actions (and their tasks) in bulk, spread over assignees, contacts and companies."""
    rows = [
        {
            "contact_id": contacts[i % len(contacts)].id,
            "company_id": companies[i % len(companies)].id if i % 2 else None,
            "title": f"Bulk action {i}",
            "action_type": "call",
            "assigned_to_id": assignees[i % len(assignees)].id,
            "due_on": TODAY + timedelta(days=i % 90 - 30),
            "status": "pending",
            "source": "manual",
        }
        for i in range(how_many)
    ]
    db.session.execute(insert(RelationshipAction), rows)
    without_task = select(RelationshipAction).where(~RelationshipAction.task.has())
    tasks = [
        {
            "title": a.title,
            "assigned_to_id": a.assigned_to_id,
            "due_on": a.due_on,
            "status": "pending",
            "contact_id": a.contact_id,
            "company_id": a.company_id,
            "relationship_action_id": a.id,
        }
        for a in db.session.scalars(without_task)
    ]
    db.session.execute(insert(Task), tasks)
    db.session.commit()


def people_and_places(make_user, count: int, batch: str = "a"):
    """``count`` assignees, companies and contacts (each with an email and a company)."""
    assignees = [make_user("member") for _ in range(count)]
    companies = [company(f"Company {batch}{i}") for i in range(count)]
    contacts = [
        client_contact(
            assignees[i], f"P{i}", batch, email=f"p{i}@{batch}.example", company=companies[i]
        )
        for i in range(count)
    ]
    return assignees, contacts, companies


# Reading back


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def snapshot(db) -> dict[str, int]:
    """Row counts of every table a relationships write touches (audit trail included)."""
    db.session.expire_all()
    return {model.__tablename__: count(db, model) for model in TRACKED}


def audit_events(db, object_type: str, object_id: int) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(
        AuditEvent.object_type == object_type, AuditEvent.object_id == object_id
    )
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


def auto_actions_of(db, event_id: int) -> list[RelationshipAction]:
    db.session.expire_all()
    stmt = select(RelationshipAction).where(RelationshipAction.life_event_id == event_id)
    return list(db.session.scalars(stmt.order_by(RelationshipAction.id)))


def task_of(db, action_id: int) -> Task:
    """The action centre's one task for the action, as stored."""
    db.session.expire_all()
    tasks = list(db.session.scalars(select(Task).where(Task.relationship_action_id == action_id)))
    assert len(tasks) == 1, f"expected one task for action {action_id}, found {len(tasks)}"
    return tasks[0]


# Responses


def error_of(response: Response, status: int, code: str | None = None) -> dict:
    """The error envelope of ``response``, after checking its status (and code, if given)."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]


def error_fields(response: Response, status: int, code: str | None = None) -> set[str]:
    """The field names a 400/422 envelope reports."""
    return set(error_of(response, status, code)["details"].get("fields", {}))


def names_field(fields: set[str], name: str) -> bool:
    """The field itself, or one item of it (``interests.0``), is named; nothing else is."""
    return bool(fields) and all(f == name or _is_item_of(f, name) for f in fields)


def _is_item_of(field: str, name: str) -> bool:
    head, _, index = field.rpartition(".")
    return head == name and index.isdigit()


def ids(items: list[dict]) -> list[str]:
    return [item["id"] for item in items]


# Life events through the API

BIRTHDAY = {"event_type": "birthday", "title": "Birthday", "event_date": "1985-06-20"}
# Today is 1 June 2025: the birthday next falls on 20 June, its card is due a week before.
NEXT_BIRTHDAY, CARD_DUE = "2025-06-20", "2025-06-13"


def create(api, contact, **values) -> dict:
    """A life event (the birthday, changed by ``values``) posted by ``api``; its JSON."""
    response = api.post(events_path(contact.id), json=BIRTHDAY | values)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["event"]


def actions_listed(api, contact) -> list[dict]:
    """The contact's actions as ``api`` lists them."""
    return api.get(contact_actions_path(contact.id)).get_json()["actions"]


def event_row(db, event: dict) -> LifeEvent | None:
    """The stored row of a life event the API returned, or None once deleted."""
    db.session.expire_all()
    return db.session.get(LifeEvent, int(event["id"]))
