"""``/api/openapi.json``: public, OpenAPI 3.1, and in step with the routes and reference 002."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.api.relationship_helpers import ACTION_LIST_FILTERS
from webapp import access
from webapp.services.records import registry

DOCUMENT = "/api/openapi.json"
HTTP_METHODS = {"get", "put", "post", "patch", "delete"}
CONTACT = "/api/relationships/contacts/{contact_id}"

# Reference 002's profile, life-event and action operations: (method, path, success, keys).
REFERENCE = [
    ("get", f"{CONTACT}/relationship", "200", {"profile", "twilio_connected"}),
    ("patch", f"{CONTACT}/relationship", "200", {"profile"}),
    ("get", f"{CONTACT}/life-events", "200", {"events"}),
    ("post", f"{CONTACT}/life-events", "201", {"event"}),
    ("patch", f"{CONTACT}/life-events/{{event_id}}", "200", {"event"}),
    ("delete", f"{CONTACT}/life-events/{{event_id}}", "200", {"ok"}),
    ("get", "/api/relationships/relationship-actions", "200", {"actions"}),
    ("get", f"{CONTACT}/relationship-actions", "200", {"actions"}),
    ("post", f"{CONTACT}/relationship-actions", "201", {"action"}),
    ("patch", "/api/relationships/relationship-actions/{action_id}", "200", {"action"}),
]
PERMISSION_BY_METHOD = {
    "get": access.RELATIONSHIPS_VIEW,
    "post": access.RELATIONSHIPS_UPDATE,
    "patch": access.RELATIONSHIPS_UPDATE,
    "delete": access.RELATIONSHIPS_MANAGE,
}
PROFILE_FIELDS = {
    "communication_preference",
    "communication_notes",
    "personal_notes",
    "birthday",
    "birthday_year",
    "home_address",
    "interests",
    "dietary_requirements",
    "preferred_name",
    "assistant_name",
    "assistant_email",
    "phone_number",
    "whatsapp_number",
    "twilio_opt_in",
}
EVENT_FIELDS = {
    "event_type",
    "title",
    "event_date",
    "recurs_annually",
    "description",
    "auto_action_enabled",
    "auto_action_days_before",
}
ACTION_FIELDS = {
    "title",
    "action_type",
    "description",
    "assigned_to_user_id",
    "due_date",
    "message_body",
    "company_id",
}
FILTERS = {*ACTION_LIST_FILTERS, "page", "per_page"}


@pytest.fixture
def document(client) -> dict:
    response = client.get(DOCUMENT)
    assert response.status_code == 200
    return response.get_json()


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def served_paths(rule) -> set[str]:
    """The paths a rule serves: one per registry record type where it names ``<record_type>``."""
    if "record_type" not in rule.arguments:
        return {openapi_path(rule.rule)}
    return {
        openapi_path(rule.rule.replace("<record_type>", kind.api_name))
        for kind in registry.record_types()
    }


def api_rules(app) -> Iterator[tuple[str, object]]:
    """(method, rule) of every /api route the app serves, the document itself excepted."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule == DOCUMENT:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            yield method.lower(), rule


def api_routes(app) -> set[tuple[str, str]]:
    """(method, path) of every path the app serves under /api, record types expanded."""
    return {(method, path) for method, rule in api_rules(app) for path in served_paths(rule)}


def operations(document: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


def refs_in(node) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs_in(item)


def resolve(document: dict, ref: str) -> dict:
    assert ref.startswith("#/components/schemas/"), ref
    name = ref.removeprefix("#/components/schemas/")
    assert name in document["components"]["schemas"], f"{ref} does not resolve"
    return document["components"]["schemas"][name]


def schema_of(document: dict, method: str, path: str, part: str) -> dict:
    """The resolved schema of an operation's request body or success response."""
    operation = document["paths"][path][method]
    if part == "body":
        # JSON, or multipart/form-data for an upload: each body has one media type.
        (media,) = operation["requestBody"]["content"].values()
        return resolve(document, media["schema"]["$ref"])
    content = operation["responses"][part]["content"]
    return resolve(document, content["application/json"]["schema"]["$ref"])


# The document itself


def test_the_document_is_public_json(client):
    response = client.get(DOCUMENT)
    assert response.status_code == 200
    assert response.mimetype == "application/json"


def test_the_document_looks_like_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] and document["info"]["version"]
    assert document["paths"] and isinstance(document["paths"], dict)
    assert document["components"]["schemas"]
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_every_api_route_is_documented_with_its_method(app, document):
    """A route naming ``<record_type>`` counts as documented once one record type's path is:
    which types support it (``_assert`` only the assertable ones) is test_openapi_v2's part."""
    documented = {(method, path) for method, path, _ in operations(document)}
    missing = [
        (method, rule.rule)
        for method, rule in api_rules(app)
        if not {(method, path) for path in served_paths(rule)} & documented
    ]
    assert not missing, f"undocumented: {sorted(missing)}"


def test_every_documented_operation_exists(app, document):
    documented = {(method, path) for method, path, _ in operations(document)}
    invented = documented - api_routes(app)
    assert not invented, f"documented but not served: {sorted(invented)}"


def test_every_schema_reference_resolves(document):
    for ref in refs_in(document):
        resolve(document, ref)


def test_every_request_body_refers_to_a_component_schema(document):
    bodies = [(method, path) for method, path, op in operations(document) if "requestBody" in op]
    assert bodies
    for method, path in bodies:
        schema = schema_of(document, method, path, "body")
        assert schema["type"] == "object" and schema["properties"], (method, path)


def test_operation_ids_are_unique(document):
    operation_ids = [op["operationId"] for _, _, op in operations(document)]
    assert len(operation_ids) == len(set(operation_ids))


def test_every_path_argument_is_a_required_path_parameter(document):
    for method, path, operation in operations(document):
        declared = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), (method, path)
        assert all(p["required"] for p in operation["parameters"] if p["in"] == "path")


def test_ids_in_paths_are_integers_and_other_path_arguments_strings(app, document):
    rules = {(method, path): rule for method, rule in api_rules(app) for path in served_paths(rule)}
    for method, path, operation in operations(document):
        ids = set(re.findall(r"<int:(\w+)>", rules[method, path].rule))
        for parameter in (p for p in operation["parameters"] if p["in"] == "path"):
            kind = "integer" if parameter["name"] in ids else "string"
            assert parameter["schema"]["type"] == kind, (method, path, parameter)


def test_every_operation_needs_the_bearer_key(document):
    for method, path, operation in operations(document):
        assert operation["security"] == [{"bearer": []}], (method, path)
        assert "401" in operation["responses"], (method, path)


# Reference 002's endpoints, as the reference describes them


@pytest.mark.parametrize(("method", "path", "success", "keys"), REFERENCE, ids=str)
def test_each_reference_operation_is_documented_with_its_status_and_keys(
    document, method, path, success, keys
):
    operation = document["paths"][path][method]
    assert success in operation["responses"]
    properties = set(schema_of(document, method, path, success)["properties"])
    assert keys <= properties
    for status in ("401", "403", "404"):
        assert status in operation["responses"]


@pytest.mark.parametrize(("method", "path", "success", "keys"), REFERENCE, ids=str)
def test_each_reference_operation_names_the_permission_it_needs(
    document, method, path, success, keys
):
    operation = document["paths"][path][method]
    assert PERMISSION_BY_METHOD[method] in operation["description"]


@pytest.mark.parametrize(
    ("method", "path", "fields", "required"),
    [
        ("patch", f"{CONTACT}/relationship", PROFILE_FIELDS, set()),
        ("post", f"{CONTACT}/life-events", EVENT_FIELDS | {"company_id"}, {"event_type", "title"}),
        ("patch", f"{CONTACT}/life-events/{{event_id}}", EVENT_FIELDS, set()),
        ("post", f"{CONTACT}/relationship-actions", ACTION_FIELDS, {"title", "action_type"}),
        ("patch", "/api/relationships/relationship-actions/{action_id}", {"status"}, {"status"}),
    ],
    ids=str,
)
def test_request_bodies_have_exactly_the_reference_fields(document, method, path, fields, required):
    schema = schema_of(document, method, path, "body")
    assert set(schema["properties"]) == fields
    assert set(schema.get("required", [])) == required
    assert schema.get("additionalProperties") is False


def test_the_status_update_documents_done_and_dismissed_only(document):
    path = "/api/relationships/relationship-actions/{action_id}"
    status = schema_of(document, "patch", path, "body")["properties"]["status"]
    assert status["enum"] == ["done", "dismissed"]


def test_interests_are_documented_as_a_list_of_strings(document):
    interests = schema_of(document, "patch", f"{CONTACT}/relationship", "body")["properties"][
        "interests"
    ]
    variants = interests.get("anyOf", [interests])
    assert {"type": "array", "items": {"type": "string"}} in variants


@pytest.mark.parametrize(
    ("path", "filters"),
    [
        ("/api/relationships/relationship-actions", FILTERS),
        # A contact's own list takes the contact from its path, not from the query.
        (f"{CONTACT}/relationship-actions", FILTERS - {"contact_id"}),
    ],
)
def test_the_action_lists_document_their_filters(document, path, filters):
    parameters = document["paths"][path]["get"]["parameters"]
    assert {p["name"] for p in parameters if p["in"] == "query"} == filters


def test_the_listed_action_documents_the_joined_fields(document):
    action = document["components"]["schemas"]["Action"]["properties"]
    joined = {"first_name", "last_name", "contact_email", "company_name", "assigned_to_name"}
    assert joined <= set(action)
