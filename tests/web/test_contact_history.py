"""The contact page's recent history: relationship changes, within what the viewer may see."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests import factories
from tests.conftest import sign_in_session
from tests.web.contact_page_builders import actor, add_action, add_event, visible_text
from webapp import access
from webapp.extensions import db as _db
from webapp.services import actions as action_service
from webapp.services import api_keys, calendar, profiles


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


def test_each_viewer_sees_the_actions_their_role_covers(client, me, robert, make_user):
    """One process serves everyone: what one viewer may see never shows to the next."""
    squad = factories.SquadFactory(name="North")
    manager = make_user("manager", name="Mo Manager", squad=squad)
    mate = make_user("member", name="Sam Mate", squad=squad)
    outsider = make_user("member", name="Olu Outsider")
    executive = make_user("executive", name="Eve Executive")
    add_action(mate, robert, title="Call from the squad")
    add_action(outsider, robert, title="Call from outside")
    add_action(me, robert, title="My own call")

    seen = {}
    for viewer in (me, manager, mate, executive, outsider, manager):
        sign_in_session(client, viewer.id)
        seen.setdefault(viewer.name, []).append(history_of(client, robert))

    def shows(name: str) -> set[str]:
        titles = ("Call from the squad", "Call from outside", "My own call")
        (history, *again) = seen[name]
        assert all(later == history for later in again), f"{name}'s history changed"
        return {title for title in titles if title in history}

    assert shows("Mia Member") == {"My own call"}
    assert shows("Mo Manager") == {"Call from the squad"}
    assert shows("Sam Mate") == {"Call from the squad"}
    assert shows("Eve Executive") == {"Call from the squad", "Call from outside", "My own call"}
    assert shows("Olu Outsider") == {"Call from outside"}


def test_a_change_made_through_an_api_key_names_the_key(client, me, robert):
    key = api_keys.create_api_key(actor(me), me, name="Zapier sync").api_key
    through_key = access.actor_for_api_key(key)
    profiles.update_profile(through_key, robert.id, {"preferred_name": "Bob"})
    _db.session.commit()

    assert "Profile updated by Mia Member (API key Zapier sync)" in history_of(client, robert)
