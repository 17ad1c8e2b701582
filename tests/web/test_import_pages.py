"""Contacts → Import on the pages: upload, preview and mapping, run, progress, result, undo."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from tests.import_files import google_csv, google_row
from tests.web.contact_page_builders import queries_for
from webapp import access
from webapp.extensions import db as _db
from webapp.models import Contact, Import, PermissionOverride
from webapp.services import calendar
from webapp.services.imports import running

ROWS = [
    google_row("Ada", "Lovelace", company="Engines Ltd", email="ada@engines.example"),
    google_row("Bad", "Email", email="not-an-email"),
]
CUSTOM = b"Given,Surname,Mail\r\nAda,Lovelace,ada@engines.example\r\nBob,Byte,bob@bits.example\r\n"


@pytest.fixture
def me(login_as):
    return login_as("member", name="Mo Member")


def send_file(client, content: bytes, filename: str = "contacts.csv", **form):
    data = {"file": (io.BytesIO(content), filename), **form}
    return client.post("/contacts/import", data=data, content_type="multipart/form-data")


def the_import() -> Import:
    return _db.session.scalars(select(Import).order_by(Import.id.desc())).first()


def ran_import(client) -> tuple[str, Import]:
    """Upload ``ROWS``, run them as the page's Import button does; the page's URL and import."""
    location = send_file(client, google_csv(ROWS)).headers["Location"]
    record = the_import()
    mapping = {f"column-{i}": record.mapping[c["name"]] for i, c in enumerate(record.columns)}
    client.post(location, data={**mapping, "then": "run"})
    running.run_pending(calendar.now())
    return location, record


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_the_contacts_page_leads_to_import(client, me):
    page = client.get("/contacts").get_data(as_text=True)

    assert 'href="/contacts/import"' in page


def test_an_upload_lands_on_its_preview_with_counts_problems_and_the_mapping(client, me):
    response = send_file(client, google_csv(ROWS))

    assert response.status_code == 303
    preview = client.get(response.headers["Location"])
    page = text_of(preview)
    assert "Google Contacts CSV" in page and "2 rows" in page
    assert re.search(r'data-outcome="create">1<', page)
    assert re.search(r'data-outcome="error">1<', page)
    assert "not-an-email is not a valid email address." in page
    assert '<select class="form-select form-select-sm" id="column-0" name="column-0">' in page
    assert "Import 1 contact" in page
    assert _db.session.scalars(select(Contact)).all() == []


def test_a_file_with_no_name_column_is_previewed_after_the_mapping_is_fixed(client, me):
    location = send_file(client, CUSTOM).headers["Location"]
    assert "Surname" in client.get(location).get_data(as_text=True)
    record = the_import()

    fixed = client.post(
        location,
        data={"column-0": "first_name", "column-1": "last_name", "column-2": "email"},
    )

    assert fixed.status_code == 200
    assert re.search(r'data-outcome="create">2<', text_of(fixed))
    _db.session.refresh(record)
    assert record.mapping == {"Given": "first_name", "Surname": "last_name", "Mail": "email"}


def test_a_mapping_without_a_name_says_so_and_keeps_the_preview(client, me):
    location = send_file(client, CUSTOM).headers["Location"]

    refused = client.post(location, data={"column-0": "ignore", "column-2": "email"})

    assert refused.status_code == 422
    assert "name" in text_of(refused).lower()
    assert the_import().status == "previewed"


def test_running_shows_progress_then_the_result_with_failed_rows(client, me):
    location = send_file(client, google_csv(ROWS)).headers["Location"]
    record = the_import()
    mapping = {f"column-{i}": record.mapping[c["name"]] for i, c in enumerate(record.columns)}

    ran = client.post(location, data={**mapping, "then": "run"})

    assert ran.status_code == 303
    waiting = text_of(client.get(location))
    assert 'role="progressbar"' in waiting and "0 of 2 rows" in waiting
    assert 'hx-trigger="every 1s"' in waiting
    running.run_pending(calendar.now())
    progress = client.get(f"{location}/progress", headers={"HX-Request": "true"})
    assert progress.headers["HX-Refresh"] == "true"
    result = text_of(client.get(location))
    assert "Import finished" in result
    assert "Rows not imported" in result and "not-an-email" in result
    assert "Undo this import" in result


def test_the_failed_rows_download_has_the_files_columns_and_the_reason(client, me):
    location, record = ran_import(client)

    download = client.get(f"{location}/failed-rows.csv")

    assert download.mimetype == "text/csv"
    assert (
        download.headers["Content-Disposition"] == "attachment; filename=contacts-failed-rows.csv"
    )
    text = download.get_data(as_text=True)
    assert text.startswith("\ufeff")
    header, row = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header[-2:] == ["Import row", "Import error"]
    assert row[header.index("E-mail 1 - Value")] == "not-an-email"
    assert row[-2:] == ["2", "Email: not-an-email is not a valid email address."]


def test_undo_from_the_result_page(client, me):
    location, record = ran_import(client)

    undone = client.post(f"{location}/undo", follow_redirects=True)

    assert "This import was undone" in text_of(undone)
    assert _db.session.scalars(select(Contact)).one().is_archived


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"PK\x03\x04" + b"\x00" * 100, "save it as CSV UTF-8"),
    ],
)
def test_a_file_rapport_cannot_read_is_a_form_error(client, me, content, message):
    response = send_file(client, content, "book.xlsx")

    assert response.status_code == 422
    assert message in text_of(response)
    assert the_import() is None


def test_sending_no_file_asks_for_one(client, me):
    response = client.post("/contacts/import", data={}, content_type="multipart/form-data")

    assert response.status_code == 422
    assert "Choose a file to import." in text_of(response)


def test_without_crm_write_import_is_refused(client, me):
    _db.session.add(PermissionOverride(user_id=me.id, permission=access.CRM_WRITE, granted=False))
    _db.session.commit()

    assert client.get("/contacts/import").status_code == 403
    assert 'href="/contacts/import"' not in client.get("/contacts").get_data(as_text=True)


def test_the_preview_and_result_pages_cost_the_same_queries_for_2_or_200_rows(
    client, me, count_queries
):
    small = send_file(client, google_csv(ROWS)).headers["Location"]
    many = [google_row(f"P{n}", "Test", email=f"p{n}@x.example") for n in range(200)]
    large = send_file(client, google_csv([*many, google_row("Bad", "E", email="bad")])).headers[
        "Location"
    ]

    assert queries_for(client, count_queries, small) == queries_for(client, count_queries, large)


def test_a_preview_can_be_discarded_from_its_page(client, me):
    location = send_file(client, google_csv(ROWS)).headers["Location"]
    record = the_import()
    preview = client.get(location).get_data(as_text=True)
    assert f'action="/imports/{record.id}/discard"' in preview

    answer = client.post(f"/imports/{record.id}/discard", follow_redirects=True)

    assert answer.request.path == "/contacts/import"
    assert "Discarded the preview of contacts.csv: nothing was imported." in text_of(answer)
    assert _db.session.scalars(select(Import)).all() == []
    assert _db.session.scalars(select(Contact)).all() == []


def test_an_import_that_ran_cannot_be_discarded(client, me):
    location, record = ran_import(client)

    refused = client.post(f"/imports/{record.id}/discard")

    assert refused.status_code == 409
    assert "only a preview can be discarded" in text_of(refused)
    assert f'action="/imports/{record.id}/discard"' not in client.get(location).text
    assert _db.session.scalars(select(Contact)).one().first_name == "Ada"
