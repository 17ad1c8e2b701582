"""``GET /api/v2/_schema`` and ``/api/v2/_schema/{record_type}``: the registry, read."""

from __future__ import annotations

import pytest

from tests.api.v2.conftest import error_of
from webapp.services.records.registry import record_types
from webapp.services.records.schema import type_json

KINDS = [pytest.param(kind, id=kind.api_name) for kind in record_types()]


def test_schema_lists_every_record_type_as_the_registry_declares_it(api):
    response = api.get("/api/v2/_schema")

    assert response.status_code == 200
    assert response.get_json() == {"data": [type_json(kind) for kind in record_types()]}


def test_schema_lists_contact_and_account(api):
    response = api.get("/api/v2/_schema")

    names = [kind["api_name"] for kind in response.get_json()["data"]]
    assert {"contact", "account"} <= set(names)


@pytest.mark.parametrize("record_kind", KINDS)
def test_schema_of_one_type_is_its_registry_entry(api, record_kind):
    response = api.get(f"/api/v2/_schema/{record_kind.api_name}")

    assert response.status_code == 200
    assert response.get_json() == {"data": type_json(record_kind)}


@pytest.mark.parametrize("record_kind", KINDS)
def test_schema_names_exactly_the_attributes_a_record_carries(api, samples, create, record_kind):
    record = create(record_kind.api_name, samples.required(record_kind))

    described = api.get(f"/api/v2/_schema/{record_kind.api_name}").get_json()["data"]

    names = {field["api_name"] for field in described["fields"]}
    assert names == {"id", *record["attributes"]}


@pytest.mark.parametrize(("name", "required"), [("contact", {"first_name"}), ("account", {"name"})])
def test_schema_says_which_fields_a_create_needs(api, name, required):
    described = api.get(f"/api/v2/_schema/{name}").get_json()["data"]

    assert {field["api_name"] for field in described["fields"] if field["required"]} == required


def test_schema_of_contact_and_account_offers_assert(api):
    for name in ("contact", "account"):
        described = api.get(f"/api/v2/_schema/{name}").get_json()["data"]
        assert described["supports_assert"] is True, name


def test_schema_of_an_unknown_type_is_404_unknown_record_type(api):
    response = api.get("/api/v2/_schema/spaceship")

    error = error_of(response, 404, "unknown_record_type")
    assert error["details"] == {"record_type": "spaceship"}


@pytest.mark.parametrize("path", ["/api/v2/_schema", "/api/v2/_schema/contact"])
def test_schema_needs_crm_read(outsider, path):
    error = error_of(outsider.get(path), 403, "forbidden")
    assert error["details"] == {"permission": "crm:read"}


@pytest.mark.parametrize("path", ["/api/v2/_schema", "/api/v2/_schema/contact"])
def test_schema_without_a_key_is_401(client, path):
    error_of(client.get(path), 401, "unauthenticated")


def test_a_read_only_key_reads_the_schema(reader):
    assert reader.get("/api/v2/_schema").status_code == 200
