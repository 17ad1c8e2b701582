"""The client page's first screen stays short for a big client: the soonest pending actions and
upcoming events with "Show all", and the relationship map loaded when it is scrolled into view."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests import factories
from tests.unit.relationship_builders import at_noon_utc, freeze_time
from tests.web.action_builders import HTMX, TODAY, add_action, stored
from tests.web.contact_page_builders import queries_for, section, visible_text
from tests.web.test_client_page import add_event, make_client, page_of, person_at
from webapp.extensions import db as _db
from webapp.web.client_page import ACTIONS_SHOWN, EVENTS_SHOWN


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(TODAY))


@pytest.fixture
def busy(client, login_as):
    """A client with 14 pending actions (due on days 1..14) and 15 upcoming events."""
    me = login_as("member", name="Mo Member")
    acme = make_client()
    ann = person_at(acme, "Ann", "Archer")
    actions = [
        add_action(me, contact=ann, title=f"Task {n:02}", due_on=TODAY + timedelta(days=n))
        for n in range(1, 15)
    ]
    for n in range(1, 16):
        add_event(me, ann, f"Event {n:02}", TODAY + timedelta(days=n))
    _db.session.commit()
    return {"me": me, "acme": acme, "ann": ann, "actions": actions}


def action_titles(html: str) -> list[str]:
    """The titles the card lists (not its notice of what was just closed)."""
    listed = section(html, "client-actions").partition('aria-label="Pending actions"')[2]
    return re.findall(r"Task \d\d", visible_text(listed))


def event_titles(html: str) -> list[str]:
    return re.findall(r"Event \d\d", visible_text(section(html, "client-upcoming")))


def pending_badge(html: str) -> str:
    heading = section(html, "client-actions")
    return re.search(r'badge-muted ms-1">(\d+)<', heading).group(1)


# --- pending actions -----------------------------------------------------------------------------


def test_the_page_lists_the_soonest_actions_counts_them_all_and_offers_the_rest(client, busy):
    html = page_of(client, busy["acme"])

    assert action_titles(html) == [f"Task {n:02}" for n in range(1, ACTIONS_SHOWN + 1)]
    assert pending_badge(html) == "14"
    card = visible_text(section(html, "client-actions"))
    assert f"Showing the soonest {ACTIONS_SHOWN} of 14." in card
    assert "Show all 14 pending actions" in card
    assert f'href="/clients/{busy["acme"].id}?actions=all#client-actions"' in html


def test_show_all_lists_every_pending_action(client, busy):
    html = page_of(client, busy["acme"], actions="all")

    assert action_titles(html) == [f"Task {n:02}" for n in range(1, 15)]
    assert "Show all" not in visible_text(section(html, "client-actions"))


def test_show_all_swaps_the_whole_list_in_for_htmx(client, busy):
    acme = busy["acme"]

    response = client.get(f"/clients/{acme.id}/actions?actions=all", headers=HTMX)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="client-actions"')
    assert len(action_titles(html)) == 14


def test_closing_an_action_keeps_the_list_as_it_was_shown(client, busy):
    acme, first = busy["acme"], busy["actions"][0]
    html = page_of(client, acme, actions="all")
    assert f'/clients/{acme.id}/actions/{first.id}/status?actions=all"' in html

    response = client.post(
        f"/clients/{acme.id}/actions/{first.id}/status?actions=all",
        data={"status": "done"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert action_titles(response.get_data(as_text=True)) == [f"Task {n:02}" for n in range(2, 15)]
    assert stored(first) == ("done", "done")


def test_closing_one_of_the_soonest_brings_the_next_one_in(client, busy):
    acme, first = busy["acme"], busy["actions"][0]

    response = client.post(
        f"/clients/{acme.id}/actions/{first.id}/status", data={"status": "dismissed"}, headers=HTMX
    )

    html = response.get_data(as_text=True)
    assert action_titles(html) == [f"Task {n:02}" for n in range(2, ACTIONS_SHOWN + 2)]
    assert pending_badge(html) == "13"


def test_without_javascript_closing_goes_back_to_the_whole_list(client, busy):
    acme, first = busy["acme"], busy["actions"][0]

    response = client.post(
        f"/clients/{acme.id}/actions/{first.id}/status?actions=all", data={"status": "done"}
    )

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/clients/{acme.id}?actions=all#client-actions")


def test_a_client_with_few_actions_shows_them_all_without_a_link(client, busy):
    acme = busy["acme"]
    for action in busy["actions"][ACTIONS_SHOWN:]:
        client.post(f"/clients/{acme.id}/actions/{action.id}/status", data={"status": "done"})

    html = page_of(client, busy["acme"])

    assert len(action_titles(html)) == ACTIONS_SHOWN
    assert pending_badge(html) == str(ACTIONS_SHOWN)
    assert "Show all" not in visible_text(section(html, "client-actions"))


# --- upcoming events -----------------------------------------------------------------------------


def test_the_page_lists_the_soonest_events_and_offers_the_rest(client, busy):
    html = page_of(client, busy["acme"])

    assert event_titles(html) == [f"Event {n:02}" for n in range(1, EVENTS_SHOWN + 1)]
    card = section(html, "client-upcoming")
    assert card.count('class="event-marker') == 15  # the track pictures them all
    assert f"Showing the soonest {EVENTS_SHOWN} of 15." in visible_text(card)
    assert f'href="/clients/{busy["acme"].id}?events=all#client-upcoming"' in card


def test_show_all_events_lists_every_one(client, busy):
    html = page_of(client, busy["acme"], events="all")

    assert event_titles(html) == [f"Event {n:02}" for n in range(1, 16)]
    assert "Show all" not in visible_text(section(html, "client-upcoming"))


def test_the_print_layout_keeps_every_action_and_event(client, busy):
    html = page_of(client, busy["acme"], print="1")

    assert len(action_titles(html)) == 14 and len(event_titles(html)) == 15
    assert "Show all" not in visible_text(html)


# --- the relationship map ------------------------------------------------------------------------


def test_the_map_is_a_placeholder_that_loads_when_scrolled_into_view(client, busy):
    acme = busy["acme"]
    card = section(page_of(client, acme), "relationship-map")

    assert 'aria-busy="true"' in card and 'hx-trigger="revealed"' in card
    assert f'hx-get="/clients/{acme.id}/sections/relationship-map"' in card
    assert f'href="/clients/{acme.id}?open=relationship-map#relationship-map"' in card
    assert "Show the relationship map" in visible_text(card)


def test_the_map_section_answers_htmx_with_the_card(client, busy):
    acme = busy["acme"]

    response = client.get(f"/clients/{acme.id}/sections/relationship-map", headers=HTMX)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="relationship-map"')
    assert "No one at Acme Ltd is linked to anyone yet" in visible_text(html)
    assert "lazy-section" not in html


def test_the_map_section_sends_a_plain_request_to_the_page_with_the_map_in_place(client, busy):
    acme = busy["acme"]

    response = client.get(f"/clients/{acme.id}/sections/relationship-map")

    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.endswith(f"/clients/{acme.id}?open=relationship-map#relationship-map")
    card = section(page_of(client, acme, open="relationship-map"), "relationship-map")
    assert "lazy-section" not in card and "No one at Acme Ltd is linked" in visible_text(card)


def test_the_map_section_of_a_company_that_is_not_a_client_is_404(client, busy):
    plain = factories.CompanyFactory(name="Plain Co")
    _db.session.commit()

    for company_id in (plain.id, 999_999):
        response = client.get(f"/clients/{company_id}/sections/relationship-map", headers=HTMX)
        assert response.status_code == 404


def test_the_page_costs_the_same_queries_with_4_or_14_actions_and_events(
    client, count_queries, busy
):
    acme = busy["acme"]
    for action in busy["actions"][4:]:
        client.post(f"/clients/{acme.id}/actions/{action.id}/status", data={"status": "done"})
    path = f"/clients/{acme.id}"
    with_4 = queries_for(client, count_queries, path)
    for n in range(20):
        add_action(busy["me"], contact=busy["ann"], title=f"More {n}")
    _db.session.commit()

    with_24 = queries_for(client, count_queries, path)

    assert with_24 == with_4, f"{with_4} queries with 4 pending actions, {with_24} with 24"
