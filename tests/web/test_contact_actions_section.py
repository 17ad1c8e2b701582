"""The contact page's actions: listed by scope, created and closed in place; read-only modes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests import factories
from tests.records import reload
from tests.web.contact_page_builders import (
    HTMX,
    actor,
    add_action,
    add_event,
    field_error,
    section,
    visible_text,
)
from webapp import access
from webapp.extensions import db as _db
from webapp.models import RelationshipAction
from webapp.models.base import utcnow
from webapp.services import actions as action_service
from webapp.services import calendar


@pytest.fixture(autouse=True)
def frozen_time(monkeypatch):
    """Noon UTC on 1 March 2027, for everyone."""
    monkeypatch.setattr(calendar, "now", lambda: datetime(2027, 3, 1, 12, tzinfo=UTC))


# --- the page -------------------------------------------------------------------------------------


def test_actions_section_lists_pending_and_closed_and_highlights_overdue(client, me, robert):
    late = add_action(me, robert, "Send the proposal", due_date="2027-02-26")
    soon = add_action(me, robert, "Book lunch", due_date="2027-03-05")
    finished = add_action(me, robert, "Thank-you card")
    action_service.set_status(actor(me), finished.id, "done")
    _db.session.commit()
    html = section(client.get(f"/contacts/{robert.id}").text, "contact-actions")
    late_row = re.search(rf'<li class="([^"]*)" id="contact-action-{late.id}">', html)
    soon_row = re.search(rf'<li class="([^"]*)" id="contact-action-{soon.id}">', html)
    assert "contact-action-overdue" in late_row.group(1)
    assert "contact-action-overdue" not in soon_row.group(1)
    text = visible_text(html)
    assert "Send the proposal Overdue Call Due 26 February 2027 (3 days ago)" in text
    assert "Book lunch Call Due 5 March 2027 (in 4 days)" in text
    assert text.count("Overdue") == 1
    assert "Done and dismissed (1) Done Thank-you card" in text
    assert text.index("Send the proposal") < text.index("Book lunch") < text.index("Thank-you")


# --- actions --------------------------------------------------------------------------------------


def action_post(**fields) -> dict:
    return {f"action-{name}": value for name, value in fields.items()}


def test_creating_a_manual_action_shows_it_in_the_section(client, me, robert):
    form = client.get(f"/contacts/{robert.id}/actions/new", headers=HTMX).text
    assert re.search(rf'<option selected value="{me.id}">Me</option>', form)
    response = client.post(
        f"/contacts/{robert.id}/actions",
        data=action_post(title="Send the brochure", action_type="email", due_date="2027-03-10"),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Send the brochure Email Due 10 March 2027 (in 9 days)" in visible_text(response.text)
    _db.session.expire_all()
    action = _db.session.scalars(select(RelationshipAction)).one()
    assert (action.contact_id, action.assigned_to_id, action.source) == (robert.id, me.id, "manual")
    assert action.task.title == "Send the brochure"


def test_action_for_someone_whose_queue_you_do_not_see_is_refused(client, me, robert, make_user):
    stranger = make_user(name="Stan Stranger")
    form = client.get(f"/contacts/{robert.id}/actions/new", headers=HTMX).text
    assert "Stan Stranger" not in form
    response = client.post(
        f"/contacts/{robert.id}/actions",
        data=action_post(title="Call", action_type="call", assigned_to_user_id=str(stranger.id)),
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "whose queue you see" in field_error(response.text, "action-assigned_to_user_id")
    _db.session.expire_all()
    assert not _db.session.scalars(select(RelationshipAction)).all()


def test_manager_may_assign_to_their_squad_only(client, login_as, make_user):
    squad = factories.SquadFactory()
    manager = login_as("manager", squad=squad, name="Maggie Manager")
    make_user(squad=squad, name="Sam Squadmate")
    make_user(squad=factories.SquadFactory(), name="Olly Outsider")
    contact = factories.ContactFactory(owner=manager)
    _db.session.commit()
    form = client.get(f"/contacts/{contact.id}/actions/new", headers=HTMX).text
    assert "Sam Squadmate" in form and "Olly Outsider" not in form


@pytest.mark.parametrize(("status", "shown"), [("done", "Done"), ("dismissed", "Dismissed")])
def test_marking_an_action_closes_it_and_its_task(client, me, robert, status, shown):
    action = add_action(me, robert, "Send the proposal")
    response = client.post(
        f"/contacts/{robert.id}/actions/{action.id}/status", data={"status": status}, headers=HTMX
    )
    assert response.status_code == 200
    text = visible_text(response.text)
    assert "Nothing to do for Robert right now." in text
    assert f"Done and dismissed (1) {shown} Send the proposal" in text
    stored = reload(_db, action)
    assert (stored.status, stored.task.status, stored.completed_by_id) == (status, status, me.id)
    assert response.headers["HX-Trigger"] == "touches-changed"  # the timeline and card reload


def test_marking_needs_a_known_status_an_action_of_this_contact_and_in_scope(
    client, me, robert, make_user
):
    mine = add_action(me, robert)
    other_contact = factories.ContactFactory(owner=me)
    elsewhere = add_action(me, other_contact)
    theirs = add_action(make_user(), robert)
    url = f"/contacts/{robert.id}/actions/{{}}/status"
    assert client.post(url.format(mine.id), data={"status": "pending"}).status_code == 400
    assert client.post(url.format(elsewhere.id), data={"status": "done"}).status_code == 404
    assert client.post(url.format(theirs.id), data={"status": "done"}).status_code == 404
    for action in (mine, elsewhere, theirs):
        assert reload(_db, action).status == "pending"


def test_member_sees_only_their_own_actions_on_the_contact(client, me, robert, make_user):
    add_action(me, robert, "My call")
    add_action(make_user(), robert, "Colleague's call")
    text = visible_text(client.get(f"/contacts/{robert.id}").text)
    assert "My call" in text
    assert "Colleague's call" not in text


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("manager", {"Own call", "Squad call"}),
        ("executive", {"Own call", "Squad call", "Outside call"}),
        ("head", {"Own call", "Squad call", "Outside call"}),
    ],
)
def test_managers_see_their_squads_actions_and_executives_everyones(
    client, login_as, make_user, role, sees
):
    squad = factories.SquadFactory()
    viewer = login_as(role, squad=squad)
    contact = factories.ContactFactory(owner=viewer)
    add_action(viewer, contact, "Own call")
    add_action(make_user(squad=squad), contact, "Squad call")
    add_action(make_user(squad=factories.SquadFactory()), contact, "Outside call")
    html = client.get(f"/contacts/{contact.id}").text
    shown = {t for t in ("Own call", "Squad call", "Outside call") if t in html}
    assert shown == sees


def test_archived_contact_has_no_edit_controls_for_its_sections(client, me, robert):
    add_event(me, robert)
    robert.archived_at = utcnow()
    _db.session.commit()
    html = client.get(f"/contacts/{robert.id}").text
    for control in ("/profile/edit", "/life-events/new", "/actions/new"):
        assert control not in html, control


def test_without_update_permission_the_sections_are_read_only(client, me, robert):
    from webapp.models import PermissionOverride

    add_event(me, robert)
    add_action(me, robert)
    _db.session.add(
        PermissionOverride(user=me, permission=access.RELATIONSHIPS_UPDATE, granted=False)
    )
    _db.session.commit()
    html = client.get(f"/contacts/{robert.id}").text
    assert "Call about renewal" in html and "Birthday" in html
    for control in ("/profile/edit", "/life-events/new", "/edit", "/actions/new", "/status"):
        assert control not in html, control
    assert client.post(f"/contacts/{robert.id}/profile", data={}).status_code == 403
