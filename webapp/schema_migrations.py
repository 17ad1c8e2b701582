"""Alembic, through Flask-Migrate, loaded only by what migrates: ``flask db``, tests and the bench.

Flask-Migrate imports Alembic, and Alembic Mako and Pygments: 11 MiB in every web worker, which
never migrates (docs/performance.md, "Memory"). So the app's ``flask db`` group loads them when
the command line reaches it, and ``upgrade`` does the same for code that migrates in-process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from webapp.config import PROJECT_ROOT
from webapp.extensions import db

if TYPE_CHECKING:
    from flask import Flask

MIGRATIONS_FOLDER = PROJECT_ROOT / "migrations"


def enable(app: Flask) -> None:
    """Bind Flask-Migrate to ``app`` (once): what ``flask db`` and ``flask_migrate`` calls read."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate  # the point of this module: loaded here, on demand

    Migrate(app, db, directory=str(MIGRATIONS_FOLDER), compare_type=True)


def upgrade(app: Flask) -> None:
    """Migrate ``app``'s database to the latest revision (inside an app context)."""
    enable(app)
    import flask_migrate  # on demand, as in ``enable``

    flask_migrate.upgrade()


class MigrationCommands(click.Group):
    """``flask db ...``: stands in the command line's list, and hands the command over to
    Flask-Migrate's own group (its options, its subcommands) the moment it is used."""

    def __init__(self, app: Flask) -> None:
        super().__init__("db", help="Perform database migrations (Alembic, through Flask-Migrate).")
        self.app = app

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        enable(self.app)
        from flask_migrate.cli import db as commands  # on demand, as in ``enable``

        return commands.make_context(info_name, args, parent=parent, **extra)


def register(app: Flask) -> None:
    """Add ``flask db`` to the app's command line without loading Alembic."""
    app.cli.add_command(MigrationCommands(app))
