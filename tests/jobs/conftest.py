"""Fixtures of the job tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import fresh_postgres_app, make_app, migrate_fresh
from webapp.extensions import db


@pytest.fixture
def committed_app(tmp_path: Path) -> Iterator:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        app = make_app(f"sqlite:///{tmp_path / 'ticks.db'}")
        migrate_fresh(app)
        yield app
        with app.app_context():
            db.engine.dispose()
        return
    with fresh_postgres_app(url, "rapport_ticks") as app:
        yield app
