"""Encodings, separators and newlines found without asking, and every script kept intact."""

from __future__ import annotations

import codecs

import pytest

from webapp.services.imports.reading import read_file

NAMES = [
    ("Юлия", "Соколова"),  # Cyrillic
    ("Νίκος", "Παπαδόπουλος"),  # Greek
    ("陈", "伟"),  # Chinese
    ("花子", "佐藤"),  # Japanese
    ("민준", "김"),  # Korean
    ("Zoë", "Ångström-Ñúñez"),  # accented Latin
]


def names_csv(rows: list[tuple[str, str]], separator: str = ",") -> str:
    lines = [separator.join(["First Name", "Last Name", "Email"])]
    lines += [
        separator.join([first, last, f"person{n}@example.com"])
        for n, (first, last) in enumerate(rows)
    ]
    return "\r\n".join(lines) + "\r\n"


def first_and_last(content: bytes) -> list[tuple[str, str]]:
    return [(r.values["First Name"], r.values["Last Name"]) for r in read_file(content).records]


def test_a_plain_ascii_file_is_utf8():
    assert read_file(b"Name,Email\nJo,jo@x.com\n").encoding == "utf-8"


def test_names_in_every_script_come_through_intact_in_utf8():
    content = names_csv(NAMES).encode("utf-8")

    assert read_file(content).encoding == "utf-8"
    assert first_and_last(content) == NAMES


def test_a_utf8_file_with_a_byte_order_mark_keeps_its_first_column_name_clean():
    content = codecs.BOM_UTF8 + names_csv(NAMES).encode("utf-8")

    source = read_file(content)

    assert source.encoding == "utf-8-sig"
    assert source.columns[0] == "First Name"
    assert source.suggested_mapping["First Name"] == "first_name"
    assert first_and_last(content) == NAMES


@pytest.mark.parametrize(
    ("bom", "codec"), [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
)
def test_excels_unicode_text_is_utf16_and_tab_separated(bom, codec):
    content = bom + names_csv(NAMES, separator="\t").encode(codec)

    source = read_file(content, "contacts.txt")

    assert source.encoding == "utf-16"
    assert source.columns == ["First Name", "Last Name", "Email"]
    assert first_and_last(content) == NAMES


def test_utf16_without_its_byte_order_mark_is_still_found():
    content = names_csv([("Zoë", "Brontë")], separator="\t").encode("utf-16-le")

    assert read_file(content).encoding == "utf-16-le"
    assert first_and_last(content) == [("Zoë", "Brontë")]


def test_a_windows_1252_file_keeps_its_accents_and_euro_sign():
    text = (
        "First Name,Last Name,Company,Notes\r\n"
        "José,Müller,Straße & Söhne,Budget 1.500 €\r\n"
        "Núria,Muñoz,Peña SA,Café\r\n"
    )

    source = read_file(text.encode("cp1252"))

    assert source.encoding == "cp1252"
    assert [list(record.values.values()) for record in source.records] == [
        ["José", "Müller", "Straße & Söhne", "Budget 1.500 €"],
        ["Núria", "Muñoz", "Peña SA", "Café"],
    ]


def test_a_latin1_file_keeps_its_accents():
    content = "Name,City\r\nFrançois Lefèvre,Besançon\r\nBjörk Guðmundsdóttir,Reykjavík\r\n"

    source = read_file(content.encode("latin-1"))

    assert source.encoding in ("cp1252", "latin-1")
    assert [record.values["Name"] for record in source.records] == [
        "François Lefèvre",
        "Björk Guðmundsdóttir",
    ]


def test_a_windows_1251_file_keeps_its_cyrillic_names():
    rows = [("Юлия", "Соколова"), ("Иван", "Петров")]

    content = names_csv(rows).encode("cp1251")

    assert read_file(content).encoding == "cp1251"
    assert first_and_last(content) == rows


def test_a_semicolon_separated_file_keeps_commas_inside_its_cells():
    content = (
        "Name;Email;Company;Notes\r\n"
        'Jürgen Groß;j@gross.de;"Groß; Söhne";Rabatt 2,5 %\r\n'
        "Anna Berg;anna@berg.se;Berg AB;Call, then email\r\n"
    ).encode()

    source = read_file(content)

    assert source.columns == ["Name", "Email", "Company", "Notes"]
    assert [list(record.values.values()) for record in source.records] == [
        ["Jürgen Groß", "j@gross.de", "Groß; Söhne", "Rabatt 2,5 %"],
        ["Anna Berg", "anna@berg.se", "Berg AB", "Call, then email"],
    ]


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_a_quoted_cell_may_hold_line_breaks_whatever_the_file_uses(newline):
    content = newline.join(
        ["Name,Notes", f'Jane Doe,"Line one{newline}Line two"', "John Roe,Short", ""]
    )

    source = read_file(content.encode())

    assert [record.values["Name"] for record in source.records] == ["Jane Doe", "John Roe"]
    assert source.records[0].values["Notes"].splitlines() == ["Line one", "Line two"]
