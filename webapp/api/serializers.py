"""One function per object type: how it looks in JSON, used by every endpoint that returns it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from webapp.models import ApiKey, User


def user_json(user: User) -> dict:
    return {
        "id": str(user.id),
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "squad": {"id": str(user.squad.id), "name": user.squad.name} if user.squad else None,
        "timezone": user.timezone,
        "active": user.active,
    }


def api_key_json(api_key: ApiKey) -> dict:
    return {
        "id": str(api_key.id),
        "name": api_key.name,
        "prefix": api_key.prefix,
        "permissions": list(api_key.permissions),
        "created_at": api_key.created_at.isoformat(),
        "last_used_at": api_key.last_used_at.isoformat() if api_key.last_used_at else None,
        "revoked_at": api_key.revoked_at.isoformat() if api_key.revoked_at else None,
    }
