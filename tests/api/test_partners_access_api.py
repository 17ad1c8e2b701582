"""A client's partners (reference 002): which company and partner a path names, who may ask,
the list's fixed query cost, and the OpenAPI document."""

from __future__ import annotations

import pytest

from tests.api.client_helpers import (
    PARTNER,
    PARTNER_FIELDS,
    bulk_partners,
    client_company,
    created_partner,
    partner_path,
    partner_row,
    partner_snapshot,
    partners_path,
)
from tests.api.relationship_helpers import company, error_of
from webapp import access
from webapp.extensions import db as _db
from webapp.services.api_keys import revoke_api_key


@pytest.fixture
def prospect(db):
    """A company without a client profile: not a client."""
    firm = company("Prospect Widgets plc")
    _db.session.commit()
    return firm


# Which company, which partner


def endpoints(company_id: int, partner_id: int | str) -> list[tuple[str, str, dict | None, str]]:
    """(method, path, body, the permission it needs) for each partner endpoint."""
    return [
        ("get", partners_path(company_id), None, access.RELATIONSHIPS_VIEW),
        ("post", partners_path(company_id), PARTNER, access.RELATIONSHIPS_UPDATE),
        (
            "patch",
            partner_path(company_id, partner_id),
            {"notes": "x"},
            access.RELATIONSHIPS_UPDATE,
        ),
        ("delete", partner_path(company_id, partner_id), None, access.RELATIONSHIPS_MANAGE),
    ]


def call(caller, method: str, path: str, body: dict | None):
    return getattr(caller, method)(path, **({"json": body} if body is not None else {}))


def test_an_unknown_company_is_record_not_found_for_every_method(db, manager, partner):
    before = partner_snapshot(db)
    for method, path, body, _needed in endpoints(999_999, partner["id"]):
        error_of(call(manager, method, path, body), 404, "record_not_found")
    assert partner_snapshot(db) == before


def test_a_company_that_is_not_a_client_is_not_a_client_for_every_method(db, manager, prospect):
    before = partner_snapshot(db)
    for method, path, body, _needed in endpoints(prospect.id, 1):
        error = error_of(call(manager, method, path, body), 404, "not_a_client")
        assert "not a client" in error["message"]
        assert error["details"] == {"company_id": str(prospect.id)}
    assert partner_snapshot(db) == before


def test_a_partner_of_another_client_is_404_and_untouched(db, manager, api, client_firm, partner):
    other_client = client_company("Difference Engines plc")
    _db.session.commit()
    before = partner_snapshot(db)
    for method, path, body, _needed in endpoints(other_client.id, partner["id"])[2:]:
        error_of(call(manager, method, path, body), 404, "record_not_found")
    assert partner_snapshot(db) == before
    row = partner_row(db, partner["id"])
    assert row is not None and row.notes is None and row.company_id == client_firm.id


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_an_unknown_partner_is_404(db, manager, client_firm, method):
    before = partner_snapshot(db)
    body = {"notes": "x"} if method == "patch" else None
    error_of(call(manager, method, partner_path(client_firm.id, 999_999), body), 404)
    assert partner_snapshot(db) == before


def test_an_id_that_is_not_a_number_is_404(manager, client_firm):
    error_of(manager.get("/api/relationships/companies/abc/partners"), 404)
    error_of(manager.delete(partner_path(client_firm.id, "x")), 404)


# Who may ask


def test_without_a_key_or_with_a_revoked_one_every_method_is_401(
    db, client, api, client_firm, partner
):
    revoke_api_key(access.actor_for_user(api.user), api.api_key.id)
    _db.session.commit()
    before = partner_snapshot(db)
    for caller in (client, api):
        for method, path, body, _needed in endpoints(client_firm.id, partner["id"]):
            error_of(call(caller, method, path, body), 401, "unauthenticated")
    assert partner_snapshot(db) == before


@pytest.mark.parametrize("index", range(4), ids=["get", "post", "patch", "delete"])
def test_each_method_needs_its_permission(db, api_client, client_firm, partner, index):
    method, path, body, needed = endpoints(client_firm.id, partner["id"])[index]
    others = [p for p in access.ROLE_DEFAULTS["manager"] if p != needed]
    lacking = api_client(permissions=others, role="manager")
    before = partner_snapshot(db)
    error = error_of(call(lacking, method, path, body), 403, "forbidden")
    assert error["details"] == {"permission": needed}
    assert partner_snapshot(db) == before
    holding = api_client(permissions=[needed], role="manager")
    assert call(holding, method, path, body).status_code in (200, 201)


def test_the_permission_is_checked_before_the_company(db, api_client, prospect):
    lacking = api_client(permissions=[access.RELATIONSHIPS_UPDATE], role="manager")
    for company_id in (prospect.id, 999_999):
        error_of(lacking.get(partners_path(company_id)), 403, "forbidden")


def test_a_signed_in_browser_session_may_list_partners(client, login_as, client_firm, api):
    created_partner(api, client_firm)
    login_as("member")
    response = client.get(partners_path(client_firm.id))
    assert response.status_code == 200
    assert len(response.get_json()["partners"]) == 1


# The same few queries however many partners


def test_the_list_costs_the_same_queries_for_2_or_50_partners(db, api, count_queries):
    few, many = client_company("Few Partners Ltd"), client_company("Many Partners Ltd")
    _db.session.commit()
    bulk_partners(db, few, 2)
    bulk_partners(db, many, 50)
    api.get(partners_path(few.id))  # warm up
    counts = []
    for firm, expected in ((few, 2), (many, 50)):
        with count_queries() as statements:
            response = api.get(partners_path(firm.id))
        assert len(response.get_json()["partners"]) == expected
        counts.append(len(statements))
    assert counts[0] == counts[1]


# The OpenAPI document

DOCUMENTED = [
    ("get", "/api/relationships/companies/{company_id}/partners", "200", "PartnerList"),
    ("post", "/api/relationships/companies/{company_id}/partners", "201", "PartnerResponse"),
    (
        "patch",
        "/api/relationships/companies/{company_id}/partners/{partner_id}",
        "200",
        "PartnerResponse",
    ),
    ("delete", "/api/relationships/companies/{company_id}/partners/{partner_id}", "200", "Ok"),
]
PERMISSION_BY_METHOD = {
    "get": access.RELATIONSHIPS_VIEW,
    "post": access.RELATIONSHIPS_UPDATE,
    "patch": access.RELATIONSHIPS_UPDATE,
    "delete": access.RELATIONSHIPS_MANAGE,
}


@pytest.mark.parametrize(("method", "path", "success", "schema"), DOCUMENTED, ids=str)
def test_each_partner_operation_is_documented(client, method, path, success, schema):
    document = client.get("/api/openapi.json").get_json()
    operation = document["paths"][path][method]
    ref = operation["responses"][success]["content"]["application/json"]["schema"]["$ref"]
    assert ref == f"#/components/schemas/{schema}"
    assert {"401", "403", "404"} <= set(operation["responses"])
    assert PERMISSION_BY_METHOD[method] in operation["description"]


@pytest.mark.parametrize(
    ("method", "schema", "required"),
    [("post", "PartnerCreate", ["partner_company_name"]), ("patch", "PartnerUpdate", [])],
)
def test_the_documented_bodies_have_exactly_the_reference_fields(client, method, schema, required):
    document = client.get("/api/openapi.json").get_json()
    body = document["components"]["schemas"][schema]
    assert set(body["properties"]) == set(PARTNER_FIELDS)
    assert body.get("required", []) == required
    assert body["additionalProperties"] is False
