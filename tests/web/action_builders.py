"""Builders shared by the Actions page, its scoping matrix and the Today page tests."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from tests import factories
from tests.conftest import sign_in_session
from webapp.extensions import db as _db
from webapp.models import RelationshipAction, Task
from webapp.services import actions as action_service

TODAY = date(2027, 3, 10)
HTMX = {"HX-Request": "true"}


def add_action(assignee, *, contact=None, title=None, status="pending", **fields):
    """An action (and its task) through the service; ``status`` closes it after opening."""
    contact = contact or factories.ContactFactory(owner=assignee)
    new = action_service.NewAction(
        contact=contact,
        title=title or f"Call {contact.first_name}",
        action_type=fields.pop("action_type", "call"),
        assigned_to=assignee,
        **fields,
    )
    action = action_service.open_action(None, new)
    if status != "pending":
        action_service.close_action(None, action, status)
    _db.session.flush()
    return action


def listed_ids(html: str) -> list[int]:
    """Action ids in the order the table lists them."""
    return [int(n) for n in re.findall(r'<tr id="action-(\d+)"', html)]


def tab_counts(html: str) -> dict[str, int]:
    """Each tab shown, with the pending count its badge says."""
    found = re.findall(r'data-count="(\w+)">([\d,]+)<', html)
    return {tab: int(count.replace(",", "")) for tab, count in found}


def stored(action) -> tuple[str, str]:
    """(action status, task status) as the database has them now."""
    _db.session.expire_all()
    action = _db.session.get(RelationshipAction, action.id)
    task = _db.session.scalar(select(Task).where(Task.relationship_action_id == action.id))
    return action.status, task.status


def sign_in(client, user) -> None:
    _db.session.commit()
    sign_in_session(client, user.id)


def ids_of(mixed, *names) -> list[int]:
    return [mixed[name].id for name in names]
