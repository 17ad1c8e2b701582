"""The contact page's life events: listed soonest first, added, edited and deleted in place."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests import factories
from tests.records import reload
from tests.web.contact_page_builders import (
    HTMX,
    add_event,
    auto_action_of,
    control,
    field_error,
    section,
    visible_text,
)
from webapp.extensions import db as _db
from webapp.models import LifeEvent, RelationshipAction
from webapp.services import calendar


@pytest.fixture(autouse=True)
def frozen_time(monkeypatch):
    """Noon UTC on 1 March 2027, for everyone."""
    monkeypatch.setattr(calendar, "now", lambda: datetime(2027, 3, 1, 12, tzinfo=UTC))


# --- the page -------------------------------------------------------------------------------------


def test_contact_page_lists_life_events_with_their_next_occurrence(client, me, robert):
    add_event(me, robert, event_date="03-14")
    add_event(me, robert, event_type="anniversary", title="Wedding", event_date="2001-03-02")
    add_event(me, robert, event_type="promotion", title="Made partner", event_date="2020-06-01")
    add_event(me, robert, event_type="graduation", title="MBA", event_date="2027-03-01")
    text = visible_text(section(client.get(f"/contacts/{robert.id}").text, "life-events"))
    assert "Birthday Birthday Every year 14 March · Next 14 March 2027 in 13 days" in text
    assert "Wedding Anniversary Every year 2 March 2001 · Next 2 March 2027 tomorrow" in text
    assert "Made partner Promotion 1 June 2020 · Past" in text
    assert "MBA Graduation 1 March 2027 today" in text
    assert "Action due 7 days before" in text


def test_life_events_are_listed_soonest_first_and_past_ones_last(client, me, robert):
    add_event(me, robert, event_type="promotion", title="Made partner", event_date="2020-06-01")
    add_event(me, robert, event_date="1980-12-24")
    add_event(me, robert, event_type="anniversary", title="Wedding", event_date="2001-03-02")
    html = section(client.get(f"/contacts/{robert.id}").text, "life-events")
    order = [html.index(title) for title in ("Wedding", "Birthday", "Made partner")]
    assert order == sorted(order)


# --- life events ----------------------------------------------------------------------------------


def event_post(**fields) -> dict:
    fields = {"event_type": "birthday", "title": "Birthday", "auto_action_enabled": "y", **fields}
    return {f"life_event-{name}": value for name, value in fields.items()}


def test_adding_a_life_event_creates_its_action_and_tells_the_actions_section(client, me, robert):
    form = client.get(f"/contacts/{robert.id}/life-events/new", headers=HTMX).text
    assert 'data-recurs="true"' in form and 'name="life_event-recurs_annually"' in form
    response = client.post(
        f"/contacts/{robert.id}/life-events",
        data=event_post(event_date="03-14", recurs_annually="y"),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "actions-changed"
    assert "Birthday Birthday Every year 14 March · Next 14 March 2027 in 13 days" in visible_text(
        response.text
    )
    event = _db.session.scalars(select(LifeEvent).where(LifeEvent.contact_id == robert.id)).one()
    action = auto_action_of(event)
    assert (action.status, action.due_on) == ("pending", date(2027, 3, 7))
    actions_html = client.get(f"/contacts/{robert.id}/actions", headers=HTMX).text
    assert "Send a card to Robert Smith: Birthday (14 March)" in actions_html
    assert 'hx-trigger="actions-changed from:body"' in actions_html


def test_editing_a_life_events_date_moves_its_action(client, me, robert):
    event = add_event(me, robert, event_date="03-14")
    form = client.get(f"/contacts/{robert.id}/life-events/{event.id}/edit", headers=HTMX).text
    assert 'value="03-14"' in control(form, "life_event-event_date")
    response = client.post(
        f"/contacts/{robert.id}/life-events/{event.id}",
        data=event_post(event_date="03-20", recurs_annually="y"),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "actions-changed"
    action = auto_action_of(event)
    assert action.due_on == date(2027, 3, 13)
    actions_html = client.get(f"/contacts/{robert.id}/actions", headers=HTMX).text
    assert "Birthday (20 March)" in actions_html and "Due 13 March 2027" in visible_text(
        actions_html
    )


def test_invalid_life_event_shows_errors_by_the_fields_and_creates_nothing(client, me, robert):
    response = client.post(
        f"/contacts/{robert.id}/life-events",
        data=event_post(title="", event_date="13-40", auto_action_days_before="many"),
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "HX-Trigger" not in response.headers
    html = response.text
    assert "This is required." in field_error(html, "life_event-title")
    assert "13-40 is not a day of the year." in field_error(html, "life_event-event_date")
    assert "whole number" in field_error(html, "life_event-auto_action_days_before")
    _db.session.expire_all()
    assert not _db.session.scalars(select(LifeEvent)).all()
    assert not _db.session.scalars(select(RelationshipAction)).all()


def test_manager_deletes_a_life_event_and_its_action_is_dismissed(client, login_as, make_user):
    manager = login_as("manager")
    contact = factories.ContactFactory(first_name="Robert", last_name="Smith", owner=manager)
    event = add_event(manager, contact)
    action = auto_action_of(event)
    page = client.get(f"/contacts/{contact.id}").text
    delete_url = f"/contacts/{contact.id}/life-events/{event.id}/delete"
    assert f'hx-post="{delete_url}"' in page and "hx-confirm=" in page
    response = client.post(delete_url, headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "actions-changed"
    assert "No life events yet." in response.text
    assert reload(_db, action).status == "dismissed"
    assert _db.session.get(LifeEvent, event.id) is None
    actions = visible_text(client.get(f"/contacts/{contact.id}/actions", headers=HTMX).text)
    assert "Done and dismissed (1) Dismissed Send a card to Robert Smith" in actions


def test_member_sees_no_delete_button_and_cannot_delete(client, me, robert):
    event = add_event(me, robert)
    page = client.get(f"/contacts/{robert.id}").text
    assert f"/life-events/{event.id}/edit" in page
    assert f"/life-events/{event.id}/delete" not in page
    response = client.post(f"/contacts/{robert.id}/life-events/{event.id}/delete", headers=HTMX)
    assert response.status_code == 403
    _db.session.expire_all()
    assert _db.session.get(LifeEvent, event.id) is not None
    assert auto_action_of(event).status == "pending"


def test_life_event_of_another_contact_is_not_found(client, me, robert):
    other = factories.ContactFactory(owner=me)
    event = add_event(me, other)
    assert client.get(f"/contacts/{robert.id}/life-events/{event.id}/edit").status_code == 404
    response = client.post(
        f"/contacts/{robert.id}/life-events/{event.id}", data=event_post(title="Moved")
    )
    assert response.status_code == 404
    assert reload(_db, event).title == "Birthday"


def test_add_form_without_htmx_is_the_whole_page_with_the_form_open(client, me, robert):
    html = client.get(f"/contacts/{robert.id}/life-events/new").text
    assert "<html" in html and "Add a life event" in html
    assert f'action="/contacts/{robert.id}/life-events"' in html


def test_life_events_section_is_a_fragment_for_htmx_and_a_redirect_otherwise(client, me, robert):
    fragment = client.get(f"/contacts/{robert.id}/life-events", headers=HTMX)
    assert fragment.text.lstrip().startswith('<section id="life-events"')
    assert "<html" not in fragment.text
    assert "HX-Request" in fragment.headers["Vary"]
    plain = client.get(f"/contacts/{robert.id}/life-events")
    assert plain.status_code == 303
    assert plain.headers["Location"].endswith(f"/contacts/{robert.id}#life-events")
