"""Browser tests: a live Rapport server on its own database, driven through Debian's Chromium.

The server runs the real app (CSRF on) in a thread and commits for real, so it gets a database of
its own: a temp SQLite file, or ``<TEST_DATABASE_URL's database>_browser`` on PostgreSQL.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from psycopg import sql
from sqlalchemy.engine import URL, make_url
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.browser.seed import PASSWORD, Seeded, seed
from tests.conftest import TWILIO_TEST_CONFIG, make_app, migrate_fresh
from webapp.extensions import db
from webapp.messaging.fake_twilio import FakeTwilio, RunningFake, start_in_thread
from webapp.messaging.settings import INBOUND_PATH

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
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# How far a page spills past the screen. A phone widens its layout viewport (and zooms out) to
# fit a page that is too wide, so the page is measured against the screen's own width
# (clientWidth) as well as window.innerWidth; a table may not scroll inside its box either.
OVERFLOW = """() => ({
  page: document.documentElement.scrollWidth - window.innerWidth,
  screen: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  zoomedOut: window.innerWidth - document.documentElement.clientWidth,
  table: Math.max(0, ...[...document.querySelectorAll('.table-responsive')]
    .filter((box) => box.checkVisibility())  // not one folded away in a closed <details>
    .map((box) => box.scrollWidth - box.clientWidth)),
  widest: [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1
      && !el.closest('.table-responsive, .visually-hidden, .collapse:not(.show)'))
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
})"""


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask
    seeded: Seeded
    twilio: FakeTwilio  # delivers what the app sends and calls the app's webhooks over HTTP

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


def _read_whole(app: Flask):
    """The app with every answer read whole, and closed, before Werkzeug's server sends it.

    When the browser resets a connection mid-answer (a favicon it stopped wanting), Werkzeug's
    development server can fail reading the socket after the answer and never close the answer's
    body; a static file's handle is then left to the garbage collector, whose ResourceWarning
    the suite's ``filterwarnings = error`` turns into a failure of whatever test runs then.
    """

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


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


@contextmanager
def _fake_twilio() -> Iterator[RunningFake]:
    fake = FakeTwilio(
        account_sid=TWILIO_TEST_CONFIG["TWILIO_ACCOUNT_SID"],
        auth_token=TWILIO_TEST_CONFIG["TWILIO_AUTH_TOKEN"],
        callback_delay=0.3,
    )
    running = start_in_thread(fake)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def live_server(_chromium_available) -> Iterator[LiveServer]:
    """The real app with CSRF on, migrated and seeded, served on a free port in a thread.

    Beside it runs a fake Twilio that the app sends through; once the server is up, the fake
    delivers each message with signed status callbacks to the server's webhooks.
    """
    with (
        tempfile.TemporaryDirectory() as tmp,
        _server_database(Path(tmp)) as database_url,
        _fake_twilio() as twilio,
    ):
        app = make_app(database_url, WTF_CSRF_ENABLED=True, TWILIO_API_BASE_URL=twilio.url)
        migrate_fresh(app)
        with app.app_context():
            seeded = seed(app)
        server = make_server(
            "127.0.0.1", 0, _read_whole(app), threaded=True, request_handler=_QuietHandler
        )
        url = f"http://127.0.0.1:{server.server_port}"
        app.config["PUBLIC_BASE_URL"] = url
        twilio.fake.inbound_url = url + INBOUND_PATH
        twilio.fake.auto_deliver = True
        thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
        thread.start()
        try:
            yield LiveServer(url, app, seeded, twilio.fake)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


# --- Helpers the tests share -----------------------------------------------------------------


def shoot(page: Page, name: str) -> Path:
    """A full-page screenshot in tests/browser/artifacts/ (git-ignored), for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form, as a person would, and wait for the page it leads to to
    load: its scripts (the account menu's dropdown, htmx) are running before the test clicks."""
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Sign in").click()


def open_section(page: Page, section_id: str) -> Locator:
    """Scroll a contact-page section into view, as a reader does, and wait until it has loaded in
    place of its placeholder (templates/contacts/_lazy_section.html). A relationship map of a
    contact linked to nobody loads as nothing at all."""
    page.evaluate("(id) => document.getElementById(id)?.scrollIntoView()", section_id)
    expect(page.locator(f"#{section_id}.lazy-section")).to_have_count(0)
    return page.locator(f"#{section_id}")


def open_every_section(page: Page) -> None:
    """Load every section of a contact page (before a full-page screenshot, say)."""
    for section_id in ("conversation", "timeline", "people", "introductions", "relationship-map"):
        open_section(page, section_id)


def assert_fits_the_screen(page: Page, what: str) -> None:
    """Nothing on the page, tables included, reaches past the (phone's) screen."""
    overflow = page.evaluate(OVERFLOW)
    for measure in ("page", "screen", "zoomedOut"):
        assert overflow[measure] <= 0, (
            f"{what} is {overflow[measure]}px too wide for the screen ({measure}): "
            f"{overflow['widest']}"
        )
    assert overflow["table"] <= 0, f"{what}'s table scrolls sideways by {overflow['table']}px"
