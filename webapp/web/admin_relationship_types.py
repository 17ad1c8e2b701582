"""Admin: the types people can be linked by (reference 004), with the firm's own types.

The page lists every type by group, with how many links use it; an admin adds a type of the
firm's own and deletes one while nobody is linked by it. The contact relationships service
checks everything: its messages come back beside the fields, or as a flash for a delete.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import SelectChoice, StringField

from webapp import access
from webapp.extensions import db
from webapp.guards import permission_required, signed_in_actor
from webapp.models import RelationshipType
from webapp.services import contact_relationships as relationships
from webapp.services.errors import Conflict, FieldValueInvalid, NotFound
from webapp.web.forms.select import SelectField
from webapp.web.formtools import show_service_errors

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from webapp.models import RelationshipTypeGroup

bp = Blueprint("admin_relationship_types", __name__, url_prefix="/admin/relationship-types")

GROUP_FIELD = "relationship_type_group_id"
# The select offers the groups; the service's hint at the API's list of them is for integrators.
CHOOSE_GROUP = "Choose one of the groups."


class RelationshipTypeForm(FlaskForm):
    """A new type: its group and its two names. The service checks them, not the form."""

    relationship_type_group_id = SelectField("Group", choices=[], validate_choice=False)
    name = StringField("Name")
    name_reverse_relationship = StringField("Read from the other side")

    def to_values(self) -> dict[str, str]:
        return {
            "name": self.name.data or "",
            "name_reverse_relationship": self.name_reverse_relationship.data or "",
            GROUP_FIELD: self.relationship_type_group_id.data or "",
        }


@bp.get("")
@permission_required(access.ADMIN)
def types():
    """Every relationship type by group, how many links use each, and the form to add one."""
    return _page(RelationshipTypeForm())


@bp.post("")
@permission_required(access.ADMIN)
def create_type():
    """Add a type of the firm's own; errors come back beside the fields, with what was typed."""
    form = RelationshipTypeForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        kind = relationships.create_type(signed_in_actor(), form.to_values())
    except (FieldValueInvalid, Conflict) as error:
        _show_errors(form, error)
        return _page(form, 422)
    flash(
        f"Added “{kind.name}” (read the other way: “{kind.name_reverse_relationship}”).", "success"
    )
    return redirect(url_for("admin_relationship_types.types"), code=303)


@bp.post("/<int:type_id>/delete")
@permission_required(access.ADMIN)
def delete_type(type_id: int) -> Response:
    """Delete an own, unused type (the page asks first); a refusal is flashed with its reason."""
    kind = db.session.get(RelationshipType, type_id)  # for its name once it is gone
    name = kind.name if kind is not None else None
    try:
        relationships.delete_type(signed_in_actor(), type_id)
    except (Conflict, NotFound) as error:
        flash(f"Not deleted: {error.message}", "warning")
    else:
        flash(f"The relationship type “{name}” was deleted.", "success")
    return _back_to_list()


def _back_to_list() -> Response:
    """A 303 to the list; htmx (which asked to confirm) is told to load the list page whole."""
    target = url_for("admin_relationship_types.types")
    if request.htmx:
        response = make_response("", 200)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, code=303)


def _show_errors(form: RelationshipTypeForm, error: FieldValueInvalid | Conflict) -> None:
    if isinstance(error, Conflict):  # the one conflict: the group already has a type of that name
        form.name.errors = [*list(form.name.errors or []), error.message]
        return
    fields = dict(error.fields)
    if GROUP_FIELD in fields:
        fields[GROUP_FIELD] = [CHOOSE_GROUP]
    show_service_errors(form, FieldValueInvalid(error.message, fields=fields))


def _page(form: RelationshipTypeForm, status: int = 200):
    """The page: three queries (groups, types, link counts) however many types there are."""
    groups = list(db.session.scalars(relationships.groups_query()))
    by_group: dict[int, list] = {group.id: [] for group in groups}
    for kind in db.session.scalars(relationships.types_query()):
        by_group.setdefault(kind.group_id, []).append(kind)
    form.relationship_type_group_id.choices = _group_choices(groups)
    return render_template(
        "admin/relationship_types.html",
        form=form,
        groups=groups,
        by_group=by_group,
        link_counts=relationships.type_link_counts(),
    ), status


def _group_choices(groups: list[RelationshipTypeGroup]) -> list[SelectChoice]:
    return [
        SelectChoice(value="", label="Choose a group"),
        *(SelectChoice(value=str(group.id), label=group.name.capitalize()) for group in groups),
    ]
