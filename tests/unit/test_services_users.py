"""The users service: people, squads and permission overrides; checking a sign-in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from webapp import access
from webapp.models import AuditEvent, Squad, User
from webapp.services import users
from webapp.services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

GOOD = {
    "email": "Grace.Hopper@Rapport.Example",
    "name": "Grace Hopper",
    "role": "manager",
    "password": "a long enough password",
}


@pytest.fixture
def admin(make_user):
    return access.actor_for_user(make_user("member", is_admin=True))


def events_for(db, object_type: str, object_id: int) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(
        AuditEvent.object_type == object_type, AuditEvent.object_id == object_id
    )
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


def test_create_user_stores_a_normalised_email_and_a_hashed_password(db, admin):
    user = users.create_user(admin, **GOOD)
    assert user.email == "grace.hopper@rapport.example"
    assert user.name == "Grace Hopper"
    assert user.password_hash.startswith("scrypt:")
    assert GOOD["password"] not in user.password_hash
    assert user.active and not user.is_admin and user.timezone == "UTC"


def test_create_user_is_audited_with_before_and_after(db, admin):
    squad = factories.SquadFactory()
    user = users.create_user(admin, **GOOD, squad=squad, is_admin=True)
    [event] = events_for(db, "user", user.id)
    assert event.action == "create"
    assert event.user_id == admin.user.id and event.api_key_id is None
    assert event.changes == {
        "email": {"before": None, "after": "grace.hopper@rapport.example"},
        "role": {"before": None, "after": "manager"},
        "squad_id": {"before": None, "after": squad.id},
        "is_admin": {"before": None, "after": True},
    }
    assert "password" not in str(event.changes)


def test_the_system_may_create_users_without_an_actor(db):
    user = users.create_user(None, **GOOD)
    [event] = events_for(db, "user", user.id)
    assert event.user_id is None


def test_only_admins_create_users(db, make_user):
    manager = access.actor_for_user(make_user("executive"))
    with pytest.raises(PermissionDenied):
        users.create_user(manager, **GOOD)
    assert (
        db.session.scalar(select(User).where(User.email == "grace.hopper@rapport.example")) is None
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "not-an-email is not a valid email address."),
        ("email", "", "This is not a valid email address."),
        ("password", "short", "Use at least 10 characters."),
        ("role", "intern", "Choose one of: executive, head, manager, member."),
        ("timezone", "Mars/Olympus", "Mars/Olympus is not a known time zone."),
        ("name", "   ", "Give the person's name."),
    ],
)
def test_create_user_rejects_bad_input_and_saves_nothing(db, admin, field, value, message):
    with pytest.raises(ValidationFailed) as failure:
        users.create_user(admin, **{**GOOD, field: value})
    assert failure.value.fields == {field: [message]}
    assert db.session.scalar(select(User).where(User.name == "Grace Hopper")) is None


def test_create_user_reports_every_problem_at_once(db, admin):
    with pytest.raises(ValidationFailed) as failure:
        users.create_user(admin, email="x", name="", role="boss", password="pw", timezone="Nowhere")
    assert set(failure.value.fields) == {"email", "name", "role", "password", "timezone"}


def test_duplicate_email_is_a_conflict_whatever_the_case(db, admin):
    users.create_user(admin, **GOOD)
    with pytest.raises(Conflict) as conflict:
        users.create_user(admin, **{**GOOD, "email": "GRACE.HOPPER@rapport.example"})
    assert conflict.value.details == {"field": "email"}
    assert conflict.value.message == "grace.hopper@rapport.example already has an account."
    stmt = select(User.id).where(User.email == "grace.hopper@rapport.example")
    assert len(db.session.scalars(stmt).all()) == 1


def test_find_or_create_squad_creates_once_and_reuses_by_name(db, admin):
    north = users.find_or_create_squad(admin, "North")
    again = users.find_or_create_squad(admin, "  north ")
    assert again.id == north.id
    assert db.session.scalars(select(Squad).where(Squad.name == "North")).all() == [north]
    [event] = events_for(db, "squad", north.id)
    assert event.changes == {"name": {"before": None, "after": "North"}}


def test_a_squad_name_is_unique_and_required(db, admin):
    users.create_squad(admin, "North")
    with pytest.raises(Conflict):
        users.create_squad(admin, "NORTH")
    with pytest.raises(ValidationFailed) as failure:
        users.create_squad(admin, "  ")
    assert failure.value.fields == {"name": ["Give the squad a name."]}


def test_update_user_records_only_what_changed(db, admin, make_user):
    squad = factories.SquadFactory()
    user = make_user("member", name="Ada")
    users.update_user(
        admin,
        user.id,
        name="Ada Lovelace",
        role="manager",
        squad_id=squad.id,
        active=True,
        is_admin=False,
        timezone="Europe/London",
    )
    [event] = events_for(db, "user", user.id)
    assert event.action == "update"
    assert event.changes == {
        "name": {"before": "Ada", "after": "Ada Lovelace"},
        "role": {"before": "member", "after": "manager"},
        "squad_id": {"before": None, "after": squad.id},
        "timezone": {"before": "UTC", "after": "Europe/London"},
    }


def test_an_update_that_changes_nothing_is_not_audited(db, admin, make_user):
    user = make_user("member", name="Ada")
    fields = {"name": "Ada", "role": "member", "squad_id": None, "active": True}
    users.update_user(admin, user.id, **fields, is_admin=False, timezone="UTC")
    assert events_for(db, "user", user.id) == []


def test_an_admin_cannot_lock_themselves_out(db, admin):
    fields = {"name": "Me", "role": "member", "squad_id": None, "timezone": "UTC"}
    with pytest.raises(ValidationFailed) as failure:
        users.update_user(admin, admin.user.id, **fields, active=False, is_admin=True)
    assert "is_admin" in failure.value.fields
    with pytest.raises(ValidationFailed):
        users.update_user(admin, admin.user.id, **fields, active=True, is_admin=False)
    assert admin.user.active and admin.user.is_admin


def test_update_user_refuses_an_unknown_squad_and_a_missing_user(db, admin, make_user):
    user = make_user("member")
    fields = {"name": "A", "role": "member", "active": True, "is_admin": False, "timezone": "UTC"}
    with pytest.raises(ValidationFailed) as failure:
        users.update_user(admin, user.id, **fields, squad_id=987654)
    assert failure.value.fields == {"squad_id": ["Choose an existing squad."]}
    with pytest.raises(NotFound):
        users.update_user(admin, 987654, **fields, squad_id=None)


def test_overrides_are_replaced_and_audited(db, admin, make_user):
    user = make_user("member")
    users.set_permission_overrides(
        admin, user.id, granted={"relationships:manage"}, withdrawn={"crm:write"}
    )
    assert access.user_permissions(user) == {
        "relationships:view",
        "relationships:update",
        "relationships:manage",
        "crm:read",
    }
    users.set_permission_overrides(admin, user.id, granted=set(), withdrawn=set())
    assert access.user_permissions(user) == access.ROLE_DEFAULTS["member"]
    first, second = events_for(db, "user", user.id)
    assert first.changes["permission_overrides"] == {
        "before": {},
        "after": {"relationships:manage": True, "crm:write": False},
    }
    assert second.changes["permission_overrides"]["after"] == {}


def test_overrides_refuse_nonsense(db, admin, make_user):
    user = make_user("member")
    with pytest.raises(ValidationFailed, match="Some fields"):
        users.set_permission_overrides(admin, user.id, granted={"crm:delete"}, withdrawn=set())
    with pytest.raises(ValidationFailed):
        users.set_permission_overrides(admin, user.id, granted={"admin"}, withdrawn={"admin"})
    with pytest.raises(ValidationFailed):
        users.set_permission_overrides(admin, admin.user.id, granted=set(), withdrawn={"admin"})
    assert user.permission_overrides == []


def test_effective_permissions_become_the_fewest_overrides(db, admin, make_user):
    user = make_user("member")
    wanted = {"relationships:view", "crm:read", "admin"}
    users.set_overrides_from_effective(admin, user.id, wanted)
    assert access.user_permissions(user) == wanted
    stored = {o.permission: o.granted for o in user.permission_overrides}
    assert stored == {"admin": True, "relationships:update": False, "crm:write": False}


def test_authenticate_accepts_the_right_password_and_records_the_time(db, make_user):
    user = make_user("member", email="ada@rapport.test")
    assert users.authenticate(" ADA@rapport.test ", factories.PASSWORD) is user
    assert user.last_sign_in_at is not None


@pytest.mark.parametrize(
    ("email", "password", "active"),
    [
        ("ada@rapport.test", "wrong password", True),
        ("nobody@rapport.test", factories.PASSWORD, True),
        ("ada@rapport.test", factories.PASSWORD, False),
    ],
)
def test_authenticate_refuses_wrong_unknown_and_inactive(db, make_user, email, password, active):
    user = make_user("member", email="ada@rapport.test", active=active)
    assert users.authenticate(email, password) is None
    assert user.last_sign_in_at is None


def test_get_user_by_email(db, make_user):
    user = make_user("member", email="ada@rapport.test")
    assert users.get_user_by_email("Ada@Rapport.test") is user
    with pytest.raises(NotFound):
        users.get_user_by_email("nobody@rapport.test")
