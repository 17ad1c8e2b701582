"""Browser tests: a live Rapport server on its own database, driven through Debian's Chromium.

The server runs the real app (CSRF on) in a thread and commits for real, so it gets a database of
its own: a temp SQLite file, or ``<TEST_DATABASE_URL's database>_browser`` on PostgreSQL.
"""

from __future__ import annotations

import os
import random
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
from faker import Faker
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page
from psycopg import sql
from sqlalchemy.engine import URL, make_url
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import make_app, migrate_fresh
from webapp import access
from webapp.extensions import db
from webapp.models import Contact, User
from webapp.services import actions, companies, contacts, life_events, profiles, users
from webapp.services.calendar import today_in

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = "Chromium not found at /usr/bin/chromium: apt-get install -y chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "browser-test-password"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SEED_CONTACTS = 40


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    timezone: str = "UTC"


@dataclass(frozen=True)
class RelationshipContact:
    """The manager's contact that the relationship tests (profile, life events, actions) change.

    It is not the search target, whose heading other tests read: a preferred name changes it.
    """

    id: int
    first_name: str
    last_name: str
    company: str
    seeded_event: str  # the life event it starts with (its auto-action is in the manager's queue)
    manager_pending_actions: int  # the manager's pending actions ("Mine") after seeding

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Seeded:
    """What the tests know about the live server's data."""

    manager: Person
    admin: Person
    target_first_name: str
    target_last_name: str
    target_company: str
    contact_count: int
    relationship_contact: RelationshipContact

    @property
    def target_name(self) -> str:
        return f"{self.target_first_name} {self.target_last_name}"


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask
    seeded: Seeded

    def has(self, endpoint: str) -> bool:
        """Whether the app registers ``endpoint`` (pages still being built are skipped)."""
        return endpoint in self.app.view_functions


# --- Chromium --------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _chromium_available() -> None:
    """Skip, saying why, when Chromium is missing; with RAPPORT_REQUIRE_BROWSER=1 (CI) fail."""
    if CHROMIUM.exists():
        return
    if os.environ.get("RAPPORT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{CHROMIUM_MISSING} (RAPPORT_REQUIRE_BROWSER=1 forbids skipping)")
    pytest.skip(CHROMIUM_MISSING)


@pytest.fixture(scope="session", autouse=True)
def _fresh_artifacts() -> None:
    """Start each run without the last run's screenshots, so none of them is stale."""
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    """pytest-playwright launches the system Chromium, never a downloaded one."""
    return {"executable_path": str(CHROMIUM), "headless": True, "args": LAUNCH_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """Relative ``page.goto("/contacts")`` calls go to the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "viewport": LAPTOP,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
        "reduced_motion": "reduce",  # no fades half-way through a screenshot
    }


@pytest.fixture
def context(context: BrowserContext) -> BrowserContext:
    """Fail within seconds, not Playwright's default 30 s, when something is not there."""
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone_page(browser: Browser, browser_context_args: dict) -> Iterator[Page]:
    """A page in a phone-sized, touch, high-density viewport."""
    phone = {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
    context = browser.new_context(**{**browser_context_args, **phone})
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


# --- The live server -------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    """Keep the test output for failures: no line per request."""

    def log_request(self, *args, **kwargs) -> None:
        pass


def _postgres_admin(url: URL) -> psycopg.Connection:
    return psycopg.connect(
        host=url.host,
        port=url.port,
        user=url.username,
        password=url.password,
        dbname="postgres",
        autocommit=True,
    )


def _drop_database(url: URL, name: str) -> None:
    with _postgres_admin(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextmanager
def _server_database(tmp_dir: Path) -> Iterator[str]:
    """A database URL the live server owns; on PostgreSQL a fresh one, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_dir / 'browser.db'}"
        return
    url = make_url(base)
    name = f"{url.database}_browser"
    _drop_database(url, name)
    with _postgres_admin(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(url, name)


@pytest.fixture(scope="session")
def live_server(_chromium_available) -> Iterator[LiveServer]:
    """The real app with CSRF on, migrated and seeded, served on a free port in a thread."""
    with tempfile.TemporaryDirectory() as tmp, _server_database(Path(tmp)) as database_url:
        app = make_app(database_url, WTF_CSRF_ENABLED=True)
        migrate_fresh(app)
        with app.app_context():
            seeded = seed(app)
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
        thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
        thread.start()
        try:
            yield LiveServer(f"http://127.0.0.1:{server.server_port}", app, seeded)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


# --- Seed data -------------------------------------------------------------------------------

COMPANIES = (
    # name, domain, industry, client tier (None: not a client)
    ("Northwind Analytics", "northwind.example", "Software", "strategic"),
    ("Harbour & Vale Insurance", "harbourvale.example", "Insurance", "key"),
    ("Copperleaf Energy", "copperleaf.example", "Energy", "standard"),
    ("Bramble Logistics", "bramble.example", "Logistics", "standard"),
    ("Quayside Media", "quayside.example", "Media", None),
    ("Larchmont Legal", "larchmont.example", "Legal services", None),
)
TARGET = ("Imogen", "Featherstone", "Head of Procurement")
RELATIONSHIP_TARGET = ("Theodora", "Ashworth", "Chief Operating Officer")
MANAGER_TIMEZONE = "Europe/London"
ROLES_AT_CLIENT = ("Decision maker", "Champion", "Economic buyer", "Influencer", "User")


def _create_user(name: str, email: str, role: str, **fields) -> User:
    return users.create_user(None, email=email, name=name, role=role, password=PASSWORD, **fields)


def seed(app: Flask) -> Seeded:
    """A manager with a squad mate, an admin, six companies, ~40 contacts and a queue; committed."""
    squad = users.find_or_create_squad(None, "North")
    manager = _create_user(
        "Maya Lindqvist",
        "maya@rapport.example",
        "manager",
        squad=squad,
        timezone=MANAGER_TIMEZONE,
    )
    member = _create_user("Sam Patel", "sam@rapport.example", "member", squad=squad)
    admin = _create_user("Priya Raman", "priya@rapport.example", "manager", is_admin=True)
    actor = access.actor_for_user(manager)
    firms = [_create_company(actor, manager, *row) for row in COMPANIES]
    people = _create_contacts(actor, firms, owners=[manager, manager, member])
    relationship_contact = _create_relationship_contact(actor, firms[1], manager)
    mine = _create_queue(actor, people, manager, member)
    db.session.commit()
    return Seeded(
        manager=Person(manager.name, manager.email, manager.timezone),
        admin=Person(admin.name, admin.email),
        target_first_name=TARGET[0],
        target_last_name=TARGET[1],
        target_company=COMPANIES[0][0],
        contact_count=SEED_CONTACTS + 2,
        relationship_contact=RelationshipContact(
            id=relationship_contact.id,
            first_name=relationship_contact.first_name,
            last_name=relationship_contact.last_name,
            company=firms[1].name,
            seeded_event=WORK_ANNIVERSARY,
            manager_pending_actions=mine + 1,  # and the work anniversary's auto-action
        ),
    )


def _create_company(actor, manager: User, name, domain, industry, tier):
    return companies.create_company(
        actor,
        companies.CompanyInput(
            name=name,
            industry=industry,
            owner_id=manager.id,
            domains=[domain],
            is_client=tier is not None,
            client_tier=tier or "standard",
            client_since=date(2021, 3, 1) if tier else None,
            account_manager_id=manager.id if tier else None,
        ),
    )


def _create_contacts(actor, firms, owners: list[User]) -> list[Contact]:
    """The search target plus ``SEED_CONTACTS`` deterministic others that never match it."""
    fake, rng = Faker("en_GB"), random.Random(2611)
    fake.seed_instance(2611)
    first, last, title = TARGET
    people = [(first, last, title, firms[0], owners[0])]
    while len(people) < SEED_CONTACTS + 1:
        given, family = fake.first_name(), fake.last_name()
        if "feath" in f"{given}{family}".lower():
            continue
        people.append((given, family, fake.job()[:200], rng.choice(firms), rng.choice(owners)))
    created = []
    for index, (given, family, job, firm, owner) in enumerate(people):
        local = "".join(ch for ch in f"{given}.{family}".lower() if ch.isalnum() or ch == ".")
        domain = firm.domains[0].domain
        contact = contacts.create_contact(
            actor,
            contacts.ContactInput(
                first_name=given,
                last_name=family,
                title=job,
                stage=rng.choice(("new", "working", "qualified", "customer")),
                owner_id=owner.id,
                emails=[f"{local}{index}@{domain}"],
                phones=[f"+44 20 7946 {index:04d}"],
                company_links=[
                    contacts.CompanyLinkInput(firm.id, rng.choice(ROLES_AT_CLIENT), True)
                ],
            ),
        )
        created.append(contact)
    return created


WORK_ANNIVERSARY = "10 years at Harbour & Vale"


def _create_relationship_contact(actor, firm, manager: User) -> Contact:
    """The manager's contact with a started profile and one life event (40 days away)."""
    first, last, title = RELATIONSHIP_TARGET
    contact = contacts.create_contact(
        actor,
        contacts.ContactInput(
            first_name=first,
            last_name=last,
            title=title,
            stage="customer",
            owner_id=manager.id,
            emails=[f"theodora.ashworth@{firm.domains[0].domain}"],
            phones=["+44 20 7946 0999"],
            company_links=[contacts.CompanyLinkInput(firm.id, "Decision maker", True)],
        ),
    )
    profiles.update_profile(
        actor,
        contact.id,
        {"communication_preference": "email", "dietary_requirements": "Vegetarian"},
    )
    anniversary = today_in(manager.timezone) + timedelta(days=40)
    life_events.create_event(
        actor,
        contact.id,
        {
            "event_type": "work_anniversary",
            "title": WORK_ANNIVERSARY,
            "event_date": f"2016-{anniversary:%m-%d}",  # a leap year: 29 February works too
        },
    )
    return contact


def _create_queue(actor, people: list[Contact], manager: User, member: User) -> int:
    """Manual actions: an overdue and a coming one for the manager, one for their squad mate.

    Returns how many are the manager's own.
    """
    today = today_in(manager.timezone)
    mine = [c for c in people if c.owner_id == manager.id]
    queue = [
        (mine[1], "Call about the renewal meeting", "call", today - timedelta(days=2), manager),
        (mine[2], "Send the quarterly market report", "email", today + timedelta(days=5), manager),
        (
            people[-1],
            "Book lunch after the board meeting",
            "meeting",
            today + timedelta(days=12),
            member,
        ),
    ]
    for contact, title, action_type, due, assignee in queue:
        actions.create_action(
            actor,
            contact.id,
            {
                "title": title,
                "action_type": action_type,
                "due_date": due.isoformat(),
                "assigned_to_user_id": assignee.id,
            },
        )
    return sum(1 for *_, assignee in queue if assignee is manager)


# --- Helpers the tests share -----------------------------------------------------------------


def shoot(page: Page, name: str) -> Path:
    """A full-page screenshot in tests/browser/artifacts/ (git-ignored), for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form, as a person would."""
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
