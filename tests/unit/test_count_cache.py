"""Figures kept for a minute (``services/count_cache.py``): a committed write to the tables a
figure counts raises its generation, so the next view counts again, in any worker.

Real commits: the app runs on a database of its own (a new PostgreSQL database when
``TEST_DATABASE_URL`` is set, else a new SQLite file), not in the rolled-back test transaction.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text

from tests import factories
from tests.conftest import fresh_postgres_app, make_app, migrate_fresh, sign_in_session
from tests.web.action_builders import TODAY, add_action
from tests.web.conversation_builders import add_message
from webapp import access
from webapp.extensions import db
from webapp.models import (
    CacheGeneration,
    Company,
    Interaction,
    LifeEvent,
    RelationshipAction,
    User,
)
from webapp.services import count_cache, life_events
from webapp.services.bulk import insert_rows
from webapp.services.calendar import today_in


@pytest.fixture(scope="module")
def committed(tmp_path_factory) -> Iterator[Flask]:
    """An app whose every commit is real, on a database of its own."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        with fresh_postgres_app(url, "rapport_cache") as app:
            yield app
        return
    folder: Path = tmp_path_factory.mktemp("cache")
    app = make_app(f"sqlite:///{folder / 'cache.db'}")
    migrate_fresh(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def ctx(committed: Flask) -> Iterator[Flask]:
    count_cache.forget_all()
    with committed.app_context():
        yield committed
        db.session.remove()


def generations() -> dict[str, int]:
    db.session.rollback()  # a new transaction: see every commit
    rows = db.session.execute(select(CacheGeneration.name, CacheGeneration.generation))
    return {name: generation for name, generation in rows}


def test_a_committed_write_to_an_action_raises_the_actions_generation(ctx):
    manager = factories.UserFactory(role="manager")
    db.session.commit()
    before = generations()

    add_action(manager, title="Call back")
    db.session.commit()

    after = generations()
    assert after["actions"] == before["actions"] + 1
    assert after["events"] == before["events"] + 1  # the action's new contact: a contacts row
    assert after["team"] == before["team"] + 1  # one table, two groups: each raised once


def test_a_message_or_an_interaction_raises_the_team_generation_alone(ctx):
    member = factories.UserFactory(role="member")
    contact = factories.ContactFactory(owner=member)
    db.session.commit()
    before = generations()

    add_message(contact, "Sent from the app", sent_by=member, commit=False)
    db.session.commit()
    db.session.add(
        Interaction(contact_id=contact.id, kind="call", occurred_on=TODAY, summary="Caught up",
                    user_id=member.id, created_by_id=member.id)
    )  # fmt: skip
    db.session.commit()

    after = generations()
    assert after["team"] == before["team"] + 2
    assert (after["actions"], after["events"]) == (before["actions"], before["events"])


def test_a_rolled_back_write_raises_nothing(ctx):
    manager = factories.UserFactory(role="manager")
    db.session.commit()
    before = generations()

    add_action(manager)
    db.session.rollback()

    assert generations() == before


def test_a_write_to_other_tables_raises_nothing(ctx):
    before = generations()

    factories.CompanyFactory(name="Unrelated Ltd")
    db.session.commit()

    assert generations() == before
    assert db.session.scalar(select(Company.id).where(Company.name == "Unrelated Ltd"))


def test_plain_sql_and_bulk_inserts_are_noticed_too(ctx):
    manager = factories.UserFactory(role="manager")
    action = add_action(manager)
    db.session.commit()
    before = generations()

    db.session.execute(
        text("UPDATE relationship_actions SET title = 'Renamed' WHERE id = :id"), {"id": action.id}
    )
    db.session.commit()
    contact = factories.ContactFactory(owner=manager)
    db.session.commit()
    insert_rows(
        LifeEvent.__table__,
        [{"contact_id": contact.id, "event_type": "other", "title": "Bulk", "event_month": 5,
          "event_day": 2, "recurs_annually": True, "auto_action_enabled": False}],
    )  # fmt: skip
    db.session.commit()

    after = generations()
    assert after["actions"] == before["actions"] + 1
    assert after["events"] == before["events"] + 2  # the contact, then the bulk insert


def test_a_figure_is_kept_until_its_tables_change(ctx):
    counted = []

    def count():
        counted.append(1)
        return db.session.scalar(
            select(db.func.count(RelationshipAction.id)).where(
                RelationshipAction.status == "pending"
            )
        )

    def remembered():
        db.session.rollback()
        return count_cache.remember("actions", ("test",), count)

    first = remembered()
    assert remembered() == first and len(counted) == 1  # kept

    factories.CompanyFactory()  # other tables: still kept
    db.session.commit()
    assert remembered() == first and len(counted) == 1

    add_action(factories.UserFactory())
    db.session.commit()
    assert remembered() == first + 1 and len(counted) == 2  # counted again


def test_a_transaction_that_wrote_the_tables_counts_afresh_and_keeps_nothing(ctx):
    manager = factories.UserFactory()
    db.session.commit()
    count_cache.remember("actions", ("mine",), lambda: "before")

    add_action(manager)  # not committed
    assert count_cache.remember("actions", ("mine",), lambda: "uncommitted") == "uncommitted"
    db.session.rollback()

    assert count_cache.remember("actions", ("mine",), lambda: "again") == "before"


def test_a_figure_expires_after_a_minute(ctx, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(count_cache.time, "monotonic", lambda: clock[0])
    count_cache.remember("events", ("old",), lambda: "first")

    clock[0] += count_cache.MAX_AGE - 1
    assert count_cache.remember("events", ("old",), lambda: "second") == "first"
    clock[0] += 2
    assert count_cache.remember("events", ("old",), lambda: "third") == "third"


# --- the pages, as people see them ----------------------------------------------------------------


def tab_count(html: str, tab: str) -> int:
    return int(re.search(rf'data-count="{tab}">([\d,]+)<', html).group(1).replace(",", ""))


def test_the_actions_tabs_count_a_write_made_in_another_worker_at_once(ctx, committed):
    executive = factories.UserFactory(role="executive")
    member = factories.UserFactory(role="member")
    pending = add_action(member, due_on=TODAY)
    db.session.commit()
    ids = (executive.id, member.id, pending.id)
    client = committed.test_client()
    sign_in_session(client, ids[0])
    before = tab_count(client.get("/actions?tab=everyone").text, "everyone")
    assert tab_count(client.get("/actions?tab=everyone").text, "everyone") == before  # kept

    other_worker = make_app(committed.config["SQLALCHEMY_DATABASE_URI"])
    with other_worker.app_context():
        add_action(db.session.get(User, ids[1]), title="Another one")
        db.session.commit()
        db.engine.dispose()

    assert tab_count(client.get("/actions?tab=everyone").text, "everyone") == before + 1


def test_today_shows_an_event_added_after_it_was_viewed(ctx, committed):
    owner = factories.UserFactory(role="member")
    contact = factories.ContactFactory(owner=owner, first_name="Nell", last_name="Next")
    db.session.commit()
    owner_id, contact_id = owner.id, contact.id
    client = committed.test_client()
    sign_in_session(client, owner_id)
    assert "Launch party" not in client.get("/").text

    with committed.test_request_context():
        soon = (today_in("UTC") + timedelta(days=2)).isoformat()
        life_events.create_event(
            access.actor_for_user(db.session.get(User, owner_id)),
            contact_id,
            {"event_type": "other", "title": "Launch party", "event_date": soon,
             "auto_action_enabled": False},
        )  # fmt: skip
        db.session.commit()

    assert "Launch party" in client.get("/").text


def test_the_team_view_shows_an_interaction_logged_in_another_worker_at_once(ctx, committed):
    executive = factories.UserFactory(role="executive")
    member = factories.UserFactory(role="member", name="Mo Member")
    contact = factories.ContactFactory(owner=member)
    db.session.commit()
    ids = (executive.id, member.id, contact.id)
    client = committed.test_client()
    sign_in_session(client, ids[0])
    assert "No activity yet" in person_row(client.get("/team").text, ids[1])
    assert "No activity yet" in person_row(client.get("/team").text, ids[1])  # kept

    other_worker = make_app(committed.config["SQLALCHEMY_DATABASE_URI"])
    with other_worker.app_context():
        db.session.add(
            Interaction(contact_id=ids[2], kind="call", occurred_on=today_in("UTC"),
                        summary="Caught up", user_id=ids[1], created_by_id=ids[1])
        )  # fmt: skip
        db.session.commit()
        db.engine.dispose()

    assert "Today" in person_row(client.get("/team").text, ids[1])


def test_the_team_view_shows_a_squad_or_person_renamed_in_another_worker_at_once(ctx, committed):
    """The Team view keeps its people and squads with its figures (services/team.py), so a
    rename must raise the ``team`` generation as an action would."""
    squad = factories.SquadFactory(name="North")
    executive = factories.UserFactory(role="executive")
    member = factories.UserFactory(role="member", name="Mo Member", squad=squad)
    db.session.commit()
    ids = (executive.id, member.id, squad.id)
    client = committed.test_client()
    sign_in_session(client, ids[0])
    heading = f'id="squad-{ids[2]}-heading" class="h6 mb-0">'
    page = client.get("/team").text
    assert f"{heading}North<" in page
    assert "Mo Member" in person_row(page, ids[1])

    in_another_worker(committed, "UPDATE squads SET name = 'North East' WHERE id = :id", ids[2])
    assert f"{heading}North East<" in client.get("/team").text

    in_another_worker(committed, "UPDATE users SET name = 'Mo Renamed' WHERE id = :id", ids[1])
    assert "Mo Renamed" in person_row(client.get("/team").text, ids[1])


def in_another_worker(app: Flask, statement: str, row_id: int) -> None:
    """Run and commit one statement through an app of its own, as another worker would."""
    other_worker = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    with other_worker.app_context():
        db.session.execute(text(statement), {"id": row_id})
        db.session.commit()
        db.engine.dispose()


def person_row(page: str, user_id: int) -> str:
    """The Team view's row of one person."""
    found = re.search(rf'<tr id="person-{user_id}".*?</tr>', page, re.S)
    assert found, f"no row for user {user_id}"
    return found.group(0)


def test_a_full_cache_drops_what_has_expired_first(ctx, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(count_cache.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(count_cache, "MAX_ENTRIES", 3)
    count_cache.remember("events", ("a",), lambda: "a")
    clock[0] += count_cache.MAX_AGE + 1  # "a" has expired
    count_cache.remember("events", ("b",), lambda: "b")
    count_cache.remember("events", ("c",), lambda: "c")

    count_cache.remember("events", ("d",), lambda: "d")  # full: "a" goes, the others stay

    assert count_cache.remember("events", ("b",), lambda: "counted again") == "b"
    assert count_cache.remember("events", ("a",), lambda: "counted again") == "counted again"
