"""The schema registry, read: ``GET /api/v2/_schema`` and ``/api/v2/_schema/{record_type}``."""

from __future__ import annotations

from flask import jsonify

from webapp import access
from webapp.api.v2 import v2
from webapp.api.v2.openapi_v2 import documented_v2
from webapp.guards import permission_required
from webapp.services.records import registry
from webapp.services.records.schema import type_json


@v2.get("/_schema")
@documented_v2("schema_list")
@permission_required(access.CRM_READ)
def schemas():
    """Every record type: its fields and relationships."""
    return jsonify({"data": [type_json(kind) for kind in registry.record_types()]})


@v2.get("/_schema/<record_type>")
@documented_v2("schema_one")
@permission_required(access.CRM_READ)
def schema_of(record_type: str):
    return jsonify({"data": type_json(registry.record_type(record_type))})
