"""Stored and reflected hostile text: every page shows it as text, every JSON answer as data.

The world (tests/security/world.py) stores ``<script>``, attribute break-outs, ``{{ }}`` and
``javascript:`` payloads in every free-text column of every model; then every GET route of the
URL map is read (as a page and as the htmx fragment), read again with hostile text in every
query-string name the code reads, and every page write is sent, as its form sends it and with
hostile text in every field. The walk runs once for the module.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from icalendar import Calendar
from jinja2 import Environment
from markupsafe import Markup

from tests import factories
from tests.conftest import rolled_back
from tests.security.hostile import PAYLOAD, SCRIPT, json_problems, live_payloads
from tests.security.session import signed_in_client
from tests.security.walk import Walk, read_reflected, read_stored, write_hostile
from tests.security.world import NOT_SHOWN, build_world, sweep
from tests.security.writes import page_writes
from webapp import access
from webapp.extensions import db as _db
from webapp.jobs.digests import NewDigest, digest_email
from webapp.services import actions, calendar, calendar_feeds

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def walked(app) -> Walk:
    with rolled_back(app) as connection:
        world = build_world()
        found = Walk(written=sweep(world))
        client = signed_in_client(app, world.me)
        read_stored(found, client, world)
        read_reflected(found, client, world)
        found.digest, found.user_name = world.digest.contents, world.me.name
        write_hostile(found, client, connection, page_writes(app, world))
        return found


def test_no_page_runs_or_renders_a_stored_payload(walked):
    assert walked.problems["html"] == []


def test_json_answers_carry_stored_payloads_as_data(walked):
    assert walked.problems["json"] == []


def test_every_other_answer_is_a_calendar_that_parses(walked):
    assert walked.problems.get("calendar", []) + walked.problems.get("other", []) == []


def test_downloads_are_attachments_that_run_nothing_they_hold(walked):
    """CSV cells a spreadsheet would run get an apostrophe; vCard text stays in its property."""
    assert walked.problems.get("download", []) == []


def test_no_page_runs_hostile_text_from_its_query_string_or_path(walked):
    assert walked.problems["reflected"] == []


def test_no_write_answer_runs_hostile_text_it_was_sent_or_names(walked):
    """Form errors re-rendered, flashes after a redirect, sections swapped in by htmx."""
    assert walked.problems["writes"] == []


def test_the_walk_shows_every_free_text_column_somewhere(walked):
    """Else the checks above would pass for a column only because no page showed it."""
    columns_shown = {walked.written[tag] for tag in walked.shown if tag in walked.written}
    unseen = set(walked.written.values()) - columns_shown - set(NOT_SHOWN)

    assert sorted(unseen) == []
    assert walked.answered > 250


def test_the_digest_email_shows_stored_payloads_as_text(app, walked):
    new = NewDigest(id=1, name=walked.user_name, email="eve@rapport.test", contents=walked.digest)

    with app.app_context():
        email = digest_email(new, app.config)
    html = email.get_body(("html",)).get_content()

    assert PAYLOAD in email.get_body(("plain",)).get_content()  # plain text: nothing to escape
    assert "&lt;script&gt;alert(1)" in html
    assert live_payloads(html) == []


def test_a_line_break_in_a_title_cannot_add_to_the_calendar_feed(client, db, make_user):
    me = make_user("member")
    actor = access.actor_for_user(me)
    contact = factories.ContactFactory(owner=me, first_name="Ada")
    forged = "Call\r\nATTENDEE:mailto:evil@example.com\r\nEND:VEVENT\r\nBEGIN:VEVENT"
    day = calendar.today_in("UTC").isoformat()
    values = {"title": forged, "action_type": "call", "description": SCRIPT, "due_date": day}
    actions.create_action(actor, contact.id, values)
    token = calendar_feeds.create_feed(actor).token
    _db.session.commit()

    feed = Calendar.from_ical(client.get(f"/calendar/{token}.ics").data)

    [event] = feed.walk("VEVENT")
    assert "ATTENDEE" not in event
    assert str(event["SUMMARY"]) == forged.replace("\r\n", "\n")
    assert str(event["DESCRIPTION"]).endswith(SCRIPT)


# Every way to switch escaping off, and why each use is safe. A new one fails the test below
# until it is looked at and listed here.
UNESCAPED = {
    "templates/contacts/_timeline_entry.html": (
        "{{ icons[icon]|safe }}: fixed SVG paths set in the template itself, picked by the "
        "entry's kind (itself one of INTERACTION_KINDS, message or action)",
    ),
    "templates/contacts/_profile.html": (
        "'<span ...>Not recorded</span>'|safe: a literal in the template",
    ),
    "webapp/web/admin_messages.py": (
        "Markup(...).format(...) x3: format escapes the contact's name and the message text",
    ),
    "webapp/web/display.py": (
        "Markup(f'<time ...>') x3: every interpolated value passes through escape()",
    ),
    "webapp/web/team.py": (
        "Markup(f'...'): escape() on each value; short_date() is digits and month names",
    ),
}
UNESCAPING = re.compile(r"\|\s*safe\b|Markup\(|autoescape\s+false|autoescape=False|\.unescape\(")


def test_every_use_of_unescaped_output_is_listed_with_its_reason():
    found = {}
    for path in [*PROJECT.glob("templates/**/*.html"), *PROJECT.glob("webapp/**/*.py")]:
        count = len(UNESCAPING.findall(path.read_text()))
        if count:
            found[str(path.relative_to(PROJECT))] = count

    assert sorted(found) == sorted(UNESCAPED)


def test_the_checks_catch_live_payloads():
    """The page checks can fail: text rendered without escaping is reported, and escaped is not."""
    raw = Environment(autoescape=False).from_string('<p title="{{ v }}">{{ v }}</p>')
    escaped = Environment(autoescape=True).from_string('<p title="{{ v }}">{{ v }}</p>')
    link = Environment(autoescape=True).from_string('<a href="{{ v }}">x</a>')

    problems = live_payloads(raw.render(v=PAYLOAD))

    assert any("<script>" in p for p in problems) and any("onerror" in p for p in problems)
    assert live_payloads(escaped.render(v=PAYLOAD)) == []
    assert live_payloads(link.render(v=" JavaScript:alert(1)")) != []
    assert live_payloads(escaped.render(v=Markup.escape(PAYLOAD))) == []
    assert live_payloads(escaped.render(v=str(Markup.escape(PAYLOAD)))) != []  # double-escaped


def test_the_checks_catch_json_that_is_not_plain_data():
    assert json_problems(json.dumps({"name": PAYLOAD, "url": "/contacts/1"}).encode()) == []
    assert json_problems(json.dumps({"name": str(Markup.escape(PAYLOAD))}).encode()) != []
    assert json_problems(json.dumps([{"url": "javascript:alert(1)"}]).encode()) != []
