"""The contact page's recent history: relationship changes, within what the viewer may see."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.web.contact_page_builders import actor, add_action, add_event, visible_text
from webapp.extensions import db as _db
from webapp.services import actions as action_service
from webapp.services import calendar, profiles


@pytest.fixture(autouse=True)
def frozen_time(monkeypatch):
    """Noon UTC on 1 March 2027, for everyone."""
    monkeypatch.setattr(calendar, "now", lambda: datetime(2027, 3, 1, 12, tzinfo=UTC))


def history_of(client, contact) -> str:
    html = client.get(f"/contacts/{contact.id}").text
    start = html.index('aria-labelledby="history-heading"')
    return visible_text(html[start:])


def test_recent_history_includes_profile_life_event_and_action_changes(client, me, robert):
    profiles.update_profile(actor(me), robert.id, {"preferred_name": "Bob"})
    add_event(me, robert, event_type="promotion", title="Made partner", event_date="2027-06-01")
    action = add_action(me, robert, title="Book the partner dinner")
    action_service.set_status(actor(me), action.id, "done")
    _db.session.commit()

    history = history_of(client, robert)

    assert "Profile updated by Mia Member" in history
    assert "Life event created by Mia Member Made partner" in history
    assert "Action created by Mia Member Book the partner dinner" in history
    assert "Action marked done by Mia Member" in history


def test_recent_history_leaves_out_actions_the_viewer_cannot_see(client, me, robert, make_user):
    colleague = make_user("member", name="Colin Colleague")
    add_action(colleague, robert, title="Private call by Colin")

    history = history_of(client, robert)

    assert "Private call by Colin" not in history
    assert "Action created" not in history
