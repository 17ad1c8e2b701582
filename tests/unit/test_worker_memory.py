"""A web worker loads only what serving needs (docs/performance.md, "Memory"): Alembic, the
Twilio client and iCal wait for the command, the first send and the first feed that use them,
and building the app hashes no password. ``flask db`` still works through the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from tests.conftest import make_app
from webapp.extensions import db as _db

ROOT = Path(__file__).resolve().parents[2]
LOADED_LATER = ("alembic", "flask_migrate", "mako", "requests", "twilio.rest", "icalendar")

BUILD_A_WORKER = f"""
import sys
import werkzeug.security
def refuse(*args, **kwargs):
    raise SystemExit("a password was hashed while the app was built")
werkzeug.security.generate_password_hash = refuse
from webapp import create_app
create_app({{"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"}})
print(" ".join(name for name in {LOADED_LATER!r} if name in sys.modules))
"""


def test_a_new_worker_loads_none_of_what_it_may_never_use():
    built = subprocess.run(
        [sys.executable, "-c", BUILD_A_WORKER], cwd=ROOT, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr[-2000:]
    assert built.stdout.strip() == ""


def test_flask_db_still_migrates_from_the_command_line(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'cli.db'}")
    runner = app.test_cli_runner()
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    with app.app_context():
        revisions = _db.session.execute(text("SELECT version_num FROM alembic_version")).all()
        _db.session.remove()
    latest = max(path.stem for path in (ROOT / "migrations" / "versions").glob("0*.py"))
    assert [revision for (revision,) in revisions] == [latest]
    listed = runner.invoke(args=["db", "--help"])
    assert "upgrade" in listed.output and "--directory" in listed.output
