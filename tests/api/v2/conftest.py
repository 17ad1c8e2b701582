"""Fixtures for the records API tests: values for any field, made from the registry's own schema.

A test marked ``@pytest.mark.record_fields(predicate)`` runs once for every ``(record_kind,
field)`` of the registry whose field matches ``predicate``, so a field added to a record type is
tested the day it is declared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from webapp import access
from webapp.extensions import db as _db
from webapp.services.records.account_type import CLIENT_FIELDS
from webapp.services.records.registry import record_type, record_types

if TYPE_CHECKING:
    from webapp.services.records.schema import FieldSpec, RecordType

# A field that only takes a value together with another: a client profile needs is_client.
NEEDS: dict[tuple[str, str], dict[str, Any]] = {
    ("account", name): {"is_client": True} for name in CLIENT_FIELDS
}

# Distinct values per value_type; the nth of each sorts as the nth of TEXTS does.
TEXTS = ("Ada", "Bea", "Cal", "Dot", "Eve")
PHONES = ("+442079460958", "+442079460959", "+442079460960", "+442079460961", "+442079460962")


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers",
        "record_fields(predicate, kinds=None): run once per registry field matching predicate",
    )


def pytest_generate_tests(metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("record_fields")
    if marker is None:
        return
    matches = marker.args[0]
    kinds = marker.kwargs.get("kinds") or (lambda record_kind: True)
    cases = [
        pytest.param(kind, spec, id=f"{kind.api_name}.{spec.api_name}")
        for kind in record_types()
        if kinds(kind)
        for spec in kind.fields
        if matches(spec)
    ]
    metafunc.parametrize(("record_kind", "field"), cases)


def error_of(response, status: int, code: str) -> dict:
    """The JSON error envelope with ``status`` and ``code``; returns the error for more checks."""
    assert response.status_code == status, response.text
    assert response.is_json, response.text
    error = response.get_json()["error"]
    assert error["code"] == code, error
    assert error["message"]
    return error


def fields_named(error: dict) -> set[str]:
    """The field names an error's ``details.fields`` reports."""
    return set(error["details"].get("fields", {}))


def ids_of(response) -> list[str]:
    """The record ids of a list response, in the order given."""
    assert response.status_code == 200, response.text
    return [record["id"] for record in response.get_json()["data"]]


def cleared(field: FieldSpec) -> Any:
    """What a field reads as once null has cleared it."""
    return [] if field.multiple else None


def query_value(value: Any) -> str:
    """A read attribute as a filter takes it in the query string (one item of an array)."""
    if isinstance(value, list):
        value = value[0]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def sort_key(field: FieldSpec, record: dict) -> tuple:
    """How the API orders records by ``field``: its value (ids as numbers), then the id."""
    value = record["id"] if field.api_name == "id" else record["attributes"][field.api_name]
    return (int(value) if field.value_type == "id" else value, int(record["id"]))


class Samples:
    """Valid values for any field, made from its ``value_type``: the nth of a few distinct ones.

    A relation's nth value is the id of the nth record of its target type, made on first use.
    """

    def __init__(self, api, users: list) -> None:
        self.api, self.users = api, users
        self.targets: dict[tuple[str, int], str] = {}

    def value(self, field: FieldSpec, n: int = 0) -> Any:
        one = self.one(field, n)
        return [one] if field.multiple else one

    def one(self, field: FieldSpec, n: int) -> Any:
        name = TEXTS[n].lower()
        makers = {
            "id": lambda: str(n + 1),
            "text": lambda: TEXTS[n],
            "email": lambda: f"{name}@sample.example",
            "phone": lambda: PHONES[n],
            "domain": lambda: f"{name}.example",
            "number": lambda: 1000 + n,
            "date": lambda: f"2024-0{n + 1}-15",
            "datetime": lambda: f"2024-0{n + 1}-15T09:30:00+00:00",
            "boolean": lambda: n % 2 == 0,
            "select": lambda: field.options[n % len(field.options)],
            "user": lambda: self.users[n % len(self.users)].id,
            "relation": lambda: self.target(field.target, n),
        }
        if field.value_type not in makers:
            raise NotImplementedError(f"Add a sample {field.value_type} value for these tests.")
        return makers[field.value_type]()

    def target(self, type_name: str, n: int) -> str:
        """The id of the nth sample record of ``type_name``."""
        if (type_name, n) not in self.targets:
            attributes = self.required(record_type(type_name), n)
            response = self.api.post(f"/api/v2/{type_name}", json={"attributes": attributes})
            assert response.status_code == 201, response.text
            self.targets[type_name, n] = response.get_json()["data"]["id"]
        return self.targets[type_name, n]

    def required(self, record_kind: RecordType, n: int = 0) -> dict[str, Any]:
        """Every required field of the type, with its nth value."""
        return {f.api_name: self.value(f, n) for f in record_kind.fields if f.required}

    def changes(self, record_kind: RecordType, n: int = 1) -> dict[str, Any]:
        """The required fields a patch may change, with their nth value."""
        return {
            f.api_name: self.value(f, n) for f in record_kind.fields if f.required and f.updatable
        }

    def attributes(self, record_kind: RecordType, field: FieldSpec, n: int = 0) -> dict:
        """A creatable body setting ``field`` (if creatable) with what it needs to be accepted."""
        given = self.required(record_kind, n)
        given |= NEEDS.get((record_kind.api_name, field.api_name), {})
        if field.creatable:
            given[field.api_name] = self.value(field, n)
        return given


@pytest.fixture
def samples(api, make_user) -> Samples:
    """Sample values; user fields point at the caller and two colleagues."""
    users = [api.user, make_user("member", name="Cora Colleague"), make_user("member")]
    _db.session.commit()
    return Samples(api, users)


@pytest.fixture
def create(api):
    """``create(type_name, attributes)``: a record made through the API, as its JSON ``data``."""

    def make(type_name: str, attributes: dict) -> dict:
        response = api.post(f"/api/v2/{type_name}", json={"attributes": attributes})
        assert response.status_code == 201, response.text
        return response.get_json()["data"]

    return make


@pytest.fixture
def reader(api_client):
    """A key that may read records but not write them."""
    return api_client(permissions=[access.CRM_READ])


@pytest.fixture
def outsider(api_client):
    """A key for the relationships API only: no crm permission at all."""
    return api_client(permissions=[access.RELATIONSHIPS_VIEW, access.RELATIONSHIPS_UPDATE])
