"""Custom objects: an admin defines one through ``POST /api/v2/_schema``; its records then work
with every records-API endpoint (create, read, list with filters and sorts, patch, archive,
restore, generic relationships), stored in shared tables without a migration per object."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tests.api.v2.conftest import error_of, fields_named, ids_of
from webapp import access
from webapp.extensions import db as _db
from webapp.models import AuditEvent
from webapp.models.custom_objects import CustomObject, CustomRecord, CustomUniqueValue
from webapp.services.records import custom_store
from webapp.services.records.registry import BUILT_IN

SCHEMA = "/api/v2/_schema"

PROJECT = {
    "slug": "project",
    "name": "Project",
    "description": "Work we do for a client.",
    "attributes": [
        {"slug": "code", "name": "Code", "value_type": "text", "required": True, "unique": True},
        {"slug": "title", "name": "Title", "value_type": "text"},
        {"slug": "budget", "name": "Budget", "value_type": "number"},
        {"slug": "starts_on", "name": "Starts on", "value_type": "date"},
        {"slug": "active", "name": "Active", "value_type": "boolean"},
        {
            "slug": "phase",
            "name": "Phase",
            "value_type": "select",
            "options": ["plan", "build", "run"],
        },
        {
            "slug": "tags",
            "name": "Tags",
            "value_type": "select",
            "multiple": True,
            "options": ["red", "green", "blue"],
        },
        {
            "slug": "client",
            "name": "Client contact",
            "value_type": "relation",
            "target_record_type": "contact",
        },
        {"slug": "owners", "name": "Owners", "value_type": "user", "multiple": True},
        {
            "slug": "parent",
            "name": "Parent project",
            "value_type": "relation",
            "target_record_type": "project",
        },
    ],
}


def definition(**changes: Any) -> dict:
    return {**PROJECT, **changes}


def with_attribute(**attribute: Any) -> dict:
    """A small object whose one attribute is ``attribute`` (slug and name filled in)."""
    given = {"slug": "thing", "name": "Thing", **attribute}
    return {"slug": "gadget", "name": "Gadget", "attributes": [given]}


def count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def events(action: str, object_type: str, object_id: Any) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(
        AuditEvent.action == action,
        AuditEvent.object_type == object_type,
        AuditEvent.object_id == int(object_id),
    )
    return list(_db.session.scalars(stmt.order_by(AuditEvent.id)))


@pytest.fixture
def admin(api_client):
    return api_client(role="executive", name="Ada Admin", is_admin=True)


@pytest.fixture
def project(admin) -> dict:
    response = admin.post(SCHEMA, json=PROJECT)
    assert response.status_code == 201, response.text
    return response.get_json()["data"]


@pytest.fixture
def ada(api) -> str:
    response = api.post(
        "/api/v2/contact",
        json={"attributes": {"first_name": "Ada", "contact_emails": ["ada@engines.example"]}},
    )
    assert response.status_code == 201, response.text
    return response.get_json()["data"]["id"]


@pytest.fixture
def grace(api) -> str:
    response = api.post("/api/v2/contact", json={"attributes": {"first_name": "Grace"}})
    assert response.status_code == 201, response.text
    return response.get_json()["data"]["id"]


@pytest.fixture
def colleague(make_user):
    user = make_user("member", name="Cora Colleague")
    _db.session.commit()
    return user


@pytest.fixture
def make(api, project):
    """``make(**attributes)``: a project made through the API (a code given if none is)."""
    made = iter(range(1, 1000))

    def create(**attributes: Any) -> dict:
        attributes.setdefault("code", f"P-{next(made)}")
        response = api.post("/api/v2/project", json={"attributes": attributes})
        assert response.status_code == 201, response.text
        return response.get_json()["data"]

    return create


# --- defining an object ---------------------------------------------------------------------


def test_an_admin_defines_an_object_and_reads_it_back_as_a_record_type(admin, api):
    response = admin.post(SCHEMA, json=PROJECT)

    assert response.status_code == 201, response.text
    defined = response.get_json()["data"]
    assert defined == api.get(f"{SCHEMA}/project").get_json()["data"]
    assert defined["api_name"] == "project"
    assert defined["label"] == "Project"
    assert defined["custom"] is True
    assert defined["supports_assert"] is False
    assert defined["relationship_support"] == "generic"
    fields = {field["api_name"]: field for field in defined["fields"]}
    assert list(fields) == [
        "id",
        *(attribute["slug"] for attribute in PROJECT["attributes"]),
        "created_at",
        "updated_at",
        "archived_at",
    ]
    assert fields["code"] | {} == fields["code"]
    assert (fields["code"]["unique"], fields["code"]["required"], fields["code"]["nullable"]) == (
        True,
        True,
        False,
    )
    assert fields["code"]["filterable"] and fields["code"]["sortable"]
    assert fields["phase"]["options"] == ["plan", "build", "run"]
    assert fields["tags"]["is_array"] and not fields["tags"]["sortable"]
    assert fields["client"]["target_record_type"] == "contact"
    assert fields["client"]["filterable"] and fields["owners"]["filterable"]
    assert not fields["title"]["filterable"]
    assert fields["budget"]["sortable"] and fields["starts_on"]["sortable"]
    assert not fields["active"]["sortable"]
    relationships = {r["api_name"]: r for r in defined["relationships"]}
    assert set(relationships) == {"client", "parent"}
    assert relationships["client"] | {"edge_attributes": []} == {
        "api_name": "client",
        "label": "Client contact",
        "target_record_type": "contact",
        "cardinality": "many_to_one",
        "kind": "generic",
        "writable": True,
        "edge_attributes": [],
    }


def test_a_defined_object_joins_the_schema_list_after_the_built_in_types(admin, api, project):
    listed = [kind["api_name"] for kind in api.get(SCHEMA).get_json()["data"]]

    assert listed == [*BUILT_IN, "project"]


def test_defining_an_object_is_audited(admin, project):
    stored = _db.session.scalar(select(CustomObject).where(CustomObject.slug == "project"))

    [event] = events("create", "custom_object", stored.id)
    assert event.user_id == admin.user.id
    assert event.changes["slug"] == {"before": None, "after": "project"}
    assert len(event.changes["attributes"]["after"]) == len(PROJECT["attributes"])


@pytest.mark.parametrize(
    "permissions",
    [[access.CRM_READ, access.CRM_WRITE], [access.CRM_READ]],
    ids=["writer", "reader"],
)
def test_defining_an_object_needs_the_admin_permission(api_client, permissions):
    caller = api_client(permissions=permissions)

    response = caller.post(SCHEMA, json=PROJECT)

    error_of(response, 403, "forbidden")
    assert count(CustomObject) == 0


def test_an_admin_key_without_the_admin_permission_cannot_define(api_client):
    caller = api_client(role="executive", is_admin=True, permissions=[access.CRM_WRITE])

    error_of(caller.post(SCHEMA, json=PROJECT), 403, "forbidden")


def test_defining_without_a_key_is_401(client, db):
    error_of(client.post(SCHEMA, json=PROJECT), 401, "unauthenticated")


BROKEN_RULES = [
    ("slug missing", definition(slug=None), "slug"),
    ("slug reserved for the API", definition(slug="_secret"), "slug"),
    ("slug in capitals", definition(slug="Project"), "slug"),
    ("slug too short", definition(slug="p"), "slug"),
    ("slug too long", definition(slug="p" * 41), "slug"),
    ("slug with a dash", definition(slug="client-project"), "slug"),
    ("slug of a built-in type", definition(slug="contact"), "slug"),
    ("slug of a planned type", definition(slug="opportunity"), "slug"),
    ("name missing", definition(name="  "), "name"),
    ("no attributes", definition(attributes=[]), "attributes"),
    ("attributes not a list", definition(attributes={"code": "text"}), "attributes"),
    ("attribute not an object", definition(attributes=["code"]), "attributes[0]"),
    ("attribute slug of a system field", with_attribute(slug="id", value_type="text"), "slug"),
    ("attribute slug of a list word", with_attribute(slug="sort", value_type="text"), "slug"),
    ("attribute without a name", with_attribute(name="", value_type="text"), "name"),
    ("unknown value type", with_attribute(value_type="money"), "value_type"),
    ("missing value type", with_attribute(), "value_type"),
    ("select without options", with_attribute(value_type="select"), "options"),
    (
        "select with repeated options",
        with_attribute(value_type="select", options=["a", "a"]),
        "options",
    ),
    ("options on text", with_attribute(value_type="text", options=["a"]), "options"),
    ("relation without target", with_attribute(value_type="relation"), "target_record_type"),
    (
        "relation to an unknown type",
        with_attribute(value_type="relation", target_record_type="invoice"),
        "target_record_type",
    ),
    (
        "relation to scoped personal work",
        with_attribute(value_type="relation", target_record_type="task"),
        "target_record_type",
    ),
    (
        "target on a text attribute",
        with_attribute(value_type="text", target_record_type="contact"),
        "target_record_type",
    ),
    ("unique number", with_attribute(value_type="number", unique=True), "unique"),
    ("several texts", with_attribute(value_type="text", multiple=True), "multiple"),
    ("required not a boolean", with_attribute(value_type="text", required="yes"), "required"),
]


@pytest.mark.parametrize(
    ("body", "path"), [r[1:] for r in BROKEN_RULES], ids=[r[0] for r in BROKEN_RULES]
)
def test_each_rule_of_a_definition_is_422_naming_where_it_broke(admin, body, path):
    response = admin.post(SCHEMA, json=body)

    error = error_of(response, 422, "validation_failed")
    named = fields_named(error)
    assert path in named or f"attributes[0].{path}" in named, named
    assert count(CustomObject) == 0


def test_two_attributes_with_one_slug_are_refused(admin):
    twice = {"slug": "code", "name": "Code", "value_type": "text"}

    error = error_of(
        admin.post(SCHEMA, json=definition(attributes=[twice, twice])), 422, "validation_failed"
    )

    assert fields_named(error) == {"attributes[1].slug"}


def test_every_problem_is_reported_at_once(admin):
    body = {"slug": "_x", "name": "", "attributes": [{"slug": "a", "value_type": "select"}]}

    error = error_of(admin.post(SCHEMA, json=body), 422, "validation_failed")

    assert fields_named(error) == {
        "slug",
        "name",
        "attributes[0].slug",
        "attributes[0].name",
        "attributes[0].options",
    }


def test_unknown_keys_are_400_unknown_field(admin):
    body = definition(colour="blue", attributes=[{"slug": "code", "name": "Code", "kind": "text"}])

    error = error_of(admin.post(SCHEMA, json=body), 400, "unknown_field")

    assert fields_named(error) == {"colour", "attributes[0].kind"}
    assert count(CustomObject) == 0


def test_a_body_that_is_not_a_json_object_is_400(admin):
    error_of(admin.post(SCHEMA, data="slug=project"), 400, "invalid_json")
    error_of(admin.post(SCHEMA, json=["project"]), 400, "invalid_json")


def test_a_slug_already_defined_is_409_conflict(admin, project):
    error = error_of(admin.post(SCHEMA, json=definition(name="Other")), 409, "conflict")

    assert error["details"]["field"] == "slug"
    assert count(CustomObject) == 1


def test_a_relation_may_point_at_another_custom_object(admin, project, api):
    body = with_attribute(value_type="relation", target_record_type="project", multiple=True)

    response = admin.post(SCHEMA, json=body)

    assert response.status_code == 201, response.text
    [relationship] = response.get_json()["data"]["relationships"]
    assert (relationship["target_record_type"], relationship["cardinality"]) == (
        "project",
        "many_to_many",
    )


# --- creating and reading records -------------------------------------------------------------


def test_a_record_is_created_with_every_kind_of_value_and_read_back(api, project, ada, colleague):
    attributes = {
        "code": "ACME-1",
        "title": "  Website  ",
        "budget": 1250.5,
        "starts_on": "2024-02-29",
        "active": True,
        "phase": "build",
        "tags": ["red", "blue", "red"],
        "client": ada,
        "owners": [colleague.id, str(api.user.id)],
    }

    response = api.post("/api/v2/project", json={"attributes": attributes})

    assert response.status_code == 201, response.text
    created = response.get_json()["data"]
    assert created["record_type"] == "project"
    shown = created["attributes"]
    assert {key: shown[key] for key in attributes} == {
        "code": "ACME-1",
        "title": "Website",
        "budget": 1250.5,
        "starts_on": "2024-02-29",
        "active": True,
        "phase": "build",
        "tags": ["red", "blue"],
        "client": ada,
        "owners": [str(colleague.id), str(api.user.id)],
    }
    assert shown["parent"] is None and shown["archived_at"] is None
    assert shown["created_at"] and shown["updated_at"]
    assert api.get(f"/api/v2/project/{created['id']}").get_json()["data"] == created


def test_numbers_read_back_exactly(make):
    assert make(budget=1000)["attributes"]["budget"] == 1000
    assert make(budget=0.1)["attributes"]["budget"] == 0.1
    assert make(budget=9999999999999.99)["attributes"]["budget"] == 9999999999999.99


def test_unset_attributes_read_as_null_or_an_empty_list(make):
    shown = make()["attributes"]

    assert shown["title"] is None and shown["budget"] is None and shown["active"] is None
    assert shown["tags"] == [] and shown["owners"] == [] and shown["client"] is None


def test_creating_a_record_is_audited_under_its_object(api, make, ada):
    created = make(code="ACME-1", client=ada)

    [event] = events("create", "custom_record:project", created["id"])
    assert event.user_id == api.user.id and event.api_key_id == api.api_key.id
    assert event.changes["code"] == {"before": None, "after": "ACME-1"}
    assert event.changes["client"] == {"before": None, "after": [int(ada)]}


def test_a_required_attribute_missing_is_422_field_required_missing(api, project):
    response = api.post("/api/v2/project", json={"attributes": {"title": "No code"}})

    assert fields_named(error_of(response, 422, "field_required_missing")) == {"code"}
    assert count(CustomRecord) == 0


def test_unknown_and_system_attributes_are_refused(api, project):
    unknown = api.post("/api/v2/project", json={"attributes": {"code": "A", "colour": "red"}})
    system = api.post("/api/v2/project", json={"attributes": {"code": "A", "created_at": "x"}})

    assert fields_named(error_of(unknown, 400, "unknown_field")) == {"colour"}
    assert fields_named(error_of(system, 400, "field_not_creatable")) == {"created_at"}
    assert count(CustomRecord) == 0


BAD_VALUES = [
    ("budget", "1200"),
    ("budget", -5),
    ("budget", 1.005),
    ("starts_on", "2024-02-30"),
    ("starts_on", 20240101),
    ("active", "yes"),
    ("phase", "ship"),
    ("tags", "red"),
    ("tags", ["red", "pink"]),
    ("title", ["a", "b"]),
    ("title", "x" * 2001),
    ("code", "x" * 201),
    ("client", "ada"),
    ("client", [1]),
    ("client", 999999),
    ("owners", [999999]),
    ("owners", 1),
]


@pytest.mark.parametrize(
    ("name", "value"), BAD_VALUES, ids=[f"{n}={v!r:.20}" for n, v in BAD_VALUES]
)
def test_a_value_its_type_refuses_is_422_field_value_invalid(api, project, name, value):
    attributes = {"code": "OK-1", name: value} if name != "code" else {"code": value}

    response = api.post("/api/v2/project", json={"attributes": attributes})

    assert fields_named(error_of(response, 422, "field_value_invalid")) == {name}
    assert count(CustomRecord) == 0


def test_a_relation_to_an_archived_record_is_refused(api, make, ada):
    assert api.delete(f"/api/v2/contact/{ada}").status_code == 204

    response = api.post("/api/v2/project", json={"attributes": {"code": "A", "client": ada}})

    error = error_of(response, 422, "field_value_invalid")
    assert f"No live contact with id {ada}" in error["details"]["fields"]["client"][0]


def test_a_relation_to_a_record_of_another_custom_object_is_refused(api, admin, make):
    admin.post(SCHEMA, json=with_attribute(value_type="text"))
    gadget = api.post("/api/v2/gadget", json={"attributes": {"thing": "x"}}).get_json()["data"]

    response = api.post(
        "/api/v2/project", json={"attributes": {"code": "A", "parent": gadget["id"]}}
    )

    assert fields_named(error_of(response, 422, "field_value_invalid")) == {"parent"}


def test_records_of_one_object_are_not_records_of_another(api, admin, make):
    admin.post(SCHEMA, json=with_attribute(value_type="text"))
    gadget = api.post("/api/v2/gadget", json={"attributes": {"thing": "x"}}).get_json()["data"]
    mine = make()

    error_of(api.get(f"/api/v2/project/{gadget['id']}"), 404, "record_not_found")
    error_of(
        api.patch(f"/api/v2/project/{gadget['id']}", json={"attributes": {}}),
        404,
        "record_not_found",
    )
    error_of(api.delete(f"/api/v2/project/{gadget['id']}"), 404, "record_not_found")
    listed = api.get("/api/v2/project").get_json()
    assert [record["id"] for record in listed["data"]] == [mine["id"]]
    assert listed["meta"]["total"] == 1


def test_reading_a_missing_record_or_an_unknown_type_is_404(api, project):
    error_of(api.get("/api/v2/project/999999"), 404, "record_not_found")
    error_of(api.get("/api/v2/invoice/1"), 404, "unknown_record_type")


def test_records_need_the_crm_permissions(api_client, make):
    record = make()
    reader = api_client(permissions=[access.CRM_READ])
    outsider = api_client(permissions=[access.RELATIONSHIPS_VIEW])

    assert reader.get(f"/api/v2/project/{record['id']}").status_code == 200
    error_of(reader.post("/api/v2/project", json={"attributes": {"code": "B"}}), 403, "forbidden")
    error_of(reader.delete(f"/api/v2/project/{record['id']}"), 403, "forbidden")
    error_of(outsider.get("/api/v2/project"), 403, "forbidden")


def test_assert_is_not_offered_for_custom_objects(api, project):
    response = api.post("/api/v2/project/_assert", json={"match": {"code": "A"}})

    error_of(response, 405, "operation_not_supported")


# --- patch rules ------------------------------------------------------------------------------


def patch(api, record: dict, **attributes: Any):
    return api.patch(f"/api/v2/project/{record['id']}", json={"attributes": attributes})


def test_omitted_attributes_stay_and_given_ones_change(api, make, ada, colleague):
    record = make(title="Website", budget=10, phase="plan", tags=["red"], client=ada)

    response = patch(api, record, budget=20.25, phase="run", owners=[colleague.id])

    assert response.status_code == 200, response.text
    shown = response.get_json()["data"]["attributes"]
    assert (shown["title"], shown["tags"], shown["client"]) == ("Website", ["red"], ada)
    assert (shown["budget"], shown["phase"], shown["owners"]) == (20.25, "run", [str(colleague.id)])


@pytest.mark.parametrize(
    ("name", "value", "cleared"),
    [
        ("title", "Website", None),
        ("budget", 5, None),
        ("starts_on", "2024-01-01", None),
        ("active", False, None),
        ("phase", "plan", None),
        ("tags", ["red"], []),
        ("client", "ada", None),
        ("owners", "me", []),
    ],
)
def test_null_clears_a_nullable_attribute_of_each_type(api, make, ada, name, value, cleared):
    value = {"ada": ada, "me": [api.user.id]}.get(value, value) if isinstance(value, str) else value
    record = make(**{name: value})
    assert record["attributes"][name] not in (None, [])

    response = patch(api, record, **{name: None})

    assert response.status_code == 200, response.text
    assert response.get_json()["data"]["attributes"][name] == cleared
    assert (
        api.get(f"/api/v2/project/{record['id']}").get_json()["data"]["attributes"][name] == cleared
    )


def test_an_array_replaces_the_whole_list(api, make, colleague):
    record = make(tags=["red", "green"], owners=[api.user.id])

    response = patch(api, record, tags=["blue"], owners=[colleague.id, api.user.id])

    shown = response.get_json()["data"]["attributes"]
    assert shown["tags"] == ["blue"]
    assert shown["owners"] == [str(colleague.id), str(api.user.id)]


def test_an_empty_array_clears_a_list(api, make):
    record = make(tags=["red"], owners=[api.user.id])

    shown = patch(api, record, tags=[], owners=[]).get_json()["data"]["attributes"]

    assert (shown["tags"], shown["owners"]) == ([], [])


def test_null_on_a_required_attribute_is_422_and_changes_nothing(api, make):
    record = make(code="ACME-1")

    error = error_of(patch(api, record, code=None), 422, "field_value_invalid")

    assert fields_named(error) == {"code"}
    assert api.get(f"/api/v2/project/{record['id']}").get_json()["data"] == record


def test_system_fields_cannot_be_patched(api, make):
    record = make()

    error = error_of(
        patch(api, record, updated_at="2024-01-01T00:00:00+00:00"), 400, "field_not_updatable"
    )

    assert fields_named(error) == {"updated_at"}


def test_a_patch_is_audited_with_what_changed_only(api, make, ada):
    record = make(code="ACME-1", title="Website", client=ada)

    patch(api, record, title="Shop", client=None, code="ACME-1")

    [event] = events("update", "custom_record:project", record["id"])
    assert event.changes == {
        "title": {"before": "Website", "after": "Shop"},
        "client": {"before": [int(ada)], "after": []},
    }


def test_a_patch_that_changes_nothing_writes_no_event(api, make):
    record = make(title="Website")

    assert patch(api, record, title="Website").status_code == 200

    assert events("update", "custom_record:project", record["id"]) == []


def test_changing_only_a_link_updates_the_record_time(api, make, ada):
    record = make()

    patched = patch(api, record, client=ada).get_json()["data"]

    assert patched["attributes"]["updated_at"] > record["attributes"]["updated_at"]


# --- unique attributes ------------------------------------------------------------------------


def test_a_unique_value_another_record_holds_is_409_ignoring_case(api, make):
    make(code="ACME-1")

    response = api.post("/api/v2/project", json={"attributes": {"code": "acme-1"}})

    error = error_of(response, 409, "conflict")
    assert error["details"]["field"] == "code"
    assert "acme-1" in error["message"]
    assert count(CustomRecord) == 1


def test_patching_in_a_taken_unique_value_is_409_and_changes_nothing(api, make):
    make(code="ACME-1")
    other = make(code="ACME-2")

    error_of(patch(api, other, code="ACME-1", title="Taken"), 409, "conflict")

    assert api.get(f"/api/v2/project/{other['id']}").get_json()["data"] == other


def test_a_record_keeps_and_recases_its_own_unique_value(api, make):
    record = make(code="ACME-1")

    response = patch(api, record, code="acme-1")

    assert response.status_code == 200
    assert response.get_json()["data"]["attributes"]["code"] == "acme-1"
    assert _db.session.scalars(select(CustomUniqueValue.value)).all() == ["acme-1"]


def test_a_freed_unique_value_can_be_taken_by_another_record(api, make):
    first = make(code="ACME-1")
    patch(api, first, code="ACME-9")

    assert make(code="ACME-1")["attributes"]["code"] == "ACME-1"


def test_an_archived_record_keeps_its_unique_value(api, make):
    record = make(code="ACME-1")
    api.delete(f"/api/v2/project/{record['id']}")

    error_of(api.post("/api/v2/project", json={"attributes": {"code": "ACME-1"}}), 409, "conflict")


def test_the_database_refuses_a_duplicate_that_slips_past_the_check(api, make, monkeypatch):
    """Two writes racing both pass the check; the unique index stops the second (409)."""
    make(code="ACME-1")
    monkeypatch.setattr(custom_store, "_check_unique_free", lambda *args: None)

    response = api.post("/api/v2/project", json={"attributes": {"code": "Acme-1"}})

    assert error_of(response, 409, "conflict")["details"]["field"] == "code"
    assert count(CustomRecord) == 1


def test_unique_values_of_different_objects_do_not_clash(api, admin, make):
    admin.post(SCHEMA, json=with_attribute(slug="code", value_type="text", unique=True))
    make(code="ACME-1")

    response = api.post("/api/v2/gadget", json={"attributes": {"code": "ACME-1"}})

    assert response.status_code == 201, response.text


# --- lists: filters and sorts -----------------------------------------------------------------


def test_a_list_filters_on_a_unique_attribute_ignoring_case(api, make):
    wanted = make(code="ACME-1")
    make(code="ACME-2")

    assert ids_of(api.get("/api/v2/project?code=acme-1")) == [wanted["id"]]
    assert ids_of(api.get("/api/v2/project?code=NOPE")) == []


def test_a_list_filters_on_a_relation_and_on_a_user(api, make, ada, grace, colleague):
    for_ada = make(client=ada, owners=[colleague.id])
    make(client=grace, owners=[api.user.id])
    both = make(client=ada, owners=[api.user.id, colleague.id])

    assert ids_of(api.get(f"/api/v2/project?client={ada}")) == [for_ada["id"], both["id"]]
    assert ids_of(api.get(f"/api/v2/project?owners={colleague.id}")) == [
        for_ada["id"],
        both["id"],
    ]
    assert ids_of(api.get(f"/api/v2/project?client={ada}&owners={api.user.id}")) == [both["id"]]


def test_filtering_on_a_plain_attribute_is_refused(api, make):
    error = error_of(api.get("/api/v2/project?title=Website"), 400, "field_not_filterable")

    assert fields_named(error) == {"title"}


def test_a_filter_value_its_type_refuses_is_400_invalid_filter(api, make):
    error_of(api.get("/api/v2/project?client=ada"), 400, "invalid_filter")


@pytest.mark.parametrize(
    ("sort", "values"),
    [
        ("budget", [None, 2, 10.5, 300]),
        ("starts_on", [None, "2023-12-31", "2024-01-02", "2024-10-01"]),
        ("phase", [None, "build", "plan", "run"]),
        ("code", ["A-1", "B-2", "C-3", "D-4"]),
    ],
)
def test_a_list_sorts_by_a_scalar_attribute_missing_values_first(api, make, sort, values):
    made = {}
    for value, code in zip(reversed(values), ["D-4", "C-3", "B-2", "A-1"], strict=True):
        given = {"code": code} if sort == "code" else {"code": code, sort: value}
        made[value] = make(**given)["id"]
    ascending = [made[value] for value in values]

    assert ids_of(api.get(f"/api/v2/project?sort={sort}")) == ascending
    assert ids_of(api.get(f"/api/v2/project?sort=-{sort}")) == list(reversed(ascending))


@pytest.mark.parametrize("sort", ["active", "tags", "owners", "client", "title_x"])
def test_sorting_by_a_list_a_boolean_or_a_link_is_400_invalid_sort(api, make, sort):
    error_of(api.get(f"/api/v2/project?sort={sort}"), 400, "invalid_sort")


CURSOR_SORTS = [
    ("budget", [None, 5, None, 5, 1, 3.5, None, 1000]),
    ("starts_on", [None, "2024-05-01", None, "2024-05-01", "1999-12-31", None, "2030-01-01"]),
    ("phase", [None, "run", None, "run", "build", "plan", None]),
]


def walk(api, url: str) -> list[str]:
    """Every record id a list gives, following its next links."""
    seen = []
    while url:
        body = api.get(url).get_json()
        assert "data" in body, body
        seen += [record["id"] for record in body["data"]]
        url = body["links"].get("next")
    return seen


@pytest.mark.parametrize(("sort", "values"), CURSOR_SORTS, ids=[s for s, _ in CURSOR_SORTS])
@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
def test_a_cursor_walks_a_sorted_list_without_skipping_or_repeating(
    api, make, sort, values, descending
):
    made = [int(make(**{sort: value})["id"]) for value in values]
    missing_first = {"budget": -1, "starts_on": "", "phase": ""}[sort]
    order = sorted(
        range(len(values)),
        key=lambda i: (values[i] if values[i] is not None else missing_first, made[i]),
        reverse=descending,
    )
    direction = "-" if descending else ""

    seen = walk(api, f"/api/v2/project?sort={direction}{sort}&per_page=2&cursor=")

    assert seen == [str(made[i]) for i in order]


def test_pages_count_only_this_objects_live_records(api, make):
    kept = [make()["id"] for _ in range(3)]
    gone = make()
    api.delete(f"/api/v2/project/{gone['id']}")

    first = api.get("/api/v2/project?per_page=2").get_json()

    assert first["meta"]["total"] == 3
    assert [r["id"] for r in first["data"]] == kept[:2]
    assert api.get("/api/v2/project?include_archived=true").get_json()["meta"]["total"] == 4


def test_a_list_is_the_same_number_of_queries_for_2_or_12_records(
    api, make, ada, colleague, count_queries
):
    def listed_queries() -> int:
        with count_queries() as statements:
            assert api.get("/api/v2/project?per_page=50").status_code == 200
        return len(statements)

    for _ in range(2):
        make(client=ada, owners=[colleague.id], tags=["red"])
    few = listed_queries()
    for _ in range(10):
        make(client=ada, owners=[colleague.id, api.user.id], tags=["red"])

    assert listed_queries() == few


# --- archive and restore ----------------------------------------------------------------------


def test_archive_hides_a_record_and_restore_brings_it_back(api, make):
    record = make(code="ACME-1")
    path = f"/api/v2/project/{record['id']}"

    archived = api.delete(path)

    assert archived.status_code == 204 and archived.data == b""
    error = error_of(api.get(path), 404, "record_not_found")
    assert error["details"]["archived"] is True
    assert ids_of(api.get("/api/v2/project")) == []
    assert ids_of(api.get("/api/v2/project?include_archived=true")) == [record["id"]]
    assert api.get(f"{path}?include_archived=true").get_json()["data"]["attributes"]["archived_at"]
    error_of(api.patch(path, json={"attributes": {"title": "x"}}), 404, "record_not_found")

    restored = api.post(f"{path}/_restore")

    assert restored.status_code == 200
    assert restored.get_json()["data"]["attributes"]["archived_at"] is None
    assert ids_of(api.get("/api/v2/project")) == [record["id"]]


def test_archive_and_restore_are_audited_once_each(api, make):
    record = make()
    path = f"/api/v2/project/{record['id']}"

    assert api.delete(path).status_code == 204
    assert api.delete(path).status_code == 204
    api.post(f"{path}/_restore")

    assert len(events("archive", "custom_record:project", record["id"])) == 1
    [restored] = events("restore", "custom_record:project", record["id"])
    assert restored.changes["archived_at"]["after"] is None


# --- relation attributes as generic relationships ---------------------------------------------


def related(record: dict, name: str, target: Any = None) -> str:
    path = f"/api/v2/project/{record['id']}/relationship/{name}"
    return path if target is None else f"{path}/{target}"


def test_a_relation_attribute_is_read_as_a_generic_relationship(api, make, ada):
    record = make(client=ada)

    response = api.get(related(record, "client"))

    assert response.status_code == 200, response.text
    body = response.get_json()
    assert body["parent"] == {"id": record["id"], "record_type": "project"}
    assert body["relationship"] == "client"
    [item] = body["data"]
    assert (item["id"], item["record_type"], item["edge"]) == (ada, "contact", None)
    assert item["attributes"]["first_name"] == "Ada"
    assert body["meta"]["total"] == 1


def test_adding_through_the_relationship_sets_a_single_relation(api, make, ada, grace):
    record = make(client=ada)

    added = api.post(related(record, "client"), json={"related_record_id": grace})
    again = api.post(related(record, "client"), json={"related_record_id": grace})

    assert added.status_code == 201, added.text
    assert added.get_json()["meta"] == {"action": "created"}
    assert again.status_code == 200
    shown = api.get(f"/api/v2/project/{record['id']}").get_json()["data"]["attributes"]
    assert shown["client"] == grace
    [event] = events("update", "custom_record:project", record["id"])
    assert event.changes["client"] == {"before": [int(ada)], "after": [int(grace)]}


def test_a_target_can_be_matched_by_a_unique_field(api, make, ada):
    record = make()

    response = api.post(
        related(record, "client"),
        json={"related_record_match": {"contact_emails": "ADA@engines.example"}},
    )

    assert response.status_code == 201, response.text
    assert response.get_json()["data"]["id"] == ada


def test_deleting_a_link_clears_the_attribute(api, make, ada):
    record = make(client=ada)

    response = api.delete(related(record, "client", ada))

    assert response.status_code == 204
    assert (
        api.get(f"/api/v2/project/{record['id']}").get_json()["data"]["attributes"]["client"]
        is None
    )
    error_of(api.delete(related(record, "client", ada)), 404, "target_record_not_found")


def test_patching_a_generic_link_is_405_operation_not_supported(api, make, ada):
    record = make(client=ada)

    response = api.patch(related(record, "client", ada), json={"role": "CTO"})

    error_of(response, 405, "operation_not_supported")


def test_a_missing_target_is_404_and_a_user_attribute_is_no_relationship(api, make):
    record = make()

    error_of(
        api.post(related(record, "client"), json={"related_record_id": 999999}),
        404,
        "target_record_not_found",
    )
    error_of(api.get(related(record, "owners")), 404, "unknown_relationship")


def test_a_relation_to_the_same_object_lists_and_links_its_records(api, admin, make):
    admin_body = definition(
        slug="programme",
        attributes=[
            {"slug": "code", "name": "Code", "value_type": "text", "unique": True},
            {
                "slug": "parts",
                "name": "Parts",
                "value_type": "relation",
                "multiple": True,
                "target_record_type": "project",
            },
        ],
    )
    assert admin.post(SCHEMA, json=admin_body).status_code == 201
    first, second = make(code="P-A"), make(code="P-B")
    programme = api.post("/api/v2/programme", json={"attributes": {"parts": [first["id"]]}})
    programme = programme.get_json()["data"]
    path = f"/api/v2/programme/{programme['id']}/relationship/parts"

    by_match = api.post(path, json={"related_record_match": {"code": "p-b"}})
    listed = api.get(path).get_json()

    assert by_match.status_code == 201, by_match.text
    assert [(r["id"], r["record_type"]) for r in listed["data"]] == [
        (first["id"], "project"),
        (second["id"], "project"),
    ]
    assert api.delete(f"/api/v2/project/{first['id']}").status_code == 204
    assert [r["id"] for r in api.get(path).get_json()["data"]] == [second["id"]]
    assert api.get(f"{path}?include_archived=true").get_json()["meta"]["total"] == 2
    assert api.delete(f"{path}/{second['id']}").status_code == 204
    shown = api.get(f"/api/v2/programme/{programme['id']}").get_json()["data"]["attributes"]
    assert shown["parts"] == [first["id"]]


def test_removing_the_link_of_a_required_relation_is_422(api, admin, ada):
    body = with_attribute(value_type="relation", target_record_type="contact", required=True)
    admin.post(SCHEMA, json=body)
    gadget = api.post("/api/v2/gadget", json={"attributes": {"thing": ada}}).get_json()["data"]

    response = api.delete(f"/api/v2/gadget/{gadget['id']}/relationship/thing/{ada}")

    assert fields_named(error_of(response, 422, "field_value_invalid")) == {"thing"}
    assert (
        api.get(f"/api/v2/gadget/{gadget['id']}").get_json()["data"]["attributes"]["thing"] == ada
    )


# --- surgical relation updates and batches -----------------------------------------------------


def test_the_relation_endpoint_adds_and_removes_ids_on_a_user_attribute(api, make, colleague):
    record = make(owners=[api.user.id])

    response = api.patch(
        f"/api/v2/project/{record['id']}/relation",
        json={"attribute": "owners", "add": [str(colleague.id)], "remove": [str(api.user.id)]},
    )

    assert response.status_code == 200, response.text
    assert response.get_json()["data"]["attributes"]["owners"] == [str(colleague.id)]
    [event] = events("update", "custom_record:project", record["id"])
    assert event.changes["owners"] == {"before": [api.user.id], "after": [colleague.id]}


def test_the_relation_endpoint_refuses_a_record_that_does_not_exist(api, make, ada):
    record = make(client=ada)

    response = api.patch(
        f"/api/v2/project/{record['id']}/relation",
        json={"attribute": "parent", "add": ["999999"]},
    )

    assert fields_named(error_of(response, 422, "field_value_invalid")) == {"parent"}


def test_a_batch_creates_records_each_on_its_own(api, make):
    make(code="ACME-1")

    response = api.post(
        "/api/v2/project/_batch",
        json={
            "records": [
                {"attributes": {"code": "ACME-2", "budget": 10}},
                {"attributes": {"code": "acme-1"}},
                {"attributes": {"title": "No code"}},
            ]
        },
    )

    assert response.status_code == 200, response.text
    assert [item["status"] for item in response.get_json()["data"]] == [201, 409, 422]
    assert ids_of(api.get("/api/v2/project?code=ACME-2")) != []
    assert count(CustomRecord) == 2


# --- the OpenAPI document ---------------------------------------------------------------------


def test_the_openapi_document_describes_defining_and_the_new_objects_paths(client, project):
    document = client.get("/api/openapi.json").get_json()

    defining = document["paths"]["/api/v2/_schema"]["post"]
    assert set(defining["responses"]) >= {"201", "403", "409", "422"}
    body = defining["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    described = document["components"]["schemas"][body.rsplit("/", 1)[-1]]
    assert set(described["properties"]) == {"slug", "name", "description", "attributes"}
    assert defining["description"] == "Permission: admin"
    assert {"get", "post"} <= set(document["paths"]["/api/v2/project"])
    assert "/api/v2/project/{record_id}/relationship/{api_name}" in document["paths"]
