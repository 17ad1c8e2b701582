"""The OpenAPI 3.1 document at ``/api/openapi.json``, built from the routes themselves.

Each API view declares its summary, body and response schemas with ``@documented``, or (the
records API, ``/api/v2``) its kind with ``@documented_v2``, which ``openapi_v2`` expands into
one path per record type. The document walks the URL map, so a route cannot exist without being
described (a test checks).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flask import current_app, jsonify
from pydantic.json_schema import models_json_schema

from webapp.api import api, schemas
from webapp.api.documenting import Operation
from webapp.api.v2 import openapi_v2
from webapp.services.validation import MAX_ID

if TYPE_CHECKING:
    from collections.abc import Iterator


ERROR_STATUSES = {
    400: "Malformed request: not a JSON object, an unknown field, a value never accepted",
    401: "No API key, or a revoked one",
    403: "The key or user lacks the permission",
    404: "No such record, or one outside the caller's scope",
    422: "A field's value is invalid; details.fields names each one",
}


PATH_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")
CONVERTED_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next call",
        "schema": {"type": "integer", "minimum": 0},
    }
}


def _path_parameters(rule, path: str, enums: dict[str, list[str]]) -> list[dict]:
    """The path's arguments: ids (``<int:...>``) are integers, anything else a string."""
    converters = {name: converter for converter, name in CONVERTED_ARGUMENT.findall(rule.rule)}
    parameters = []
    for name in re.findall(r"{(\w+)}", path):
        if converters.get(name) == "int":
            schema: dict = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        else:
            schema = {"type": "string"}
            if enums.get(name):
                schema["enum"] = enums[name]
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def _assembled(
    operation_id: str,
    about: openapi_v2.Described,
    parameters: list[dict],
    view,
    error_ref: dict,
    body_media: str = "application/json",
) -> dict:
    """One operation of the document; every one needs the bearer key and answers errors alike."""
    responses = {}
    for status, (description, schema) in about.responses.items():
        responses[str(status)] = {"description": description}
        if schema is not None:
            responses[str(status)]["content"] = {"application/json": {"schema": schema}}
    for status, description in (ERROR_STATUSES | about.errors).items():
        responses[str(status)] = {
            "description": description,
            "content": {"application/json": {"schema": error_ref}},
        }
        if status == 429:
            responses[str(status)]["headers"] = RETRY_AFTER
    permission = getattr(view, "required_permission", None)
    spec = {
        "operationId": operation_id,
        "summary": about.summary,
        "description": f"Permission: {permission}" if permission else "Any signed-in caller",
        "parameters": parameters + list(about.query),
        "responses": responses,
        "security": [{"bearer": []}],
    }
    if about.body is not None:
        spec["requestBody"] = {
            "required": True,
            "content": {body_media: {"schema": about.body}},
        }
    return spec


def _operation(method: str, rule, operation: Operation, refs: dict) -> dict:
    """A route described by ``@documented``: its pydantic models, by reference."""
    about = openapi_v2.Described(
        operation.summary,
        {operation.status: (operation.summary, refs[operation.response])},
        body=refs[operation.body] if operation.body is not None else None,
        query=tuple(
            {
                "name": p.name,
                "in": "query",
                "required": False,
                "schema": p.schema,
                "description": p.description,
            }
            | ({"allowEmptyValue": True} if p.allow_empty else {})
            for p in operation.query
        ),
        errors=operation.errors | openapi_v2.RATE_LIMITED,  # the relationships API's own allowance
    )
    path = PATH_ARGUMENT.sub(r"{\1}", rule.rule)
    view = current_app.view_functions[rule.endpoint]
    parameters = _path_parameters(rule, path, {})
    error_ref = refs[schemas.ErrorEnvelope]
    return _assembled(
        f"{rule.endpoint}.{method.lower()}",
        about,
        parameters,
        view,
        error_ref,
        operation.body_media,
    )


def _v2_operations(rule, method: str, doc, error_ref: dict, components) -> Iterator[tuple]:
    """(path, operation) for each concrete path a records-API route stands for."""
    view = current_app.view_functions[rule.endpoint]
    for rule_path, operation_id, about in openapi_v2.endpoints(rule, method, doc, components):
        path = PATH_ARGUMENT.sub(r"{\1}", rule_path)
        parameters = _path_parameters(rule, path, about.path_enums)
        yield path, _assembled(operation_id, about, parameters, view, error_ref)


def _documented_routes():
    """(rule, method, description) of each route: an ``Operation`` or a v2 ``V2Doc``."""
    for rule in current_app.url_map.iter_rules():
        view = current_app.view_functions.get(rule.endpoint)
        described = getattr(view, "openapi", None) or getattr(view, "openapi_v2", None)
        if described is None:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, described


def _pydantic_components(operations: list[Operation]) -> tuple[dict, dict]:
    """The refs of the v1 models, and their JSON Schemas."""
    models = {schemas.ErrorEnvelope}
    for operation in operations:
        models.add(operation.response)
        if operation.body is not None:
            models.add(operation.body)
    ordered = sorted(models, key=lambda model: model.__name__)
    key_map, definitions = models_json_schema(
        [(model, "validation") for model in ordered],
        ref_template="#/components/schemas/{model}",
    )
    refs = {model: key_map[(model, "validation")] for model in ordered}
    components = definitions.get("$defs", {})
    for component in components.values():
        _drop_null_defaults(component)
    return refs, components


def _drop_null_defaults(schema: dict) -> None:
    """Fields that may be omitted but never sent as null carry pydantic's ``default: null``,
    which their own type refuses; the document leaves those defaults out."""
    for prop in schema.get("properties", {}).values():
        kinds = prop.get("type")
        nullable = kinds == "null" or (isinstance(kinds, list) and "null" in kinds)
        nullable = nullable or any(o.get("type") == "null" for o in prop.get("anyOf", []))
        if "default" in prop and prop["default"] is None and not nullable:
            del prop["default"]


def build_document() -> dict:
    routes = list(_documented_routes())
    refs, definitions = _pydantic_components(
        [described for _, _, described in routes if isinstance(described, Operation)]
    )
    components = openapi_v2.Components()
    paths: dict[str, dict] = {}
    for rule, method, described in routes:
        if isinstance(described, Operation):
            path = PATH_ARGUMENT.sub(r"{\1}", rule.rule)
            paths.setdefault(path, {})[method.lower()] = _operation(method, rule, described, refs)
            continue
        error_ref = refs[schemas.ErrorEnvelope]
        for path, spec in _v2_operations(rule, method, described, error_ref, components):
            paths.setdefault(path, {})[method.lower()] = spec
    clashing = set(definitions) & set(components.schemas)
    if clashing:
        raise RuntimeError(f"Schema names used twice: {sorted(clashing)}")
    return {
        "openapi": "3.1.0",
        "info": {"title": "Rapport API", "version": "1.0.0"},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted((definitions | components.schemas).items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@api.get("/openapi.json")
def openapi_document():
    """The OpenAPI document of every JSON endpoint; public, like any API reference."""
    return jsonify(build_document())
