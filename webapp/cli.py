"""``flask`` commands: users, api-keys, seed-demo, fake-twilio, scheduler."""

from __future__ import annotations

import secrets
import threading

import click
from flask import Flask

from webapp import access
from webapp.extensions import db
from webapp.models import ROLES
from webapp.services import api_keys, users
from webapp.services.errors import DomainError


def _fail(error: DomainError) -> None:
    db.session.rollback()
    fields = error.details.get("fields", {})
    lines = [error.message] + [f"  {name}: {' '.join(msgs)}" for name, msgs in fields.items()]
    raise click.ClickException("\n".join(lines))


@click.group("users", help="Manage the people who sign in to Rapport.")
def users_cli() -> None:
    pass


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--squad", "squad_name", help="Squad name; created if new.")
@click.option("--password", help="At least 10 characters. Generated and printed if omitted.")
@click.option("--admin", "is_admin", is_flag=True, help="Grant the admin permission.")
def create_user_command(
    email: str, name: str, role: str, squad_name: str | None, password: str | None, is_admin: bool
) -> None:
    """Create a user (and the squad if new). Prints the user id."""
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        squad = users.find_or_create_squad(None, squad_name) if squad_name else None
        user = users.create_user(
            None,
            email=email,
            name=name,
            role=role,
            password=password,
            squad=squad,
            is_admin=is_admin,
        )
        db.session.commit()
    except DomainError as error:
        _fail(error)
    if generated:
        click.echo(f"Password: {password}", err=True)
    click.echo(user.id)


@click.group("api-keys", help="Manage API keys.")
def api_keys_cli() -> None:
    pass


@api_keys_cli.command("create")
@click.option("--user", "email", required=True, help="Email of the key's owner.")
@click.option("--name", default="API key", show_default=True)
@click.option(
    "--permissions",
    multiple=True,
    type=click.Choice(access.PERMISSIONS),
    help="Repeat for each; default: all the user has.",
)
def create_api_key_command(email: str, name: str, permissions: tuple[str, ...]) -> None:
    """Create an API key. The secret is printed alone on the last line, once."""
    try:
        owner = users.get_user_by_email(email)
        actor = access.actor_for_user(owner)
        created = api_keys.create_api_key(
            actor, owner, name=name, permissions=list(permissions) or None
        )
        db.session.commit()
    except DomainError as error:
        _fail(error)
    key = created.api_key
    click.echo(
        f"Created API key {key.prefix} ({key.name}) for {owner.email}: {' '.join(key.permissions)}"
    )
    click.echo("Keep the secret now; it is not shown again.")
    click.echo(created.secret)


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Wipe the data and seed again.")
def seed_demo_command(force: bool) -> None:
    """Seed the demo firm if the database is empty (idempotent)."""
    from webapp.demo import seed_demo

    report = seed_demo(force=force)
    db.session.commit()
    click.echo(report)


@click.command("fake-twilio")
@click.option("--port", default=5099, show_default=True)
@click.option("--auto-deliver/--no-auto-deliver", default=True, show_default=True)
@click.option("--auto-reply", default="Thank you! 😊", show_default=True, help="'' for none.")
def fake_twilio_command(port: int, auto_deliver: bool, auto_reply: str) -> None:
    """Serve the fake Twilio for development, signing webhooks with this app's settings."""
    from flask import current_app

    from webapp.messaging.fake_twilio import FakeTwilio, start_in_thread
    from webapp.messaging.settings import INBOUND_PATH, public_url

    config = current_app.config
    fake = FakeTwilio(
        account_sid=config["TWILIO_ACCOUNT_SID"],
        auth_token=config["TWILIO_AUTH_TOKEN"],
        inbound_url=public_url(config, INBOUND_PATH),
        auto_deliver=auto_deliver,
        auto_reply=auto_reply or None,
        callback_delay=1.5,
    )
    running = start_in_thread(fake, port=port)
    click.echo(f"Fake Twilio on {running.url} (webhooks to {config['PUBLIC_BASE_URL']})")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        running.stop()


@click.group("scheduler", help="Scheduled work: due actions, keep-in-touch check-ins, digests.")
def scheduler_cli() -> None:
    pass


@scheduler_cli.command("tick")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Run as if it were this day for every user (YYYY-MM-DD); default: each user's today.",
)
def scheduler_tick_command(day) -> None:
    """Run one pass of every job (and of waiting imports); print what each did."""
    from webapp.jobs import imports, runner
    from webapp.jobs.base import Clock

    outcomes = runner.tick(Clock(fixed_day=day.date() if day else None))
    for outcome in outcomes:
        click.echo(describe_tick(outcome.job.name, outcome.tick))
    click.echo(f"imports: {imports.run_pending()} worked on")
    if not all(outcome.ok for outcome in outcomes):
        raise click.ClickException(
            "A job failed; its traceback is in the log and on the admin page."
        )


def describe_tick(job_name: str, tick) -> str:
    """One line: "due_actions: ok, 3 created, 1 skipped (no_active_owner: 1)"."""
    reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(tick.details.items()))
    line = f"{job_name}: {tick.status}, {tick.created} created, {tick.skipped} skipped"
    return f"{line} ({reasons})" if reasons else line


@scheduler_cli.command("run")
def scheduler_run_command() -> None:
    """Run the scheduler in the foreground until interrupted (production: its own process)."""
    from flask import current_app

    from webapp.jobs.scheduler import run_blocking

    click.echo("Scheduler running; Ctrl+C stops it.")
    try:
        run_blocking(current_app._get_current_object())
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


def register(app: Flask) -> None:
    for command in (
        users_cli,
        api_keys_cli,
        seed_demo_command,
        fake_twilio_command,
        scheduler_cli,
    ):
        app.cli.add_command(command)
