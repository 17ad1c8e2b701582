"""The records API in ``/api/openapi.json``: one path per record type, schemas from the registry,
and responses that match what the document promises."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

import openapi_spec_validator
import pytest

from webapp import access
from webapp.api.v2.openapi_v2 import documented_v2
from webapp.services.records import registry
from webapp.services.records.subresources import CONTACT_EMAILS

DOCUMENT = "/api/openapi.json"
KINDS = [pytest.param(kind, id=kind.api_name) for kind in registry.record_types()]
RELATED = "/relationship/{api_name}"
JSON_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}
FORMATS = {"date": date.fromisoformat, "date-time": datetime.fromisoformat}


@pytest.fixture
def document(client) -> dict:
    response = client.get(DOCUMENT)
    assert response.status_code == 200
    return response.get_json()


def resolved(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def success_schema(document: dict, method: str, path: str, status: int) -> dict:
    content = document["paths"][path][method]["responses"][str(status)]["content"]
    return resolved(document, content["application/json"]["schema"])


def attributes_of_body(document: dict, method: str, path: str) -> dict:
    content = document["paths"][path][method]["requestBody"]["content"]
    body = resolved(document, content["application/json"]["schema"])
    assert body["required"] == ["attributes"] and body["additionalProperties"] is False
    return resolved(document, body["properties"]["attributes"])


def types_of(schema: dict) -> list[str]:
    return schema["type"] if isinstance(schema["type"], list) else [schema["type"]]


def breaches(document: dict, schema: dict, value, where: str = "$") -> list[str]:
    """Where ``value`` breaks ``schema``: the JSON Schema keywords the document uses."""
    schema = resolved(document, schema)
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema["oneOf"]
        if all(breaches(document, option, value, where) for option in options):
            return [f"{where}: matches none of {options}"]
    if "const" in schema and value != schema["const"]:
        return [f"{where}: {value!r} is not {schema['const']!r}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} not in {schema['enum']}"]
    if "type" in schema and not any(JSON_TYPES[t](value) for t in types_of(schema)):
        return [f"{where}: {value!r} is not {schema['type']}"]
    if isinstance(value, str):
        return _string_breaches(schema, value, where)
    if isinstance(value, list):
        item = schema.get("items", {})
        return [
            p for i, v in enumerate(value) for p in breaches(document, item, v, f"{where}[{i}]")
        ]
    if isinstance(value, dict) and "properties" in schema:
        return _object_breaches(document, schema, value, where)
    return []


def _string_breaches(schema: dict, value: str, where: str) -> list[str]:
    if "pattern" in schema and not re.search(schema["pattern"], value):
        return [f"{where}: {value!r} does not match {schema['pattern']}"]
    try:
        FORMATS.get(schema.get("format"), str)(value)
    except ValueError:
        return [f"{where}: {value!r} is not a {schema['format']}"]
    return []


def _object_breaches(document: dict, schema: dict, value: dict, where: str) -> list[str]:
    problems = [
        f"{where}: {key} is missing" for key in schema.get("required", ()) if key not in value
    ]
    if schema.get("additionalProperties") is False:
        problems += [
            f"{where}: {key} is not documented" for key in value if key not in schema["properties"]
        ]
    for key, item in value.items():
        if key in schema["properties"]:
            problems += breaches(document, schema["properties"][key], item, f"{where}.{key}")
    return problems


def assert_documented(document: dict, method: str, path: str, response) -> None:
    """A success whose status is documented for the operation, with a body matching its schema."""
    assert 200 <= response.status_code < 300, response.text
    responses = document["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, (method, path, response.status_code)
    if response.status_code == 204:
        assert "content" not in responses["204"]
        return
    schema = success_schema(document, method, path, response.status_code)
    problems = breaches(document, schema, response.get_json())
    assert not problems, problems


def with_record_type(monkeypatch, **changes):
    """A third record type in the registry: account's fields under another name."""
    kind = replace(registry.BUILT_IN["account"], **changes)
    monkeypatch.setitem(registry.BUILT_IN, kind.api_name, kind)
    return kind


# --- one path per record type ---


@pytest.mark.parametrize("record_kind", KINDS)
def test_every_record_type_has_its_own_record_paths(document, record_kind):
    base = f"/api/v2/{record_kind.api_name}"
    expected = {
        ("post", base),
        ("get", base),
        ("get", f"{base}/{{record_id}}"),
        ("patch", f"{base}/{{record_id}}"),
        ("delete", f"{base}/{{record_id}}"),
        ("post", f"{base}/{{record_id}}/_restore"),
        ("post", f"{base}/_batch"),
        ("get", f"/api/v2/_schema/{record_kind.api_name}"),
    }
    documented = {(m, p) for p, item in document["paths"].items() for m in item}
    assert expected <= documented
    assert "{record_type}" not in str(document["paths"])


@pytest.mark.parametrize("record_kind", KINDS)
def test_assert_is_documented_for_assertable_types_only(document, record_kind):
    path = f"/api/v2/{record_kind.api_name}/_assert"
    assert (path in document["paths"]) == record_kind.assertable


def test_contact_and_account_can_be_asserted(document):
    assert {"/api/v2/contact/_assert", "/api/v2/account/_assert"} <= set(document["paths"])


@pytest.mark.parametrize("record_kind", KINDS)
def test_relationship_paths_name_the_relationships_they_serve(document, record_kind):
    related = document["paths"].get(f"/api/v2/{record_kind.api_name}/{{record_id}}{RELATED}", {})
    edge = document["paths"].get(
        f"/api/v2/{record_kind.api_name}/{{record_id}}{RELATED}/{{target_id}}", {}
    )
    served = {
        method: next(p for p in op["parameters"] if p["name"] == "api_name")["schema"]["enum"]
        for method, op in (related | edge).items()
    }

    every = [r.api_name for r in record_kind.relationships]
    writable = [r.api_name for r in record_kind.relationships if r.writable]
    typed = [r.api_name for r in record_kind.relationships if r.writable and r.typed]
    expected = {"get": every, "post": writable, "delete": writable, "patch": typed}
    assert served == {method: names for method, names in expected.items() if names}
    assert set(related) == {m for m in ("get", "post") if expected[m]}


def test_a_type_that_is_not_assertable_and_has_no_relationships_gets_neither(client, monkeypatch):
    with_record_type(
        monkeypatch, api_name="gadget", label="Gadget", assertable=False, relationships=()
    )

    document = client.get(DOCUMENT).get_json()
    paths = document["paths"]

    assert {"post", "get"} == set(paths["/api/v2/gadget"])
    assert "/api/v2/gadget/_assert" not in paths
    assert not [p for p in paths if p.startswith("/api/v2/gadget/{record_id}/relationship")]
    assert "/api/v2/contact/_assert" in paths
    batch = document["components"]["schemas"]["GadgetBatch"]
    assert batch["properties"]["records"]["items"] == {
        "anyOf": [{"$ref": "#/components/schemas/GadgetCreate"}]
    }


def test_read_only_relationships_are_listed_but_not_written(client, monkeypatch):
    accounts = registry.BUILT_IN["contact"].relationships[0]
    with_record_type(
        monkeypatch,
        api_name="visit",
        label="Visit",
        assertable=False,
        relationships=(replace(accounts, writable=False),),
    )

    paths = client.get(DOCUMENT).get_json()["paths"]

    assert set(paths[f"/api/v2/visit/{{record_id}}{RELATED}"]) == {"get"}
    assert f"/api/v2/visit/{{record_id}}{RELATED}/{{target_id}}" not in paths


@pytest.mark.parametrize("record_kind", KINDS)
def test_the_relation_update_names_the_relation_and_user_attributes(document, record_kind):
    linking = [
        spec.api_name
        for spec in record_kind.fields
        if spec.value_type in ("user", "relation") and spec.updatable
    ]
    path = f"/api/v2/{record_kind.api_name}/{{record_id}}/relation"
    assert (path in document["paths"]) == bool(linking)
    if linking:
        content = document["paths"][path]["patch"]["requestBody"]["content"]
        body = resolved(document, content["application/json"]["schema"])
        assert body["properties"]["attribute"]["enum"] == linking
        assert set(body["properties"]) == {"attribute", "add", "remove"}


def test_documented_v2_refuses_what_it_cannot_document():
    with pytest.raises(ValueError, match="Unknown v2 kind"):
        documented_v2("upsert")
    with pytest.raises(ValueError, match="subresource="):
        documented_v2("subresource_list")
    assert documented_v2("subresource_list", subresource=CONTACT_EMAILS)


# --- each type's schemas, from its fields ---


@pytest.mark.parametrize("record_kind", KINDS)
def test_the_create_body_takes_exactly_the_creatable_fields(document, record_kind):
    attributes = attributes_of_body(document, "post", f"/api/v2/{record_kind.api_name}")

    creatable = [spec for spec in record_kind.fields if spec.creatable]
    assert set(attributes["properties"]) == {spec.api_name for spec in creatable}
    assert set(attributes["required"]) == {s.api_name for s in creatable if s.required}
    assert attributes["additionalProperties"] is False


@pytest.mark.parametrize(
    ("type_name", "required", "kept_by_rapport"),
    [
        ("contact", {"first_name"}, {"id", "last_touch_on", "created_at", "archived_at"}),
        ("account", {"name"}, {"id", "created_at", "updated_at", "archived_at"}),
    ],
)
def test_the_built_in_create_bodies(document, type_name, required, kept_by_rapport):
    create = attributes_of_body(document, "post", f"/api/v2/{type_name}")
    patch = attributes_of_body(document, "patch", f"/api/v2/{type_name}/{{record_id}}")

    assert set(create["required"]) == required
    assert not kept_by_rapport & set(create["properties"])
    assert not kept_by_rapport & set(patch["properties"])


@pytest.mark.parametrize("record_kind", KINDS)
def test_the_patch_body_takes_exactly_the_updatable_fields_and_requires_none(document, record_kind):
    path = f"/api/v2/{record_kind.api_name}/{{record_id}}"
    attributes = attributes_of_body(document, "patch", path)

    updatable = {spec.api_name for spec in record_kind.fields if spec.updatable}
    assert set(attributes["properties"]) == updatable
    assert "required" not in attributes
    assert attributes["additionalProperties"] is False


@pytest.mark.parametrize("record_kind", KINDS)
def test_a_record_shows_every_field_but_the_id_with_its_json_type(document, record_kind):
    record = success_schema(document, "get", f"/api/v2/{record_kind.api_name}/{{record_id}}", 200)
    record = resolved(document, record["properties"]["data"])
    attributes = resolved(document, record["properties"]["attributes"])

    assert record["properties"]["record_type"] == {"const": record_kind.api_name}
    shown = [spec for spec in record_kind.fields if spec.api_name != "id"]
    assert set(attributes["properties"]) == {spec.api_name for spec in shown}
    assert set(attributes["required"]) == {spec.api_name for spec in shown}
    for spec in shown:
        schema = attributes["properties"][spec.api_name]
        one = schema["items"] if spec.multiple else schema
        expected = {"number": "number", "boolean": "boolean"}.get(spec.value_type, "string")
        assert types_of(one)[0] == expected, spec.api_name
        assert ("array" in types_of(schema)) == spec.multiple, spec.api_name
        nullable = (spec.nullable or spec.reads_null) and not spec.multiple
        assert ("null" in types_of(schema)) == nullable, spec.api_name


@pytest.mark.parametrize(
    "record_kind",
    [k for k in KINDS if any(s.value_type == "select" for s in k.values[0].fields)],
)
def test_select_fields_are_enums_of_their_options(document, record_kind):
    base = f"/api/v2/{record_kind.api_name}"
    record = success_schema(document, "get", f"{base}/{{record_id}}", 200)
    schemas = [
        resolved(
            document, resolved(document, record["properties"]["data"])["properties"]["attributes"]
        ),
        attributes_of_body(document, "post", base),
        attributes_of_body(document, "patch", f"{base}/{{record_id}}"),
    ]
    for spec in (s for s in record_kind.fields if s.value_type == "select"):
        for reading, schema in zip((True, False, False), schemas, strict=True):
            enum = schema["properties"][spec.api_name]["enum"]
            assert [option for option in enum if option is not None] == list(spec.options)
            assert (None in enum) == (spec.nullable or (reading and spec.reads_null))


@pytest.mark.parametrize("record_kind", KINDS)
def test_the_list_documents_its_filters_and_sorts(document, record_kind):
    parameters = document["paths"][f"/api/v2/{record_kind.api_name}"]["get"]["parameters"]
    query = {p["name"]: p["schema"] for p in parameters if p["in"] == "query"}

    filterable = {spec.api_name for spec in record_kind.fields if spec.filterable}
    assert set(query) == filterable | {"page", "per_page", "cursor", "sort", "include_archived"}
    sortable = [spec.api_name for spec in record_kind.fields if spec.sortable]
    assert set(query["sort"]["enum"]) == set(sortable) | {f"-{name}" for name in sortable}


ADMIN_OPERATIONS = {
    ("post", "/api/v2/_schema"),
    ("post", "/api/v2/relationship-types"),
    ("delete", "/api/v2/relationship-types/{type_id}"),
}


def test_each_v2_operation_names_its_permission_and_its_rate_limit(document):
    v2 = [
        (m, p, op)
        for p, item in document["paths"].items()
        if p.startswith("/api/v2/")
        for m, op in item.items()
    ]
    assert v2
    for method, path, operation in v2:
        needed = access.CRM_READ if method == "get" else access.CRM_WRITE
        if (method, path) in ADMIN_OPERATIONS:
            needed = access.ADMIN  # defining record and relationship types is an admin's work
        assert operation["description"] == f"Permission: {needed}", (method, path)
        limited = operation["responses"]["429"]
        assert limited["headers"]["Retry-After"]["schema"]["type"] == "integer"


def test_the_document_validates_as_openapi_3_1(document):
    openapi_spec_validator.validate(document)


# --- what the API answers matches what the document says ---


def test_record_responses_match_their_documented_schemas(api, document, samples):
    contact = samples.required(registry.record_type("contact")) | {
        "primary_email": "ada@sample.example",
        "stage": "working",
        "owner": api.user.id,
    }
    created = api.post("/api/v2/contact", json={"attributes": contact})
    assert_documented(document, "post", "/api/v2/contact", created)
    record = f"/api/v2/contact/{created.get_json()['data']['id']}"
    one = "/api/v2/contact/{record_id}"

    assert_documented(document, "get", one, api.get(record))
    assert_documented(document, "get", "/api/v2/contact", api.get("/api/v2/contact?per_page=1"))
    assert_documented(document, "get", "/api/v2/contact", api.get("/api/v2/contact?cursor="))
    patched = api.patch(record, json={"attributes": {"title": "CTO", "last_name": None}})
    assert_documented(document, "patch", one, patched)
    assert_documented(document, "delete", one, api.delete(record))
    assert_documented(document, "post", f"{one}/_restore", api.post(f"{record}/_restore"))
    relation = api.patch(f"{record}/relation", json={"attribute": "owner", "remove": [api.user.id]})
    assert relation.status_code == 200, relation.text
    assert_documented(document, "patch", f"{one}/relation", relation)


def test_assert_and_batch_responses_match_their_documented_schemas(api, document):
    body = {"match": {"domain_name": "engines.example"}, "attributes": {"name": "Engines"}}
    created = api.post("/api/v2/account/_assert", json=body)
    updated = api.post("/api/v2/account/_assert", json=body)
    batch = api.post(
        "/api/v2/account/_batch",
        json={
            "records": [
                {"attributes": {"name": "Looms", "is_client": True}},
                {"attributes": {}},
                body,
            ]
        },
    )

    assert (created.status_code, updated.status_code) == (201, 200)
    assert_documented(document, "post", "/api/v2/account/_assert", created)
    assert_documented(document, "post", "/api/v2/account/_assert", updated)
    assert [item["status"] for item in batch.get_json()["data"]] == [201, 422, 200]
    assert_documented(document, "post", "/api/v2/account/_batch", batch)


def test_schema_responses_match_their_documented_schemas(api, document):
    assert_documented(document, "get", "/api/v2/_schema", api.get("/api/v2/_schema"))
    for kind in registry.record_types():
        path = f"/api/v2/_schema/{kind.api_name}"
        assert_documented(document, "get", path, api.get(path))


def test_relationship_responses_match_their_documented_schemas(api, document, create):
    ada = create("contact", {"first_name": "Ada"})["id"]
    firm = create("account", {"name": "Engines"})["id"]
    related = f"/api/v2/contact/{ada}/relationship/accounts"
    documented = "/api/v2/contact/{record_id}/relationship/{api_name}"
    edge = f"{documented}/{{target_id}}"

    added = api.post(related, json={"related_record_id": firm, "role": "CTO"})
    assert added.status_code == 201, added.text
    assert_documented(document, "post", documented, added)
    assert_documented(document, "get", documented, api.get(related))
    assert_documented(
        document, "patch", edge, api.patch(f"{related}/{firm}", json={"is_primary": True})
    )
    assert_documented(document, "delete", edge, api.delete(f"{related}/{firm}"))


def test_subresource_responses_match_their_documented_schemas(api, document, create):
    ada = create("contact", {"first_name": "Ada", "contact_emails": ["ada@sample.example"]})["id"]
    emails = "/api/v2/contact/{record_id}/emails"

    added = api.post(f"/api/v2/contact/{ada}/emails", json={"email": "ada@work.example"})
    assert added.status_code == 201, added.text
    assert_documented(document, "post", emails, added)
    assert_documented(document, "get", emails, api.get(f"/api/v2/contact/{ada}/emails"))
    removed = api.delete(f"/api/v2/contact/{ada}/emails/ada@work.example")
    assert removed.status_code == 204, removed.text
    assert_documented(document, "delete", f"{emails}/{{value}}", removed)


def test_records_with_numbers_dates_and_relations_match_their_documented_schemas(
    api, document, create
):
    firm = create("account", {"name": "Engines"})["id"]
    ada = create("contact", {"first_name": "Ada"})["id"]
    deal = {
        "name": "Looms",
        "amount": 1250.5,
        "close_date": "2030-01-31",
        "account": firm,
        "owners": [api.user.id],
    }
    note = {"contact": ada, "occurred_on": "2024-01-02", "summary": "Met at the fair"}

    created_deal = api.post("/api/v2/opportunity", json={"attributes": deal})
    created_note = api.post("/api/v2/note", json={"attributes": note})

    assert_documented(document, "post", "/api/v2/opportunity", created_deal)
    assert_documented(document, "post", "/api/v2/note", created_note)
    assert_documented(document, "get", "/api/v2/note", api.get("/api/v2/note"))
