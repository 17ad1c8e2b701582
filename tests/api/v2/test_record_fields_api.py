"""Every field of every record type keeps the rules its schema declares.

Generated from the registry: each test runs once per matching ``(record type, field)``.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.api.v2.conftest import cleared, error_of, fields_named, ids_of, query_value, sort_key
from webapp.extensions import db as _db
from webapp.services.records.account_type import CLIENT_FIELDS
from webapp.services.records.schema import field_json

# Fields that are views of one thing: writing one may change the others.
LINKED = {
    "contact": ({"primary_email", "contact_emails"},),  # the primary email is the first one
    "account": (
        {"domain_name", "domains"},  # likewise the primary domain
        {"is_client", *CLIENT_FIELDS},  # a company that stops being a client loses its profile
    ),
    "task": ({"status", "completed_at"},),  # a task done or dismissed is completed then
}


@pytest.fixture
def api(api_client):
    """An executive, who sees every queue: tasks can be assigned to anyone."""
    return api_client(role="executive", name="Eve Executive")


def stored_count(record_kind) -> int:
    model = record_kind.store.model
    return _db.session.scalar(select(func.count()).select_from(model))


# --- _schema ---


@pytest.mark.record_fields(lambda field: True)
def test_schema_describes_the_field_as_the_registry_declares_it(api, record_kind, field):
    response = api.get(f"/api/v2/_schema/{record_kind.api_name}")

    assert response.status_code == 200
    described = {f["api_name"]: f for f in response.get_json()["data"]["fields"]}
    assert described[field.api_name] == field_json(field)


# --- create ---


@pytest.mark.record_fields(lambda field: not field.creatable)
def test_post_refuses_a_field_that_is_not_creatable(api, samples, record_kind, field):
    attributes = samples.required(record_kind) | {field.api_name: samples.value(field)}

    response = api.post(f"/api/v2/{record_kind.api_name}", json={"attributes": attributes})

    error = error_of(response, 400, "field_not_creatable")
    assert fields_named(error) == {field.api_name}
    assert field.api_name in error["message"]
    assert stored_count(record_kind) == 0


@pytest.mark.record_fields(lambda field: field.required)
def test_post_without_a_required_field_is_field_required_missing(api, samples, record_kind, field):
    attributes = samples.required(record_kind)
    del attributes[field.api_name]

    response = api.post(f"/api/v2/{record_kind.api_name}", json={"attributes": attributes})

    error = error_of(response, 422, "field_required_missing")
    assert fields_named(error) == {field.api_name}
    assert stored_count(record_kind) == 0


@pytest.mark.record_fields(lambda field: field.creatable)
def test_post_sets_a_creatable_field(api, samples, record_kind, field):
    attributes = samples.attributes(record_kind, field)

    response = api.post(f"/api/v2/{record_kind.api_name}", json={"attributes": attributes})

    assert response.status_code == 201, response.text
    written = response.get_json()["data"]["attributes"][field.api_name]
    assert written not in (None, [])
    assert query_value(written) == query_value(samples.value(field))


@pytest.mark.record_fields(lambda field: field.creatable)
def test_post_refuses_an_object_as_a_field_value(api, samples, record_kind, field):
    attributes = samples.attributes(record_kind, field) | {field.api_name: {"value": 1}}

    response = api.post(f"/api/v2/{record_kind.api_name}", json={"attributes": attributes})

    error = error_of(response, 422, "field_value_invalid")
    assert fields_named(error) == {field.api_name}
    assert stored_count(record_kind) == 0


@pytest.mark.record_fields(lambda field: field.value_type == "select")
def test_post_refuses_a_value_outside_the_options(api, samples, record_kind, field):
    attributes = samples.attributes(record_kind, field) | {field.api_name: "not-an-option"}

    response = api.post(f"/api/v2/{record_kind.api_name}", json={"attributes": attributes})

    error = error_of(response, 422, "field_value_invalid")
    assert fields_named(error) == {field.api_name}
    assert stored_count(record_kind) == 0


@pytest.mark.record_fields(lambda field: field.value_type == "user" and field.creatable)
def test_post_refuses_a_user_who_does_not_exist(api, samples, record_kind, field):
    nobody = 987654321
    value = [nobody] if field.multiple else nobody
    attributes = samples.attributes(record_kind, field) | {field.api_name: value}

    response = api.post(f"/api/v2/{record_kind.api_name}", json={"attributes": attributes})

    error = error_of(response, 422, "field_value_invalid")
    assert fields_named(error) == {field.api_name}


# --- patch ---


@pytest.mark.record_fields(lambda field: not field.updatable)
def test_patch_refuses_a_field_that_is_not_updatable(api, samples, create, record_kind, field):
    record = create(record_kind.api_name, samples.required(record_kind))

    response = api.patch(
        f"/api/v2/{record_kind.api_name}/{record['id']}",
        json={"attributes": {field.api_name: samples.value(field, 1)}},
    )

    error = error_of(response, 400, "field_not_updatable")
    assert fields_named(error) == {field.api_name}
    assert field.api_name in error["message"]


@pytest.mark.record_fields(lambda field: field.updatable and not field.nullable)
def test_patch_with_null_on_a_field_that_is_not_nullable_is_refused(
    api, samples, create, record_kind, field
):
    record = create(record_kind.api_name, samples.attributes(record_kind, field))
    path = f"/api/v2/{record_kind.api_name}/{record['id']}"

    response = api.patch(path, json={"attributes": {field.api_name: None}})

    error = error_of(response, 422, "field_value_invalid")
    assert fields_named(error) == {field.api_name}
    kept = api.get(path).get_json()["data"]["attributes"][field.api_name]
    assert kept == record["attributes"][field.api_name]


@pytest.mark.record_fields(lambda field: field.updatable and field.nullable)
def test_patch_with_null_clears_a_nullable_field(api, samples, create, record_kind, field):
    record = create(record_kind.api_name, samples.attributes(record_kind, field))
    assert record["attributes"][field.api_name] not in (None, [])
    path = f"/api/v2/{record_kind.api_name}/{record['id']}"

    response = api.patch(path, json={"attributes": {field.api_name: None}})

    assert response.status_code == 200, response.text
    assert response.get_json()["data"]["attributes"][field.api_name] == cleared(field)
    assert api.get(path).get_json()["data"]["attributes"][field.api_name] == cleared(field)


@pytest.mark.record_fields(lambda field: field.updatable and field.creatable)
def test_patch_sets_an_updatable_field_and_leaves_the_others(
    api, samples, create, record_kind, field
):
    record = create(record_kind.api_name, samples.attributes(record_kind, field, 0))
    path = f"/api/v2/{record_kind.api_name}/{record['id']}"

    response = api.patch(path, json={"attributes": {field.api_name: samples.value(field, 1)}})

    assert response.status_code == 200, response.text
    after = response.get_json()["data"]["attributes"]
    assert query_value(after[field.api_name]) == query_value(samples.value(field, 1))
    before = record["attributes"]
    unchanged = {"updated_at", field.api_name}
    groups = LINKED.get(record_kind.api_name, ())
    unchanged |= next((group for group in groups if field.api_name in group), set())
    assert {k: v for k, v in after.items() if k not in unchanged} == {
        k: v for k, v in before.items() if k not in unchanged
    }


@pytest.mark.record_fields(lambda field: field.value_type == "select" and field.updatable)
def test_patch_refuses_a_value_outside_the_options(api, samples, create, record_kind, field):
    record = create(record_kind.api_name, samples.attributes(record_kind, field))
    path = f"/api/v2/{record_kind.api_name}/{record['id']}"

    response = api.patch(path, json={"attributes": {field.api_name: "not-an-option"}})

    error = error_of(response, 422, "field_value_invalid")
    assert fields_named(error) == {field.api_name}
    kept = api.get(path).get_json()["data"]["attributes"][field.api_name]
    assert kept == record["attributes"][field.api_name]


# --- list: filters and sorts ---


@pytest.mark.record_fields(lambda field: field.filterable)
def test_a_filterable_field_filters_the_list(api, samples, create, record_kind, field):
    first = create(record_kind.api_name, samples.attributes(record_kind, field, 0))
    second = create(record_kind.api_name, samples.attributes(record_kind, field, 1))

    for wanted in (first, second):
        value = wanted["id"] if field.api_name == "id" else wanted["attributes"][field.api_name]
        response = api.get(
            f"/api/v2/{record_kind.api_name}", query_string={field.api_name: query_value(value)}
        )
        assert ids_of(response) == [wanted["id"]]


@pytest.mark.record_fields(lambda field: field.filterable and field.value_type == "text")
def test_a_text_filter_ignores_case(api, samples, create, record_kind, field):
    wanted = create(record_kind.api_name, samples.attributes(record_kind, field, 0))
    create(record_kind.api_name, samples.attributes(record_kind, field, 1))
    value = wanted["attributes"][field.api_name]

    for variant in (value.upper(), value.lower()):
        response = api.get(
            f"/api/v2/{record_kind.api_name}", query_string={field.api_name: variant}
        )
        assert ids_of(response) == [wanted["id"]]


@pytest.mark.record_fields(lambda field: not field.filterable)
def test_a_field_that_is_not_filterable_is_refused_as_a_filter(api, record_kind, field):
    response = api.get(f"/api/v2/{record_kind.api_name}", query_string={field.api_name: "x"})

    error = error_of(response, 400, "field_not_filterable")
    assert fields_named(error) == {field.api_name}


@pytest.mark.record_fields(lambda field: field.sortable)
@pytest.mark.parametrize("direction", ["", "-"], ids=["ascending", "descending"])
def test_a_sortable_field_sorts_the_list(api, samples, create, record_kind, field, direction):
    # Created out of order, so the sort cannot pass by following the ids.
    made = [
        create(record_kind.api_name, samples.attributes(record_kind, field, n)) for n in (1, 2, 0)
    ]
    expected = sorted(made, key=lambda record: sort_key(field, record), reverse=direction == "-")

    response = api.get(
        f"/api/v2/{record_kind.api_name}", query_string={"sort": f"{direction}{field.api_name}"}
    )

    assert ids_of(response) == [record["id"] for record in expected]


@pytest.mark.record_fields(lambda field: not field.sortable)
def test_a_field_that_is_not_sortable_is_refused_as_a_sort(api, record_kind, field):
    response = api.get(f"/api/v2/{record_kind.api_name}", query_string={"sort": field.api_name})

    error_of(response, 400, "invalid_sort")
