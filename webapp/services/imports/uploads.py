"""Starting an import: read the uploaded file, propose a mapping, preview it (writing nothing).

The preview is the run's own plan (``planning``) against the database as it is now: how many
contacts would be created, updated, left unchanged, are duplicates inside the file, or have an
error (with row, field and reason), and which companies would be created or matched.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from sqlalchemy import select

from webapp import access
from webapp.extensions import db
from webapp.models import ROW_OUTCOMES, Import, User
from webapp.services.audit import record_event
from webapp.services.errors import (
    BadRequest,
    ImportFileRejected,
    ImportStateConflict,
    NotFound,
    PermissionDenied,
)
from webapp.services.imports.mapping import check_mapping
from webapp.services.imports.planning import FilePlan, RowPlan, plan_batch
from webapp.services.imports.reading import SourceFile, UnreadableFile, read_file

if TYPE_CHECKING:
    from webapp.access import Actor

BATCH_SIZE = 250  # rows planned (and, in a run, written and committed) together
ERRORS_SHOWN = 500  # the preview lists this many problems; its counts are always complete
TOO_LARGE = 413


def read_upload(content: bytes, filename: str) -> SourceFile:
    """The file read, or ``ImportFileRejected`` with the reason (empty, binary, too large...)."""
    try:
        return read_file(content, filename)
    except UnreadableFile as exc:
        error = ImportFileRejected(exc.message, code=exc.code, details={"field": "file"})
        error.status = TOO_LARGE if exc.code == "too_large" else 400
        raise error from exc


def checked_mapping(source: SourceFile, given: dict | None) -> dict[str, str]:
    """The mapping to use: the suggested one with ``given`` laid over it, checked."""
    if given is not None and not isinstance(given, dict):
        raise BadRequest("Give the mapping as an object of column: field.", code="invalid_mapping")
    try:
        return check_mapping(source.columns, {**source.suggested_mapping, **(given or {})})
    except ValueError as exc:
        raise BadRequest(str(exc), fields={"mapping": [str(exc)]}, code="invalid_mapping") from exc


def chosen_owner(actor: Actor, owner_id: int | None) -> User:
    """Who the new contacts belong to: the importer unless they may and do name someone else."""
    if owner_id is None:
        return actor.user
    owner = db.session.get(User, owner_id)
    if owner is None or not access.may_give_contacts_to(actor, owner):
        raise BadRequest(
            "Choose yourself or someone in your squad as the owner.",
            fields={"owner": ["Choose yourself or someone in your squad."]},
            code="invalid_owner",
        )
    return owner


def columns_with_samples(source: SourceFile, shown: int = 3) -> list[dict]:
    """Each column with its first few non-empty values, for the mapping screen."""
    described = []
    for column in source.columns:
        samples = []
        for record in source.records:
            value = record.values.get(column, "").strip()
            if value and value not in samples:
                samples.append(value[:80])
            if len(samples) == shown:
                break
        described.append({"name": column, "samples": samples})
    return described


def plan_file(source: SourceFile, plan: FilePlan) -> list[RowPlan]:
    """Every row's plan, a batch at a time."""
    planned: list[RowPlan] = []
    for start in range(0, len(source.records), BATCH_SIZE):
        planned.extend(plan_batch(source.records[start : start + BATCH_SIZE], plan))
    return planned


def summarise(planned: list[RowPlan]) -> tuple[dict, list[dict]]:
    """Counts by outcome (and companies to create or match), and the first problems."""
    counts = Counter(p.outcome for p in planned)
    summary = {outcome: counts.get(outcome, 0) for outcome in ROW_OUTCOMES}
    writing = [p for p in planned if p.outcome in ("create", "update") and p.company]
    new_names = {p.company.new_name.casefold() for p in writing if p.company.new_name}
    matched = {p.company.company_id for p in writing if p.company.company_id}
    summary["companies"] = {"create": len(new_names), "match": len(matched)}
    errors = [
        {"row": p.number, "field": p.field, "message": p.message}
        for p in planned
        if p.outcome == "error"
    ][:ERRORS_SHOWN]
    return summary, errors


def _preview(record: Import, source: SourceFile) -> None:
    plan = FilePlan(record.mapping, record.overwrite, record.owner_id)
    record.summary, record.errors = summarise(plan_file(source, plan))
    record.rows_total = len(source.records)


def start_import(
    actor: Actor,
    filename: str,
    content: bytes,
    *,
    mapping: dict | None = None,
    owner_id: int | None = None,
    overwrite: bool = False,
) -> Import:
    """Read and preview an uploaded file; nothing is written but the import itself."""
    access.require(actor, access.CRM_WRITE)
    source = read_upload(content, filename)
    record = Import(
        created_by_id=actor.user.id,
        owner_id=chosen_owner(actor, owner_id).id,
        filename=(filename or "contacts")[:255],
        content=content,
        format=source.format,
        encoding=source.encoding,
        columns=columns_with_samples(source),
        mapping=checked_mapping(source, mapping),
        overwrite=overwrite,
        status="previewed",
    )
    _preview(record, source)
    db.session.add(record)
    db.session.flush()
    record_event(actor, "create", "import", record.id, _described(record))
    return record


def _described(record: Import) -> dict:
    return {
        "filename": {"before": None, "after": record.filename},
        "format": {"before": None, "after": record.format},
        "rows": {"before": None, "after": record.rows_total},
    }


def visible_imports(actor: Actor, permission: str = access.CRM_WRITE):
    """A select of the imports the actor may see: their own, and those of people whose work
    they see (a manager their squad's, heads and executives everyone's). Reading one over the
    API needs ``crm:read``; everything else about imports ``crm:write``."""
    access.require(actor, permission)
    return access.scope_actions(actor, select(Import), Import.created_by_id)


def get_import(actor: Actor, import_id: int, permission: str = access.CRM_WRITE) -> Import:
    found = db.session.scalar(visible_imports(actor, permission).where(Import.id == import_id))
    if found is None:
        raise NotFound(f"No import with id {import_id}.")
    return found


def change_import(
    actor: Actor,
    import_id: int,
    *,
    mapping: dict | None = None,
    owner_id: int | None = None,
    overwrite: bool | None = None,
) -> Import:
    """A new mapping, owner or overwrite choice for a previewed import; previewed again."""
    record = get_import(actor, import_id)
    if record.status != "previewed":
        raise ImportStateConflict("This import has already run; start a new one to change it.")
    if record.created_by_id != actor.user.id:
        raise PermissionDenied("Only the person who uploaded the file can change its import.")
    source = read_upload(record.content, record.filename)
    record.mapping = checked_mapping(source, {**record.mapping, **(mapping or {})})
    if owner_id is not None:
        record.owner_id = chosen_owner(actor, owner_id).id
    if overwrite is not None:
        record.overwrite = overwrite
    _preview(record, source)
    record_event(actor, "update", "import", record.id, {"mapping": {"after": record.mapping}})
    return record


def discard_import(actor: Actor, import_id: int) -> str:
    """Throw away a preview nobody ran, with its stored file; its file name. An import that
    has run is undone instead, never discarded."""
    record = get_import(actor, import_id)
    if record.status != "previewed":
        raise ImportStateConflict(
            f"This import is {record.status}: only a preview can be discarded."
        )
    if record.created_by_id != actor.user.id:
        raise PermissionDenied("Only the person who uploaded the file can discard its preview.")
    record_event(actor, "delete", "import", record.id, {"filename": {"before": record.filename}})
    db.session.delete(record)
    db.session.flush()
    return record.filename
