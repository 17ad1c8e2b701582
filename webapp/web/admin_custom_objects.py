"""Admin: custom objects. List them, define a new one with its attributes, look at one. Admins only.

The form only gathers a definition; the custom objects service checks it (the same rules as
``POST /api/v2/_schema``) and its errors come back next to the fields they name.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    StringField,
    TextAreaField,
)

from webapp import access
from webapp.guards import permission_required, signed_in_actor
from webapp.models.custom_objects import CUSTOM_VALUE_TYPES
from webapp.services import custom_objects
from webapp.services.errors import Conflict, ValidationFailed
from webapp.web.forms.select import SelectField

bp = Blueprint("admin_custom_objects", __name__, url_prefix="/admin/custom-objects")

TYPE_LABELS = {
    "text": "Text",
    "number": "Number",
    "date": "Date",
    "boolean": "Yes or no",
    "select": "Choice from a list",
    "relation": "Link to a record",
    "user": "A person of the firm",
}
FIRST_ROWS = 3
SUMMARY = "Some parts of the definition need attention. They are marked below."
ERROR_PATH = re.compile(r"^attributes\[(\d+)\](?:\.(\w+))?$")
ROW_FIELDS = {"target_record_type": "target"}  # the service's keys the row names otherwise


class AttributeRow(Form):
    """One attribute; a row left empty is not part of the definition."""

    name = StringField("Name")
    slug = StringField("Slug")
    value_type = SelectField(
        "Type",
        choices=[
            SelectChoice(value="", label="Choose a type"),
            *(SelectChoice(value=kind, label=TYPE_LABELS[kind]) for kind in CUSTOM_VALUE_TYPES),
        ],
        validate_choice=False,
    )
    options = StringField("Options")
    target = SelectField("Links to", choices=[], validate_choice=False)
    required = BooleanField("Required")
    unique = BooleanField("Unique")
    multiple = BooleanField("Several values")

    @property
    def is_empty(self) -> bool:
        return not any(
            (self["name"].data or "").strip() or (self[key].data or "").strip()
            for key in ("slug", "value_type", "options")
        )


class DefineObjectForm(FlaskForm):
    name = StringField("Name")
    slug = StringField("Slug")
    description = TextAreaField("Description")
    attributes = FieldList(FormField(AttributeRow), min_entries=FIRST_ROWS, max_entries=50)


@bp.get("")
@permission_required(access.ADMIN)
def objects():
    """Every custom object, with its attributes and how many records it has."""
    summaries = custom_objects.object_summaries(signed_in_actor())
    return render_template("admin/custom_objects.html", summaries=summaries)


@bp.route("/new", methods=["GET", "POST"])
@permission_required(access.ADMIN)
def new_object():
    """Define an object; "Add an attribute" gives the form one more row, keeping what is typed."""
    form = DefineObjectForm()
    if request.method == "POST" and "add_attribute" in request.form:
        if len(form.attributes) < form.attributes.max_entries:
            form.attributes.append_entry()
        return _form_page(form)
    if not form.validate_on_submit():
        return _form_page(form, 422 if form.errors else 200)
    body, rows = definition_of(form)
    try:
        defined = custom_objects.define_object(signed_in_actor(), body)
    except (ValidationFailed, Conflict) as error:
        show_definition_errors(form, error, rows)
        return _form_page(form, 422)
    flash(f"{defined.name} is defined: its records live at /api/v2/{defined.slug}.", "success")
    return redirect(url_for("admin_custom_objects.show_object", slug=defined.slug), 303)


@bp.get("/<slug>")
@permission_required(access.ADMIN)
def show_object(slug: str):
    summary = custom_objects.object_summary(signed_in_actor(), slug)
    return render_template(
        "admin/custom_objects_show.html", summary=summary, type_labels=TYPE_LABELS
    )


def _form_page(form: DefineObjectForm, status: int = 200):
    targets = [
        SelectChoice(value="", label="Only for links"),
        *(
            SelectChoice(value=name, label=label)
            for name, label in custom_objects.relation_target_choices()
        ),
    ]
    for row in form.attributes:
        row.form["target"].choices = targets
    return render_template("admin/custom_objects_new.html", form=form), status


def slug_from(name: str) -> str:
    """A slug suggested by a name: "Client project" gives client_project."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40]


def definition_of(form: DefineObjectForm) -> tuple[dict[str, Any], list[int]]:
    """The definition the form holds, and for each of its attributes the form row it came from
    (empty rows are skipped). An empty slug is made from the name."""
    body: dict[str, Any] = {
        "slug": (form.slug.data or "").strip() or slug_from(form.name.data or ""),
        "name": form.name.data,
        "description": form.description.data,
        "attributes": [],
    }
    rows = []
    for index, row in enumerate(form.attributes):
        given = row.form
        if given.is_empty:
            continue
        options = [item.strip() for item in (given["options"].data or "").split(",")]
        body["attributes"].append(
            {
                "slug": (given["slug"].data or "").strip() or slug_from(given["name"].data or ""),
                "name": given["name"].data,
                "value_type": given["value_type"].data,
                "required": given["required"].data,
                "unique": given["unique"].data,
                "multiple": given["multiple"].data,
                "options": [item for item in options if item] or None,
                "target_record_type": given["target"].data or None,
            }
        )
        rows.append(index)
    return body, rows


def show_definition_errors(
    form: DefineObjectForm, error: ValidationFailed | Conflict, rows: list[int]
) -> None:
    """Each of the service's messages beside the field it names (``attributes[2].options`` is
    the options of the form row the third attribute came from); the rest above the form."""
    fields = dict(error.fields) if isinstance(error, ValidationFailed) else {}
    if isinstance(error, Conflict):
        fields = {error.details.get("field", ""): [error.message]}
    if "name" in fields and not (form.slug.data or "").strip():
        fields.pop("slug", None)  # a slug left empty is made from the name: one error is enough
    unplaced = []
    for path, messages in fields.items():
        field = _field_at(form, path, rows)
        if field is None:
            unplaced.extend(messages)
        else:
            field.errors = [*list(field.errors or []), *messages]
    form.form_errors = [*list(form.form_errors), *(unplaced or [SUMMARY])]


def _field_at(form: DefineObjectForm, path: str, rows: list[int]):
    if path in ("name", "slug", "description"):
        return form[path]
    found = ERROR_PATH.match(path)
    if found is None or found.group(2) is None:
        return None
    row = form.attributes[rows[int(found.group(1))]].form
    return row[ROW_FIELDS.get(found.group(2), found.group(2))]
