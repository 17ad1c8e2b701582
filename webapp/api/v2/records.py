"""Records (reference 001): create, read, list, patch, archive, restore, and ``_assert``."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for

from webapp import access
from webapp.api.pagination import page_args
from webapp.api.serializers import record_json
from webapp.api.v2 import v2
from webapp.api.v2.bodies import json_object
from webapp.api.v2.openapi_v2 import documented_v2
from webapp.guards import permission_required, signed_in_actor
from webapp.services.errors import BadRequest
from webapp.services.records import listing, records, registry, relation_updates

RECORDS = "/<record_type>"
RECORD = "/<record_type>/<int:record_id>"
MAX_PER_PAGE = 100


def include_archived() -> bool:
    raw = request.args.get("include_archived", "false").strip().lower()
    if raw not in ("true", "false"):
        raise BadRequest(
            "include_archived is true or false.",
            fields={"include_archived": ["Use true or false."]},
            code="invalid_filter",
        )
    return raw == "true"


def one(type_name: str, record, status: int = 200, **meta) -> tuple[Response, int]:
    body = {"data": record_json(registry.record_type(type_name), record)}
    if meta:
        body["meta"] = meta
    return jsonify(body), status


@v2.post(RECORDS)
@documented_v2("create")
@permission_required(access.CRM_WRITE)
def create(record_type: str):
    body = json_object(("attributes",), required=("attributes",))
    record = records.create_record(signed_in_actor(), record_type, body["attributes"])
    return one(record_type, record, 201)


@v2.get(RECORD)
@documented_v2("read")
@permission_required(access.CRM_READ)
def read(record_type: str, record_id: int):
    record = records.get_record(
        signed_in_actor(), record_type, record_id, include_archived=include_archived()
    )
    return one(record_type, record)


@v2.patch(RECORD)
@documented_v2("patch")
@permission_required(access.CRM_WRITE)
def patch(record_type: str, record_id: int):
    body = json_object(("attributes",), required=("attributes",))
    record = records.patch_record(signed_in_actor(), record_type, record_id, body["attributes"])
    return one(record_type, record)


@v2.delete(RECORD)
@documented_v2("archive")
@permission_required(access.CRM_WRITE)
def archive(record_type: str, record_id: int):
    records.archive_record(signed_in_actor(), record_type, record_id)
    return "", 204


@v2.post(f"{RECORD}/_restore")
@documented_v2("restore")
@permission_required(access.CRM_WRITE)
def restore(record_type: str, record_id: int):
    record = records.restore_record(signed_in_actor(), record_type, record_id)
    return one(record_type, record)


@v2.post(f"{RECORDS}/_assert")
@documented_v2("assert")
@permission_required(access.CRM_WRITE)
def assert_(record_type: str):
    body = json_object(("match", "attributes"), required=("match",))
    outcome = records.assert_record(
        signed_in_actor(), record_type, body["match"], body.get("attributes", {})
    )
    action = "created" if outcome.created else "updated"
    return one(record_type, outcome.record, 201 if outcome.created else 200, action=action)


@v2.get(RECORDS)
@documented_v2("list")
@permission_required(access.CRM_READ)
def index(record_type: str):
    query = _list_query()
    found = listing.list_records(signed_in_actor(), record_type, query)
    kind = registry.record_type(record_type)
    return jsonify(
        {
            "data": [record_json(kind, record) for record in found.records],
            "meta": _meta(found),
            "links": _links(record_type, query, found),
        }
    )


def _list_query() -> listing.ListQuery:
    page, per_page = page_args(25, MAX_PER_PAGE)
    cursor = request.args.get("cursor")
    if cursor is not None and "page" in request.args:
        raise BadRequest(
            "Page by page or by cursor, not both.",
            fields={"cursor": ["Leave out page when you send a cursor."]},
            code="invalid_cursor",
        )
    filters = {k: v for k, v in request.args.items() if k not in listing.RESERVED}
    return listing.ListQuery(
        filters=filters,
        sort=request.args.get("sort", "id"),
        include_archived=include_archived(),
        page=page,
        per_page=per_page,
        cursor=cursor,
    )


def _meta(found: listing.RecordList) -> dict:
    meta: dict = {"per_page": found.per_page, "next_cursor": found.next_cursor}
    if found.page is not None:
        meta |= {"page": found.page, "total": found.total}
    return meta


def _links(type_name: str, query: listing.ListQuery, found: listing.RecordList) -> dict:
    args = {k: v for k, v in request.args.items() if k not in ("page", "cursor")}

    def link(**position) -> str:
        return url_for("api.v2.index", record_type=type_name, **args, **position)

    if found.page is None:
        links = {"self": link(cursor=query.cursor)}
        if found.next_cursor:
            links["next"] = link(cursor=found.next_cursor)
        return links
    links = {"self": link(page=found.page)}
    if found.next_cursor:
        links["next"] = link(page=found.page + 1)
    if found.has_prev:
        links["prev"] = link(page=found.page - 1)
    return links


@v2.patch(f"{RECORD}/relation")
@documented_v2("relation_patch")
@permission_required(access.CRM_WRITE)
def update_relation(record_type: str, record_id: int):
    """Add or remove ids on a relation or user attribute (reference 003)."""
    body = json_object(("attribute", "add", "remove"), required=("attribute",))
    record = relation_updates.update_relation(signed_in_actor(), record_type, record_id, body)
    return one(record_type, record)
