"""The ``note``, ``meeting`` and ``activity`` record types: three views of the interactions
logged on contacts, with the pages' rules, the last touch and the timeline following each write."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests import factories
from tests.api.v2.conftest import error_of, fields_named, ids_of
from tests.records import reload
from tests.web.contact_page_builders import section, visible_text
from webapp import access
from webapp.extensions import db as _db
from webapp.models import AuditEvent, Interaction
from webapp.services import calendar

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
TYPES = ("note", "meeting", "activity")
# What each type logs when the body does not say (activity takes the kind given).
KIND_OF = {"note": "note", "meeting": "meeting", "activity": "call"}


@pytest.fixture(autouse=True)
def frozen_time(monkeypatch):
    """Noon UTC on 24 November 2026, for everyone."""
    monkeypatch.setattr(calendar, "now", lambda: NOW)


@pytest.fixture
def api(api_client):
    """Mary, a member, with a key carrying all her permissions."""
    return api_client(role="member", name="Mary Member")


@pytest.fixture
def robert(db):
    contact = factories.ContactFactory(first_name="Robert", last_name="Smith")
    _db.session.commit()
    return contact


@pytest.fixture
def grace(db):
    contact = factories.ContactFactory(first_name="Grace", last_name="Hopper")
    _db.session.commit()
    return contact


def body(record_type: str, contact, **attributes) -> dict:
    given = {"contact": str(contact.id), "occurred_on": "2026-11-20", "summary": "Talked renewal"}
    if record_type == "activity":
        given["kind"] = "call"
    return {"attributes": given | attributes}


def log(api, record_type: str, contact, **attributes) -> dict:
    response = api.post(f"/api/v2/{record_type}", json=body(record_type, contact, **attributes))
    assert response.status_code == 201, response.text
    return response.get_json()["data"]


def stored(record_id) -> Interaction:
    _db.session.expire_all()
    return _db.session.get(Interaction, int(record_id))


def stored_count() -> int:
    _db.session.expire_all()
    return len(list(_db.session.scalars(select(Interaction.id))))


def last_touch(contact) -> date | None:
    return reload(_db, contact).last_touch_on


def events_of(record_id) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(
        AuditEvent.object_type == "interaction", AuditEvent.object_id == int(record_id)
    )
    return list(_db.session.scalars(stmt.order_by(AuditEvent.id)))


# --- create ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("record_type", TYPES)
def test_logging_stores_an_interaction_of_the_types_kind_and_moves_the_last_touch(
    api, robert, record_type
):
    record = log(api, record_type, robert)

    attributes = record["attributes"]
    assert record["record_type"] == record_type
    assert attributes["contact"] == str(robert.id)
    assert attributes["occurred_on"] == "2026-11-20"
    assert attributes["summary"] == "Talked renewal"
    assert attributes["user"] == attributes["logged_by"] == str(api.user.id)
    assert attributes["archived_at"] is None
    assert ("kind" in attributes) == (record_type == "activity")
    interaction = stored(record["id"])
    assert (interaction.kind, interaction.contact_id, interaction.created_by_id) == (
        KIND_OF[record_type],
        robert.id,
        api.user.id,
    )
    assert last_touch(robert) == date(2026, 11, 20)


def test_an_activity_is_logged_with_the_kind_given(api, robert):
    record = log(api, "activity", robert, kind="email")

    assert record["attributes"]["kind"] == "email"
    assert stored(record["id"]).kind == "email"


@pytest.mark.parametrize("record_type", ["note", "meeting"])
def test_a_note_or_meeting_takes_no_kind(api, robert, record_type):
    response = api.post(f"/api/v2/{record_type}", json=body(record_type, robert, kind="call"))

    error = error_of(response, 400, "unknown_field")
    assert fields_named(error) == {"kind"}
    assert stored_count() == 0


def test_who_had_it_may_be_a_colleague_while_the_caller_logged_it(api, robert, make_user):
    colleague = make_user("member", name="Cora Colleague")
    _db.session.commit()

    record = log(api, "meeting", robert, user=str(colleague.id))

    assert record["attributes"]["user"] == str(colleague.id)
    assert record["attributes"]["logged_by"] == str(api.user.id)


def test_an_inactive_colleague_is_refused_under_the_user_field(api, robert, make_user):
    gone = make_user("member", name="Ian Inactive", active=False)
    _db.session.commit()

    response = api.post("/api/v2/note", json=body("note", robert, user=str(gone.id)))

    error = error_of(response, 422, "field_value_invalid")
    assert fields_named(error) == {"user"}
    assert stored_count() == 0


@pytest.mark.parametrize("record_type", TYPES)
def test_a_day_in_the_future_is_refused(api, robert, record_type):
    response = api.post(
        f"/api/v2/{record_type}", json=body(record_type, robert, occurred_on="2026-11-26")
    )

    error = error_of(response, 422, "field_value_invalid")
    assert fields_named(error) == {"occurred_on"}
    assert stored_count() == 0
    assert last_touch(robert) is None


def test_today_is_accepted(api, robert):
    assert log(api, "note", robert, occurred_on="2026-11-24")["attributes"]["occurred_on"] == (
        "2026-11-24"
    )


def test_a_summary_over_5000_characters_is_refused(api, robert):
    response = api.post("/api/v2/note", json=body("note", robert, summary="x" * 5001))

    error = error_of(response, 422, "field_value_invalid")
    assert fields_named(error) == {"summary"}
    assert stored_count() == 0


def test_a_contact_that_does_not_exist_is_refused(api):
    response = api.post(
        "/api/v2/note",
        json={"attributes": {"contact": "987654", "occurred_on": "2026-11-20", "summary": "Hi"}},
    )

    error = error_of(response, 422, "field_value_invalid")
    assert fields_named(error) == {"contact"}
    assert stored_count() == 0


def test_an_archived_contact_is_refused(api, robert):
    assert api.delete(f"/api/v2/contact/{robert.id}").status_code == 204

    response = api.post("/api/v2/note", json=body("note", robert))

    error_of(response, 409, "contact_archived")
    assert stored_count() == 0


def test_a_key_with_crm_permissions_alone_logs_a_note(api_client, robert):
    crm_only = api_client(permissions=[access.CRM_READ, access.CRM_WRITE])

    record = log(crm_only, "note", robert)

    assert stored(record["id"]).created_by_id == crm_only.user.id


def test_a_read_only_key_reads_but_cannot_log(api, api_client, robert):
    note = log(api, "note", robert)
    reader = api_client(permissions=[access.CRM_READ])

    assert reader.get(f"/api/v2/note/{note['id']}").status_code == 200
    error = error_of(reader.post("/api/v2/note", json=body("note", robert)), 403, "forbidden")
    assert error["details"]["permission"] == access.CRM_WRITE
    assert stored_count() == 1


# --- read and list --------------------------------------------------------------------------------


def test_a_note_is_read_as_an_activity_but_not_as_a_meeting(api, robert):
    note = log(api, "note", robert)

    error_of(api.get(f"/api/v2/meeting/{note['id']}"), 404, "record_not_found")
    as_activity = api.get(f"/api/v2/activity/{note['id']}")
    assert as_activity.status_code == 200
    assert as_activity.get_json()["data"]["attributes"]["kind"] == "note"


def test_a_meeting_is_not_read_as_a_note(api, robert):
    meeting = log(api, "meeting", robert)

    error_of(api.get(f"/api/v2/note/{meeting['id']}"), 404, "record_not_found")
    assert api.get(f"/api/v2/meeting/{meeting['id']}").status_code == 200


def test_each_type_lists_only_its_own_kind(api, robert):
    note = log(api, "note", robert)
    meeting = log(api, "meeting", robert)
    call = log(api, "activity", robert, kind="call")

    assert ids_of(api.get("/api/v2/note")) == [note["id"]]
    assert ids_of(api.get("/api/v2/meeting")) == [meeting["id"]]
    assert ids_of(api.get("/api/v2/activity")) == [note["id"], meeting["id"], call["id"]]
    assert api.get("/api/v2/note").get_json()["meta"]["total"] == 1


@pytest.mark.parametrize("record_type", TYPES)
def test_lists_filter_by_contact(api, robert, grace, record_type):
    roberts = log(api, record_type, robert)
    graces = log(api, record_type, grace)

    assert ids_of(api.get(f"/api/v2/{record_type}", query_string={"contact": robert.id})) == [
        roberts["id"]
    ]
    assert ids_of(api.get(f"/api/v2/{record_type}", query_string={"contact": grace.id})) == [
        graces["id"]
    ]


def test_activities_filter_by_kind(api, robert):
    note = log(api, "note", robert)
    email = log(api, "activity", robert, kind="email")

    assert ids_of(api.get("/api/v2/activity", query_string={"kind": "note"})) == [note["id"]]
    assert ids_of(api.get("/api/v2/activity", query_string={"kind": "email"})) == [email["id"]]
    assert ids_of(api.get("/api/v2/activity", query_string={"kind": "call"})) == []
    error_of(api.get("/api/v2/activity", query_string={"kind": "lunch"}), 400, "invalid_filter")


def test_a_note_list_cannot_be_filtered_by_kind(api):
    error = error_of(
        api.get("/api/v2/note", query_string={"kind": "meeting"}), 400, "unknown_field"
    )
    assert fields_named(error) == {"kind"}


# --- patch ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("record_type", TYPES)
def test_patching_changes_the_fields_given_and_moves_the_last_touch(api, robert, record_type):
    record = log(api, record_type, robert)

    response = api.patch(
        f"/api/v2/{record_type}/{record['id']}",
        json={"attributes": {"occurred_on": "2026-11-22", "summary": "Agreed a 3-year term"}},
    )

    assert response.status_code == 200, response.text
    after = response.get_json()["data"]["attributes"]
    assert (after["occurred_on"], after["summary"]) == ("2026-11-22", "Agreed a 3-year term")
    assert after["user"] == str(api.user.id)
    assert stored(record["id"]).kind == KIND_OF[record_type]
    assert last_touch(robert) == date(2026, 11, 22)


@pytest.mark.parametrize("record_type", TYPES)
def test_the_contact_cannot_be_changed(api, robert, grace, record_type):
    record = log(api, record_type, robert)

    response = api.patch(
        f"/api/v2/{record_type}/{record['id']}", json={"attributes": {"contact": str(grace.id)}}
    )

    error = error_of(response, 400, "field_not_updatable")
    assert fields_named(error) == {"contact"}
    assert stored(record["id"]).contact_id == robert.id


def test_a_future_day_is_refused_on_patch_and_changes_nothing(api, robert):
    record = log(api, "note", robert)

    response = api.patch(
        f"/api/v2/note/{record['id']}", json={"attributes": {"occurred_on": "2026-12-01"}}
    )

    error = error_of(response, 422, "field_value_invalid")
    assert fields_named(error) == {"occurred_on"}
    assert stored(record["id"]).occurred_on == date(2026, 11, 20)
    assert last_touch(robert) == date(2026, 11, 20)


def test_an_activity_changed_to_a_call_leaves_the_notes(api, robert):
    note = log(api, "note", robert)

    response = api.patch(f"/api/v2/activity/{note['id']}", json={"attributes": {"kind": "call"}})

    assert response.status_code == 200, response.text
    assert stored(note["id"]).kind == "call"
    error_of(api.get(f"/api/v2/note/{note['id']}"), 404, "record_not_found")
    assert ids_of(api.get("/api/v2/note")) == []


def test_a_meeting_cannot_be_patched_or_archived_as_a_note(api, robert):
    meeting = log(api, "meeting", robert)
    path = f"/api/v2/note/{meeting['id']}"

    error_of(api.patch(path, json={"attributes": {"summary": "Changed"}}), 404, "record_not_found")
    error_of(api.delete(path), 404, "record_not_found")
    interaction = stored(meeting["id"])
    assert (interaction.summary, interaction.archived_at) == ("Talked renewal", None)


def test_another_member_cannot_patch_or_archive_my_note(api, api_client, robert):
    note = log(api, "note", robert)
    colleague = api_client(role="member", name="Cora Colleague")
    path = f"/api/v2/note/{note['id']}"

    patched = colleague.patch(path, json={"attributes": {"summary": "Rewritten"}})
    archived = colleague.delete(path)

    for response in (patched, archived):
        error = error_of(response, 403, "forbidden")
        assert error["details"]["permission"] == access.RELATIONSHIPS_MANAGE
    interaction = stored(note["id"])
    assert (interaction.summary, interaction.archived_at) == ("Talked renewal", None)
    assert events_of(note["id"])[-1].action == "create"


def test_a_manager_may_patch_and_archive_my_note(api, api_client, robert):
    note = log(api, "note", robert)
    manager = api_client(role="manager", name="Maggie Manager")
    path = f"/api/v2/note/{note['id']}"

    patched = manager.patch(path, json={"attributes": {"summary": "Tidied up"}})
    assert patched.status_code == 200, patched.text
    assert manager.delete(path).status_code == 204

    interaction = stored(note["id"])
    assert interaction.summary == "Tidied up"
    assert interaction.archived_at is not None
    assert [(e.action, e.user_id) for e in events_of(note["id"])] == [
        ("create", api.user.id),
        ("update", manager.user.id),
        ("archive", manager.user.id),
    ]


# --- archive and restore --------------------------------------------------------------------------


@pytest.mark.parametrize("record_type", TYPES)
def test_archiving_hides_it_and_the_last_touch_falls_back(api, robert, record_type):
    older = log(api, record_type, robert, occurred_on="2026-11-10")
    newer = log(api, record_type, robert, occurred_on="2026-11-20")
    path = f"/api/v2/{record_type}/{newer['id']}"

    assert api.delete(path).status_code == 204

    error = error_of(api.get(path), 404, "record_not_found")
    assert error["details"]["archived"] is True
    shown = api.get(path, query_string={"include_archived": "true"}).get_json()["data"]
    assert shown["attributes"]["archived_at"] is not None
    assert ids_of(api.get(f"/api/v2/{record_type}")) == [older["id"]]
    everything = api.get(f"/api/v2/{record_type}", query_string={"include_archived": "true"})
    assert ids_of(everything) == [older["id"], newer["id"]]
    assert last_touch(robert) == date(2026, 11, 10)


def test_archiving_the_only_interaction_leaves_no_last_touch(api, robert):
    note = log(api, "note", robert)

    assert api.delete(f"/api/v2/note/{note['id']}").status_code == 204

    assert last_touch(robert) is None


@pytest.mark.parametrize("record_type", TYPES)
def test_restoring_brings_it_back_as_a_touch(api, robert, record_type):
    log(api, record_type, robert, occurred_on="2026-11-10")
    newer = log(api, record_type, robert, occurred_on="2026-11-20")
    api.delete(f"/api/v2/{record_type}/{newer['id']}")

    response = api.post(f"/api/v2/{record_type}/{newer['id']}/_restore")

    assert response.status_code == 200, response.text
    assert response.get_json()["data"]["attributes"]["archived_at"] is None
    assert newer["id"] in ids_of(api.get(f"/api/v2/{record_type}"))
    assert last_touch(robert) == date(2026, 11, 20)


def test_an_archived_note_cannot_be_patched(api, robert):
    note = log(api, "note", robert)
    api.delete(f"/api/v2/note/{note['id']}")

    response = api.patch(f"/api/v2/note/{note['id']}", json={"attributes": {"summary": "Later"}})

    error_of(response, 404, "record_not_found")
    assert stored(note["id"]).summary == "Talked renewal"


def test_another_member_cannot_restore_my_note(api, api_client, robert):
    note = log(api, "note", robert)
    api.delete(f"/api/v2/note/{note['id']}")
    colleague = api_client(role="member", name="Cora Colleague")

    error_of(colleague.post(f"/api/v2/note/{note['id']}/_restore"), 403, "forbidden")

    assert stored(note["id"]).archived_at is not None


def test_an_archived_interaction_leaves_the_contacts_timeline(client, login_as, api, robert):
    log(api, "note", robert, summary="Kept on the timeline")
    meeting = log(api, "meeting", robert, summary="Archived from the timeline")
    api.delete(f"/api/v2/meeting/{meeting['id']}")
    login_as("member")

    def timeline() -> str:
        page = client.get(f"/contacts/{robert.id}?open=timeline").text
        return visible_text(section(page, "timeline"))

    assert "Kept on the timeline" in timeline()
    assert "Archived from the timeline" not in timeline()
    api.post(f"/api/v2/meeting/{meeting['id']}/_restore")
    assert "Archived from the timeline" in timeline()


# --- relationships --------------------------------------------------------------------------------


@pytest.mark.parametrize("record_type", ["note", "meeting"])
def test_a_note_or_meeting_reads_its_contact(api, robert, record_type):
    record = log(api, record_type, robert)

    response = api.get(f"/api/v2/{record_type}/{record['id']}/relationship/contact")

    assert response.status_code == 200, response.text
    listed = response.get_json()
    assert [item["id"] for item in listed["data"]] == [str(robert.id)]
    assert listed["data"][0]["record_type"] == "contact"
    assert listed["meta"]["total"] == 1


@pytest.mark.parametrize("record_type", ["note", "meeting"])
def test_the_contact_relationship_cannot_be_written(api, robert, grace, record_type):
    record = log(api, record_type, robert)
    related = f"/api/v2/{record_type}/{record['id']}/relationship/contact"

    added = api.post(related, json={"related_record_id": str(grace.id)})
    removed = api.delete(f"{related}/{robert.id}")

    for response in (added, removed):
        error = error_of(response, 400, "field_not_updatable")
        assert fields_named(error) == {"contact"}
    assert stored(record["id"]).contact_id == robert.id


def test_a_meeting_is_not_found_through_the_note_relationships(api, robert):
    meeting = log(api, "meeting", robert)

    response = api.get(f"/api/v2/note/{meeting['id']}/relationship/contact")

    error_of(response, 404, "record_not_found")


@pytest.mark.parametrize("name", ["contact", "accounts", "anything"])
@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE"])
def test_an_activity_has_no_relationship_endpoints(api, robert, grace, name, method):
    activity = log(api, "activity", robert)
    path = f"/api/v2/activity/{activity['id']}/relationship/{name}"
    if method in ("PATCH", "DELETE"):
        path += f"/{robert.id}"
    given = {"related_record_id": str(grace.id)} if method == "POST" else {"role": "x"}

    response = api.get(path) if method == "GET" else api._call(method, path, json=given)

    error = error_of(response, 404, "unknown_relationship")
    assert error["details"] == {"record_type": "activity", "relationship": name}


def test_an_unknown_relationship_of_a_note_is_404(api, robert):
    note = log(api, "note", robert)

    error_of(
        api.get(f"/api/v2/note/{note['id']}/relationship/accounts"), 404, "unknown_relationship"
    )


@pytest.mark.parametrize(
    ("record_type", "support", "relationships"),
    [
        ("note", "generic", ["contact"]),
        ("meeting", "read_only", ["contact"]),
        ("activity", "none", []),
    ],
)
def test_the_schema_says_what_relationships_each_type_supports(
    api, record_type, support, relationships
):
    described = api.get(f"/api/v2/_schema/{record_type}").get_json()["data"]

    assert described["relationship_support"] == support
    assert [r["api_name"] for r in described["relationships"]] == relationships
    assert all(r["writable"] is False for r in described["relationships"])
    fields = {f["api_name"]: f for f in described["fields"]}
    assert ("kind" in fields) == (record_type == "activity")
    assert fields["contact"]["updatable"] is False
    assert fields["logged_by"]["creatable"] is fields["logged_by"]["updatable"] is False


# --- audit ----------------------------------------------------------------------------------------


def test_each_write_is_audited_with_the_api_key(api, robert):
    note = log(api, "note", robert)
    path = f"/api/v2/note/{note['id']}"
    api.patch(path, json={"attributes": {"summary": "Agreed terms"}})
    api.delete(path)
    api.delete(path)  # archiving twice changes nothing
    api.post(f"{path}/_restore")

    events = events_of(note["id"])

    assert [e.action for e in events] == ["create", "update", "archive", "restore"]
    assert {e.api_key_id for e in events} == {api.api_key.id}
    assert {e.user_id for e in events} == {api.user.id}
    assert events[0].changes["kind"] == {"before": None, "after": "note"}
    assert events[1].changes == {"summary": {"before": "Talked renewal", "after": "Agreed terms"}}
    assert events[2].changes["archived_at"]["before"] is None
    assert events[3].changes["archived_at"]["after"] is None
