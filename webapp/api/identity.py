"""Who am I, and who else is in the firm: the first calls an integrator makes."""

from __future__ import annotations

from flask import jsonify, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp import access
from webapp.api import api
from webapp.api.serializers import api_key_json, user_json
from webapp.extensions import db
from webapp.guards import permission_required, signed_in_actor
from webapp.models import User
from webapp.services.errors import ValidationFailed
from webapp.services.validation import MAX_PAGE, positive_int

MAX_PER_PAGE = 100


def _page_args() -> tuple[int, int]:
    """``page`` and ``per_page``; every bad one is reported at once as a 422."""
    errors = {}
    values = {}
    for name, default, upper in (("page", 1, MAX_PAGE), ("per_page", 25, MAX_PER_PAGE)):
        values[name] = positive_int(request.args.get(name, str(default)), upper)
        if values[name] is None:
            errors[name] = [f"Use a whole number from 1 to {upper:,}."]
    if errors:
        raise ValidationFailed("Check the pagination parameters.", fields=errors)
    return values["page"], values["per_page"]


@api.get("/me")
@permission_required()
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
def users():
    """Active users of the firm, so integrators can map owners and assignees."""
    page, per_page = _page_args()
    stmt = (
        select(User).where(User.active.is_(True)).options(joinedload(User.squad)).order_by(User.id)
    )
    result = db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)
    links = {"self": url_for("api.users", page=page, per_page=per_page)}
    if result.has_next:
        links["next"] = url_for("api.users", page=page + 1, per_page=per_page)
    if result.has_prev:
        links["prev"] = url_for("api.users", page=page - 1, per_page=per_page)
    return jsonify(
        {
            "data": [user_json(u) for u in result.items],
            "meta": {"page": page, "per_page": per_page, "total": result.total},
            "links": links,
        }
    )
