"""Defining a custom object: ``POST /api/v2/_schema`` (admins only).

The service checks the body (the admin page sends it the same one); the models here only
describe it for the OpenAPI document.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import jsonify
from pydantic import Field

from webapp import access
from webapp.api.documenting import documented
from webapp.api.schemas import Body, Shape
from webapp.api.v2 import v2
from webapp.api.v2.bodies import json_object
from webapp.api.v2.openapi_v2 import RATE_LIMITED
from webapp.guards import permission_required, signed_in_actor
from webapp.services import custom_objects
from webapp.services.records import registry
from webapp.services.records.schema import type_json

SLUG_PATTERN = "^[a-z][a-z0-9_]{1,39}$"


class CustomAttributeDefinition(Body):
    """One attribute; ``options`` for select only, ``target_record_type`` for relation only."""

    slug: str = Field(pattern=SLUG_PATTERN, description="Its api_name, in bodies and filters")
    name: str = Field(max_length=120)
    value_type: Literal["text", "number", "date", "boolean", "select", "relation", "user"]
    required: bool = False
    unique: bool = Field(False, description="Text only; filterable, and 409 when taken")
    multiple: bool = Field(False, description="select, relation and user only: a list")
    options: list[str] | None = Field(None, description="The choices of a select attribute")
    target_record_type: str | None = Field(
        None, description="A relation's record type: contact, account or a custom object's slug"
    )


class CustomObjectDefinition(Body):
    slug: str = Field(pattern=SLUG_PATTERN, description="Its records live at /api/v2/{slug}")
    name: str = Field(max_length=120)
    description: str | None = Field(None, max_length=1000)
    attributes: list[CustomAttributeDefinition] = Field(min_length=1, max_length=50)


class CustomObjectDefined(Shape):
    data: dict[str, Any] = Field(description="The new record type, as GET /_schema/{slug} shows")


@v2.post("/_schema")
@documented(
    "Define a custom object: a new record type with its attributes",
    CustomObjectDefined,
    status=201,
    body=CustomObjectDefinition,
    errors={409: "A custom object already has this slug", **RATE_LIMITED},
)
@permission_required(access.ADMIN)
def define_object():
    defined = custom_objects.define_object(signed_in_actor(), json_object(None))
    return jsonify({"data": type_json(registry.record_type(defined.slug))}), 201
