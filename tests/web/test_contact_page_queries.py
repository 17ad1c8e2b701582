"""The contact page and its sections run a fixed number of SQL queries, however much they list."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests import factories
from tests.web.contact_page_builders import queries_for
from webapp import access
from webapp.extensions import db as _db
from webapp.models import Message
from webapp.services import actions as action_service
from webapp.services import calendar, interactions, life_events, profiles
from webapp.web.contact_sections import LAZY

EVERY_SECTION = "&".join(f"open={section.name}" for section in LAZY)
EVENT_TYPES = ("birthday", "anniversary", "promotion", "new_job", "wedding")
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def frozen_time(monkeypatch):
    monkeypatch.setattr(calendar, "now", lambda: datetime(2027, 3, 1, 12, tzinfo=UTC))


@pytest.fixture
def world(db, login_as, make_user):
    """An executive (who sees every action) looking at a contact with a filled-in profile."""
    viewer = login_as("executive")
    owner = make_user(name="Owner")
    contact = factories.ContactFactory(first_name="Robert", last_name="Smith", owner=owner)
    factories.ContactPhoneFactory(contact=contact)
    factories.ContactCompanyLinkFactory(contact=contact)
    profiles.update_profile(
        access.actor_for_user(owner),
        contact.id,
        {"preferred_name": "Bob", "interests": ["Golf", "Jazz"], "birthday": "03-14"},
    )
    _db.session.commit()
    return {"viewer": viewer, "contact": contact, "make_user": make_user}


def add_events_and_actions(world, count: int, start: int = 0) -> None:
    """``count`` life events (each with its auto-action), ``count`` manual actions, interactions
    and messages, each for or by a different person, every other action closed by yet another:
    a lazy load per row would show."""
    contact = world["contact"]
    for n in range(start, start + count):
        assignee = access.actor_for_user(world["make_user"](name=f"Assignee {n}"))
        life_events.create_event(
            assignee,
            contact.id,
            {
                "event_type": EVENT_TYPES[n % len(EVENT_TYPES)],
                "title": f"Event {n}",
                "event_date": f"{(n % 12) + 1:02d}-{(n % 28) + 1:02d}",
            },
        )
        action = action_service.create_action(
            assignee,
            contact.id,
            {"title": f"Action {n}", "action_type": "call", "due_date": f"2027-0{n % 9 + 1}-10"},
        )
        interactions.log_interaction(
            assignee, contact.id, {"kind": "call", "occurred_on": "2027-02-01", "summary": f"n{n}"}
        )
        _db.session.add(
            Message(
                contact_id=contact.id,
                channel="sms",
                direction="outbound",
                body=f"Message {n}",
                status="sent",
                sent_by=world["make_user"](name=f"Sender {n}"),
            )
        )
        if n % 2:
            closer = access.actor_for_user(world["make_user"]("executive", name=f"Closer {n}"))
            action_service.set_status(closer, action.id, "done" if n % 4 == 1 else "dismissed")
    _db.session.commit()


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/contacts/{id}", {}),
        ("/contacts/{id}/actions", HTMX),
        ("/contacts/{id}/life-events", HTMX),
        ("/contacts/{id}/profile", HTMX),
        ("/contacts/{id}/timeline", HTMX),
        ("/contacts/{id}/timeline/entries", HTMX),
        ("/contacts/{id}/keep-in-touch", HTMX),
        ("/contacts/{id}?" + EVERY_SECTION, {}),
        *((f"/contacts/{{id}}/sections/{section.name}", HTMX) for section in LAZY),
    ],
    ids=[
        "page",
        "actions section",
        "life events section",
        "profile card",
        "timeline section",
        "timeline list",
        "keep-in-touch card",
        "page with every section in place",
        *(f"{section.name} loaded on scroll" for section in LAZY),
    ],
)
def test_contact_page_runs_the_same_queries_for_2_and_40_events_and_actions(
    client, count_queries, world, path, headers
):
    path = path.format(id=world["contact"].id)
    add_events_and_actions(world, 2)
    with_two = queries_for(client, count_queries, path, headers=headers)
    add_events_and_actions(world, 38, start=2)
    with_forty = queries_for(client, count_queries, path, headers=headers)
    assert with_forty == with_two, f"{with_two} queries with 2 of each, {with_forty} with 40"


def test_the_page_really_lists_all_forty(client, world):
    add_events_and_actions(world, 40)
    html = client.get(f"/contacts/{world['contact'].id}?{EVERY_SECTION}").text
    assert all(f"Event {n}<" in html for n in range(40))
    assert all(f"Action {n}<" in html for n in range(40))
    assert "Done and dismissed (20)" in html
