"""Imports over the API: upload and preview, run, follow, undo; every refusal in the envelope."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from tests.api.v2.conftest import error_of
from tests.api.v2.test_openapi_v2 import assert_documented
from tests.import_files import google_csv, google_row
from webapp import access
from webapp.extensions import db as _db
from webapp.models import Contact, Import
from webapp.services import calendar
from webapp.services.imports import reading, running

ROWS = [
    google_row("Ada", "Lovelace", company="Engines Ltd", email="ada@engines.example"),
    google_row("Bad", "Email", email="not-an-email"),
]
UPLOAD = "/api/v2/imports"


def upload(api, content: bytes, filename: str = "contacts.csv", **form):
    data = {"file": (io.BytesIO(content), filename), **form}
    return api.post(UPLOAD, data=data, content_type="multipart/form-data")


def contacts() -> int:
    return _db.session.scalar(select(func.count()).select_from(Contact))


@pytest.fixture
def document(client):
    return client.get("/api/openapi.json").get_json()


def test_an_upload_answers_201_with_the_preview_and_writes_no_contact(api, document):
    response = upload(api, google_csv(ROWS))

    assert response.status_code == 201, response.text
    data = response.get_json()["data"]
    assert data["status"] == "previewed"
    assert (data["format"], data["encoding"], data["rows"]) == ("google", "utf-8", 2)
    assert data["summary"] == {
        "create": 1,
        "update": 0,
        "unchanged": 0,
        "duplicate_in_file": 0,
        "error": 1,
        "companies": {"create": 1, "match": 0},
    }
    assert data["errors"] == [
        {"row": 2, "field": "email", "message": "not-an-email is not a valid email address."}
    ]
    assert data["progress"] == {"done": 0, "total": 2}
    assert contacts() == 0
    assert_documented(document, "post", UPLOAD, response)


def test_run_answers_202_and_the_import_is_followed_to_done(api, document):
    created = upload(api, google_csv(ROWS)).get_json()["data"]

    queued = api.post(f"{UPLOAD}/{created['id']}/run")

    assert queued.status_code == 202, queued.text
    assert queued.get_json()["data"]["status"] == "queued"
    assert_documented(document, "post", "/api/v2/imports/{import_id}/run", queued)
    running.run_pending(calendar.now())
    followed = api.get(f"{UPLOAD}/{created['id']}")
    data = followed.get_json()["data"]
    assert (data["status"], data["progress"]) == ("done", {"done": 2, "total": 2})
    assert data["summary"]["create"] == 1 and data["summary"]["error"] == 1
    assert contacts() == 1
    assert_documented(document, "get", "/api/v2/imports/{import_id}", followed)


def test_undo_answers_with_the_undone_import(api, document):
    created = upload(api, google_csv(ROWS)).get_json()["data"]
    api.post(f"{UPLOAD}/{created['id']}/run")
    running.run_pending(calendar.now())

    undone = api.post(f"{UPLOAD}/{created['id']}/undo")

    assert undone.status_code == 200, undone.text
    assert undone.get_json()["data"]["status"] == "undone"
    assert _db.session.scalar(select(Contact.archived_at)) is not None
    assert_documented(document, "post", "/api/v2/imports/{import_id}/undo", undone)


def test_a_mapping_owner_and_overwrite_can_be_given_with_the_file(api, make_user):
    content = b"Given,Surname,Mail\r\nAda,Lovelace,ada@engines.example\r\n"
    mapping = {"Given": "first_name", "Surname": "last_name", "Mail": "email"}

    response = upload(api, content, mapping=json.dumps(mapping), overwrite="true")

    data = response.get_json()["data"]
    assert data["mapping"] == mapping and data["overwrite"] is True
    assert data["owner"] == str(api.user.id)
    assert data["summary"]["create"] == 1


@pytest.mark.parametrize(
    ("content", "filename", "code"),
    [
        (b"", "empty.csv", "empty_file"),
        (b"PK\x03\x04" + b"\x00" * 200, "book.xlsx", "binary_file"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "face.png", "binary_file"),
    ],
)
def test_a_file_rapport_cannot_read_gets_a_clear_400(api, content, filename, code):
    response = upload(api, content, filename)

    error = error_of(response, 400, code)
    assert error["details"] == {"field": "file"}
    assert _db.session.scalar(select(func.count()).select_from(Import)) == 0


def test_a_file_over_the_row_limit_is_refused(api, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 1)

    error = error_of(upload(api, google_csv(ROWS)), 400, "too_many_rows")

    assert "1" in error["message"]


def test_a_file_over_20_mb_is_refused_with_413(api):
    # Sent as raw bytes: the test client would spool a form this large to a temporary file.
    big = b"First name,Notes\r\nAda," + b"x" * (21 * 1024 * 1024) + b"\r\n"
    body = (
        b'--edge\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
        + big
        + b"\r\n--edge--\r\n"
    )

    response = api.post(UPLOAD, data=body, content_type="multipart/form-data; boundary=edge")

    assert response.status_code == 413
    assert "20 MB" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({"mapping": "{not json"}, "invalid_mapping"),
        ({"mapping": json.dumps({"First Name": "shoe_size"})}, "invalid_mapping"),
        ({"mapping": json.dumps({"Nope": "first_name"})}, "invalid_mapping"),
        ({"mapping": json.dumps(["first_name"])}, "invalid_mapping"),
        ({"overwrite": "maybe"}, "bad_request"),
        ({"owner": "abc"}, "bad_request"),
    ],
)
def test_bad_choices_with_the_file_are_400s_that_write_nothing(api, form, code):
    error_of(upload(api, google_csv(ROWS), **form), 400, code)

    assert _db.session.scalar(select(func.count()).select_from(Import)) == 0


def test_a_member_cannot_give_the_contacts_to_someone_else(api, make_user):
    other = make_user("member", squad=api.user.squad)

    error = error_of(upload(api, google_csv(ROWS), owner=str(other.id)), 400, "invalid_owner")

    assert error["details"]["fields"] == {"owner": ["Choose yourself or someone in your squad."]}


def test_a_manager_can_give_them_to_someone_in_their_squad(api_client, make_user, db):
    from tests.factories import SquadFactory

    squad = SquadFactory()
    manager = api_client(role="manager", squad=squad)
    member = make_user("member", squad=squad)

    response = upload(manager, google_csv(ROWS), owner=str(member.id))

    assert response.status_code == 201, response.text
    assert response.get_json()["data"]["owner"] == str(member.id)


def test_no_file_is_a_400_naming_the_field(api):
    response = api.post(UPLOAD, data={"mapping": "{}"}, content_type="multipart/form-data")

    assert error_of(response, 400, "bad_request")["details"]["fields"] == {
        "file": ["Attach a file."]
    }


def test_a_key_without_crm_write_gets_403(api_client):
    reader = api_client(permissions=[access.CRM_READ, access.RELATIONSHIPS_UPDATE])

    error = error_of(upload(reader, google_csv(ROWS)), 403, "forbidden")

    assert error["details"] == {"permission": access.CRM_WRITE}


def test_someone_elses_import_is_404_and_the_wrong_state_is_409(api, api_client):
    created = upload(api, google_csv(ROWS)).get_json()["data"]
    stranger = api_client(role="member")

    error_of(stranger.get(f"{UPLOAD}/{created['id']}"), 404, "record_not_found")
    error_of(api.post(f"{UPLOAD}/{created['id']}/undo"), 409, "undo_not_possible")
    api.post(f"{UPLOAD}/{created['id']}/run")
    error_of(api.post(f"{UPLOAD}/{created['id']}/run"), 409, "import_state_conflict")


def test_a_preview_can_be_discarded_and_a_run_import_cannot(api, api_client, document):
    kept = upload(api, google_csv(ROWS)).get_json()["data"]
    dropped = upload(api, google_csv(ROWS)).get_json()["data"]
    stranger = api_client(role="member")

    error_of(stranger.delete(f"{UPLOAD}/{dropped['id']}"), 404, "record_not_found")
    discarded = api.delete(f"{UPLOAD}/{dropped['id']}")

    assert discarded.status_code == 200, discarded.text
    assert discarded.get_json() == {"deleted": True, "id": dropped["id"]}
    assert_documented(document, "delete", "/api/v2/imports/{import_id}", discarded)
    error_of(api.get(f"{UPLOAD}/{dropped['id']}"), 404, "record_not_found")
    assert _db.session.scalars(select(Import.id)).all() == [int(kept["id"])]
    api.post(f"{UPLOAD}/{kept['id']}/run")
    error_of(api.delete(f"{UPLOAD}/{kept['id']}"), 409, "import_state_conflict")
    assert contacts() == 0
