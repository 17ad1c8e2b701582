"""Exports: the Contacts list as CSV and vCard and the Clients list as CSV, following each
list's filters, streamed a chunk at a time (queries: test_export_queries.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest
import vobject
from flask import g

from tests import factories
from tests.unit.relationship_builders import at_noon_utc, freeze_time
from tests.web.export_builders import BOM, Person, add_person, as_records, csv_rows, first_names
from webapp import access
from webapp.extensions import db as _db
from webapp.models import PermissionOverride
from webapp.services.exports import chunks
from webapp.services.exports.csv_format import guard_cell, unguard_cell
from webapp.services.exports.vcards import fold
from webapp.services.imports.reading import read_file

TODAY = date(2027, 3, 10)
HTMX = {"HX-Request": "true"}
EXPORTS = ("/contacts/export.csv", "/contacts/export.vcf", "/clients/export.csv")


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(TODAY))


@pytest.fixture
def me(login_as):
    return login_as("member", name="Mia Member", email="mia@rapport.test")


@pytest.fixture
def engines(db):
    return factories.CompanyFactory(name="Analytical Engines")


@pytest.fixture
def ada(me, engines):
    """Every field an export writes: two emails, two phones, a birthday without its year..."""
    contact = add_person(
        Person(
            "Ada",
            "Lovelace",
            title="Countess",
            stage="customer",
            owner=me,
            emails=["ada@engines.example", "ada@home.example"],
            phones=["+442079460958", "+447700900123"],
            company=engines,
            tags=["Friends", "VIP"],
            notes="Likes tea",
            birthday=(12, 10, None),
            linkedin_url="https://www.linkedin.com/in/ada-lovelace",
        )
    )
    _db.session.commit()
    return contact


def download(client, path: str, **kwargs) -> bytes:
    response = client.get(path, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.get_data()


# --- contacts as CSV ------------------------------------------------------------------------------


def test_contacts_csv_header_and_row_are_byte_exact(client, ada):
    body = download(client, "/contacts/export.csv")
    assert body == BOM + (
        b"First name,Last name,Job title,Company,Email 1,Email 2,Phone 1,Phone 2,"
        b"LinkedIn URL,Birthday,Tags,Notes,Stage,Owner\r\n"
        b"Ada,Lovelace,Countess,Analytical Engines,ada@engines.example,ada@home.example,"
        b"+442079460958,+447700900123,https://www.linkedin.com/in/ada-lovelace,--12-10,"
        b"Friends ::: VIP,Likes tea,customer,mia@rapport.test\r\n"
    )


def test_contacts_csv_is_an_attachment_named_for_today(client, ada):
    response = client.get("/contacts/export.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="rapport-contacts-2027-03-10.csv"'
    )


def test_contacts_csv_is_streamed_a_chunk_at_a_time(client, me, monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK_SIZE", 2)
    for n in range(5):
        add_person(Person(f"Person{n}", owner=me))
    _db.session.commit()
    response = client.get("/contacts/export.csv")
    assert response.is_streamed
    pieces = list(response.response)
    assert len(pieces) == 1 + 3, "one piece for the header, then one per chunk of two contacts"
    assert first_names(b"".join(pieces)) == [f"Person{n}" for n in range(5)]


def test_an_export_nobody_reads_to_the_end_leaves_no_context_pushed(client, ada):
    before = g._get_current_object()
    response = client.get("/contacts/export.vcf")  # the test client reads the first piece
    assert g._get_current_object() is before, "the export left an application context pushed"
    response.close()


def test_birthday_with_its_year_is_written_in_full(client, me):
    add_person(Person("Grace", birthday=(12, 9, 1906)))
    add_person(Person("Alan"))
    _db.session.commit()
    records = as_records(download(client, "/contacts/export.csv"))
    assert {r["First name"]: r["Birthday"] for r in records} == {"Grace": "1906-12-09", "Alan": ""}


def test_cyrillic_names_and_notes_with_comma_quote_and_newline_read_back_unchanged(client, me):
    notes = 'Met at the "Ball", Vienna;\r\nsecond line, with a comma'
    add_person(Person("Пётр", "Чайковский", notes=notes))
    _db.session.commit()
    [record] = as_records(download(client, "/contacts/export.csv"))
    assert (record["First name"], record["Last name"]) == ("Пётр", "Чайковский")
    assert record["Notes"] == notes


def test_email_and_phone_columns_follow_the_contact_with_the_most(client, me):
    add_person(Person("Ada", emails=["a1@x.example", "a2@x.example", "a3@x.example"]))
    add_person(Person("Bob", emails=["bob@x.example"]))
    _db.session.commit()
    header, ada_row, bob_row = csv_rows(download(client, "/contacts/export.csv"))
    assert header[4:8] == ["Email 1", "Email 2", "Email 3", "Phone 1"]
    assert bob_row[4:8] == ["bob@x.example", "", "", ""]


def test_an_empty_export_still_has_one_email_and_one_phone_column(client, me):
    [header] = csv_rows(download(client, "/contacts/export.csv"))
    assert header[4:6] == ["Email 1", "Phone 1"]


def test_cells_a_spreadsheet_would_run_get_an_apostrophe_but_phones_and_birthdays_do_not(
    client, me
):
    add_person(
        Person(
            "=HYPERLINK(1)",
            "@SUM(1)",
            phones=["+442079460958"],
            birthday=(3, 14, None),
            notes="- bullet one\n- bullet two",
            tags=["+plus"],
        )
    )
    _db.session.commit()
    [record] = as_records(download(client, "/contacts/export.csv"))
    shown = [record[name] for name in ("First name", "Last name", "Notes", "Tags")]
    assert shown == ["'=HYPERLINK(1)", "'@SUM(1)", "'- bullet one\n- bullet two", "'+plus"]
    assert (record["Phone 1"], record["Birthday"]) == ("+442079460958", "--03-14")


@pytest.mark.parametrize(
    "value", ["=1+1", "+44 20", "-x", "@me", "\tTab", "\rCR", "'quoted", "''=x", "'=x", "plain", ""]
)
def test_the_formula_guard_is_undone_exactly_on_import(value):
    assert unguard_cell(guard_cell(value)) == value


def test_an_export_reads_back_as_a_rapport_export_with_its_cells_unguarded(client, ada):
    add_person(Person("=HYPERLINK(1)", "Eve", notes="- first\n- second"))
    _db.session.commit()
    source = read_file(download(client, "/contacts/export.csv"), "rapport-contacts.csv")
    assert source.format == "rapport"
    eve = source.records[1].values
    assert (eve["First name"], eve["Notes"], eve["Phone 1"]) == (
        "=HYPERLINK(1)",
        "- first\n- second",
        "",
    )


# --- the Contacts page's filters -----------------------------------------------------------------


def test_export_follows_the_search_text(client, ada, me):
    add_person(Person("Charles", "Babbage", emails=["charles@engines.example"]))
    _db.session.commit()
    assert first_names(download(client, "/contacts/export.csv?q=babb")) == ["Charles"]


def test_export_follows_the_owner_filter(client, ada, make_user):
    other = make_user(name="Oscar Owner")
    add_person(Person("Charles", owner=other))
    _db.session.commit()
    body = download(client, f"/contacts/export.csv?owner={other.id}")
    assert first_names(body) == ["Charles"]


def test_export_follows_the_tag_filter(client, ada):
    add_person(Person("Charles", tags=["Friends"]))
    _db.session.commit()
    assert first_names(download(client, "/contacts/export.csv?tag=VIP")) == ["Ada"]


def test_archived_contacts_are_exported_only_from_the_archived_list(client, ada):
    add_person(Person("Gone", archived=True))
    _db.session.commit()
    assert first_names(download(client, "/contacts/export.csv")) == ["Ada"]
    assert first_names(download(client, "/contacts/export.csv?archived=1")) == ["Gone"]


def test_vcard_export_follows_the_filters_too(client, ada):
    add_person(Person("Charles", "Babbage"))
    _db.session.commit()
    cards = list(vobject.readComponents(download(client, "/contacts/export.vcf?q=babb").decode()))
    assert [card.fn.value for card in cards] == ["Charles Babbage"]


def test_contacts_page_export_buttons_carry_its_filters(client, ada, me):
    html = client.get(f"/contacts?q=love&owner={me.id}&archived=1").get_data(as_text=True)
    csv_link = re.search(r'id="export-contacts-csv"[^>]*href="([^"]+)"', html, re.S).group(1)
    assert csv_link == f"/contacts/export.csv?q=love&amp;owner={me.id}&amp;archived=1"


def test_export_buttons_are_refreshed_with_the_filters_live_search_sent(client, me):
    html = client.get("/contacts/export?q=love&owner=&page=3", headers=HTMX).get_data(as_text=True)
    assert 'href="/contacts/export.vcf?q=love"' in html


def test_export_buttons_without_htmx_go_to_the_list(client, me):
    response = client.get("/contacts/export?q=love")
    assert response.status_code == 302
    assert response.headers["Location"] == "/contacts?q=love"


# --- contacts as vCard ----------------------------------------------------------------------------

LONG_NOTE = "Любит чай, не кофе; " * 8 + "\nпишет \\ письма 🎉"


@pytest.fixture
def vcard_file(client, ada, me):
    ada.relationship_profile.personal_notes = LONG_NOTE
    add_person(Person("Grace", "Hopper, Jr.", birthday=(12, 9, 1906), company=None))
    _db.session.commit()
    response = client.get("/contacts/export.vcf")
    assert response.headers["Content-Type"] == "text/vcard; charset=utf-8"
    assert "rapport-contacts-2027-03-10.vcf" in response.headers["Content-Disposition"]
    return response.get_data()


def test_vcard_lines_end_in_crlf_and_fold_at_75_octets_between_characters(vcard_file):
    assert vcard_file.endswith(b"\r\n")
    lines = vcard_file.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines), "the long note was not folded"
    for line in lines:
        line.decode("utf-8")  # a fold inside a character would fail to decode here


def test_vcard_holds_every_field_of_the_contact(vcard_file):
    ada = next(vobject.readComponents(vcard_file.decode()))
    assert ada.version.value == "4.0"
    assert ada.fn.value == "Ada Lovelace"
    assert (ada.n.value.family, ada.n.value.given) == ("Lovelace", "Ada")
    assert (ada.org.value, ada.title.value) == (["Analytical Engines"], "Countess")
    assert [e.value for e in ada.email_list] == ["ada@engines.example", "ada@home.example"]
    assert [t.value for t in ada.tel_list] == ["+442079460958", "+447700900123"]
    assert ada.email.params == {"PREF": ["1"]}
    assert ada.url.value == "https://www.linkedin.com/in/ada-lovelace"
    assert ada.categories.value == ["Friends", "VIP"]


def test_vcard_note_with_commas_semicolons_backslash_newline_and_emoji_reads_back(vcard_file):
    ada = next(vobject.readComponents(vcard_file.decode()))
    assert ada.note.value == LONG_NOTE


def test_vcard_birthday_is_month_and_day_without_a_year_and_full_with_one(vcard_file):
    ada, grace = vobject.readComponents(vcard_file.decode())
    assert (ada.bday.value, grace.bday.value) == ("--1210", "19061209")
    assert grace.n.value.family == "Hopper, Jr."
    assert b"N:Hopper\\, Jr.;Grace;;;\r\n" in vcard_file


def test_a_line_break_in_a_name_cannot_add_a_vcard_property(client, me):
    add_person(Person("Eve\r\nEMAIL:evil@example.com", "Smith", emails=["eve@x.example"]))
    _db.session.commit()
    [eve] = vobject.readComponents(download(client, "/contacts/export.vcf").decode())
    assert [email.value for email in eve.email_list] == ["eve@x.example"]
    assert eve.n.value.given == "Eve\nEMAIL:evil@example.com"


@pytest.mark.parametrize("character", ["é", "€", "🎉"])
def test_folding_never_splits_a_character(character):
    line = "NOTE:" + character * 60
    physical = fold(line).split("\r\n")[:-1]
    assert all(len(part.encode("utf-8")) <= 75 for part in physical)
    assert physical[0] + "".join(part[1:] for part in physical[1:]) == line


# --- clients as CSV -------------------------------------------------------------------------------


def test_clients_csv_lists_each_client_with_the_list_columns(client, me, engines):
    factories.CompanyDomainFactory(company=engines, domain="engines.example", position=0)
    factories.CompanyDomainFactory(company=engines, domain="engines.example.org", position=1)
    factories.ClientProfileFactory(
        company=engines, tier="strategic", account_manager=me, client_since=date(2020, 1, 2)
    )
    factories.CompanyFactory(name="Not A Client")
    _db.session.commit()
    response = client.get("/clients/export.csv")
    assert 'filename="rapport-clients-2027-03-10.csv"' in response.headers["Content-Disposition"]
    assert csv_rows(response.get_data()) == [
        ["Name", "Domains", "Tier", "Client since", "Account manager", "Account manager email",
         "Industry", "Contacts", "Open actions", "Overdue actions", "Last touch",
         "Est. deal size"],
        ["Analytical Engines", "engines.example ::: engines.example.org", "strategic",
         "2020-01-02", "Mia Member", "mia@rapport.test", "Software", "0", "0", "0", "", ""],
    ]  # fmt: skip


def test_clients_csv_follows_the_tier_filter(client, me):
    for name, tier in (("Strategic Co", "strategic"), ("Standard Co", "standard")):
        factories.ClientProfileFactory(company=factories.CompanyFactory(name=name), tier=tier)
    _db.session.commit()
    rows = as_records(download(client, "/clients/export.csv?tier=strategic"))
    assert [row["Name"] for row in rows] == ["Strategic Co"]


def test_clients_page_export_button_carries_its_filters(client, me):
    html = client.get("/clients?tier=key&mine=1").get_data(as_text=True)
    link = re.search(r'id="client-export"[^>]*href="([^"]+)"', html, re.S).group(1)
    assert link == "/clients/export.csv?tier=key&amp;mine=1"


# --- who may export -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXPORTS)
def test_signed_out_visitors_are_sent_to_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("path", EXPORTS)
def test_user_without_view_permission_gets_403(client, me, path):
    _db.session.add(
        PermissionOverride(user=me, permission=access.RELATIONSHIPS_VIEW, granted=False)
    )
    _db.session.commit()
    assert client.get(path).status_code == 403
