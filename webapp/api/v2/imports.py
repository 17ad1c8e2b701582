"""Imports over the API (docs/import.md): upload and preview, run, follow, undo.

``POST /api/v2/imports`` takes the file as ``multipart/form-data`` and answers with the preview;
nothing but the import is written until ``POST /api/v2/imports/{id}/run``.
"""

from __future__ import annotations

import json
from typing import Any

from flask import jsonify, request

from webapp import access
from webapp.api.documenting import documented
from webapp.api.schemas import Shape
from webapp.api.serializers import import_json
from webapp.api.v2 import v2
from webapp.guards import permission_required, signed_in_actor
from webapp.services.errors import BadRequest
from webapp.services.imports import running, undo, uploads
from webapp.services.validation import positive_int

IMPORT_ERRORS = {
    404: "No such import, or one outside the caller's view (record_not_found)",
    409: "The import is not in a state that allows this (import_state_conflict, undo_not_possible)",
}
UPLOAD_ERRORS = {
    400: "No file, an empty, binary or unreadable file (its code says which), or a bad mapping",
    413: "A file over 20 MB (too_large)",
}


class ImportUpload(Shape):
    """The multipart form: the file, and optionally a mapping, an owner and overwrite."""

    file: bytes
    mapping: str | None = None
    owner: str | None = None
    overwrite: str | None = None


class ImportAnswer(Shape):
    data: dict[str, Any]


class DiscardedImport(Shape):
    deleted: bool
    id: str


def _mapping() -> dict | None:
    raw = request.form.get("mapping")
    if raw is None or not raw.strip():
        return None
    try:
        given = json.loads(raw)
    except ValueError as exc:
        raise BadRequest(
            "mapping is a JSON object of column: field.", code="invalid_mapping"
        ) from exc
    if not isinstance(given, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in given.items()
    ):
        raise BadRequest("mapping is a JSON object of column: field.", code="invalid_mapping")
    return given


def _overwrite() -> bool:
    raw = request.form.get("overwrite", "false").strip().lower()
    if raw not in ("true", "false"):
        raise BadRequest(
            "overwrite is true or false.", fields={"overwrite": ["Use true or false."]}
        )
    return raw == "true"


def _owner() -> int | None:
    raw = request.form.get("owner")
    if raw is None or not raw.strip():
        return None
    owner_id = positive_int(raw)
    if owner_id is None:
        raise BadRequest("owner is a user's id.", fields={"owner": ["Give a user's id."]})
    return owner_id


@v2.post("/imports")
@documented(
    "Upload a file of contacts and preview its import (writes no contact)",
    ImportAnswer,
    status=201,
    body=ImportUpload,
    body_media="multipart/form-data",
    errors=UPLOAD_ERRORS,
)
@permission_required(access.CRM_WRITE)
def create_import():
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest(
            "Attach the file as the form field file.", fields={"file": ["Attach a file."]}
        )
    record = uploads.start_import(
        signed_in_actor(),
        upload.filename or "",
        upload.read(),
        mapping=_mapping(),
        owner_id=_owner(),
        overwrite=_overwrite(),
    )
    return jsonify({"data": import_json(record)}), 201


@v2.get("/imports/<int:import_id>")
@documented("An import: its status, progress and summary", ImportAnswer, errors=IMPORT_ERRORS)
@permission_required(access.CRM_READ)
def read_import(import_id: int):
    record = uploads.get_import(signed_in_actor(), import_id, access.CRM_READ)
    return jsonify({"data": import_json(record)})


@v2.post("/imports/<int:import_id>/run")
@documented(
    "Run a previewed import in the background", ImportAnswer, status=202, errors=IMPORT_ERRORS
)
@permission_required(access.CRM_WRITE)
def run_import(import_id: int):
    record = running.queue_import(signed_in_actor(), import_id)
    return jsonify({"data": import_json(record)}), 202


@v2.post("/imports/<int:import_id>/undo")
@documented(
    "Undo an import within seven days: archive what it created, restore what it changed",
    ImportAnswer,
    errors=IMPORT_ERRORS,
)
@permission_required(access.CRM_WRITE)
def undo_import(import_id: int):
    return jsonify({"data": import_json(undo.undo_import(signed_in_actor(), import_id))})


@v2.delete("/imports/<int:import_id>")
@documented(
    "Discard a preview that was not run, with its stored file",
    DiscardedImport,
    errors=IMPORT_ERRORS,
)
@permission_required(access.CRM_WRITE)
def discard_import(import_id: int):
    uploads.discard_import(signed_in_actor(), import_id)
    return jsonify({"deleted": True, "id": str(import_id)})
