"""Builders shared by the contact page's section tests: reading the page, adding records."""

from __future__ import annotations

import re

from sqlalchemy import select

from webapp import access
from webapp.extensions import db as _db
from webapp.models import RelationshipAction
from webapp.services import actions as action_service
from webapp.services import life_events

HTMX = {"HX-Request": "true"}


def visible_text(html: str) -> str:
    """The text a reader sees: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def field_error(html: str, field_id: str) -> str:
    """The error message shown next to the field with ``field_id``."""
    found = re.search(
        rf'<div id="{field_id}-error" class="invalid-feedback[^"]*">([^<]*)</div>', html
    )
    assert found, f"no error shown next to {field_id}"
    return found.group(1)


def control(html: str, field_id: str) -> str:
    """The ``<input>`` (or other control's opening tag) with ``field_id``."""
    found = re.search(rf'<(?:input|select|textarea)[^>]* id="{field_id}"[^>]*>', html)
    assert found, f"no control {field_id}"
    return found.group(0)


def section(html: str, section_id: str) -> str:
    """The markup of one section of the page, up to the next section."""
    start = html.index(f'<section id="{section_id}"')
    end = html.find("<section", start + 1)
    return html[start : end if end != -1 else None]


def actor(user):
    return access.actor_for_user(user)


def add_event(user, contact, **values):
    values = {"event_type": "birthday", "title": "Birthday", "event_date": "03-14", **values}
    event = life_events.create_event(actor(user), contact.id, values)
    _db.session.commit()
    return event


def add_action(user, contact, title="Call about renewal", **values):
    values = {"title": title, "action_type": "call", **values}
    action = action_service.create_action(actor(user), contact.id, values)
    _db.session.commit()
    return action


def auto_action_of(event) -> RelationshipAction:
    _db.session.expire_all()
    stmt = select(RelationshipAction).where(RelationshipAction.life_event_id == event.id)
    return _db.session.scalars(stmt).one()


def queries_for(client, count_queries, path: str, **kwargs) -> int:
    """How many SQL statements one request for ``path`` runs (after a warm-up request)."""
    client.get(path, **kwargs)
    with count_queries() as statements:
        response = client.get(path, **kwargs)
    assert response.status_code == 200
    return len(statements)
