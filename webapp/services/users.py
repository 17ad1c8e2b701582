"""People of the firm: create and edit users, squads and permission overrides; check sign-in."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import available_timezones

from sqlalchemy import func, select

from webapp import access
from webapp.extensions import db
from webapp.models import ROLES, PermissionOverride, Squad, User
from webapp.models.base import utcnow
from webapp.services.audit import apply_changes, record_event
from webapp.services.errors import Conflict, NotFound
from webapp.services.passwords import (
    MIN_PASSWORD_LENGTH,
    UNKNOWN_USER_HASH,
    hash_password,
    password_matches,
)
from webapp.services.validation import FieldErrors, clean_text, normalise_email

if TYPE_CHECKING:
    from webapp.access import Actor


def _require_admin(actor: Actor | None) -> None:
    """``None`` is the system itself (CLI, seeding); everyone else needs ``admin``."""
    if actor is not None:
        access.require(actor, access.ADMIN)


def find_or_create_squad(actor: Actor | None, name: str) -> Squad:
    """Return the squad called ``name``, creating it if new."""
    name = name.strip()
    squad = db.session.scalar(select(Squad).where(func.lower(Squad.name) == name.lower()))
    if squad is None:
        squad = create_squad(actor, name)
    return squad


def create_squad(actor: Actor | None, name: str) -> Squad:
    _require_admin(actor)
    errors = FieldErrors()
    try:
        name = clean_text(name, max_length=120) or ""
    except ValueError as exc:
        errors.add("name", str(exc))
    if not name and not errors.fields:
        errors.add("name", "Give the squad a name.")
    errors.raise_if_any()
    if db.session.scalar(select(Squad.id).where(func.lower(Squad.name) == name.lower())):
        raise Conflict(f"A squad called {name} already exists.", details={"field": "name"})
    squad = Squad(name=name)
    db.session.add(squad)
    db.session.flush()
    record_event(actor, "create", "squad", squad.id, {"name": {"before": None, "after": name}})
    return squad


def _check_user_fields(errors: FieldErrors, *, name: str, role: str, timezone: str) -> None:
    if not name.strip():
        errors.add("name", "Give the person's name.")
    if role not in ROLES:
        errors.add("role", f"Choose one of: {', '.join(ROLES)}.")
    if timezone not in available_timezones():
        errors.add("timezone", f"{timezone} is not a known time zone.")


def create_user(
    actor: Actor | None,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    squad: Squad | None = None,
    is_admin: bool = False,
    timezone: str = "UTC",
) -> User:
    """Create a user; the email must be new and the password at least 10 characters."""
    _require_admin(actor)
    errors = FieldErrors()
    try:
        email = normalise_email(email)
    except ValueError as exc:
        errors.add("email", str(exc))
    _check_user_fields(errors, name=name, role=role, timezone=timezone)
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.add("password", f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    errors.raise_if_any()
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(f"{email} already has an account.", details={"field": "email"})
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password),
        squad=squad,
        is_admin=is_admin,
        timezone=timezone,
    )
    db.session.add(user)
    db.session.flush()
    record_event(
        actor,
        "create",
        "user",
        user.id,
        {
            "email": {"before": None, "after": email},
            "role": {"before": None, "after": role},
            "squad_id": {"before": None, "after": squad.id if squad else None},
            "is_admin": {"before": None, "after": is_admin},
        },
    )
    return user


def update_user(
    actor: Actor,
    user_id: int,
    *,
    name: str,
    role: str,
    squad_id: int | None,
    active: bool,
    is_admin: bool,
    timezone: str,
) -> User:
    """Change a user's profile, role, squad and flags. Admins cannot lock themselves out."""
    user = access.get_or_404(actor, User, user_id, access.ADMIN)
    errors = FieldErrors()
    _check_user_fields(errors, name=name, role=role, timezone=timezone)
    if squad_id is not None and db.session.get(Squad, squad_id) is None:
        errors.add("squad_id", "Choose an existing squad.")
    if user.id == actor.user.id and not (active and is_admin):
        errors.add("is_admin", "You cannot deactivate yourself or remove your own admin rights.")
    errors.raise_if_any()
    changes = apply_changes(
        user,
        {
            "name": name.strip(),
            "role": role,
            "squad_id": squad_id,
            "active": active,
            "is_admin": is_admin,
            "timezone": timezone,
        },
    )
    if changes:
        record_event(actor, "update", "user", user.id, changes)
    return user


def set_permission_overrides(
    actor: Actor, user_id: int, *, granted: set[str], withdrawn: set[str]
) -> User:
    """Replace the user's overrides: extra permissions ``granted``, defaults ``withdrawn``."""
    user = access.get_or_404(actor, User, user_id, access.ADMIN)
    errors = FieldErrors()
    unknown = (granted | withdrawn) - set(access.PERMISSIONS)
    if unknown:
        errors.add("permissions", f"Unknown permissions: {', '.join(sorted(unknown))}.")
    if granted & withdrawn:
        errors.add("permissions", "A permission cannot be both granted and withdrawn.")
    if user.id == actor.user.id and access.ADMIN in withdrawn:
        errors.add("permissions", "You cannot withdraw your own admin permission.")
    errors.raise_if_any()
    before = {o.permission: o.granted for o in user.permission_overrides}
    after = {p: True for p in granted} | {p: False for p in withdrawn}
    if before == after:
        return user
    user.permission_overrides = [
        PermissionOverride(permission=p, granted=g) for p, g in sorted(after.items())
    ]
    db.session.flush()
    changes = {"permission_overrides": {"before": before, "after": after}}
    record_event(actor, "update_permissions", "user", user.id, changes)
    return user


def set_overrides_from_effective(actor: Actor, user_id: int, wanted: set[str]) -> User:
    """Store as overrides whatever makes the user's permissions exactly ``wanted``."""
    user = access.get_or_404(actor, User, user_id, access.ADMIN)
    defaults = access.default_permissions(user)
    return set_permission_overrides(
        actor, user_id, granted=wanted - defaults, withdrawn=set(defaults - wanted)
    )


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or ``None``; records the sign-in time."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        password_matches(UNKNOWN_USER_HASH, password)
        return None
    if not password_matches(user.password_hash, password) or not user.active:
        return None
    user.last_sign_in_at = utcnow()
    return user


def get_user_by_email(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"No user with email {email}.")
    return user
