"""Contacts → Import: upload a file, check the mapping and preview, run it, follow it, undo it.

Everything a run does happens in the background (``services.imports.running``); these pages
only read its state, so a reload, or another tab, shows the same progress.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import (
    Blueprint,
    Response,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from webapp import access
from webapp.extensions import db
from webapp.guards import permission_required, signed_in_actor
from webapp.models import Import, User
from webapp.services.errors import DomainError, ValidationFailed
from webapp.services.imports import reports, running, undo, uploads
from webapp.services.imports.mapping import FIELDS
from webapp.services.imports.reading import format_label
from webapp.web.forms.imports import RunForm, UploadForm

if TYPE_CHECKING:
    from webapp.access import Actor

bp = Blueprint("imports", __name__)
RECENT = 20
FAILED_ROWS_SHOWN = 100


def owner_choices(actor: Actor) -> list[tuple[str, str]]:
    """Who may own the new contacts: the importer, and those whose work they lead."""
    stmt = select(User).where(User.active.is_(True)).order_by(User.name, User.id)
    people = [u for u in db.session.scalars(stmt) if access.may_give_contacts_to(actor, u)]
    return [(str(u.id), "Me" if u.id == actor.user_id else u.name) for u in people]


def _recent(actor: Actor) -> list[Import]:
    stmt = uploads.visible_imports(actor).order_by(Import.id.desc()).limit(RECENT)
    return list(db.session.scalars(stmt))


def _upload_page(form: UploadForm, status: int = 200):
    actor = signed_in_actor()
    return render_template("imports/index.html", form=form, imports=_recent(actor)), status


@bp.get("/contacts/import")
@permission_required(access.CRM_WRITE)
def index():
    form = UploadForm(owner_id=signed_in_actor().user_id)
    form.owner_id.choices = owner_choices(signed_in_actor())
    return _upload_page(form)


@bp.post("/contacts/import")
@permission_required(access.CRM_WRITE)
def upload():
    actor = signed_in_actor()
    form = UploadForm()
    form.owner_id.choices = owner_choices(actor)
    if not form.validate_on_submit():
        return _upload_page(form, 422)
    given = form.file.data
    try:
        record = uploads.start_import(
            actor,
            given.filename or "",
            given.read(),
            owner_id=form.owner_id.data,
            overwrite=form.overwrite.data,
        )
    except DomainError as error:
        form.file.errors = [error.message]
        return _upload_page(form, 422)
    return redirect(url_for("imports.show", import_id=record.id), 303)


def _mapping_from_form(record: Import) -> dict[str, str]:
    return {
        column["name"]: request.form.get(f"column-{index}", "ignore")
        for index, column in enumerate(record.columns)
    }


def _page_context(record: Import, form: RunForm | None = None) -> dict:
    actor = signed_in_actor()
    if form is None:
        form = RunForm(owner_id=record.owner_id, overwrite=record.overwrite)
    form.owner_id.choices = owner_choices(actor)
    return {
        "record": record,
        "form": form,
        "fields": FIELDS,
        "format_label": format_label(record.format),
        "may_undo": undo.may_undo(record),
        "undo_until": undo.undo_deadline(record),
        "failed_rows": reports.failed_rows(record, FAILED_ROWS_SHOWN),
        "is_mine": record.created_by_id == actor.user_id,
    }


@bp.get("/imports/<int:import_id>")
@permission_required(access.CRM_WRITE)
def show(import_id: int):
    record = uploads.get_import(signed_in_actor(), import_id)
    return render_template("imports/show.html", **_page_context(record))


@bp.post("/imports/<int:import_id>")
@permission_required(access.CRM_WRITE)
def change(import_id: int):
    """A new mapping, owner or overwrite choice: previewed again (the page, or htmx's part)."""
    actor = signed_in_actor()
    record = uploads.get_import(actor, import_id)
    form = RunForm()
    form.owner_id.choices = owner_choices(actor)
    status = 200
    if form.validate_on_submit():
        try:
            record = uploads.change_import(
                actor,
                import_id,
                mapping=_mapping_from_form(record),
                owner_id=form.owner_id.data,
                overwrite=form.overwrite.data,
            )
        except ValidationFailed as error:
            form.form_errors = [error.message]
            status = 422
    else:
        status = 422
    if request.form.get("then") == "run" and status == 200:
        running.queue_import(actor, import_id)
        return redirect(url_for("imports.show", import_id=import_id), 303)
    return render_template("imports/show.html", **_page_context(record, form)), status


@bp.get("/imports/<int:import_id>/progress")
@permission_required(access.CRM_WRITE)
def progress(import_id: int) -> Response:
    """The progress bar, polled by htmx; once the run ends, the page reloads to the result."""
    record = uploads.get_import(signed_in_actor(), import_id)
    response = make_response(render_template("imports/_progress.html", record=record))
    if record.is_finished:
        response.headers["HX-Refresh"] = "true"
    return response


@bp.get("/imports/<int:import_id>/failed-rows.csv")
@permission_required(access.CRM_WRITE)
def failed_rows_csv(import_id: int) -> Response:
    record = uploads.get_import(signed_in_actor(), import_id)
    # At most 50,000 rows: made whole, so the answer never outlives the request's session.
    response = Response("".join(reports.failed_rows_csv(record)), mimetype="text/csv")
    stem = record.filename.rsplit(".", 1)[0] or "import"
    response.headers.set("Content-Disposition", "attachment", filename=f"{stem}-failed-rows.csv")
    return response


@bp.post("/imports/<int:import_id>/undo")
@permission_required(access.CRM_WRITE)
def undo_import(import_id: int) -> Response:
    undo.undo_import(signed_in_actor(), import_id)  # the page says what was undone and kept
    return redirect(url_for("imports.show", import_id=import_id), 303)


@bp.post("/imports/<int:import_id>/discard")
@permission_required(access.CRM_WRITE)
def discard(import_id: int) -> Response:
    """Throw a preview away: nothing was imported, and the file is not kept."""
    filename = uploads.discard_import(signed_in_actor(), import_id)
    flash(f"Discarded the preview of {filename}: nothing was imported.", "success")
    return redirect(url_for("imports.index"), 303)
