"""The demo firm at scale, written with bulk inserts: minutes, not hours.

``generate(scale, rng)`` fills a freshly migrated database with users in squads, companies (half of
them clients), contacts with an email and a phone each, life events, relationship actions mirrored
as tasks, and messages. Ids are assigned here, so every table is written in one pass per chunk.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, text
from werkzeug.security import generate_password_hash

from webapp import create_app, schema_migrations
from webapp.extensions import db
from webapp.models import (
    ClientProfile,
    Company,
    Contact,
    ContactCompanyLink,
    ContactEmail,
    ContactPhone,
    LifeEvent,
    Message,
    RelationshipAction,
    RelationshipProfile,
    Squad,
    Task,
    User,
)
from webapp.services.life_event_types import LIFE_EVENT_TYPES

CHUNK = 20_000
SEED = 20261124
TODAY = date(2026, 12, 1)
CREATED = datetime(2025, 1, 1, tzinfo=UTC)
STAMPS = {"created_at": CREATED, "updated_at": CREATED}
PASSWORD = "bench-password"
EXECUTIVE_EMAIL = "executive@bench.test"
TIMEZONES = ("UTC", "Europe/London", "America/New_York", "Asia/Tokyo", "Pacific/Tongatapu")
ACTION_TYPES = ("gift", "card", "call", "whatsapp", "sms", "email", "meeting")


@dataclass(frozen=True)
class Scale:
    """How big the firm is; the issue's figures unless the environment says smaller."""

    users: int = 200
    squads: int = 20
    companies: int = 5_000
    contacts: int = 100_000
    life_events: int = 1_000_000
    actions: int = 500_000
    messages: int = 1_000_000
    factor: float = 1  # BENCH_SCALE

    @classmethod
    def from_environment(cls) -> Scale:
        """``BENCH_SCALE=0.01`` shrinks every figure (for a quick try); 1 is the full firm."""
        factor = float(os.environ.get("BENCH_SCALE", "1"))
        full = cls()
        return cls(
            users=full.users,
            squads=full.squads,
            factor=factor,
            **{
                name: max(10, int(getattr(full, name) * factor))
                for name in ("companies", "contacts", "life_events", "actions", "messages")
            },
        )


def _chunks(rows: Iterable[dict]) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(model, rows: Iterable[dict]) -> None:
    for batch in _chunks(rows):
        db.session.execute(insert(model.__table__), batch)
    db.session.commit()


def _email(user_id: int) -> str:
    return EXECUTIVE_EMAIL if user_id == 1 else f"user{user_id}@bench.test"


def _people(scale: Scale, rng: random.Random) -> None:
    """One executive, two heads, a manager per squad, members spread across the squads."""
    password_hash = generate_password_hash(PASSWORD)
    _insert(Squad, ({"id": i, "name": f"Squad {i}", **STAMPS} for i in range(1, scale.squads + 1)))

    def role(i: int) -> str:
        if i == 1:
            return "executive"
        if i <= 3:
            return "head"
        return "manager" if i <= 3 + scale.squads else "member"

    _insert(
        User,
        (
            {"id": i, "name": f"User {i}", "email": _email(i),
             "password_hash": password_hash, "role": role(i), "is_admin": i == 1,
             "squad_id": None if i <= 3 else (i - 4) % scale.squads + 1,
             "timezone": rng.choice(TIMEZONES), "active": True, **STAMPS}
            for i in range(1, scale.users + 1)
        ),
    )  # fmt: skip


def _companies(scale: Scale, rng: random.Random) -> None:
    _insert(
        Company,
        ({"id": i, "name": f"Company {i}", "industry": "Services",
          "owner_id": rng.randint(1, scale.users), **STAMPS}
         for i in range(1, scale.companies + 1)),
    )  # fmt: skip
    _insert(
        ClientProfile,
        ({"company_id": i, "tier": rng.choice(["strategic", "key", "standard"]),
          "account_manager_id": rng.randint(1, scale.users), **STAMPS}
         for i in range(1, scale.companies + 1, 2)),
    )  # fmt: skip


def _phone(contact_id: int) -> str:
    """A valid UK mobile number (the API checks stored numbers when a record is patched)."""
    return f"+447400{contact_id % 1_000_000:06d}"


def _contacts(scale: Scale, rng: random.Random) -> None:
    ids = range(1, scale.contacts + 1)
    _insert(
        Contact,
        ({"id": i, "first_name": f"First{i}", "last_name": f"Last{i}", "title": "Director",
          "stage": "working", "owner_id": rng.randint(1, scale.users),
          "last_touch_on": TODAY - timedelta(days=rng.randint(0, 200)), **STAMPS}
         for i in ids),
    )  # fmt: skip
    _insert(
        ContactEmail, ({"contact_id": i, "email": f"c{i}@example.com", "position": 0} for i in ids)
    )
    _insert(
        ContactPhone,
        ({"contact_id": i, "number": _phone(i), "position": 0} for i in ids),
    )  # fmt: skip
    _insert(
        ContactCompanyLink,
        ({"contact_id": i, "company_id": rng.randint(1, scale.companies), "is_primary": True}
         for i in ids),
    )  # fmt: skip


def _birthdays(scale: Scale, rng: random.Random) -> None:
    """Every third contact's birthday, kept as the services keep it: on the profile and as one
    birthday life event with the same day (an event without its profile's birthday would be
    data the app never writes, and would send an import's rows down its slowest path)."""
    days = {}
    for i in range(3, scale.contacts + 1, 3):
        month = rng.randint(1, 12)
        days[i] = (month, rng.randint(1, 28 if month == 2 else 30), rng.choice([None, 1980]))
    _insert(
        RelationshipProfile,
        ({"contact_id": i, "birthday_month": m, "birthday_day": d, "birthday_year": y,
          "interests": [], "twilio_opt_in": False, **STAMPS}
         for i, (m, d, y) in days.items()),
    )  # fmt: skip
    _insert(
        LifeEvent,
        ({"contact_id": i, "event_type": "birthday", "title": "Birthday", "event_month": m,
          "event_day": d, "event_year": y, "recurs_annually": True, "auto_action_enabled": True,
          **STAMPS}
         for i, (m, d, y) in days.items()),
    )  # fmt: skip


def _life_events(scale: Scale, rng: random.Random) -> None:
    types = [name for name in LIFE_EVENT_TYPES if name != "birthday"]  # see _birthdays
    _insert(
        LifeEvent,
        (
            {"contact_id": rng.randint(1, scale.contacts), "event_type": rng.choice(types),
             "title": "Event", "event_month": (m := rng.randint(1, 12)),
             "event_day": rng.randint(1, 28 if m == 2 else 30),
             "event_year": rng.choice([None, rng.randint(1950, 2027)]),
             "recurs_annually": rng.random() < 0.8, "auto_action_enabled": rng.random() < 0.9,
             **STAMPS}
            for _ in range(scale.life_events)
        ),
    )  # fmt: skip


def _action(i: int, scale: Scale, rng: random.Random) -> dict:
    status = rng.choices(("pending", "done", "dismissed"), weights=(3, 6, 1))[0]
    closed = status != "pending"
    return {
        "id": i, "contact_id": rng.randint(1, scale.contacts), "company_id": None,
        "title": f"Follow up {i}", "action_type": rng.choice(ACTION_TYPES),
        "assigned_to_id": rng.randint(1, scale.users),
        "due_on": TODAY + timedelta(days=rng.randint(-365, 120)), "status": status,
        "source": "manual", "completed_at": CREATED if closed else None, **STAMPS,
    }  # fmt: skip


def _actions(scale: Scale, rng: random.Random) -> None:
    """Relationship actions, each mirrored as its task (as the services keep them)."""
    for batch in _chunks(_action(i, scale, rng) for i in range(1, scale.actions + 1)):
        db.session.execute(insert(RelationshipAction.__table__), batch)
        db.session.execute(
            insert(Task.__table__),
            [
                {"title": a["title"], "assigned_to_id": a["assigned_to_id"], "due_on": a["due_on"],
                 "status": a["status"], "contact_id": a["contact_id"],
                 "relationship_action_id": a["id"], "completed_at": a["completed_at"], **STAMPS}
                for a in batch
            ],
        )  # fmt: skip
    db.session.commit()


def _messages(scale: Scale, rng: random.Random) -> None:
    def message(i: int) -> dict:
        outbound = rng.random() < 0.7
        contact_id = rng.randint(1, scale.contacts)
        return {
            "contact_id": contact_id, "channel": rng.choice(("sms", "whatsapp")),
            "direction": "outbound" if outbound else "inbound", "body": f"Message {i}",
            "media_urls": [], "status": "delivered" if outbound else "received",
            "from_number": "+15005550006" if outbound else _phone(contact_id),
            "to_number": _phone(contact_id) if outbound else "+15005550006",
            "provider_sid": f"SM{i:032x}", "sent_by_id": rng.randint(1, scale.users) if outbound
            else None, "created_at": CREATED + timedelta(minutes=i), "updated_at": CREATED,
        }  # fmt: skip

    _insert(Message, (message(i) for i in range(1, scale.messages + 1)))


def _reset_sequences() -> None:
    """Ids were given here; PostgreSQL's sequences must start after them."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("squads", "users", "companies", "contacts", "relationship_actions"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )
    db.session.commit()


STEPS = (_people, _companies, _contacts, _birthdays, _life_events, _actions, _messages)


def generate(scale: Scale, rng: random.Random) -> None:
    """Write the whole firm into the app's (migrated, empty) database."""
    for step in STEPS:
        step(scale, rng)
    _reset_sequences()
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        _vacuum_analyze()


def _vacuum_analyze() -> None:
    """Leave the database as autovacuum keeps a live one: statistics gathered, visibility maps
    set (index-only scans) and GIN pending lists merged, so autovacuum catching up on the bulk
    load does not run during the measurements instead."""
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "VACUUM (ANALYZE)"
        )


@contextmanager
def firm_app(url: str, scale: Scale) -> Iterator[float]:
    """Inside an app context on ``url``, migrated and filled with the firm; yields the seconds
    generating took."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        schema_migrations.upgrade(app)
        started = time.perf_counter()
        generate(scale, random.Random(SEED))
        try:
            yield time.perf_counter() - started
        finally:
            db.session.remove()
            db.engine.dispose()
