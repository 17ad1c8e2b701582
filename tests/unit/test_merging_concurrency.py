"""Two people merging the same contact into two others at the same moment: one merge wins, the
other is told the contact was merged (410), and the contact ends up in one place only.

Each merge runs in its own thread with its own connection, against a database that really
commits (PostgreSQL: SQLite has a single writer, so two merges never overlap there).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from tests import factories
from tests.conftest import postgres_app_or_skip
from webapp import access
from webapp.extensions import db
from webapp.models import Contact, User
from webapp.services import merging, merging_rows
from webapp.services.errors import RecordMerged

WAIT = 30  # seconds; a thread stuck longer than this has deadlocked


@pytest.fixture
def committed_app() -> Iterator:
    why = "Concurrent merges need PostgreSQL: SQLite has a single writer."
    with postgres_app_or_skip("rapport_merge", why) as app:
        yield app


def _firm(app) -> tuple[int, int, int, int]:
    """A manager and three contacts, committed: (manager, first kept, merged, second kept)."""
    with app.app_context():
        manager = factories.UserFactory(role="manager")
        people = [factories.ContactFactory(first_name=name) for name in ("John", "Jon", "Johnny")]
        db.session.commit()
        ids = (manager.id, *(person.id for person in people))
        db.session.remove()
    return ids


def test_two_merges_of_one_contact_at_once_leave_it_in_one_place(committed_app, monkeypatch):
    manager_id, first, merged, second = _firm(committed_app)
    inside, release = threading.Event(), threading.Event()

    def held_emails(context):
        if context.kept.id == first:
            inside.set()
            release.wait(WAIT)
        merging_rows.emails(context)

    movers = dict(merging.CONTACT_MOVERS) | {("contact_emails", "contact_id"): held_emails}
    monkeypatch.setattr(merging, "CONTACT_MOVERS", movers)
    outcomes: dict[int, str] = {}

    def merge_into(kept_id: int) -> None:
        with committed_app.app_context():
            actor = access.actor_for_user(db.session.get(User, manager_id))
            try:
                merging.merge_contacts(actor, kept_id, [merged])
                db.session.commit()
                outcomes[kept_id] = "merged"
            except RecordMerged:
                db.session.rollback()
                outcomes[kept_id] = "told it was merged"
            finally:
                db.session.remove()

    winner = threading.Thread(target=merge_into, args=(first,))
    winner.start()
    assert inside.wait(WAIT)
    loser = threading.Thread(target=merge_into, args=(second,))
    loser.start()
    time.sleep(0.5)  # the second merge is now waiting for the first one's lock
    release.set()
    winner.join(WAIT)
    loser.join(WAIT)

    assert outcomes == {first: "merged", second: "told it was merged"}
    with committed_app.app_context():
        assert db.session.get(Contact, merged).merged_into_id == first
        db.session.remove()
