"""Who am I, and who else is in the firm: the first calls an integrator makes."""

from __future__ import annotations

from flask import jsonify
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp import access
from webapp.api import api, schemas
from webapp.api.documenting import documented
from webapp.api.pagination import api_page
from webapp.api.serializers import api_key_json, user_json
from webapp.guards import permission_required, signed_in_actor
from webapp.models import User

MAX_PER_PAGE = 100


@api.get("/me")
@permission_required()
@documented("The caller: their user, permissions and API key", schemas.MeResponse)
def me():
    """The user behind the key (or session), their permissions, and the key itself."""
    actor = signed_in_actor()
    body = {
        "user": user_json(actor.user),
        "permissions": [p for p in access.PERMISSIONS if p in actor.permissions],
        "api_key": api_key_json(actor.api_key) if actor.api_key else None,
    }
    return jsonify({"data": body})


@api.get("/users")
@permission_required(access.CRM_READ)
@documented("Active users, to map owners and assignees", schemas.UserList)
def users():
    """Active users of the firm, so integrators can map owners and assignees."""
    stmt = (
        select(User).where(User.active.is_(True)).options(joinedload(User.squad)).order_by(User.id)
    )
    listed = api_page(stmt, "api.users", 25, MAX_PER_PAGE)
    return jsonify(
        {"data": [user_json(u) for u in listed.items], "meta": listed.meta, "links": listed.links}
    )
