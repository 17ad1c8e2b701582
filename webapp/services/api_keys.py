"""API keys: a secret shown once, stored as a hash, revocable, checked on every request."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from webapp import access
from webapp.extensions import db
from webapp.models import ApiKey
from webapp.models.base import utcnow
from webapp.services.audit import record_event
from webapp.services.errors import NotFound, PermissionDenied, Unauthenticated
from webapp.services.validation import FieldErrors, clean_text

if TYPE_CHECKING:
    from webapp.access import Actor
    from webapp.models import User

SECRET_PREFIX = "rpk_"
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewApiKey:
    api_key: ApiKey
    secret: str  # shown to the user once; only its hash is stored


def _hash_secret(secret: str) -> str:
    # The secret carries 256 random bits, so a fast hash is safe and keeps every request cheap.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(
    actor: Actor, owner: User, *, name: str, permissions: list[str] | None = None
) -> NewApiKey:
    """Create a key for ``owner``; permissions default to, and may not exceed, the owner's own."""
    if owner.id != actor.user.id:
        access.require(actor, access.ADMIN)
    owner_permissions = access.user_permissions(owner)
    errors = FieldErrors()
    try:
        name = clean_text(name, max_length=120) or "API key"
    except ValueError as exc:
        errors.add("name", str(exc))
    wanted = list(owner_permissions) if permissions is None else permissions
    unknown = set(wanted) - set(access.PERMISSIONS)
    if unknown:
        errors.add("permissions", f"Unknown permissions: {', '.join(sorted(unknown))}.")
    elif set(wanted) - owner_permissions:
        beyond = ", ".join(sorted(set(wanted) - owner_permissions))
        errors.add("permissions", f"A key cannot carry permissions its owner lacks: {beyond}.")
    if not wanted:
        errors.add("permissions", "Choose at least one permission.")
    errors.raise_if_any()
    prefix = secrets.token_hex(4)
    secret = f"{SECRET_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey(
        user=owner,
        name=name,
        prefix=f"{SECRET_PREFIX}{prefix}",
        secret_hash=_hash_secret(secret),
        permissions=[p for p in access.PERMISSIONS if p in set(wanted)],
    )
    db.session.add(api_key)
    db.session.flush()
    changes = {
        "name": {"before": None, "after": name},
        "permissions": {"before": None, "after": api_key.permissions},
    }
    record_event(actor, "create", "api_key", api_key.id, changes)
    return NewApiKey(api_key=api_key, secret=secret)


def revoke_api_key(actor: Actor, key_id: int) -> ApiKey:
    """Revoke one of the actor's keys (an admin may revoke anyone's). Revoking twice is harmless."""
    api_key = db.session.get(ApiKey, key_id)
    if api_key is None:
        raise NotFound(f"No API key with id {key_id}.")
    if api_key.user_id != actor.user.id and not access.can(actor, access.ADMIN):
        raise PermissionDenied("You can only revoke your own API keys.")
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        changes = {"revoked_at": {"before": None, "after": api_key.revoked_at}}
        record_event(actor, "revoke", "api_key", api_key.id, changes)
    return api_key


def keys_of(user: User) -> list[ApiKey]:
    stmt = select(ApiKey).where(ApiKey.user_id == user.id).order_by(ApiKey.created_at.desc())
    return list(db.session.scalars(stmt))


def authenticate_secret(secret: str) -> Actor:
    """The actor behind a bearer secret; ``Unauthenticated`` if unknown, revoked or inactive."""
    api_key = access.api_key_with_permissions(_hash_secret(secret))
    if api_key is None or not hmac.compare_digest(api_key.secret_hash, _hash_secret(secret)):
        raise Unauthenticated("The API key is not valid.")
    if api_key.revoked_at is not None:
        raise Unauthenticated("The API key has been revoked.")
    if not api_key.user.active:
        raise Unauthenticated("The API key's owner is deactivated.")
    _note_use(api_key)
    return access.actor_for_api_key(api_key)


def _note_use(api_key: ApiKey) -> None:
    """Record when the key was last used, to the minute: writing it on every request would lock
    the key's row, so one integrator's parallel requests would wait for each other."""
    now = utcnow()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_PRECISION:
        api_key.last_used_at = now
