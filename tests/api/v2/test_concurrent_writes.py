"""Twenty API writes at the same instant all succeed, on the embedded SQLite default too: writes
wait their turn for the database (WAL, a busy timeout, and write requests that take the write
lock when they begin) instead of answering 503.

Real commits seen by many connections: the app runs on a database of its own (a new PostgreSQL
database when ``TEST_DATABASE_URL`` is set, else a new SQLite file), served on a free port.
"""

from __future__ import annotations

import json
import os
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from tests import factories
from tests.conftest import fresh_postgres_app, make_app, migrate_fresh
from webapp import access
from webapp.extensions import db
from webapp.models import Contact
from webapp.services.api_keys import create_api_key

WRITERS = 20


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, object]]:
    """(the app's address, the app) on a database of its own, served in threads."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        with fresh_postgres_app(url, "rapport_writes") as app:
            yield from _serve(app)
        return
    app = make_app(f"sqlite:///{tmp_path / 'writes.db'}")
    migrate_fresh(app)
    yield from _serve(app)
    with app.app_context():
        db.engine.dispose()


def _serve(app) -> Iterator[tuple[str, object]]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()


def _key(app) -> str:
    with app.app_context():
        user = factories.UserFactory(role="manager")
        created = create_api_key(access.actor_for_user(user), user, name="writes")
        db.session.commit()
        return created.secret


def _assert_contact(base: str, key: str, n: int) -> int:
    body = {
        "match": {"contact_emails": f"writer{n}@example.com"},
        "attributes": {"first_name": f"Writer{n}", "title": "Buyer"},
    }
    request = urllib.request.Request(
        f"{base}/api/v2/contact/_assert",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_twenty_concurrent_api_writes_all_succeed(served):
    base, app = served
    key = _key(app)
    barrier = threading.Barrier(WRITERS)
    statuses: list[int] = []

    def write(n: int) -> None:
        barrier.wait()
        statuses.append(_assert_contact(base, key, n))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201] * WRITERS
    with app.app_context():
        assert db.session.scalar(select(func.count(Contact.id))) == WRITERS
