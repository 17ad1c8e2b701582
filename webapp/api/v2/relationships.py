"""Relationships between records (reference 000): list, add, patch an edge, remove."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import jsonify, request, url_for

from webapp import access
from webapp.api.pagination import page_args
from webapp.api.serializers import record_json
from webapp.api.v2 import v2
from webapp.api.v2.bodies import json_object
from webapp.api.v2.openapi_v2 import documented_v2
from webapp.api.v2.records import include_archived
from webapp.guards import permission_required, signed_in_actor
from webapp.services.records import links, registry

if TYPE_CHECKING:
    from webapp.services.records.schema import RecordType

RELATED = "/<record_type>/<int:record_id>/relationship/<api_name>"
EDGE = f"{RELATED}/<int:target_id>"
MAX_PER_PAGE = 100


def related_json(related: links.Related, target_kind: RecordType) -> dict:
    """A related record, with its edge attributes when the relationship is typed."""
    described = record_json(target_kind, related.record)
    described["edge"] = related.edge
    return described


@v2.get(RELATED)
@documented_v2("relationship_list")
@permission_required(access.CRM_READ)
def related(record_type: str, record_id: int, api_name: str):
    page, per_page = page_args(25, MAX_PER_PAGE)
    found = links.list_related(
        signed_in_actor(),
        record_type,
        record_id,
        api_name,
        page=page,
        per_page=per_page,
        include_archived=include_archived(),
    )
    target = registry.record_type(found.relationship.target)  # once, not once a related record

    def link(page_number: int) -> str:
        return url_for(
            "api.v2.related",
            record_type=record_type,
            record_id=record_id,
            api_name=api_name,
            **{k: v for k, v in request.args.items() if k not in ("page", "per_page")},
            page=page_number,
            per_page=per_page,
        )

    page_links = {"self": link(page)}
    if found.has_next:
        page_links["next"] = link(page + 1)
    if found.has_prev:
        page_links["prev"] = link(page - 1)
    return jsonify(
        {
            "parent": {"id": str(record_id), "record_type": record_type},
            "relationship": api_name,
            "data": [related_json(item, target) for item in found.items],
            "meta": {"page": page, "per_page": per_page, "total": found.total},
            "links": page_links,
        }
    )


@v2.post(RELATED)
@documented_v2("relationship_add")
@permission_required(access.CRM_WRITE)
def add_related(record_type: str, record_id: int, api_name: str):
    body = json_object(None)
    linked = links.add_related(signed_in_actor(), record_type, record_id, api_name, body)
    _, spec = links.relationship_of(record_type, api_name)
    status = 201 if linked.created else 200
    action = "created" if linked.created else "updated"
    return jsonify(
        {
            "data": related_json(linked.related, registry.record_type(spec.target)),
            "meta": {"action": action},
        }
    ), status


@v2.patch(EDGE)
@documented_v2("relationship_edge_patch")
@permission_required(access.CRM_WRITE)
def update_edge(record_type: str, record_id: int, api_name: str, target_id: int):
    body = json_object(None)
    related = links.update_edge(
        signed_in_actor(), record_type, record_id, api_name, target_id, body
    )
    _, spec = links.relationship_of(record_type, api_name)
    return jsonify({"data": related_json(related, registry.record_type(spec.target))})


@v2.delete(EDGE)
@documented_v2("relationship_remove")
@permission_required(access.CRM_WRITE)
def remove_related(record_type: str, record_id: int, api_name: str, target_id: int):
    links.remove_related(signed_in_actor(), record_type, record_id, api_name, target_id)
    return "", 204
