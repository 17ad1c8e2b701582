"""The OpenAPI 3.1 document at ``/api/openapi.json``, built from the routes themselves.

Each API view declares its summary, body and response schemas with ``@documented``; the
document walks the URL map, so a route cannot exist without being described (a test checks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app, jsonify
from pydantic.json_schema import models_json_schema

from webapp.api import api, schemas

if TYPE_CHECKING:
    from collections.abc import Callable

    from pydantic import BaseModel

ERROR_STATUSES = {
    400: "Malformed request: not a JSON object, an unknown field, a value never accepted",
    401: "No API key, or a revoked one",
    403: "The key or user lacks the permission",
    404: "No such record, or one outside the caller's scope",
    422: "A field's value is invalid; details.fields names each one",
}


@dataclass(frozen=True)
class QueryParam:
    name: str
    schema: dict
    description: str


@dataclass(frozen=True)
class Operation:
    summary: str
    response: type[BaseModel]
    status: int = 200
    body: type[BaseModel] | None = None
    query: tuple[QueryParam, ...] = field(default=())
    errors: dict[int, str] = field(default_factory=dict)


def documented(
    summary: str,
    response: type[BaseModel],
    *,
    status: int = 200,
    body: type[BaseModel] | None = None,
    query: tuple[QueryParam, ...] = (),
    errors: dict[int, str] | None = None,
) -> Callable:
    """Describe a view for the OpenAPI document; ``errors`` adds statuses of its own."""

    def decorator(view: Callable) -> Callable:
        view.openapi = Operation(summary, response, status, body, query, errors or {})
        return view

    return decorator


PATH_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def _operation(method: str, rule, operation: Operation, refs: dict) -> dict:
    view = current_app.view_functions[rule.endpoint]
    permission = getattr(view, "required_permission", None)
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}
        for name in sorted(rule.arguments)
    ] + [
        {
            "name": p.name,
            "in": "query",
            "required": False,
            "schema": p.schema,
            "description": p.description,
        }
        for p in operation.query
    ]
    responses = {
        str(operation.status): {
            "description": operation.summary,
            "content": {"application/json": {"schema": refs[operation.response]}},
        }
    }
    for status, description in (ERROR_STATUSES | operation.errors).items():
        responses[str(status)] = {
            "description": description,
            "content": {"application/json": {"schema": refs[schemas.ErrorEnvelope]}},
        }
    spec = {
        "operationId": f"{rule.endpoint}.{method.lower()}",
        "summary": operation.summary,
        "description": f"Permission: {permission}" if permission else "Any signed-in caller",
        "parameters": parameters,
        "responses": responses,
        "security": [{"bearer": []}],
    }
    if operation.body is not None:
        spec["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[operation.body]}},
        }
    return spec


def _documented_routes():
    for rule in current_app.url_map.iter_rules():
        view = current_app.view_functions.get(rule.endpoint)
        operation = getattr(view, "openapi", None)
        if operation is None:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, operation


def build_document() -> dict:
    routes = list(_documented_routes())
    models = {schemas.ErrorEnvelope}
    for _rule, _method, operation in routes:
        models.add(operation.response)
        if operation.body is not None:
            models.add(operation.body)
    ordered = sorted(models, key=lambda model: model.__name__)
    key_map, definitions = models_json_schema(
        [(model, "validation") for model in ordered],
        ref_template="#/components/schemas/{model}",
    )
    refs = {model: key_map[(model, "validation")] for model in ordered}
    paths: dict[str, dict] = {}
    for rule, method, operation in routes:
        path = PATH_ARGUMENT.sub(r"{\1}", rule.rule)
        paths.setdefault(path, {})[method.lower()] = _operation(method, rule, operation, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Rapport API", "version": "1.0.0"},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@api.get("/openapi.json")
def openapi_document():
    """The OpenAPI document of every JSON endpoint; public, like any API reference."""
    return jsonify(build_document())
