"""Two integrators asserting the same record at the same moment make one record, not two.

Each request runs in its own thread with its own app context and database connection, against
a database that really commits (a new PostgreSQL database, as tests/jobs/test_concurrent_ticks.py
makes one). Both callers are held just after their lookup found nothing, so the race is certain.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import postgres_app_or_skip
from webapp import access
from webapp.extensions import db
from webapp.services.api_keys import create_api_key
from webapp.services.records import records
from webapp.services.records.registry import record_type

WAIT = 30  # seconds; a thread stuck longer than this has deadlocked

# (record type, match, attributes of each caller): both callers assert one record by a unique field.
RACES = [
    pytest.param(
        "contact",
        {"contact_emails": "ada@engines.example"},
        ({"first_name": "Ada"}, {"first_name": "Ada", "title": "CTO"}),
        id="contact",
    ),
    pytest.param(
        "account",
        {"domain_name": "engines.example"},
        ({"name": "Analytical Engines"}, {"name": "Analytical Engines", "industry": "Computing"}),
        id="account",
    ),
]


@pytest.fixture
def committed_app() -> Iterator:
    why = (
        "Concurrent _assert needs PostgreSQL: SQLite has a single writer, so two inserts "
        "never race on the unique index."
    )
    with postgres_app_or_skip("rapport_assert", why) as app:
        yield app


def _secrets(app) -> tuple[str, str]:
    """Two integrations' API keys, each a member's with all her permissions, committed.

    Two keys, not one: every request marks its key as used, so requests with one key wait for
    each other's commit on that row and never race.
    """
    with app.app_context():
        created = []
        for _ in range(2):
            user = factories.UserFactory(role="member")
            created.append(create_api_key(access.actor_for_user(user), user, name="sync"))
        db.session.commit()
        secrets = tuple(key.secret for key in created)
        db.session.remove()
    return secrets


def _hold_after_first_lookup(monkeypatch, hold) -> None:
    """Each request's first lookup for a match runs, then calls ``hold()`` before going on."""
    looked = threading.local()
    lookup = records.find_matches

    def find_then_hold(record_kind, wanted):
        found = lookup(record_kind, wanted)
        if not getattr(looked, "once", False):
            looked.once = True
            hold()
        return found

    monkeypatch.setattr(records, "find_matches", find_then_hold)


def _post(app, secret: str, path: str, body: dict, answers: list, errors: list) -> None:
    try:
        response = app.test_client().post(
            path, json=body, headers={"Authorization": f"Bearer {secret}"}
        )
        answers.append((response.status_code, response.get_json()))
    except Exception as error:  # noqa: BLE001 (reported by the test)
        errors.append(error)


def _stored(app, type_name: str) -> int:
    with app.app_context():
        model = record_type(type_name).store.model
        total = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
    return total


@pytest.mark.parametrize(("type_name", "match", "bodies"), RACES)
def test_two_simultaneous_asserts_with_one_match_create_one_record(
    committed_app, monkeypatch, type_name, match, bodies
):
    secrets = _secrets(committed_app)
    both_looked = threading.Barrier(2, timeout=WAIT)
    _hold_after_first_lookup(monkeypatch, both_looked.wait)
    answers, errors = [], []
    path = f"/api/v2/{type_name}/_assert"

    threads = [
        threading.Thread(
            target=_post,
            args=(committed_app, secret, path, {"match": match, "attributes": attributes}),
            kwargs={"answers": answers, "errors": errors},
        )
        for secret, attributes in zip(secrets, bodies, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT * 2)

    assert not errors, errors
    assert sorted(status for status, _ in answers) == [200, 201], answers
    assert sorted(body["meta"]["action"] for _, body in answers) == ["created", "updated"]
    assert len({body["data"]["id"] for _, body in answers}) == 1
    assert _stored(committed_app, type_name) == 1


@pytest.mark.parametrize(("type_name", "match", "bodies"), RACES)
def test_an_assert_whose_rival_committed_after_its_lookup_updates_the_rivals_record(
    committed_app, monkeypatch, type_name, match, bodies
):
    """The loser looked, found nothing, and the winner committed before the loser wrote."""
    loser_secret, winner_secret = _secrets(committed_app)
    loser_looked, winner_done = threading.Event(), threading.Event()

    def hold():
        if threading.current_thread().name == "loser":
            loser_looked.set()
            assert winner_done.wait(WAIT)

    _hold_after_first_lookup(monkeypatch, hold)
    answers, errors = [], []
    path = f"/api/v2/{type_name}/_assert"
    loser_body, winner_body = ({"match": match, "attributes": a} for a in bodies)
    loser = threading.Thread(
        target=_post,
        args=(committed_app, loser_secret, path, loser_body, answers, errors),
        name="loser",
    )
    winner = threading.Thread(
        target=_post, args=(committed_app, winner_secret, path, winner_body, answers, errors)
    )

    loser.start()
    assert loser_looked.wait(WAIT)
    winner.start()
    winner.join(WAIT)
    winner_done.set()
    loser.join(WAIT)

    assert not errors, errors
    winner_answer, loser_answer = answers
    assert winner_answer[0] == 201, winner_answer
    assert loser_answer[0] == 200, loser_answer
    assert loser_answer[1]["meta"] == {"action": "updated"}
    assert loser_answer[1]["data"]["id"] == winner_answer[1]["data"]["id"]
    assert _stored(committed_app, type_name) == 1
