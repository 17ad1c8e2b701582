"""Contact-to-contact relationships (reference 004): the type groups and types, linking two people,
reading each link from both sides, changing and removing it, with errors, permissions and audit."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.api.relationship_helpers import audit_events, error_of
from tests.factories import ContactFactory
from webapp import access, demo
from webapp.models import ContactRelationship, RelationshipType, RelationshipTypeGroup

GROUPS = "/api/v2/relationship-type-groups"
TYPES = "/api/v2/relationship-types"
LINKS = "/api/v2/contact-relationships"


def _built_in_types() -> tuple[tuple[str, str, str], ...]:
    """(group, name, reverse name) of every type the migration seeds."""
    path = Path(__file__).parents[3] / "migrations/versions/0008_contact_relationships.py"
    spec = importlib.util.spec_from_file_location("seeded_relationship_types", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BUILT_IN_TYPES


BUILT_IN_TYPES = _built_in_types()


def readings_of(api, contact_id: int) -> list[dict]:
    response = api.get(f"/api/v2/contact/{contact_id}/contact-relationships")
    assert response.status_code == 200, response.text
    return response.get_json()["data"]


def said(api, contact_id: int) -> list[tuple[str, bool, int]]:
    """(name, is_reverse, other person's id) of each of the contact's relationships."""
    return [(r["name"], r["is_reverse"], r["contact"]["id"]) for r in readings_of(api, contact_id)]


def link(api, contact_is: int, type_id: int, of_contact: int) -> dict:
    body = {"contact_is": contact_is, "relationship_type_id": type_id, "of_contact": of_contact}
    response = api.post(LINKS, json=body)
    assert response.status_code == 201, response.text
    return response.get_json()["data"]


def type_id(db, name: str, group: str | None = None) -> int:
    stmt = select(RelationshipType.id).where(RelationshipType.name == name)
    if group is not None:
        stmt = stmt.join(RelationshipType.group).where(RelationshipTypeGroup.name == group)
    return db.session.scalar(stmt)


def stored_links(db) -> list[tuple[int, int, int]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(
            ContactRelationship.contact_is_id,
            ContactRelationship.relationship_type_id,
            ContactRelationship.of_contact_id,
        ).order_by(ContactRelationship.id)
    )
    return [tuple(row) for row in rows]


def archive(api, contact_id: int) -> None:
    response = api.delete(f"/api/v2/contact/{contact_id}")
    assert response.status_code in (200, 204), response.text


@pytest.fixture
def people(db):
    """Peter, John and Mary: three contacts."""
    made = [
        ContactFactory(first_name=first, last_name=last)
        for first, last in (("Peter", "Parker"), ("John", "Smith"), ("Mary", "Jones"))
    ]
    db.session.commit()
    return [person.id for person in made]


@pytest.fixture
def admin(api_client):
    return api_client(role="member", name="Ada Admin", is_admin=True)


@pytest.fixture
def reader(api_client):
    return api_client(permissions=[access.CRM_READ])


@pytest.fixture
def outsider(api_client):
    return api_client(permissions=[access.RELATIONSHIPS_VIEW, access.RELATIONSHIPS_UPDATE])


@pytest.fixture
def uncle(db) -> int:
    return type_id(db, "uncle")


@pytest.fixture
def spouse(db) -> int:
    return type_id(db, "spouse")


# --- the groups and the types --------------------------------------------------------------------


def test_the_four_groups_are_listed_in_the_reference_envelope(api):
    response = api.get(GROUPS)

    assert response.status_code == 200, response.text
    body = response.get_json()
    assert [(g["name"], g["object"], g["delible"]) for g in body["data"]] == [
        (name, "relationshiptypegroup", False) for name in ("love", "family", "friend", "work")
    ]
    assert all(isinstance(g["id"], int) for g in body["data"])
    assert body["meta"] == {
        "current_page": 1,
        "from": 1,
        "last_page": 1,
        "path": "http://localhost/api/v2/relationship-type-groups",
        "per_page": 15,
        "to": 4,
        "total": 4,
    }
    assert body["links"]["prev"] is None and body["links"]["next"] is None
    assert body["links"]["first"] == body["links"]["last"]
    assert "page=1" in body["links"]["first"]


def test_the_seeded_types_are_exactly_the_built_ins_and_not_delible(db):
    stmt = select(
        RelationshipTypeGroup.name,
        RelationshipType.name,
        RelationshipType.name_reverse_relationship,
        RelationshipType.delible,
    ).join(RelationshipType.group)
    rows = sorted(db.session.execute(stmt.order_by(RelationshipType.id)))

    assert len(BUILT_IN_TYPES) == 27
    assert rows == sorted((*row, False) for row in BUILT_IN_TYPES)


def test_types_are_paged_fifteen_at_a_time(api):
    first = api.get(TYPES)
    assert first.status_code == 200, first.text
    page_one = first.get_json()
    second = api.get(page_one["links"]["next"])
    assert second.status_code == 200, second.text
    page_two = second.get_json()

    assert len(page_one["data"]) == 15 and len(page_two["data"]) == 12
    assert page_one["meta"] | {"path": None} == {
        "current_page": 1,
        "from": 1,
        "last_page": 2,
        "path": None,
        "per_page": 15,
        "to": 15,
        "total": 27,
    }
    assert page_two["meta"]["current_page"] == 2
    assert (page_two["meta"]["from"], page_two["meta"]["to"]) == (16, 27)
    assert page_one["links"]["prev"] is None and page_two["links"]["next"] is None
    assert page_two["links"]["prev"] is not None
    names = [t["name"] for t in page_one["data"] + page_two["data"]]
    assert sorted(names) == sorted(name for _, name, _ in BUILT_IN_TYPES)
    kind = page_one["data"][0]
    assert set(kind) >= {
        "id",
        "object",
        "name",
        "name_reverse_relationship",
        "relationship_type_group_id",
        "delible",
    }
    assert kind["object"] == "relationshiptype" and kind["delible"] is False


def test_an_admin_adds_a_type_and_it_is_audited(db, admin):
    body = {
        "name": "mentee",
        "name_reverse_relationship": "mentor of",
        "relationship_type_group_id": 4,
    }

    response = admin.post(TYPES, json=body)

    assert response.status_code == 201, response.text
    data = response.get_json()["data"]
    assert data["name"] == "mentee" and data["name_reverse_relationship"] == "mentor of"
    assert data["relationship_type_group_id"] == 4 and data["delible"] is True
    assert db.session.get(RelationshipType, data["id"]).name == "mentee"
    events = audit_events(db, "relationship_type", data["id"])
    assert [(e.action, e.user_id, e.api_key_id) for e in events] == [
        ("create", admin.user.id, admin.api_key.id)
    ]
    assert admin.get(TYPES).get_json()["meta"]["total"] == 28


@pytest.mark.parametrize("name", ["uncle", "Uncle"])
def test_the_same_name_twice_in_a_group_is_a_conflict(db, admin, name):
    body = {"name": name, "name_reverse_relationship": "nephew", "relationship_type_group_id": 2}

    error_of(admin.post(TYPES, json=body), 409, "conflict")

    assert db.session.scalar(select(func.count()).where(RelationshipType.name == "uncle")) == 1


def test_the_same_name_in_another_group_is_allowed(admin):
    body = {"name": "uncle", "name_reverse_relationship": "nephew", "relationship_type_group_id": 4}

    assert admin.post(TYPES, json=body).status_code == 201


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"name": "x", "name_reverse_relationship": "y", "relationship_type_group_id": 99}, 422,
         "field_value_invalid", "relationship_type_group_id"),
        ({"name": "", "name_reverse_relationship": "y", "relationship_type_group_id": 1}, 422,
         "field_value_invalid", "name"),
        ({"name": "x", "relationship_type_group_id": 1}, 400, "invalid_json",
         "name_reverse_relationship"),
        ({"name": "x", "name_reverse_relationship": "y", "relationship_type_group_id": 1,
          "delible": False}, 400, "unknown_field", "delible"),
    ],
)  # fmt: skip
def test_a_bad_type_is_refused_naming_the_field(db, admin, body, status, code, field):
    error = error_of(admin.post(TYPES, json=body), status, code)

    assert field in error["details"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(RelationshipType)) == 27


def _admin_type(admin, name: str = "neighbour") -> int:
    body = {"name": name, "name_reverse_relationship": name, "relationship_type_group_id": 3}
    response = admin.post(TYPES, json=body)
    assert response.status_code == 201, response.text
    return response.get_json()["data"]["id"]


def test_an_admin_deletes_an_unused_type_of_their_own(db, admin):
    kind = _admin_type(admin)

    response = admin.delete(f"{TYPES}/{kind}")

    assert response.status_code == 200, response.text
    assert response.get_json() == {"deleted": True, "id": kind}
    db.session.expire_all()
    assert db.session.get(RelationshipType, kind) is None
    assert [e.action for e in audit_events(db, "relationship_type", kind)] == ["create", "delete"]


def test_a_built_in_type_cannot_be_deleted(db, admin, uncle):
    error_of(admin.delete(f"{TYPES}/{uncle}"), 409, "type_not_delible")

    db.session.expire_all()
    assert db.session.get(RelationshipType, uncle) is not None
    assert audit_events(db, "relationship_type", uncle) == []


def test_a_type_in_use_cannot_be_deleted(db, admin, people):
    kind = _admin_type(admin)
    link(admin, people[0], kind, people[1])

    error_of(admin.delete(f"{TYPES}/{kind}"), 409, "type_in_use")

    db.session.expire_all()
    assert db.session.get(RelationshipType, kind) is not None


def test_deleting_a_missing_type_is_not_found(admin):
    error_of(admin.delete(f"{TYPES}/999999"), 404, "record_not_found")


def test_a_non_admin_cannot_add_or_delete_types(db, api, admin, uncle):
    kind = _admin_type(admin)
    body = {"name": "pal", "name_reverse_relationship": "pal", "relationship_type_group_id": 3}

    error_of(api.post(TYPES, json=body), 403)
    error_of(api.delete(f"{TYPES}/{kind}"), 403)
    error_of(api.delete(f"{TYPES}/{uncle}"), 403)

    db.session.expire_all()
    assert db.session.get(RelationshipType, kind) is not None
    assert db.session.scalar(select(func.count()).where(RelationshipType.name == "pal")) == 0


# --- linking two people --------------------------------------------------------------------------


def test_linking_two_people_answers_the_relationship_and_audits_it(db, api, people, uncle):
    peter, john, _ = people

    data = link(api, peter, uncle, john)

    assert data["object"] == "relationship" and isinstance(data["id"], int)
    assert (data["contact_is"]["id"], data["contact_is"]["first_name"]) == (peter, "Peter")
    assert data["contact_is"]["complete_name"] == "Peter Parker"
    assert data["contact_is"]["object"] == "contact"
    assert (data["of_contact"]["id"], data["of_contact"]["first_name"]) == (john, "John")
    kind = data["relationship_type"]
    assert (kind["id"], kind["name"], kind["name_reverse_relationship"]) == (
        uncle,
        "uncle",
        "nephew",
    )
    assert stored_links(db) == [(peter, uncle, john)]
    events = audit_events(db, "contact_relationship", data["id"])
    assert [(e.action, e.user_id, e.api_key_id) for e in events] == [
        ("create", api.user.id, api.api_key.id)
    ]
    assert events[0].changes["relationship_type_id"] == {"before": None, "after": uncle}


def test_a_relationship_is_read_back_by_id(api, people, uncle):
    peter, john, _ = people
    made = link(api, peter, uncle, john)

    response = api.get(f"{LINKS}/{made['id']}")

    assert response.status_code == 200, response.text
    assert response.get_json()["data"] == made


@pytest.mark.parametrize(
    ("who", "field"),
    [
        ({"contact_is": 999999}, "contact_is"),
        ({"of_contact": 999999}, "of_contact"),
        ({"relationship_type_id": 999999}, "relationship_type_id"),
        ({"contact_is": "peter", "of_contact": "peter"}, "of_contact"),
        ({"contact_is": None}, "contact_is"),
        ({"relationship_type_id": "uncle"}, "relationship_type_id"),
        ({"contact_is": True}, "contact_is"),
    ],
    ids=[
        "missing contact_is",
        "missing of_contact",
        "unknown type",
        "self",
        "null",
        "type name",
        "boolean",
    ],
)
def test_a_bad_link_is_refused_naming_the_field(db, api, people, uncle, who, field):
    peter, john, _ = people
    body = {"contact_is": peter, "relationship_type_id": uncle, "of_contact": john}
    body |= {key: peter if value == "peter" else value for key, value in who.items()}

    error = error_of(api.post(LINKS, json=body), 422, "field_value_invalid")

    assert set(error["details"]["fields"]) == {field}
    assert stored_links(db) == []


@pytest.mark.parametrize("side", ["contact_is", "of_contact"])
def test_an_archived_contact_cannot_be_linked(db, api, people, uncle, side):
    peter, john, _ = people
    archive(api, john)
    pair = (john, peter) if side == "contact_is" else (peter, john)
    body = {"contact_is": pair[0], "relationship_type_id": uncle, "of_contact": pair[1]}

    error = error_of(api.post(LINKS, json=body), 422, "field_value_invalid")

    assert set(error["details"]["fields"]) == {side}
    assert stored_links(db) == []


def test_an_unknown_key_is_refused(db, api, people, uncle):
    peter, john, _ = people
    body = {"contact_is": peter, "relationship_type_id": uncle, "of_contact": john, "note": "x"}

    error = error_of(api.post(LINKS, json=body), 400, "unknown_field")

    assert "note" in error["details"]["fields"]
    assert stored_links(db) == []


@pytest.mark.parametrize("reversed_", [False, True], ids=["same way", "other way round"])
def test_the_same_type_twice_between_two_people_is_a_duplicate(db, api, people, spouse, reversed_):
    peter, john, _ = people
    first = link(api, peter, spouse, john)
    a, b = (john, peter) if reversed_ else (peter, john)

    response = api.post(
        LINKS, json={"contact_is": a, "relationship_type_id": spouse, "of_contact": b}
    )

    error = error_of(response, 409, "duplicate_relationship")
    assert error["details"]["relationship_id"] == first["id"]
    assert stored_links(db) == [(peter, spouse, john)]


@pytest.mark.parametrize("reversed_", [False, True], ids=["same way", "other way round"])
def test_the_database_refuses_a_duplicate_that_raced_past_the_check(
    db, api, people, spouse, reversed_, monkeypatch
):
    """Two requests can both check before either writes: the pair index keeps one edge."""
    from webapp.services import contact_relationships

    peter, john, _ = people
    link(api, peter, spouse, john)
    monkeypatch.setattr(contact_relationships, "_refuse_duplicate", lambda *args, **kw: None)
    a, b = (john, peter) if reversed_ else (peter, john)

    response = api.post(
        LINKS, json={"contact_is": a, "relationship_type_id": spouse, "of_contact": b}
    )

    error_of(response, 409, "duplicate_relationship")
    assert stored_links(db) == [(peter, spouse, john)]


def test_two_types_between_the_same_two_people_are_kept(db, api, people, spouse):
    peter, john, _ = people
    colleague = type_id(db, "colleague")
    link(api, peter, spouse, john)
    link(api, john, colleague, peter)

    assert stored_links(db) == [(peter, spouse, john), (john, colleague, peter)]


# --- reading from both sides ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("group", "name", "reverse"), BUILT_IN_TYPES, ids=[f"{g}:{n}" for g, n, _ in BUILT_IN_TYPES]
)
def test_each_built_in_type_reads_its_reverse_name_from_the_other_side(
    db, api, people, group, name, reverse
):
    peter, john, _ = people
    kind = type_id(db, name, group)
    assert kind is not None, f"{group}/{name} is not in the database"
    made = link(api, peter, kind, john)

    peters, johns = readings_of(api, peter), readings_of(api, john)

    assert said(api, peter) == [(name, False, john)]
    assert said(api, john) == [(reverse, True, peter)]
    for reading in (peters[0], johns[0]):
        assert reading["id"] == made["id"]
        assert reading["relationship_type"]["id"] == kind
    assert johns[0]["contact"]["complete_name"] == "Peter Parker"


def test_a_contact_reads_every_relationship_it_is_on(db, api, people, uncle, spouse):
    peter, john, mary = people
    link(api, peter, uncle, john)
    link(api, mary, spouse, peter)

    assert said(api, peter) == [("uncle", False, john), ("spouse", True, mary)]
    assert said(api, john) == [("nephew", True, peter)]
    assert said(api, mary) == [("spouse", False, peter)]
    assert (
        api.get(f"/api/v2/contact/{peter}/contact-relationships").get_json()["meta"]["total"] == 2
    )


def test_the_relationships_of_a_missing_contact_are_not_found(api):
    error_of(api.get("/api/v2/contact/999999/contact-relationships"), 404, "record_not_found")


# --- changing and removing -----------------------------------------------------------------------


def test_changing_the_type_changes_both_readings_and_is_audited(db, api, people, uncle):
    peter, john, _ = people
    made = link(api, peter, uncle, john)
    mentor = type_id(db, "mentor")

    response = api.put(f"{LINKS}/{made['id']}", json={"relationship_type_id": mentor})

    assert response.status_code == 200, response.text
    data = response.get_json()["data"]
    assert data["relationship_type"]["name"] == "mentor"
    assert (data["contact_is"]["id"], data["of_contact"]["id"]) == (peter, john)
    assert said(api, peter) == [("mentor", False, john)]
    assert said(api, john) == [("protégé", True, peter)]
    assert stored_links(db) == [(peter, mentor, john)]
    update = [
        e for e in audit_events(db, "contact_relationship", made["id"]) if e.action == "update"
    ]
    assert [e.changes for e in update] == [
        {"relationship_type_id": {"before": uncle, "after": mentor}}
    ]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"relationship_type_id": 999999}, 422, "field_value_invalid"),
        ({"relationship_type_id": None}, 422, "field_value_invalid"),
        ({"relationship_type_id": "SPOUSE", "of_contact": 1}, 400, "unknown_field"),
        ({"contact_is": 1}, 400, "unknown_field"),
    ],
)
def test_a_bad_change_is_refused_and_nothing_changes(
    db, api, people, uncle, spouse, body, status, code
):
    peter, john, _ = people
    made = link(api, peter, uncle, john)
    body = {k: spouse if v == "SPOUSE" else v for k, v in body.items()}

    error_of(api.put(f"{LINKS}/{made['id']}", json=body), status, code)

    assert stored_links(db) == [(peter, uncle, john)]


def test_changing_into_an_existing_relationship_is_a_duplicate(db, api, people, uncle, spouse):
    peter, john, _ = people
    link(api, john, spouse, peter)
    made = link(api, peter, uncle, john)

    response = api.put(f"{LINKS}/{made['id']}", json={"relationship_type_id": spouse})

    error_of(response, 409, "duplicate_relationship")
    assert stored_links(db) == [(john, spouse, peter), (peter, uncle, john)]


def test_removing_a_relationship_removes_both_readings_and_is_audited(db, api, people, uncle):
    peter, john, _ = people
    made = link(api, peter, uncle, john)

    response = api.delete(f"{LINKS}/{made['id']}")

    assert response.status_code == 200, response.text
    assert response.get_json() == {"deleted": True, "id": made["id"]}
    assert stored_links(db) == []
    assert said(api, peter) == [] and said(api, john) == []
    events = audit_events(db, "contact_relationship", made["id"])
    assert [e.action for e in events] == ["create", "delete"]
    assert events[-1].changes["relationship_type_id"] == {"before": uncle, "after": None}


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [("get", {}), ("put", {"json": {"relationship_type_id": 1}}), ("delete", {})],
)
def test_a_missing_relationship_is_not_found(api, method, kwargs):
    error_of(getattr(api, method)(f"{LINKS}/999999", **kwargs), 404, "record_not_found")


# --- connections in the records API --------------------------------------------------------------


def test_connections_list_the_people_linked_either_way(api, people, uncle, spouse):
    peter, john, mary = people
    link(api, peter, uncle, john)
    link(api, mary, spouse, peter)

    def connected(contact_id: int) -> list[int]:
        response = api.get(f"/api/v2/contact/{contact_id}/relationship/connections")
        assert response.status_code == 200, response.text
        return sorted(int(item["id"]) for item in response.get_json()["data"])

    assert connected(peter) == sorted([john, mary])
    assert connected(john) == [peter]
    assert connected(mary) == [peter]


def test_connections_cannot_be_written_through_the_records_api(db, api, people):
    peter, john, _ = people

    response = api.post(
        f"/api/v2/contact/{peter}/relationship/connections", json={"related_record_id": str(john)}
    )

    error_of(response, 400, "field_not_updatable")
    assert stored_links(db) == []


# --- permissions ---------------------------------------------------------------------------------


def _every_endpoint(people, kind: int, made: int) -> list[tuple[str, str, dict | None]]:
    peter, _, mary = people
    return [
        ("get", GROUPS, None),
        ("get", TYPES, None),
        ("get", f"{LINKS}/{made}", None),
        ("get", f"/api/v2/contact/{peter}/contact-relationships", None),
        ("post", LINKS, {"contact_is": peter, "relationship_type_id": kind, "of_contact": mary}),
        ("put", f"{LINKS}/{made}", {"relationship_type_id": kind}),
        ("delete", f"{LINKS}/{made}", None),
        ("post", TYPES, {"name": "pal", "name_reverse_relationship": "pal",
                         "relationship_type_group_id": 3}),
        ("delete", f"{TYPES}/{kind}", None),
    ]  # fmt: skip


def test_without_a_key_every_endpoint_is_401(db, client, api, people, spouse):
    made = link(api, people[0], spouse, people[1])

    for method, path, body in _every_endpoint(people, spouse, made["id"]):
        response = getattr(client, method)(path, json=body)
        error_of(response, 401)

    assert stored_links(db) == [(people[0], spouse, people[1])]


def test_a_read_only_key_reads_but_cannot_write(db, api, reader, people, uncle, spouse):
    peter, john, mary = people
    made = link(api, peter, uncle, john)
    endpoints = _every_endpoint(people, spouse, made["id"])

    for method, path, body in endpoints:
        response = getattr(reader, method)(path, json=body)
        if method == "get":
            assert response.status_code == 200, (path, response.text)
        else:
            error_of(response, 403)

    assert stored_links(db) == [(peter, uncle, john)]
    assert len(audit_events(db, "contact_relationship", made["id"])) == 1


def test_a_key_without_crm_permissions_cannot_read(outsider, api, people, uncle):
    made = link(api, people[0], uncle, people[1])

    for path in (GROUPS, TYPES, f"{LINKS}/{made['id']}"):
        error_of(outsider.get(path), 403)
    error_of(outsider.get(f"/api/v2/contact/{people[0]}/contact-relationships"), 403)


# --- cost and the demo reseed --------------------------------------------------------------------


def _relationships_of_cost(api, count_queries, contact_id: int) -> tuple[int, int]:
    """(statements run, relationships listed) for one page of the contact's relationships."""
    with count_queries() as statements:
        response = api.get(f"/api/v2/contact/{contact_id}/contact-relationships?per_page=100")
    assert response.status_code == 200, response.text
    return len(statements), len(response.get_json()["data"])


def test_a_contacts_relationships_cost_the_same_for_3_and_30(db, api, count_queries, spouse):
    few, many = ContactFactory(), ContactFactory()
    others = [ContactFactory() for _ in range(30)]
    db.session.flush()
    for index, other in enumerate(others):
        pair = (few.id, other.id) if index % 2 else (other.id, few.id)
        for contact_is, of_contact in ([pair] if index < 3 else []) + [(many.id, other.id)]:
            db.session.add(
                ContactRelationship(
                    contact_is_id=contact_is, relationship_type_id=spouse, of_contact_id=of_contact
                )
            )
    db.session.commit()

    small, three = _relationships_of_cost(api, count_queries, few.id)
    large, thirty = _relationships_of_cost(api, count_queries, many.id)

    assert (three, thirty) == (3, 30)
    assert small == large


def test_the_demo_reseed_keeps_the_built_in_groups_and_types(db, admin):
    own = _admin_type(admin, "neighbour")

    demo.wipe()

    db.session.expire_all()
    groups = db.session.scalars(
        select(RelationshipTypeGroup.name).order_by(RelationshipTypeGroup.id)
    )
    assert list(groups) == ["love", "family", "friend", "work"]
    kinds = db.session.execute(
        select(RelationshipType.name, RelationshipType.delible).order_by(RelationshipType.id)
    )
    assert sorted(kinds) == sorted((name, False) for _, name, _ in BUILT_IN_TYPES)
    assert db.session.get(RelationshipType, own) is None
