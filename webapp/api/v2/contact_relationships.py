"""Contact-to-contact relationships (reference 004), with its shapes and its page envelope.

Ids are numbers here, as the reference has them; its lists are paged with ``current_page``,
``last_page``, ``from`` and ``to`` in ``meta`` and ``first``/``last``/``prev``/``next`` links.
"""

from __future__ import annotations

import math
from typing import Any

from flask import jsonify, url_for

from webapp import access
from webapp.api.documenting import documented
from webapp.api.pagination import page_args
from webapp.api.schemas import Body, Shape
from webapp.api.v2 import v2
from webapp.api.v2.bodies import json_object
from webapp.api.v2.openapi_v2 import RATE_LIMITED
from webapp.guards import permission_required, signed_in_actor
from webapp.services import contact_relationships as relationships
from webapp.services.paging import paginate

PER_PAGE, MAX_PER_PAGE = 15, 100
NOT_FOUND = {404: "No such relationship, type or contact (record_not_found)", **RATE_LIMITED}
CONFLICTS = {409: "duplicate_relationship, type_not_delible or type_in_use", **NOT_FOUND}


class RelationshipCreate(Body):
    contact_is: int | str
    relationship_type_id: int | str
    of_contact: int | str


class RelationshipTypeChange(Body):
    relationship_type_id: int | str


class RelationshipTypeCreate(Body):
    name: str
    name_reverse_relationship: str
    relationship_type_group_id: int | str


class Described(Shape):
    data: dict[str, Any]


class DescribedList(Shape):
    data: list[dict[str, Any]]
    meta: dict[str, Any]
    links: dict[str, Any]


class Deleted(Shape):
    deleted: bool
    id: int


def _stamp(value) -> str | None:
    return value.isoformat() if value is not None else None


def contact_json(contact) -> dict:
    return {
        "id": contact.id,
        "object": "contact",
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "complete_name": contact.full_name,
        "initials": "".join(part[:1] for part in contact.full_name.split()[:2]).upper(),
        "is_archived": contact.is_archived,
    }


def type_json(kind) -> dict:
    return {
        "id": kind.id,
        "object": "relationshiptype",
        "name": kind.name,
        "name_reverse_relationship": kind.name_reverse_relationship,
        "relationship_type_group_id": kind.group_id,
        "delible": kind.delible,
        "created_at": _stamp(kind.created_at),
        "updated_at": _stamp(kind.updated_at),
    }


def group_json(group) -> dict:
    return {
        "id": group.id,
        "object": "relationshiptypegroup",
        "name": group.name,
        "delible": group.delible,
        "created_at": _stamp(group.created_at),
        "updated_at": _stamp(group.updated_at),
    }


def relationship_json(edge) -> dict:
    return {
        "id": edge.id,
        "object": "relationship",
        "contact_is": contact_json(edge.contact_is),
        "relationship_type": type_json(edge.relationship_type),
        "of_contact": contact_json(edge.of_contact),
        "created_at": _stamp(edge.created_at),
        "updated_at": _stamp(edge.updated_at),
    }


def reading_json(reading: relationships.Reading) -> dict:
    """An edge as the contact reads it: "<name> of <contact>"."""
    return {
        "id": reading.relationship.id,
        "object": "relationship",
        "name": reading.name,
        "is_reverse": reading.reversed,
        "contact": contact_json(reading.other),
        "relationship_type": type_json(reading.relationship.relationship_type),
    }


def reference_page(stmt, endpoint: str, present, **url_args) -> dict:
    """One page of ``stmt`` in reference 004's list envelope."""
    page, per_page = page_args(PER_PAGE, MAX_PER_PAGE)
    result = paginate(stmt, page, per_page)
    last = max(1, math.ceil((result.total or 0) / per_page))
    first_shown = (page - 1) * per_page + 1 if result.items else None

    def link(number: int) -> str:
        return url_for(endpoint, **url_args, page=number, per_page=per_page, _external=True)

    return {
        "data": [present(item) for item in result.items],
        "links": {
            "first": link(1),
            "last": link(last),
            "prev": link(page - 1) if result.has_prev else None,
            "next": link(page + 1) if result.has_next else None,
        },
        "meta": {
            "current_page": page,
            "from": first_shown,
            "last_page": last,
            "path": url_for(endpoint, **url_args, _external=True),
            "per_page": per_page,
            "to": first_shown + len(result.items) - 1 if result.items else None,
            "total": result.total,
        },
    }


@v2.get("/relationship-type-groups")
@documented(
    "Relationship type groups: love, family, friend, work", DescribedList, errors=RATE_LIMITED
)
@permission_required(access.CRM_READ)
def type_groups():
    return jsonify(reference_page(relationships.groups_query(), "api.v2.type_groups", group_json))


@v2.get("/relationship-types")
@documented("Relationship types, each with its reverse name", DescribedList, errors=RATE_LIMITED)
@permission_required(access.CRM_READ)
def relationship_types():
    return jsonify(
        reference_page(relationships.types_query(), "api.v2.relationship_types", type_json)
    )


@v2.post("/relationship-types")
@documented(
    "Add a relationship type (admins)",
    Described,
    status=201,
    body=RelationshipTypeCreate,
    errors={409: "The group already has a type of that name", **RATE_LIMITED},
)
@permission_required(access.ADMIN)
def add_relationship_type():
    allowed = ("name", "name_reverse_relationship", "relationship_type_group_id")
    kind = relationships.create_type(signed_in_actor(), json_object(allowed, required=allowed))
    return jsonify({"data": type_json(kind)}), 201


@v2.delete("/relationship-types/<int:type_id>")
@documented("Delete an admin's own relationship type", Deleted, errors=CONFLICTS)
@permission_required(access.ADMIN)
def delete_relationship_type(type_id: int):
    deleted = relationships.delete_type(signed_in_actor(), type_id)
    return jsonify({"deleted": True, "id": deleted})


@v2.post("/contact-relationships")
@documented(
    "Link two people: contact_is is <type> of of_contact",
    Described,
    status=201,
    body=RelationshipCreate,
    errors=CONFLICTS,
)
@permission_required(access.CRM_WRITE)
def create_relationship():
    allowed = ("contact_is", "relationship_type_id", "of_contact")
    edge = relationships.create_relationship(signed_in_actor(), json_object(allowed))
    return jsonify({"data": relationship_json(edge)}), 201


@v2.get("/contact-relationships/<int:relationship_id>")
@documented("A relationship, with both people and its type", Described, errors=NOT_FOUND)
@permission_required(access.CRM_READ)
def relationship(relationship_id: int):
    edge = relationships.get_relationship(signed_in_actor(), relationship_id)
    return jsonify({"data": relationship_json(edge)})


@v2.put("/contact-relationships/<int:relationship_id>")
@documented(
    "Change a relationship's type (only the type changes)",
    Described,
    body=RelationshipTypeChange,
    errors=CONFLICTS,
)
@permission_required(access.CRM_WRITE)
def change_relationship(relationship_id: int):
    body = json_object(("relationship_type_id",))
    edge = relationships.change_type(signed_in_actor(), relationship_id, body)
    return jsonify({"data": relationship_json(edge)})


@v2.delete("/contact-relationships/<int:relationship_id>")
@documented("Remove a relationship", Deleted, errors=NOT_FOUND)
@permission_required(access.CRM_WRITE)
def delete_relationship(relationship_id: int):
    deleted = relationships.delete_relationship(signed_in_actor(), relationship_id)
    return jsonify({"deleted": True, "id": deleted})


@v2.get("/contact/<int:record_id>/contact-relationships")
@documented(
    "Every relationship of the contact, read from its side", DescribedList, errors=NOT_FOUND
)
@permission_required(access.CRM_READ)
def relationships_of(record_id: int):
    stmt = relationships.relationships_of(signed_in_actor(), record_id)
    return jsonify(
        reference_page(
            stmt,
            "api.v2.relationships_of",
            lambda edge: reading_json(relationships.read_from(edge, record_id)),
            record_id=record_id,
        )
    )
