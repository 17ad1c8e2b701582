"""The Actions page and Today run a fixed number of SQL queries, however many actions there are."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.unit.relationship_builders import at_noon_utc, freeze_time
from tests.web.contact_page_builders import queries_for
from webapp import access
from webapp.extensions import db as _db
from webapp.models import (
    ACTION_TYPES,
    Contact,
    ContactCompanyLink,
    ContactEmail,
    LifeEvent,
    RelationshipAction,
    Task,
    User,
)
from webapp.services.action_queries import pending_counts

TODAY = date(2027, 3, 10)


def add_actions(count: int, assignees: list, companies: list, start: int = 0) -> None:
    """``count`` pending actions (with tasks, contacts, emails, companies, events) in one go."""
    rows = []
    for n in range(start, start + count):
        # Every third action is the viewer's (assignees[0]), so their own lists are never empty.
        assignee = assignees[0] if n % 3 == 0 else assignees[n % len(assignees)]
        company = companies[n % len(companies)]
        contact = Contact(
            first_name=f"Person{n}", last_name="Bulk", stage="working", owner=assignee
        )
        contact.emails = [ContactEmail(email=f"person{n}@bulk.example")]
        contact.company_links = [ContactCompanyLink(company=company, is_primary=True)]
        due_on = TODAY + timedelta(days=(n * 7) % 40 - 10) if n % 7 else None
        action = RelationshipAction(
            contact=contact,
            company=company if n % 2 else None,
            title=f"Action {n}",
            action_type=ACTION_TYPES[n % len(ACTION_TYPES)],
            assigned_to=assignee,
            due_on=due_on,
            status="pending",
            source="manual",
        )
        action.task = Task(
            title=action.title, assigned_to=assignee, due_on=due_on, status="pending"
        )
        day = TODAY + timedelta(days=n % 14)
        event = LifeEvent(
            contact=contact,
            event_type="birthday",
            title="Birthday",
            event_month=day.month,
            event_day=day.day,
            recurs_annually=True,
            auto_action_enabled=False,
        )
        rows += [contact, action, event]
    _db.session.add_all(rows)
    _db.session.flush()


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(TODAY))


@pytest.fixture
def world(db, login_as, make_user):
    """An executive (who sees everything) among a squad's worth of assignees and companies."""
    squad = factories.SquadFactory()
    viewer = login_as("executive", squad=squad)
    # More assignees and companies than a page holds, so a lazy load per row would show.
    assignees = [viewer] + [make_user(squad=squad) for _ in range(59)]
    companies = [factories.CompanyFactory(name=f"Company {n}") for n in range(60)]
    add_actions(10, assignees, companies)
    _db.session.commit()
    return {"viewer": viewer, "assignees": assignees, "companies": companies}


def _grow(world) -> None:
    add_actions(990, world["assignees"], world["companies"], start=10)
    _db.session.commit()


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/actions", {}),
        ("/actions?tab=everyone", {}),
        ("/actions?tab=everyone&status=all&due=month", {}),
        ("/actions?tab=everyone&type=call", {"HX-Request": "true"}),
    ],
    ids=["mine", "everyone", "filtered", "htmx fragment"],
)
def test_actions_page_runs_the_same_queries_for_10_and_1000_actions(
    client, app, count_queries, world, path, headers, monkeypatch
):
    # One action a page, so that both sizes show a full first page: a filtered page that is not
    # full tells its total without a count (docs/performance.md), one query fewer, not growth.
    monkeypatch.setitem(app.config, "ACTIONS_PER_PAGE", 1)
    with_ten = queries_for(client, count_queries, path, headers=headers)
    _grow(world)
    with_thousand = queries_for(client, count_queries, path, headers=headers)
    assert with_thousand == with_ten, (
        f"{with_ten} queries with 10 actions, {with_thousand} with 1000"
    )


def test_a_later_page_runs_the_same_queries_for_10_and_1000_actions(
    client, app, count_queries, world, monkeypatch
):
    monkeypatch.setitem(app.config, "ACTIONS_PER_PAGE", 4)  # so 10 actions have a second page
    with_ten = queries_for(client, count_queries, "/actions?tab=everyone&page=2")
    _grow(world)
    assert queries_for(client, count_queries, "/actions?tab=everyone&page=2") == with_ten


def test_actions_page_for_a_manager_runs_the_same_queries_for_10_and_1000_actions(
    client, count_queries, world, login_as
):
    login_as("manager", squad=world["viewer"].squad)
    with_ten = queries_for(client, count_queries, "/actions?tab=squad")
    _grow(world)
    assert queries_for(client, count_queries, "/actions?tab=squad") == with_ten


def test_closing_an_action_runs_the_same_queries_for_10_and_1000_actions(
    client, count_queries, world
):
    def close_one() -> int:
        pending = _db.session.query(RelationshipAction.id).filter_by(status="pending").first()[0]
        with count_queries() as statements:
            response = client.post(
                f"/actions/{pending}/status?tab=everyone",
                data={"status": "done"},
                headers={"HX-Request": "true"},
            )
        assert response.status_code == 200
        return len(statements)

    close_one()  # warm-up
    with_ten = close_one()
    _grow(world)
    assert close_one() == with_ten


def test_today_runs_the_same_queries_for_10_and_1000_actions_and_events(
    client, count_queries, world
):
    with_ten = queries_for(client, count_queries, "/")
    _grow(world)
    assert queries_for(client, count_queries, "/") == with_ten


def test_the_tab_counts_are_one_query(world, count_queries):
    """Every tab's count in one query (read from the index of the pending actions on
    PostgreSQL once the table is vacuumed, as ``make bench-explain`` shows)."""
    viewer = world["viewer"]
    actor = access.actor_for_user(viewer)
    groups = {"mine": select(User.id).where(User.id == viewer.id), "everyone": None}
    with count_queries() as statements:
        counts = pending_counts(actor, groups)
    assert counts == {"mine": 4, "everyone": 10}
    assert len(statements) == 1
