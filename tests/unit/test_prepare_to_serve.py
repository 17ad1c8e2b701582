"""A serving worker's one-off preparation (``boot.prepare_to_serve``, run by gunicorn.conf.py):
every template compiled before the first request, through a bytecode cache the next worker
reuses, and the start-up objects frozen out of the garbage collector's reach."""

from __future__ import annotations

import gc
import os
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from tests.conftest import make_app
from webapp.boot import prepare_to_serve
from webapp.extensions import db as _db

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.fixture
def serving_app(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'serve.db'}")
    app.instance_path = str(tmp_path / "instance")
    yield app
    gc.unfreeze()


def _refuse_to_compile(app, monkeypatch):
    def compile_(*_args, **_kwargs):
        raise AssertionError("a template was compiled")

    monkeypatch.setattr(app.jinja_env, "compile", compile_)


def test_no_request_compiles_a_template_after_it(serving_app, monkeypatch):
    prepare_to_serve(serving_app)
    _refuse_to_compile(serving_app, monkeypatch)

    answer = serving_app.test_client().get("/sign-in")

    assert answer.status_code == 200
    assert "Sign in" in answer.text


def test_the_next_worker_reads_the_compiled_templates_from_the_cache(serving_app, monkeypatch):
    prepare_to_serve(serving_app)
    cached = list((Path(serving_app.instance_path) / "template-cache").iterdir())
    assert len(cached) == len(serving_app.jinja_env.list_templates())

    next_worker = make_app("sqlite://")
    next_worker.instance_path = serving_app.instance_path
    _refuse_to_compile(next_worker, monkeypatch)
    prepare_to_serve(next_worker)  # would fail on the first template it had to compile

    assert next_worker.test_client().get("/sign-in").status_code == 200


def test_the_objects_built_at_start_up_are_frozen(serving_app):
    gc.unfreeze()
    prepare_to_serve(serving_app)
    assert gc.get_freeze_count() > 10_000


def test_gunicorn_prepares_each_worker_and_leaves_a_failed_load_alone(serving_app):
    hooks = runpy.run_path(str(GUNICORN_CONF))
    hooks["post_worker_init"](SimpleNamespace(wsgi=serving_app))
    assert "contacts/show.html" in {name for _, name in serving_app.jinja_env.cache.keys()}

    def failed_app(environ, start_response):  # what gunicorn serves when the import failed
        return []

    hooks["post_worker_init"](SimpleNamespace(wsgi=failed_app))


def test_a_workers_postgresql_queries_run_without_parallel_workers(tmp_path):
    """A web page's short queries lose more to starting parallel workers than they gain."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("PostgreSQL only. Set TEST_DATABASE_URL to a PostgreSQL database.")
    worker, other = make_app(url), make_app(url)
    worker.instance_path = str(tmp_path / "instance")

    try:
        prepare_to_serve(worker)
        with worker.app_context():
            in_worker = _db.session.scalar(text("SHOW max_parallel_workers_per_gather"))
            _db.session.remove()
        with other.app_context():
            elsewhere = _db.session.scalar(text("SHOW max_parallel_workers_per_gather"))
            _db.session.remove()
    finally:
        gc.unfreeze()
        for app in (worker, other):
            with app.app_context():
                _db.engine.dispose()

    assert in_worker == "0"
    assert elsewhere != "0"  # the scheduler and the command line keep the server's setting
