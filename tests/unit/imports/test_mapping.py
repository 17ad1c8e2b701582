"""Checking a mapping from the mapping screen, and applying it to one record."""

from __future__ import annotations

import pytest

from webapp.services.imports.mapping import FIELDS, ContactRow, apply_mapping, check_mapping
from webapp.services.imports.sources import SourceRecord

COLUMNS = ["Name", "Title", "Job Title", "Email", "Other email", "Notes"]


def record(**values: str) -> SourceRecord:
    return SourceRecord(1, {column.replace("_", " "): value for column, value in values.items()})


def test_a_mapping_covers_every_column_and_a_missing_one_is_not_imported():
    checked = check_mapping(COLUMNS, {"Name": "full_name", "Email": "email", "Notes": ""})

    assert checked == {
        "Name": "full_name",
        "Title": "ignore",
        "Job Title": "ignore",
        "Email": "email",
        "Other email": "ignore",
        "Notes": "ignore",
    }


def test_several_columns_may_give_emails_phones_notes_and_tags():
    mapping = {"Name": "full_name", "Email": "email", "Other email": "email"}

    assert check_mapping(COLUMNS, mapping)["Other email"] == "email"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"Name": "full_name", "Fax": "phone"}, "The file has no column 'Fax'."),
        ({"Name": "nickname"}, "'nickname' is not a field a column can go into."),
        (
            {"Name": "full_name", "Title": "title", "Job Title": "title"},
            "Only one column can go into Job title, but 'Title' and 'Job Title' do",
        ),
        ({"Email": "email"}, "Choose a column for First name, Last name or Full name."),
    ],
)
def test_a_mapping_that_cannot_work_is_refused_with_a_sentence(mapping, message):
    with pytest.raises(ValueError) as refused:
        check_mapping(COLUMNS, mapping)

    assert message in str(refused.value)


def test_the_mapping_screen_offers_every_field_and_ends_with_dont_import():
    assert list(FIELDS)[:3] == ["first_name", "last_name", "full_name"]
    assert list(FIELDS.items())[-1] == ("ignore", "Don't import")


def test_google_multi_value_cells_become_several_emails_phones_and_tags():
    mapping = {"Email": "email", "Phone": "phone", "Labels": "tags", "Name": "full_name"}

    row = apply_mapping(
        record(
            Name=" Ana María López ",
            Email="ana@acme.com ::: ana.lopez@gmail.com",
            Phone="+34 600 000 001 ::: +34 91 000 0002",
            Labels="* myContacts ::: Clients ::: * starred ::: Madrid",
        ),
        mapping,
    )

    assert row == ContactRow(
        first_name="Ana María",
        last_name="López",
        emails=["ana@acme.com", "ana.lopez@gmail.com"],
        phones=["+34 600 000 001", "+34 91 000 0002"],
        tags=["Clients", "Madrid"],
    )


def test_outlook_categories_split_on_semicolons_and_commas():
    row = apply_mapping(record(Categories="Clients; VIP,Golf"), {"Categories": "tags"})

    assert row.tags == ["Clients", "VIP", "Golf"]


def test_notes_from_several_columns_are_joined_with_a_blank_line():
    row = apply_mapping(
        record(Notes="Met at the fair.", Comments="Call in May.", Empty=""),
        {"Notes": "notes", "Comments": "notes", "Empty": "notes"},
    )

    assert row.notes == "Met at the fair.\n\nCall in May."


def test_a_full_name_is_split_only_when_no_first_or_last_name_is_given():
    mapping = {"First": "first_name", "Last": "last_name", "Name": "full_name"}

    split = apply_mapping(record(First="", Last=" ", Name="Jean-Luc de la Croix"), mapping)
    kept = apply_mapping(record(First="Jean-Luc", Last="", Name="JL de la Croix"), mapping)
    single = apply_mapping(record(First="", Last="", Name="Madonna"), mapping)

    assert (split.first_name, split.last_name) == ("Jean-Luc de la", "Croix")
    assert (kept.first_name, kept.last_name) == ("Jean-Luc", "")
    assert (single.first_name, single.last_name) == ("Madonna", "")


def test_an_email_written_with_a_name_keeps_only_the_address():
    row = apply_mapping(
        record(Email='"Doe, Jane" <jane@example.com>', Other="JANE@example.com"),
        {"Email": "email", "Other": "email"},
    )

    assert row.emails == ["jane@example.com"]


def test_values_are_stripped_but_otherwise_kept_as_written():
    mapping = {
        "Company": "company",
        "LinkedIn": "linkedin_url",
        "Birthday": "birthday",
        "Phone": "phone",
        "Stage": "ignore",
    }

    row = apply_mapping(
        record(
            Company="  ACME inc. ",
            LinkedIn="linkedin.com/in/Jane-Doe/",
            Birthday=" --03-14 ",
            Phone="(555) 010-0199",
            Stage="won",
        ),
        mapping,
    )

    assert row == ContactRow(
        company="ACME inc.",
        linkedin_url="linkedin.com/in/Jane-Doe/",
        birthday="--03-14",
        phones=["(555) 010-0199"],
    )
