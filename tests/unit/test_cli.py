"""The ``flask users`` and ``flask api-keys`` commands, as an operator types them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from webapp import access
from webapp.models import ApiKey, AuditEvent, Squad, User
from webapp.services.passwords import password_matches

PASSWORD = "a long enough password"


@pytest.fixture
def run(app, db):
    """``run("users", "create", ...)``: invoke a command inside the test's transaction."""
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def user_by_email(db, email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def create_user(run, email="ada@rapport.example", role="member", *extra: str):
    return run(
        "users", "create", "--email", email, "--name", "Ada Lovelace", "--role", role, *extra
    )


# --- users create ------------------------------------------------------------------------------


def test_users_create_prints_the_new_users_id(run, db):
    result = create_user(run, "Ada@Rapport.Example", "manager", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    user = user_by_email(db, "ada@rapport.example")
    assert result.stdout.strip() == str(user.id)
    assert (user.name, user.role, user.is_admin, user.squad) == (
        "Ada Lovelace",
        "manager",
        False,
        None,
    )
    assert password_matches(user.password_hash, PASSWORD)


def test_users_create_makes_the_squad_if_new_and_reuses_it(run, db):
    assert create_user(run, "a@rapport.example", "manager", "--squad", "North").exit_code == 0
    assert create_user(run, "b@rapport.example", "member", "--squad", "North").exit_code == 0
    [squad] = db.session.scalars(select(Squad).where(Squad.name == "North")).all()
    assert {u.email for u in squad.members} == {"a@rapport.example", "b@rapport.example"}


def test_users_create_admin_flag_grants_admin(run, db):
    assert create_user(run, "boss@rapport.example", "executive", "--admin").exit_code == 0
    user = user_by_email(db, "boss@rapport.example")
    assert user.is_admin
    assert access.ADMIN in access.user_permissions(user)


def test_users_create_without_password_generates_and_shows_one(run, db):
    result = create_user(run)
    assert result.exit_code == 0, result.output
    password = result.stderr.strip().removeprefix("Password: ")
    assert len(password) >= 10
    assert password_matches(user_by_email(db, "ada@rapport.example").password_hash, password)
    assert result.stdout.strip().isdigit()  # stdout stays just the id, for scripts


def test_users_create_is_audited_as_the_system(run, db):
    create_user(run, "ada@rapport.example", "member", "--password", PASSWORD)
    user = user_by_email(db, "ada@rapport.example")
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.object_type == "user", AuditEvent.object_id == user.id)
    )
    assert event.action == "create" and event.user_id is None


def test_users_create_refuses_a_duplicate_email(run, db):
    assert create_user(run, "ada@rapport.example").exit_code == 0
    result = create_user(run, "ADA@rapport.example", "manager", "--squad", "Dup squad")
    assert result.exit_code != 0
    assert "ada@rapport.example already has an account." in result.output
    assert db.session.scalar(select(Squad).where(Squad.name == "Dup squad")) is None


def test_users_create_refuses_an_unknown_role(run, db):
    result = create_user(run, "ada@rapport.example", "intern")
    assert result.exit_code != 0
    assert "intern" in result.output and "member" in result.output
    assert user_by_email(db, "ada@rapport.example") is None


def test_users_create_refuses_a_short_password(run, db):
    result = create_user(run, "ada@rapport.example", "member", "--password", "short")
    assert result.exit_code != 0
    assert "password: Use at least 10 characters." in result.output
    assert user_by_email(db, "ada@rapport.example") is None


def test_users_create_refuses_a_bad_email(run, db):
    result = create_user(run, "not-an-email")
    assert result.exit_code != 0
    assert "email: not-an-email is not a valid email address." in result.output


def test_users_create_needs_email_name_and_role(run):
    result = run("users", "create", "--email", "ada@rapport.example")
    assert result.exit_code != 0
    assert "Missing option" in result.output


# --- api-keys create ---------------------------------------------------------------------------


@pytest.fixture
def owner(run, db):
    create_user(run, "ada@rapport.example", "manager", "--password", PASSWORD)
    return user_by_email(db, "ada@rapport.example")


def test_api_keys_create_prints_the_secret_alone_on_the_last_line(run, db, owner):
    result = run("api-keys", "create", "--user", "ada@rapport.example", "--name", "Sync")
    assert result.exit_code == 0, result.output
    secret = result.stdout.splitlines()[-1]
    assert secret.startswith("rpk_") and " " not in secret
    [key] = db.session.scalars(select(ApiKey).where(ApiKey.user_id == owner.id)).all()
    assert key.name == "Sync"
    assert secret.startswith(key.prefix)
    assert secret not in (key.secret_hash, key.prefix)


def test_the_printed_secret_authenticates(run, client, owner):
    result = run("api-keys", "create", "--user", "ada@rapport.example")
    secret = result.stdout.splitlines()[-1]
    response = client.get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.get_json()["data"]["user"]["email"] == "ada@rapport.example"


def test_api_keys_default_to_everything_the_user_has(run, db, owner):
    assert run("api-keys", "create", "--user", "ada@rapport.example").exit_code == 0
    key = db.session.scalar(select(ApiKey).where(ApiKey.user_id == owner.id))
    expected = [p for p in access.PERMISSIONS if p in access.ROLE_DEFAULTS["manager"]]
    assert key.permissions == expected
    assert key.name == "API key"


def test_api_keys_take_the_permissions_asked_for(run, db, owner):
    result = run(
        "api-keys", "create", "--user", "ada@rapport.example",
        "--permissions", "crm:write", "--permissions", "crm:read",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    key = db.session.scalar(select(ApiKey).where(ApiKey.user_id == owner.id))
    assert key.permissions == ["crm:read", "crm:write"]


def test_api_keys_refuse_a_permission_the_user_lacks(run, db, owner):
    result = run("api-keys", "create", "--user", "ada@rapport.example", "--permissions", "admin")
    assert result.exit_code != 0
    assert "A key cannot carry permissions its owner lacks: admin." in result.output
    assert "rpk_" not in result.output
    assert db.session.scalar(select(ApiKey).where(ApiKey.user_id == owner.id)) is None


def test_api_keys_refuse_an_unknown_permission(run, owner):
    result = run("api-keys", "create", "--user", "ada@rapport.example", "--permissions", "x:y")
    assert result.exit_code != 0
    assert "x:y" in result.output


def test_api_keys_refuse_an_unknown_user(run):
    result = run("api-keys", "create", "--user", "nobody@rapport.example")
    assert result.exit_code != 0
    assert "No user with email nobody@rapport.example." in result.output
