"""The morning digest: at ``DIGEST_HOUR`` in each user's timezone, their day in one message.

Kept in the app (the Digest page, the badge in the top bar) and emailed when SMTP is set, or
printed to the log when it is not (development). A digest exists once per user and day: it is
inserted with ``ON CONFLICT DO NOTHING`` on (user, day), so two concurrent runs make one, and
only the digests a run really inserted are audited and emailed. Emails go after the commit.
"""

from __future__ import annotations

import binascii
import functools
import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import access
from webapp.extensions import db
from webapp.jobs.base import Clock, JobResult
from webapp.models import Digest, User
from webapp.services import digests
from webapp.services.calendar import zone_of

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)

BATCH_SIZE = 200
DEFAULT_DIGEST_HOUR = 7
SMTP_TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class NewDigest:
    """A digest this run inserted, with what its email needs."""

    id: int
    name: str  # the user's, read before the commit expires the User
    email: str
    contents: dict[str, Any]


def run(clock: Clock) -> JobResult:
    """Make today's digest of every active user whose digest hour has come, then email them."""
    result = JobResult()
    hour = current_app.config.get("DIGEST_HOUR", DEFAULT_DIGEST_HOUR)
    after = 0
    while users := _active_users_after(after):
        after = users[-1].id
        created = _make_digests(users, clock, hour, result)
        if created:
            deliver(created, clock, result)
    return result


def _active_users_after(user_id: int) -> list[User]:
    stmt = (
        select(User)
        .where(User.active, User.id > user_id)
        .options(selectinload(User.permission_overrides))
        .order_by(User.id)
        .limit(BATCH_SIZE)
    )
    return list(db.session.scalars(stmt))


def digest_day(user: User, clock: Clock, hour: int) -> date | None:
    """The day ``user`` is due a digest for now: their local day once it is ``hour`` o'clock.

    With a fixed day (``tick --date``) everyone is due for that day, whatever the hour.
    """
    if clock.fixed_day is not None:
        return clock.fixed_day
    local = clock.now().astimezone(zone_of(user.timezone))
    return local.date() if local.hour >= hour else None


def _due(users: list[User], clock: Clock, hour: int, result: JobResult) -> list[tuple[User, date]]:
    """The users of a batch due a digest now who have none for their day yet."""
    due = []
    for user in users:
        day = digest_day(user, clock, hour)
        if day is None:
            continue
        # The digest names contacts and life events: only for those who may see them.
        if not access.can(access.actor_for_user(user), access.RELATIONSHIPS_VIEW):
            result.skipped += 1
            result.count("not_permitted")
            continue
        due.append((user, day))
    if not due:
        return []
    stmt = select(Digest.user_id, Digest.digest_on).where(
        Digest.user_id.in_([user.id for user, _ in due]),
        Digest.digest_on.in_({day for _, day in due}),
    )
    existing = {(row.user_id, row.digest_on) for row in db.session.execute(stmt)}
    return [(user, day) for user, day in due if (user.id, day) not in existing]


def _make_digests(users: list[User], clock: Clock, hour: int, result: JobResult) -> list[NewDigest]:
    """Compose and insert the batch's due digests, skipping empty ones; one commit."""
    due = _due(users, clock, hour, result)
    if not due:
        return []
    composed = digests.compose_many(due)
    now = clock.now()
    rows, users_by_id = [], {}
    for user, day in due:
        contents = composed[user.id]
        if digests.is_empty(contents):
            result.skipped += 1
            result.count("nothing_to_report")
            continue
        rows.append({"user_id": user.id, "digest_on": day, "contents": contents, "created_at": now})
        users_by_id[user.id] = user
    if not rows:
        return []
    inserted = digests.store_new(rows)
    result.created += len(inserted)
    if len(inserted) < len(rows):  # another run made them first
        result.skipped += len(rows) - len(inserted)
        result.count("already_created", len(rows) - len(inserted))
    new = [
        NewDigest(i, users_by_id[u].name, users_by_id[u].email, composed[u]) for i, u in inserted
    ]
    db.session.commit()
    return new


# --- email ----------------------------------------------------------------------------------------


def deliver(created: list[NewDigest], clock: Clock, result: JobResult) -> None:
    """Email each new digest (or log it without SMTP); mark those sent, leave the rest unsent."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        for new in created:
            message = digest_email(new, config)
            log.info(
                "SMTP_HOST is not set, so digest %s is logged instead of emailed.\n"
                "To: %s\nSubject: %s\n\n%s",
                new.id,
                message["To"],
                message["Subject"],
                message.get_body(("plain",)).get_content(),
            )
            result.count("email_logged")
        return
    sent = []
    with Mailer(config) as mailer:
        for new in created:
            if mailer.send_or_log(digest_email(new, config), new.id):
                sent.append(new.id)
                result.count("emailed")
            else:
                result.count("email_failed")
    if sent:
        digests.mark_emailed(sent, clock.now())
        db.session.commit()


class Mailer:
    """One SMTP connection for a run's emails, opened on the first send.

    A failed send drops the connection so the next send starts afresh; a server that cannot be
    reached at all is tried once per run, not once per email.
    """

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None
        self.unreachable = False

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def send_or_log(self, message: EmailMessage, digest_id: int) -> bool:
        """Send ``message``; on failure log why (with the traceback) and answer ``False``."""
        if self.unreachable:
            log.error("Digest %s not emailed to %s: SMTP unreachable", digest_id, message["To"])
            return False
        if self.smtp is None:
            try:
                self.smtp = self._connect()
            except (smtplib.SMTPException, OSError):
                log.exception("Could not email digest %s: SMTP unreachable", digest_id)
                self.unreachable = True
                return False
        try:
            self.smtp.send_message(message)
        except (smtplib.SMTPException, OSError):
            log.exception("Could not email digest %s to %s", digest_id, message["To"])
            self.close()
            return False
        return True

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        smtp = smtplib.SMTP(
            config["SMTP_HOST"], int(config.get("SMTP_PORT", 587)), timeout=SMTP_TIMEOUT_SECONDS
        )
        try:
            if config.get("SMTP_STARTTLS", True):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD", ""))
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        if self.smtp is None:
            return
        try:
            self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            self.smtp.close()
        self.smtp = None


def digest_email(new: NewDigest, config: Mapping[str, Any]) -> EmailMessage:
    """The digest as an email to its user: plain text with a simple HTML alternative."""
    contents = new.contents
    digest = digests.readable(contents)
    link = _public_links(config)
    # Each item's contact link, built once per contact: an item's link is written twice (text
    # and HTML), and a contact can have several items.
    contact_url = functools.cache(
        lambda contact_id: link("contacts.show", {"contact_id": contact_id})
    )
    for item in (*digest["today"], *digest["overdue"], *digest["events"]):
        item.url = contact_url(item.contact_id)
    day = digest["day"]
    subject = f"Your Rapport digest for {day:%A} {day.day} {day:%B}: {digests.headline(contents)}"
    context = {
        "first_name": new.name.split(" ")[0],
        "digest": digest,
        "subject": subject,
        "digest_url": link("digest.index", {}),
    }
    # Straight from the Jinja environment: its globals and filters, no request needed.
    templates = current_app.jinja_env
    sender = config.get("MAIL_FROM") or "Rapport <rapport@localhost>"
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = formataddr((new.name, new.email))
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid("digest", domain=_domain_of(sender))
    message["MIME-Version"] = "1.0"  # which ``set_content`` would add: mail clients read MIME by it
    message.make_alternative()
    message.attach(_text_part(templates.get_template("digest/email.txt").render(context), "plain"))
    html = templates.get_template("digest/email.html").render(context)
    message.attach(_text_part(html.lstrip(), "html"))
    return message


def _text_part(text: str, subtype: str) -> EmailMessage:
    """A UTF-8 text part, quoted-printable. Encoded by ``binascii`` (C): ``set_content`` tries
    quoted-printable and base64 in pure Python to pick the shorter, a third of a digest email's
    time (docs/performance.md, "Jobs")."""
    part = EmailMessage()
    part["Content-Type"] = f'text/{subtype}; charset="utf-8"'
    part["Content-Transfer-Encoding"] = "quoted-printable"
    ended = text if text.endswith("\n") else text + "\n"  # as ``set_content`` ends a text
    part.set_payload(binascii.b2a_qp(ended.encode(), istext=True).decode("ascii"))
    return part


def _domain_of(sender: str) -> str:
    """The sender's mail domain, for Message-ID (without asking DNS for this host's name)."""
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def _public_links(config: Mapping[str, Any]) -> Callable[[str, dict], str | None]:
    """``link(endpoint, values)``: an absolute link into the app for an email, or ``None``
    without ``PUBLIC_BASE_URL``. The URL map is bound once per email, not once per link (a digest
    has up to 150, each written twice)."""
    base = (config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if not base:
        return lambda endpoint, values: None
    adapter = current_app.url_map.bind("localhost")
    return lambda endpoint, values: base + adapter.build(endpoint, values)
