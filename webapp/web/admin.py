"""Admin: the firm's users (profile, role, squad, flags, permissions) and squads. Admins only."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from webapp import access
from webapp.extensions import db
from webapp.guards import permission_required, signed_in_actor
from webapp.models import ROLES, Squad, User
from webapp.services import users as users_service
from webapp.services.errors import Conflict, ValidationFailed
from webapp.web.forms.admin import EditUserForm, NewUserForm, PermissionsForm, SquadForm
from webapp.web.formtools import show_service_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")

SERVICE_ERRORS = (ValidationFailed, Conflict)


def _status(*forms) -> int:
    return 422 if any(form.errors for form in forms) else 200


@bp.get("/users")
@permission_required(access.ADMIN)
def users():
    """Everyone with an account, active or not, optionally by role and squad."""
    role = request.args.get("role", "")
    role = role if role in ROLES else ""
    squad_id = request.args.get("squad", type=int)
    stmt = (
        select(User)
        .options(joinedload(User.squad), selectinload(User.permission_overrides))
        .order_by(User.active.desc(), User.name, User.id)
    )
    if role:
        stmt = stmt.where(User.role == role)
    if squad_id is not None:
        stmt = stmt.where(User.squad_id == squad_id)
    return render_template(
        "admin/users.html",
        people=list(db.session.scalars(stmt)),
        squads=list(db.session.scalars(select(Squad).order_by(Squad.name))),
        roles=ROLES,
        role=role,
        squad_id=squad_id,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required(access.ADMIN)
def new_user():
    """Give a new person an account."""
    form = NewUserForm()
    if form.validate_on_submit():
        squad = db.session.get(Squad, form.squad_id.data) if form.squad_id.data else None
        try:
            user = users_service.create_user(
                signed_in_actor(),
                email=form.email.data or "",
                name=form.name.data or "",
                role=form.role.data or "",
                password=form.password.data or "",
                squad=squad,
                is_admin=form.is_admin.data,
                timezone=form.timezone.data or "",
            )
        except SERVICE_ERRORS as error:
            show_service_errors(form, error)
        else:
            flash(f"{user.name} can now sign in as {user.email}.", "success")
            return redirect(url_for("admin.edit_user", user_id=user.id), code=303)
    return render_template("admin/new_user.html", form=form), _status(form)


@dataclass(frozen=True)
class PermissionRow:
    """One permission on the user page: where it comes from and whether the user holds it."""

    permission: str
    label: str
    role_default: bool
    override: bool | None  # True granted, False withdrawn, None: as the role says

    @property
    def source(self) -> str:
        if self.override is True:
            return "Granted"
        if self.override is False:
            return "Withdrawn"
        return "Role default" if self.role_default else "Not included"


def _permission_rows(user: User) -> list[PermissionRow]:
    defaults = access.default_permissions(user)
    overrides = {o.permission: o.granted for o in user.permission_overrides}
    return [
        PermissionRow(p, access.PERMISSION_LABELS[p], p in defaults, overrides.get(p))
        for p in access.PERMISSIONS
    ]


def _user_page(
    user: User,
    profile_form: EditUserForm | None = None,
    permissions_form: PermissionsForm | None = None,
) -> tuple[str, int]:
    """The user page with both forms; a form not being submitted starts from the stored values."""
    profile_form = profile_form or EditUserForm(formdata=None, obj=user)
    if permissions_form is None:
        # Inactive users hold nothing; show what they will hold again once reactivated.
        held = sorted(access.configured_permissions(user))
        permissions_form = PermissionsForm(formdata=None, permissions=held)
    page = render_template(
        "admin/edit_user.html",
        person=user,
        profile_form=profile_form,
        permissions_form=permissions_form,
        permission_rows=_permission_rows(user),
    )
    return page, _status(profile_form, permissions_form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required(access.ADMIN)
def edit_user(user_id: int):
    """A user's profile, role, squad and flags; their permissions are on the same page."""
    actor = signed_in_actor()
    user = access.get_or_404(actor, User, user_id, access.ADMIN)
    form = EditUserForm(obj=user)
    if form.validate_on_submit():
        try:
            users_service.update_user(
                actor,
                user_id,
                name=form.name.data or "",
                role=form.role.data or "",
                squad_id=form.squad_id.data,
                active=form.active.data,
                is_admin=form.is_admin.data,
                timezone=form.timezone.data or "",
            )
        except SERVICE_ERRORS as error:
            show_service_errors(form, error)
        else:
            flash(f"{user.name}'s profile was saved.", "success")
            return redirect(url_for("admin.edit_user", user_id=user_id), code=303)
    return _user_page(user, profile_form=form)


@bp.post("/users/<int:user_id>/permissions")
@permission_required(access.ADMIN)
def user_permissions(user_id: int):
    """Make the user's permissions exactly the ticked ones (stored as grants and withdrawals)."""
    actor = signed_in_actor()
    user = access.get_or_404(actor, User, user_id, access.ADMIN)
    form = PermissionsForm()
    if form.validate_on_submit():
        wanted = set(form.permissions.data or [])
        try:
            users_service.set_overrides_from_effective(actor, user_id, wanted)
        except SERVICE_ERRORS as error:
            show_service_errors(form, error)
        else:
            flash(f"{user.name}'s permissions were saved.", "success")
            return redirect(url_for("admin.edit_user", user_id=user_id), code=303)
    return _user_page(user, permissions_form=form)


@bp.route("/squads", methods=["GET", "POST"])
@permission_required(access.ADMIN)
def squads():
    """Every squad with its members, and a form to start a new one."""
    form = SquadForm()
    if form.validate_on_submit():
        try:
            squad = users_service.create_squad(signed_in_actor(), form.name.data or "")
        except SERVICE_ERRORS as error:
            show_service_errors(form, error)
        else:
            flash(f"Squad {squad.name} was created.", "success")
            return redirect(url_for("admin.squads"), code=303)
    stmt = select(Squad).options(selectinload(Squad.members)).order_by(Squad.name)
    all_squads = list(db.session.scalars(stmt))
    return render_template("admin/squads.html", form=form, squads=all_squads), _status(form)
