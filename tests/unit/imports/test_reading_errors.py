"""Files Rapport refuses, each with its code and a sentence the user can act on."""

from __future__ import annotations

import codecs
import io
import zipfile

import pytest

from webapp.services.imports import reading
from webapp.services.imports.reading import MAX_BYTES, MAX_ROWS, UnreadableFile, read_file


def refusal(content: bytes, filename: str = "") -> UnreadableFile:
    with pytest.raises(UnreadableFile) as refused:
        read_file(content, filename)
    assert str(refused.value) == refused.value.message
    return refused.value


def zipped(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


@pytest.mark.parametrize("content", [b"", b" \r\n\t\n", codecs.BOM_UTF8 + b"\n\n"])
def test_an_empty_file_is_refused(content):
    refused = refusal(content)

    assert (refused.code, refused.message) == (
        "empty_file",
        "This file is empty: it holds no contacts.",
    )


def test_an_excel_workbook_is_refused_with_how_to_save_it_as_csv():
    workbook = zipped(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"])

    refused = refusal(workbook, "contacts.xlsx")

    assert refused.code == "binary_file"
    assert refused.message == "This is an Excel workbook: save it as CSV UTF-8 and upload that."


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (zipped(["contacts.csv"]), "This is a zip archive: unzip it"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "This is an Excel workbook"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "This is a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This is an image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "This is an image"),
        (b"Name,Email\nJo,jo@x.com\x00\x00\x01\x02\n", "This file holds binary data"),
    ],
)
def test_a_file_that_is_not_text_is_refused_as_binary(content, said):
    refused = refusal(content)

    assert refused.code == "binary_file"
    assert refused.message.startswith(said)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    refused = refusal(b"Name\n" + b"x" * MAX_BYTES)

    assert refused.code == "too_large"
    assert "Rapport imports files of up to 20 MB" in refused.message


def test_a_csv_over_the_row_limit_is_refused():
    content = b"Name,Email\n" + b"".join(b"P%d,p%d@x.com\n" % (n, n) for n in range(MAX_ROWS + 1))

    refused = refusal(content)

    assert refused.code == "too_many_rows"
    assert "more than 50,000 contacts" in refused.message


def test_a_csv_at_the_row_limit_is_read():
    content = b"Name\n" + b"".join(b"P%d\n" % n for n in range(MAX_ROWS))

    assert len(read_file(content).records) == MAX_ROWS


def test_a_vcard_file_over_the_row_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jo\r\nEND:VCARD\r\n"

    assert len(read_file(card * 2).records) == 2
    assert refusal(card * 3).code == "too_many_rows"


@pytest.mark.parametrize(
    ("content", "filename", "said"),
    [
        (b",,,\r\n,,\r\n", "", "could not find a header line naming the columns"),
        (b"Jane,Doe,jane@doe.com\r\nJohn,Roe,john@roe.com\r\n", "", "is a contact"),
        (b"<!DOCTYPE html>\n<html><body>Sign in</body></html>", "", "a web page or XML file"),
        (b"Name: Jane Doe\nEmail: jane@doe.com\n", "jane.vcf", "does not start with BEGIN:VCARD"),
        (codecs.BOM_UTF16_LE + "Name\tEmail\n".encode("utf-16-le") + b"\x00\xd8", "", "damaged"),
    ],
)
def test_text_that_is_neither_csv_nor_vcard_is_unparseable(content, filename, said):
    refused = refusal(content, filename)

    assert refused.code == "unparseable"
    assert said in refused.message
