"""Records (reference 001): create, read, patch, archive, restore; access, bodies and audit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.api.v2.conftest import error_of, fields_named, ids_of
from tests.records import events_for
from webapp.extensions import db as _db
from webapp.models import Company, Contact
from webapp.services.records.registry import record_type, record_types

KINDS = [pytest.param(kind, id=kind.api_name) for kind in record_types()]
CONTACT, ACCOUNT = record_type("contact"), record_type("account")
ADA = {"first_name": "Ada", "last_name": "Lovelace", "stage": "working", "title": "Analyst"}


def count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def stored(record_kind, record: dict):
    """The row behind a record the API returned, as the database has it now."""
    _db.session.expire_all()
    return _db.session.get(record_kind.store.model, int(record["id"]))


# --- create and read ---


def test_create_contact_is_201_with_the_record_in_a_data_envelope(api):
    response = api.post("/api/v2/contact", json={"attributes": ADA})

    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"data"}
    assert set(body["data"]) == {"id", "record_type", "attributes"}
    assert body["data"]["record_type"] == "contact"
    attributes = body["data"]["attributes"]
    assert {name: attributes[name] for name in ADA} == ADA
    assert attributes["archived_at"] is None


def test_a_created_contact_is_a_contact_row(api):
    attributes = ADA | {
        "contact_emails": ["ada@engines.example"],
        "phone_numbers": ["+442079460958"],
    }

    record = api.post("/api/v2/contact", json={"attributes": attributes}).get_json()["data"]

    contact = _db.session.get(Contact, int(record["id"]))
    assert contact.full_name == "Ada Lovelace"
    assert [e.email for e in contact.emails] == ["ada@engines.example"]
    assert [p.number for p in contact.phones] == ["+442079460958"]


def test_a_created_account_is_a_company_row(api):
    attributes = {
        "name": "Analytical Engines",
        "industry": "Computing",
        "domains": ["engines.example"],
    }

    record = api.post("/api/v2/account", json={"attributes": attributes}).get_json()["data"]

    company = _db.session.get(Company, int(record["id"]))
    assert company.name == "Analytical Engines"
    assert company.industry == "Computing"
    assert [d.domain for d in company.domains] == ["engines.example"]
    assert company.client_profile is None
    assert record["attributes"]["is_client"] is False


@pytest.mark.parametrize(
    ("type_name", "attributes"), [("contact", ADA), ("account", {"name": "AE"})]
)
def test_a_new_record_is_owned_by_the_caller_unless_another_owner_is_named(
    api, make_user, create, type_name, attributes
):
    colleague = make_user("member")

    mine = create(type_name, attributes)
    theirs = create(type_name, attributes | {"owner": colleague.id})

    assert mine["attributes"]["owner"] == str(api.user.id)
    assert theirs["attributes"]["owner"] == str(colleague.id)


@pytest.mark.parametrize("record_kind", KINDS)
def test_get_returns_the_record_as_created(api, samples, create, record_kind):
    record = create(record_kind.api_name, samples.required(record_kind))

    response = api.get(f"/api/v2/{record_kind.api_name}/{record['id']}")

    assert response.status_code == 200
    assert response.get_json() == {"data": record}


@pytest.mark.parametrize("record_kind", KINDS)
def test_get_of_a_missing_record_is_404_record_not_found(api, record_kind):
    response = api.get(f"/api/v2/{record_kind.api_name}/987654321")

    error = error_of(response, 404, "record_not_found")
    assert error["details"]["record_id"] == "987654321"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v2/spaceship"),
        ("get", "/api/v2/spaceship/1"),
        ("post", "/api/v2/spaceship"),
        ("patch", "/api/v2/spaceship/1"),
        ("delete", "/api/v2/spaceship/1"),
        ("post", "/api/v2/spaceship/1/_restore"),
    ],
)
def test_an_unknown_record_type_is_404_unknown_record_type(api, method, path):
    response = getattr(api, method)(path, json={"attributes": {"name": "Enterprise"}})

    error = error_of(response, 404, "unknown_record_type")
    assert error["details"] == {"record_type": "spaceship"}


def test_the_same_contact_shows_on_the_contacts_page(api, client, login_as, create):
    record = create("contact", {"first_name": "Augusta", "last_name": "Byron"})
    login_as("member")

    response = client.get(f"/contacts/{record['id']}")

    assert response.status_code == 200
    assert "Augusta Byron" in response.text


# --- patch ---


def test_patch_changes_only_the_fields_sent(api, create):
    record = create("contact", ADA | {"contact_emails": ["ada@engines.example"]})

    response = api.patch(f"/api/v2/contact/{record['id']}", json={"attributes": {"title": "CTO"}})

    assert response.status_code == 200
    after = response.get_json()["data"]["attributes"]
    assert after["title"] == "CTO"
    before = record["attributes"]
    assert {k: v for k, v in after.items() if k not in ("title", "updated_at")} == {
        k: v for k, v in before.items() if k not in ("title", "updated_at")
    }


def test_patch_with_an_empty_attributes_object_changes_nothing(api, create):
    record = create("contact", ADA)

    response = api.patch(f"/api/v2/contact/{record['id']}", json={"attributes": {}})

    assert response.status_code == 200
    assert response.get_json()["data"]["attributes"] == record["attributes"]


def test_patch_with_an_array_replaces_the_whole_array(api, create):
    record = create("contact", ADA | {"phone_numbers": ["+442079460958", "+442079460959"]})

    response = api.patch(
        f"/api/v2/contact/{record['id']}", json={"attributes": {"phone_numbers": ["+442079460960"]}}
    )

    assert response.status_code == 200
    assert response.get_json()["data"]["attributes"]["phone_numbers"] == ["+442079460960"]
    contact = stored(CONTACT, record)
    assert [p.number for p in contact.phones] == ["+442079460960"]


def test_patch_with_an_empty_array_empties_it(api, create):
    record = create("account", {"name": "Engines", "domains": ["engines.example", "ae.example"]})

    response = api.patch(f"/api/v2/account/{record['id']}", json={"attributes": {"domains": []}})

    assert response.status_code == 200
    attributes = response.get_json()["data"]["attributes"]
    assert attributes["domains"] == []
    assert attributes["domain_name"] is None


@pytest.mark.parametrize("record_kind", KINDS)
def test_patch_of_a_missing_record_is_404_record_not_found(api, samples, record_kind):
    response = api.patch(
        f"/api/v2/{record_kind.api_name}/987654321",
        json={"attributes": samples.changes(record_kind)},
    )

    error_of(response, 404, "record_not_found")


@pytest.mark.parametrize("record_kind", KINDS)
def test_patch_of_an_archived_record_is_404_and_changes_nothing(api, samples, create, record_kind):
    record = create(record_kind.api_name, samples.required(record_kind, 0))
    path = f"/api/v2/{record_kind.api_name}/{record['id']}"
    assert api.delete(path).status_code == 204

    response = api.patch(path, json={"attributes": samples.changes(record_kind, 1)})

    error = error_of(response, 404, "record_not_found")
    assert error["details"]["archived"] is True
    kept = api.get(path, query_string={"include_archived": "true"}).get_json()["data"]
    assert {k: kept["attributes"][k] for k in samples.required(record_kind)} == {
        k: record["attributes"][k] for k in samples.required(record_kind)
    }


def test_a_value_of_the_wrong_type_is_422_naming_every_bad_field(api, create):
    record = create("contact", ADA)

    response = api.patch(
        f"/api/v2/contact/{record['id']}",
        json={"attributes": {"first_name": 42, "phone_numbers": ["not a phone"], "title": "CTO"}},
    )

    error = error_of(response, 422, "field_value_invalid")
    assert fields_named(error) == {"first_name", "phone_numbers"}
    assert api.get(f"/api/v2/contact/{record['id']}").get_json()["data"] == record


# --- archive and restore ---


@pytest.mark.parametrize("record_kind", KINDS)
def test_archive_is_204_and_hides_the_record_from_get_and_list(api, samples, create, record_kind):
    kept = create(record_kind.api_name, samples.required(record_kind, 0))
    archived = create(record_kind.api_name, samples.required(record_kind, 1))
    path = f"/api/v2/{record_kind.api_name}/{archived['id']}"

    response = api.delete(path)

    assert response.status_code == 204
    assert response.data == b""
    error = error_of(api.get(path), 404, "record_not_found")
    assert error["details"]["archived"] is True
    assert ids_of(api.get(f"/api/v2/{record_kind.api_name}")) == [kept["id"]]
    assert stored(record_kind, archived).archived_at is not None


@pytest.mark.parametrize("record_kind", KINDS)
def test_include_archived_shows_an_archived_record(api, samples, create, record_kind):
    kept = create(record_kind.api_name, samples.required(record_kind, 0))
    archived = create(record_kind.api_name, samples.required(record_kind, 1))
    path = f"/api/v2/{record_kind.api_name}/{archived['id']}"
    api.delete(path)
    shown = {"include_archived": "true"}

    response = api.get(path, query_string=shown)

    assert response.status_code == 200
    assert response.get_json()["data"]["attributes"]["archived_at"] is not None
    listed = api.get(f"/api/v2/{record_kind.api_name}", query_string=shown)
    assert ids_of(listed) == [kept["id"], archived["id"]]


@pytest.mark.parametrize("record_kind", KINDS)
def test_restore_brings_an_archived_record_back(api, samples, create, record_kind):
    record = create(record_kind.api_name, samples.required(record_kind))
    path = f"/api/v2/{record_kind.api_name}/{record['id']}"
    api.delete(path)

    response = api.post(f"{path}/_restore")

    assert response.status_code == 200
    assert response.get_json()["data"]["attributes"]["archived_at"] is None
    assert api.get(path).status_code == 200
    assert ids_of(api.get(f"/api/v2/{record_kind.api_name}")) == [record["id"]]


@pytest.mark.parametrize("record_kind", KINDS)
def test_archiving_twice_is_204_and_one_archive(api, samples, create, record_kind):
    record = create(record_kind.api_name, samples.required(record_kind))
    path = f"/api/v2/{record_kind.api_name}/{record['id']}"

    first, second = api.delete(path), api.delete(path)

    assert (first.status_code, second.status_code) == (204, 204)
    actions = [event.action for event in events_for(_db, stored(record_kind, record))]
    assert actions.count("archive") == 1


@pytest.mark.parametrize("record_kind", KINDS)
def test_archive_of_a_missing_record_is_404(api, record_kind):
    error_of(api.delete(f"/api/v2/{record_kind.api_name}/987654321"), 404, "record_not_found")


@pytest.mark.parametrize("record_kind", KINDS)
def test_restore_of_a_missing_record_is_404(api, record_kind):
    response = api.post(f"/api/v2/{record_kind.api_name}/987654321/_restore")

    error_of(response, 404, "record_not_found")


def test_include_archived_must_be_true_or_false(api, create):
    record = create("contact", ADA)

    response = api.get(f"/api/v2/contact/{record['id']}", query_string={"include_archived": "yes"})

    error = error_of(response, 400, "invalid_filter")
    assert fields_named(error) == {"include_archived"}


# --- audit ---


@pytest.mark.parametrize("record_kind", KINDS)
def test_every_write_leaves_an_audit_event_naming_the_api_key(api, samples, create, record_kind):
    record = create(record_kind.api_name, samples.required(record_kind, 0))
    path = f"/api/v2/{record_kind.api_name}/{record['id']}"
    api.patch(path, json={"attributes": samples.changes(record_kind, 1)})
    api.delete(path)
    api.post(f"{path}/_restore")

    events = events_for(_db, stored(record_kind, record))

    assert [event.action for event in events] == ["create", "update", "archive", "restore"]
    assert {event.api_key_id for event in events} == {api.api_key.id}
    assert {event.user_id for event in events} == {api.user.id}


def test_the_update_event_records_before_and_after(api, create):
    record = create("contact", ADA)

    api.patch(f"/api/v2/contact/{record['id']}", json={"attributes": {"title": "CTO"}})

    update = events_for(_db, stored(CONTACT, record))[-1]
    assert update.action == "update"
    assert update.changes == {"title": {"before": "Analyst", "after": "CTO"}}


def test_a_refused_write_leaves_no_audit_event(api, create):
    record = create("contact", ADA)

    api.patch(f"/api/v2/contact/{record['id']}", json={"attributes": {"stage": "bogus"}})

    actions = [event.action for event in events_for(_db, stored(CONTACT, record))]
    assert actions == ["create"]


# --- who may call ---

WRITES = [
    ("post", "/api/v2/contact"),
    ("patch", "/api/v2/contact/{id}"),
    ("delete", "/api/v2/contact/{id}"),
    ("post", "/api/v2/contact/{id}/_restore"),
    ("post", "/api/v2/contact/_assert"),
]
READS = [
    ("get", "/api/v2/contact"),
    ("get", "/api/v2/contact/{id}"),
    ("get", "/api/v2/account"),
]
WRITE_BODY = {"match": {"contact_emails": "new@sample.example"}, "attributes": {"first_name": "X"}}


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_read_only_key_cannot_write(reader, create, method, path):
    record = create("contact", ADA)
    body = WRITE_BODY if path.endswith("_assert") else {"attributes": {"first_name": "X"}}

    response = getattr(reader, method)(path.format(id=record["id"]), json=body)

    error = error_of(response, 403, "forbidden")
    assert error["details"] == {"permission": "crm:write"}
    assert count(Contact) == 1
    assert _db.session.get(Contact, int(record["id"])).first_name == "Ada"


@pytest.mark.parametrize(("method", "path"), READS)
def test_a_read_only_key_can_read(reader, create, method, path):
    record = create("contact", ADA)

    response = getattr(reader, method)(path.format(id=record["id"]))

    assert response.status_code == 200


@pytest.mark.parametrize(("method", "path"), READS)
def test_a_key_without_crm_read_cannot_read(outsider, create, method, path):
    record = create("contact", ADA)

    response = getattr(outsider, method)(path.format(id=record["id"]))

    error = error_of(response, 403, "forbidden")
    assert error["details"] == {"permission": "crm:read"}


@pytest.mark.parametrize(("method", "path"), WRITES + READS)
def test_no_key_is_401(client, create, method, path):
    record = create("contact", ADA)

    response = getattr(client, method)(path.format(id=record["id"]), json=WRITE_BODY)

    error_of(response, 401, "unauthenticated")
    assert count(Contact) == 1


# --- bodies ---

BAD_BODIES = {
    "malformed JSON": {"data": '{"attributes": {', "content_type": "application/json"},
    "a list": {"json": [{"attributes": {"first_name": "Ada"}}]},
    "a string": {"json": "Ada"},
    "null": {"data": "null", "content_type": "application/json"},
    "not JSON at all": {
        "data": "first_name=Ada",
        "content_type": "application/x-www-form-urlencoded",
    },
    "no body": {},
    "attributes not an object": {"json": {"attributes": ["Ada"]}},
    "attributes null": {"json": {"attributes": None}},
    "no attributes": {"json": {}},
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_post_with_a_body_that_is_not_an_attributes_object_is_400_invalid_json(api, body):
    response = api.post("/api/v2/contact", **body)

    error_of(response, 400, "invalid_json")
    assert count(Contact) == 0


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_patch_with_a_body_that_is_not_an_attributes_object_is_400_invalid_json(api, create, body):
    record = create("contact", ADA)

    response = api.patch(f"/api/v2/contact/{record['id']}", **body)

    error_of(response, 400, "invalid_json")
    assert api.get(f"/api/v2/contact/{record['id']}").get_json()["data"] == record


def test_an_unknown_top_level_key_is_400_unknown_field(api):
    response = api.post("/api/v2/contact", json={"attributes": ADA, "relationships": {}})

    error = error_of(response, 400, "unknown_field")
    assert fields_named(error) == {"relationships"}
    assert count(Contact) == 0


def test_an_unknown_attribute_is_400_unknown_field_naming_it(api):
    response = api.post("/api/v2/contact", json={"attributes": ADA | {"shoe_size": 7}})

    error = error_of(response, 400, "unknown_field")
    assert fields_named(error) == {"shoe_size"}
    assert "shoe_size" in error["message"]
    assert count(Contact) == 0


def test_an_unknown_attribute_on_patch_is_400_unknown_field(api, create):
    record = create("contact", ADA)

    response = api.patch(
        f"/api/v2/contact/{record['id']}", json={"attributes": {"title": "CTO", "shoe_size": 7}}
    )

    error = error_of(response, 400, "unknown_field")
    assert fields_named(error) == {"shoe_size"}
    assert api.get(f"/api/v2/contact/{record['id']}").get_json()["data"] == record


# --- uniqueness ---


def test_creating_with_an_email_another_contact_has_is_409_conflict(api, create):
    create("contact", {"first_name": "Ada", "contact_emails": ["ada@engines.example"]})

    response = api.post(
        "/api/v2/contact",
        json={"attributes": {"first_name": "Impostor", "primary_email": "ADA@engines.example"}},
    )

    error = error_of(response, 409, "conflict")
    assert error["details"]["field"] == "contact_emails"
    assert "ada@engines.example" in error["message"]
    assert count(Contact) == 1


def test_patching_in_an_email_another_contact_has_is_409_conflict(api, create):
    create("contact", {"first_name": "Ada", "contact_emails": ["ada@engines.example"]})
    grace = create("contact", {"first_name": "Grace", "contact_emails": ["grace@navy.example"]})

    response = api.patch(
        f"/api/v2/contact/{grace['id']}",
        json={"attributes": {"contact_emails": ["grace@navy.example", "ada@engines.example"]}},
    )

    error_of(response, 409, "conflict")
    assert api.get(f"/api/v2/contact/{grace['id']}").get_json()["data"] == grace


def test_creating_with_a_domain_another_account_has_is_409_conflict(api, create):
    create("account", {"name": "Engines", "domains": ["engines.example"]})

    response = api.post(
        "/api/v2/account",
        json={"attributes": {"name": "Copycat", "domain_name": "engines.example"}},
    )

    error_of(response, 409, "conflict")
    assert count(Company) == 1


def test_a_contact_keeps_its_own_email_when_patched(api, create):
    record = create("contact", {"first_name": "Ada", "contact_emails": ["ada@engines.example"]})

    response = api.patch(
        f"/api/v2/contact/{record['id']}",
        json={"attributes": {"contact_emails": ["ada@engines.example"], "title": "CTO"}},
    )

    assert response.status_code == 200


# --- primary email and primary domain ---


def test_primary_email_goes_first_in_contact_emails_on_create(create):
    record = create(
        "contact",
        {
            "first_name": "Ada",
            "contact_emails": ["ada@home.example", "ada@engines.example"],
            "primary_email": "ada@engines.example",
        },
    )

    attributes = record["attributes"]
    assert attributes["contact_emails"] == ["ada@engines.example", "ada@home.example"]
    assert attributes["primary_email"] == "ada@engines.example"


def test_patching_primary_email_to_a_known_email_moves_it_to_the_front(api, create):
    record = create(
        "contact", {"first_name": "Ada", "contact_emails": ["a@one.example", "b@two.example"]}
    )

    response = api.patch(
        f"/api/v2/contact/{record['id']}", json={"attributes": {"primary_email": "b@two.example"}}
    )

    attributes = response.get_json()["data"]["attributes"]
    assert attributes["contact_emails"] == ["b@two.example", "a@one.example"]
    assert attributes["primary_email"] == "b@two.example"


def test_patching_primary_email_to_a_new_email_adds_it_at_the_front(api, create):
    record = create("contact", {"first_name": "Ada", "contact_emails": ["a@one.example"]})

    response = api.patch(
        f"/api/v2/contact/{record['id']}", json={"attributes": {"primary_email": "new@two.example"}}
    )

    attributes = response.get_json()["data"]["attributes"]
    assert attributes["contact_emails"] == ["new@two.example", "a@one.example"]


def test_domain_name_goes_first_in_domains_on_create(create):
    record = create(
        "account",
        {
            "name": "Engines",
            "domains": ["ae.example", "engines.example"],
            "domain_name": "engines.example",
        },
    )

    attributes = record["attributes"]
    assert attributes["domains"] == ["engines.example", "ae.example"]
    assert attributes["domain_name"] == "engines.example"


def test_patching_domain_name_to_a_known_domain_moves_it_to_the_front(api, create):
    record = create("account", {"name": "Engines", "domains": ["ae.example", "engines.example"]})

    response = api.patch(
        f"/api/v2/account/{record['id']}", json={"attributes": {"domain_name": "engines.example"}}
    )

    attributes = response.get_json()["data"]["attributes"]
    assert attributes["domains"] == ["engines.example", "ae.example"]
    company = _db.session.get(Company, int(record["id"]))
    assert [d.domain for d in company.domains] == ["engines.example", "ae.example"]


# --- accounts as clients ---


def summary_path(account_id: str) -> str:
    return f"/api/relationships/clients/{account_id}/relationship-summary"


def test_an_account_made_a_client_has_a_relationship_summary(api, create):
    record = create("account", {"name": "Engines"})

    response = api.patch(
        f"/api/v2/account/{record['id']}",
        json={"attributes": {"is_client": True, "client_tier": "strategic"}},
    )

    assert response.status_code == 200
    attributes = response.get_json()["data"]["attributes"]
    assert (attributes["is_client"], attributes["client_tier"]) == (True, "strategic")
    assert stored(ACCOUNT, record).client_profile.tier == "strategic"
    assert api.get(summary_path(record["id"])).status_code == 200


def test_an_account_that_is_not_a_client_has_no_relationship_summary(api, create):
    record = create("account", {"name": "Engines"})

    error_of(api.get(summary_path(record["id"])), 404, "not_a_client")


def test_an_account_that_stops_being_a_client_loses_its_summary(api, create):
    record = create("account", {"name": "Engines", "is_client": True, "client_tier": "key"})
    assert api.get(summary_path(record["id"])).status_code == 200

    response = api.patch(
        f"/api/v2/account/{record['id']}", json={"attributes": {"is_client": False}}
    )

    attributes = response.get_json()["data"]["attributes"]
    assert (attributes["is_client"], attributes["client_tier"]) == (False, None)
    error_of(api.get(summary_path(record["id"])), 404, "not_a_client")


def test_a_new_client_without_a_tier_is_standard(create):
    record = create("account", {"name": "Engines", "is_client": True})

    assert record["attributes"]["client_tier"] == "standard"


def test_a_client_tier_without_is_client_is_refused_on_create(api):
    response = api.post(
        "/api/v2/account", json={"attributes": {"name": "Engines", "client_tier": "key"}}
    )

    error = error_of(response, 422, "field_value_invalid")
    assert fields_named(error) == {"client_tier"}
    assert count(Company) == 0


def test_a_client_tier_on_an_account_that_is_not_a_client_is_refused(api, create):
    record = create("account", {"name": "Engines"})

    response = api.patch(
        f"/api/v2/account/{record['id']}", json={"attributes": {"client_tier": "key"}}
    )

    error = error_of(response, 422, "field_value_invalid")
    assert fields_named(error) == {"client_tier"}
    assert _db.session.get(Company, int(record["id"])).client_profile is None
