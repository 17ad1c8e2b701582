"""Transactions rolled back at the end (for module-wide walks), and what a request changed."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from tests.conftest import FreshIdentityClient, sign_in_session
from webapp.extensions import db as _db

if TYPE_CHECKING:
    from collections.abc import Iterator

    from flask import Flask
    from sqlalchemy.engine import Connection


def signed_in_client(app: Flask, user) -> FreshIdentityClient:
    """A test client with ``user``'s session."""
    app.test_client_class = FreshIdentityClient
    client = app.test_client()
    sign_in_session(client, user.id)
    return client


@contextmanager
def savepoint(connection: Connection) -> Iterator[None]:
    """Everything inside is undone at the end, however it was committed."""
    _db.session.remove()  # no session may hold a savepoint that outlives this one
    nested = connection.begin_nested()
    try:
        yield
    finally:
        _db.session.remove()
        nested.rollback()


def fingerprint(connection: Connection) -> dict[tuple[str, Any], tuple]:
    """Every row of every table, by (table, primary key): what is stored, to compare."""
    rows = {}
    for table in _db.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        for row in connection.execute(select(table).order_by(*key)):
            values = row._mapping
            rows[(table.name, tuple(values[c.name] for c in key))] = tuple(
                (name, repr(value)) for name, value in values.items()
            )
    return rows


def changed(before: dict, after: dict) -> list[str]:
    """ "table.column" of every value that differs, and "table +/-" for rows added or removed."""
    found = set()
    for key in before.keys() | after.keys():
        if key not in before or key not in after:
            found.add(f"{key[0]} {'+' if key not in before else '-'}")
        elif before[key] != after[key]:
            old, new = dict(before[key]), dict(after[key])
            found |= {f"{key[0]}.{name}" for name in old if old[name] != new[name]}
    return sorted(found)
