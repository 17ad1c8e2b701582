"""The morning digest job: one digest per user and day, at 7:00 their time, emailed or logged."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.jobs.builders import at, contact_of, owner, raw_event
from tests.jobs.smtp_sink import start_sink
from tests.unit.relationship_builders import freeze_time
from tests.web.action_builders import add_action
from webapp.extensions import db as _db
from webapp.jobs import digests as digest_job
from webapp.jobs.base import Clock
from webapp.models import AuditEvent, Digest, PermissionOverride
from webapp.services import digests

DAY = date(2026, 11, 24)  # a Tuesday
LOGGER = "webapp.jobs.digests"


@pytest.fixture(autouse=True)
def plain_settings(app, monkeypatch):
    """The defaults, whatever the environment says: 7:00, no SMTP (so emails go to the log)."""
    monkeypatch.setitem(app.config, "DIGEST_HOUR", 7)
    monkeypatch.setitem(app.config, "SMTP_HOST", "")
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "http://rapport.test")
    monkeypatch.setitem(app.config, "MAIL_FROM", "Rapport <digest@rapport.test>")


@pytest.fixture(scope="module")
def smtp_server():
    running = start_sink()
    yield running
    running.stop()


@pytest.fixture
def smtp(app, monkeypatch, smtp_server):
    """SMTP configured, pointing at the local sink (plain SMTP: no STARTTLS, no login)."""
    smtp_server.sink.reset()
    monkeypatch.setitem(app.config, "SMTP_HOST", smtp_server.host)
    monkeypatch.setitem(app.config, "SMTP_PORT", smtp_server.port)
    monkeypatch.setitem(app.config, "SMTP_STARTTLS", False)
    monkeypatch.setitem(app.config, "SMTP_USERNAME", "")
    return smtp_server.sink


def run_for(day: date | None = DAY):
    return digest_job.run(Clock(fixed_day=day))


def stored_digests(user=None) -> list[Digest]:
    """The digests as stored (of ``user``, or everyone's), by user then day."""
    stmt = select(Digest).order_by(Digest.user_id, Digest.digest_on)
    if user is not None:
        stmt = stmt.where(Digest.user_id == user.id)
    _db.session.expire_all()
    return list(_db.session.scalars(stmt))


def count_of(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def busy_user(timezone: str = "UTC", **fields):
    """A user with one action due on ``DAY``."""
    person = owner(timezone, **fields)
    add_action(person, title="Call Grace", due_on=DAY)
    return person


# --- who gets a digest ----------------------------------------------------------------------------


def test_a_user_with_something_to_report_gets_one_digest_and_an_idle_one_none(db):
    busy = busy_user()
    idle = owner()

    result = run_for()

    assert (result.created, result.skipped) == (1, 1)
    assert result.details["nothing_to_report"] == 1
    assert [(d.user_id, d.digest_on) for d in stored_digests()] == [(busy.id, DAY)]
    assert stored_digests(idle) == []


def test_each_created_digest_is_audited_as_made_by_the_scheduler(db):
    busy = busy_user()
    run_for()
    digest = stored_digests(busy)[0]
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type == "digest", AuditEvent.object_id == digest.id
        )
    ).all()
    assert [(e.action, e.user_id) for e in events] == [("create", None)]


def test_a_second_run_on_the_same_day_creates_and_writes_nothing(db):
    busy_user()
    busy_user()
    assert run_for().created == 2
    before = (count_of(Digest), count_of(AuditEvent))

    again = run_for()

    assert again.created == 0
    assert (count_of(Digest), count_of(AuditEvent)) == before


def test_the_next_day_brings_a_new_digest(db):
    busy = busy_user()  # the action due today is overdue tomorrow
    run_for(DAY)
    run_for(DAY + timedelta(days=1))
    assert [d.digest_on for d in stored_digests(busy)] == [DAY, DAY + timedelta(days=1)]
    assert stored_digests(busy)[1].contents["counts"]["overdue"] == 1


def test_a_digest_another_run_inserted_first_is_kept_and_not_made_twice(db, monkeypatch):
    """Two schedulers racing: the other one inserts between our check and our insert."""
    busy = busy_user()
    compose_many = digests.compose_many

    def other_run_wins(pairs):
        db.session.add(Digest(user_id=busy.id, digest_on=DAY, contents={"theirs": True}))
        db.session.flush()
        return compose_many(pairs)

    monkeypatch.setattr(digests, "compose_many", other_run_wins)
    result = run_for()

    assert result.created == 0
    assert result.details["already_created"] == 1
    assert [d.contents for d in stored_digests(busy)] == [{"theirs": True}]
    assert "email_logged" not in result.details  # nor emailed: it was not ours


def test_inactive_users_get_no_digest(db):
    busy_user(active=False)
    assert run_for().created == 0
    assert stored_digests() == []


def test_a_user_who_may_not_see_relationships_gets_no_digest(db):
    barred = busy_user()
    barred.permission_overrides.append(
        PermissionOverride(permission="relationships:view", granted=False)
    )
    db.session.flush()

    result = run_for()

    assert result.created == 0
    assert result.details == {"not_permitted": 1}
    assert stored_digests(barred) == []


def test_users_are_processed_in_batches(db, monkeypatch):
    monkeypatch.setattr(digest_job, "BATCH_SIZE", 2)
    people = [busy_user() for _ in range(5)]
    assert run_for().created == 5
    assert {d.user_id for d in stored_digests()} == {p.id for p in people}


# --- at 7:00 in each user's own timezone ---------------------------------------------------------


@pytest.fixture
def far_apart(db):
    """A user in Honolulu (UTC-10) and one in Tonga (UTC+13), each with an overdue action."""
    honolulu = owner("Pacific/Honolulu")
    tonga = owner("Pacific/Tongatapu")
    for person in (honolulu, tonga):
        add_action(person, title="Send the proposal", due_on=date(2026, 11, 20))
    return honolulu, tonga


def made_for(*people) -> list[list[date]]:
    return [[d.digest_on for d in stored_digests(person)] for person in people]


def test_no_digest_before_7_in_the_users_morning(db, monkeypatch, far_apart):
    # 16:59 UTC: 06:59 on the 24th in Honolulu, 05:59 on the 25th in Tonga.
    freeze_time(monkeypatch, at(2026, 11, 24, 16, 59))
    assert digest_job.run(Clock()).created == 0
    assert made_for(*far_apart) == [[], []]


def test_honolulu_gets_its_digest_at_7_its_time_while_tonga_still_sleeps(
    db, monkeypatch, far_apart
):
    freeze_time(monkeypatch, at(2026, 11, 24, 17, 0))  # 07:00 the 24th / 06:00 the 25th
    assert digest_job.run(Clock()).created == 1
    assert made_for(*far_apart) == [[DAY], []]


def test_tonga_gets_the_digest_of_its_own_day_an_hour_later(db, monkeypatch, far_apart):
    freeze_time(monkeypatch, at(2026, 11, 24, 18, 0))  # 08:00 the 24th / 07:00 the 25th
    assert digest_job.run(Clock()).created == 2
    assert made_for(*far_apart) == [[DAY], [DAY + timedelta(days=1)]]


def test_a_later_hour_from_the_settings_is_respected(app, db, monkeypatch, far_apart):
    monkeypatch.setitem(app.config, "DIGEST_HOUR", 9)
    freeze_time(monkeypatch, at(2026, 11, 24, 18, 0))  # 08:00 in Honolulu
    assert digest_job.run(Clock()).created == 0


def test_a_fixed_day_makes_everyones_digest_whatever_the_hour(db, monkeypatch, far_apart):
    freeze_time(monkeypatch, at(2026, 11, 24, 3, 0))  # night in Honolulu, early in Tonga
    assert run_for(DAY).created == 2
    assert made_for(*far_apart) == [[DAY], [DAY]]


# --- what a digest holds --------------------------------------------------------------------------


def test_the_digest_holds_exactly_the_users_own_items(db):
    me, someone_else = owner(), owner()
    ada = contact_of(me, "Ada", "Lovelace")
    grace = contact_of(me, "Grace", "Hopper")
    gone = contact_of(me, "Old", "Friend", archived_at=at(2026, 1, 1))
    theirs = contact_of(someone_else, "Alan", "Turing")
    today = add_action(me, contact=ada, title="Call Ada", due_on=DAY)
    overdue = add_action(
        me,
        contact=grace,
        title="Send Grace the paper",
        due_on=DAY - timedelta(days=3),
        action_type="email",
    )
    add_action(me, contact=ada, title="Later", due_on=DAY + timedelta(days=1))
    add_action(me, contact=ada, title="Done already", due_on=DAY, status="done")
    add_action(me, contact=ada, title="Undated")
    add_action(someone_else, contact=theirs, title="Their call", due_on=DAY)
    birthday = raw_event(grace, 11, 27, 1906, title="Birthday")
    raw_event(ada, 12, 1, title="Too far: the 8th day")
    raw_event(gone, 11, 25, title="Archived contact")
    raw_event(theirs, 11, 25, title="Someone else's contact")
    raw_event(ada, 11, 26, 2020, recurs=False, event_type="promotion", title="Past one-off")

    assert digests.compose(me, DAY) == {
        "day": "2026-11-24",
        "counts": {"today": 1, "overdue": 1, "events": 1},
        "today": [
            {
                "action_id": today.id,
                "title": "Call Ada",
                "action_type": "call",
                "due_on": "2026-11-24",
                "contact_id": ada.id,
                "contact_name": "Ada Lovelace",
            }
        ],
        "overdue": [
            {
                "action_id": overdue.id,
                "title": "Send Grace the paper",
                "action_type": "email",
                "due_on": "2026-11-21",
                "contact_id": grace.id,
                "contact_name": "Grace Hopper",
                "days_overdue": 3,
            }
        ],
        "events": [
            {
                "life_event_id": birthday.id,
                "title": "Birthday",
                "event_type": "birthday",
                "occurs_on": "2026-11-27",
                "days_away": 3,
                "contact_id": grace.id,
                "contact_name": "Grace Hopper",
            }
        ],
    }


def test_the_stored_digest_is_what_compose_says(db):
    busy = busy_user()
    run_for()
    assert stored_digests(busy)[0].contents == digests.compose(busy, DAY)


def test_life_events_alone_make_a_digest(db):
    me = owner()
    raw_event(contact_of(me), 11, 30, title="Birthday")  # the 7th day of the week
    assert run_for().created == 1
    assert stored_digests(me)[0].contents["counts"] == {"today": 0, "overdue": 0, "events": 1}


def test_a_29_february_birthday_shows_on_28_february_in_a_common_year(db):
    me = owner()
    leapling = raw_event(contact_of(me), 2, 29)
    events = digests.compose(me, date(2027, 2, 25))["events"]
    assert [(e["life_event_id"], e["occurs_on"]) for e in events] == [(leapling.id, "2027-02-28")]


def test_long_lists_keep_the_oldest_items_and_the_full_count(db, monkeypatch):
    monkeypatch.setattr(digests, "ITEMS_SHOWN", 2)
    me = owner()
    for days_ago in (1, 5, 3):
        add_action(me, title=f"{days_ago} days late", due_on=DAY - timedelta(days=days_ago))
    contents = digests.compose(me, DAY)
    assert contents["counts"]["overdue"] == 3
    assert [item["title"] for item in contents["overdue"]] == ["5 days late", "3 days late"]


def test_each_users_lists_are_capped_and_counted_apart(db, monkeypatch):
    monkeypatch.setattr(digests, "ITEMS_SHOWN", 2)
    me, colleague = owner(), owner()
    for person in (me, colleague):
        for days_ago in (4, 1, 2):
            add_action(person, title=f"{days_ago} days late", due_on=DAY - timedelta(days=days_ago))
        for n in (1, 2, 3):
            add_action(person, title=f"Today {n}", due_on=DAY)
    add_action(colleague, title="6 days late", due_on=DAY - timedelta(days=6))

    both = digests.compose_many([(me, DAY), (colleague, DAY)])

    def titles(contents, section):
        return [item["title"] for item in contents[section]]

    assert both[me.id]["counts"] == {"today": 3, "overdue": 3, "events": 0}
    assert both[colleague.id]["counts"] == {"today": 3, "overdue": 4, "events": 0}
    assert titles(both[me.id], "overdue") == ["4 days late", "2 days late"]
    assert titles(both[colleague.id], "overdue") == ["6 days late", "4 days late"]
    # Due the same day: in the order they were made.
    assert (
        titles(both[me.id], "today")
        == titles(both[colleague.id], "today")
        == [
            "Today 1",
            "Today 2",
        ]
    )


def test_composing_costs_the_same_queries_however_much_there_is(db, count_queries):
    light, heavy = owner(), owner()
    add_action(light, due_on=DAY)
    for offset in range(12):
        add_action(heavy, due_on=DAY - timedelta(days=offset))
        raw_event(contact_of(heavy), 11, 24 + offset % 6)
    db.session.flush()

    with count_queries() as light_queries:
        digests.compose(light, DAY)
    with count_queries() as heavy_queries:
        digests.compose(heavy, DAY)
    with count_queries() as both_queries:
        digests.compose_many([(light, DAY), (heavy, DAY)])

    # The first actions of each list, their totals, the life events.
    assert len(light_queries) == len(heavy_queries) == len(both_queries) == 3


def test_the_headline_names_only_what_there_is():
    counts = {"today": 3, "overdue": 2, "events": 0}
    assert digests.headline({"counts": counts}) == "3 due today, 2 overdue"
    counts = {"today": 0, "overdue": 0, "events": 1}
    assert digests.headline({"counts": counts}) == "1 life event this week"


# --- email ----------------------------------------------------------------------------------------


def test_without_smtp_the_email_is_written_to_the_log(db, caplog):
    busy_user()
    caplog.set_level(logging.INFO, logger=LOGGER)

    result = run_for()

    logged = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert len(logged) == 1
    assert "Subject: Your Rapport digest for Tuesday 24 November: 1 due today" in logged[0]
    assert "- Call Grace (Call) for" in logged[0]
    assert result.details["email_logged"] == 1
    assert "emailed" not in result.details
    assert stored_digests()[0].emailed_at is None


def test_with_smtp_each_new_digest_is_emailed_and_marked_sent(db, smtp, monkeypatch):
    freeze_time(monkeypatch, at(2026, 11, 24, 8, 0))
    me = owner(name="Mia Member", email="mia@rapport.test")
    ada = contact_of(me, "Ada", "Lovelace")
    add_action(me, contact=ada, title="Call Ada", due_on=DAY)
    add_action(me, contact=ada, title="Card for Ada", due_on=DAY - timedelta(days=2))

    result = run_for()

    assert result.details["emailed"] == 1
    [received] = smtp.received
    assert received.rcpt_to == ["mia@rapport.test"]
    assert received.mail_from == "digest@rapport.test"
    message = received.message
    assert (
        message["Subject"] == "Your Rapport digest for Tuesday 24 November: 1 due today, 1 overdue"
    )
    assert message["To"] == "Mia Member <mia@rapport.test>"
    assert message["MIME-Version"] == "1.0"
    assert message.get_content_type() == "multipart/alternative"
    parts = [
        (part.get_content_type(), part["Content-Transfer-Encoding"])
        for part in message.iter_parts()
    ]
    assert parts == [("text/plain", "quoted-printable"), ("text/html", "quoted-printable")]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert text.startswith("Good morning Mia,")
    assert "Call Ada (Call) for Ada Lovelace" in text
    assert f"http://rapport.test/contacts/{ada.id}" in text
    assert "Card for Ada" in html and "Overdue" in html
    assert f'href="http://rapport.test/contacts/{ada.id}"' in html
    assert stored_digests(me)[0].emailed_at == at(2026, 11, 24, 8, 0)


def test_a_refused_email_is_logged_and_the_digest_kept_unsent(db, smtp, caplog):
    smtp.reject_mail = "550 Mailbox unavailable"
    busy = busy_user()
    caplog.set_level(logging.INFO, logger=LOGGER)

    result = run_for()

    assert result.created == 1
    assert result.details["email_failed"] == 1
    assert smtp.received == []
    [digest] = stored_digests(busy)
    assert digest.emailed_at is None
    failures = [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.ERROR]
    assert failures and failures[0].exc_info is not None
    assert "Mailbox unavailable" in caplog.text


def test_one_refused_email_does_not_stop_the_others(db, smtp, monkeypatch):
    first, second = busy_user(), busy_user()
    sent = []
    send = digest_job.Mailer.send_or_log

    def refuse_the_first(mailer, message, digest_id):
        if message["To"].addresses[0].addr_spec == first.email:
            smtp.reject_mail = "451 Try again later"
        ok = send(mailer, message, digest_id)
        smtp.reject_mail = None
        sent.append(ok)
        return ok

    monkeypatch.setattr(digest_job.Mailer, "send_or_log", refuse_the_first)
    result = run_for()

    assert (result.details["emailed"], result.details["email_failed"]) == (1, 1)
    assert [r.rcpt_to for r in smtp.received] == [[second.email]]
    assert stored_digests(first)[0].emailed_at is None
    assert stored_digests(second)[0].emailed_at is not None


def test_an_unreachable_smtp_server_loses_no_digest(app, db, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", 9)  # closed: the connection is refused
    monkeypatch.setitem(app.config, "SMTP_STARTTLS", False)
    busy_user()
    busy_user()
    caplog.set_level(logging.INFO, logger=LOGGER)

    result = run_for()

    assert result.created == 2
    assert result.details["email_failed"] == 2
    assert [d.emailed_at for d in stored_digests()] == [None, None]
    with_traceback = [r for r in caplog.records if r.name == LOGGER and r.exc_info]
    assert len(with_traceback) == 1  # tried once per run, not once per email
