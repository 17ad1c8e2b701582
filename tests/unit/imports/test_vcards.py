"""vCard files from iCloud, Google and Outlook, read card by card into the flattened columns."""

from __future__ import annotations

import base64

from webapp.services.imports.mapping import apply_mapping, check_mapping
from webapp.services.imports.reading import format_label, read_file
from webapp.services.imports.sources import SourceFile

PHOTO = base64.b64encode(bytes(range(256)) * 8).decode()
FOLDED_PHOTO = "\r\n ".join(PHOTO[i : i + 74] for i in range(0, len(PHOTO), 74))

ICLOUD_CARD = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "PRODID:-//Apple Inc.//iPhone OS 17.4//EN\r\n"
    "N:Lindqvist;Åsa;;;\r\n"
    "FN:Åsa Lindqvist\r\n"
    "ORG:Nordvik AB;Sales;\r\n"
    "TITLE:Head of Sales\r\n"
    "item1.EMAIL;type=INTERNET;type=pref:asa@nordvik.se\r\n"
    "item1.X-ABLabel:_$!<Other>!$_\r\n"
    "EMAIL;type=INTERNET;type=HOME:asa.lindqvist@icloud.com\r\n"
    "item2.TEL;type=pref:+46 70 123 45 67\r\n"
    "item2.X-ABLabel:_$!<Mobile>!$_\r\n"
    "TEL;type=WORK;type=VOICE:+46 8 555 010 00\r\n"
    "item3.URL;type=pref:https://nordvik.se\r\n"
    "item3.X-ABLabel:_$!<HomePage>!$_\r\n"
    "X-SOCIALPROFILE;type=linkedin;x-user=asa-lindqvist:http\\://www.linkedin.com/in/asa-lin\r\n"
    " dqvist\r\n"
    "BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-14\r\n"
    "NOTE:Met at the Stockholm fair\\, 2023.\\nPrefers email\\; no c\r\n"
    " alls.\r\n"
    f"PHOTO;ENCODING=b;TYPE=JPEG:{FOLDED_PHOTO}\r\n"
    "CATEGORIES:Clients,Nordics\r\n"
    "END:VCARD\r\n"
)
VCARD_4 = (
    "BEGIN:VCARD\n"
    "VERSION:4.0\n"
    "FN:Νίκος Παπαδόπουλος\n"
    "N:Παπαδόπουλος;Νίκος;;;\n"
    "EMAIL;TYPE=work:nikos@example.gr\n"
    'TEL;VALUE=uri;TYPE="voice,cell":tel:+30-210-555-0100\n'
    "BDAY;VALUE=date:--0521\n"
    "ORG:Αθηνά Ltd\n"
    "END:VCARD\n"
)


def card(name: str, email: str) -> str:
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEMAIL:{email}\r\nEND:VCARD\r\n"


def read_cards(text: str) -> SourceFile:
    return read_file(text.encode("utf-8"), "contacts.vcf")


def contacts(text: str):
    source = read_cards(text)
    mapping = check_mapping(source.columns, source.suggested_mapping)
    return [apply_mapping(record, mapping) for record in source.records]


def test_a_vcard_file_is_flattened_into_fixed_columns_with_a_mapping():
    source = read_cards(ICLOUD_CARD + VCARD_4)

    assert (source.format, format_label(source.format)) == ("vcard", "vCard")
    assert source.columns == [
        "Full name", "First name", "Last name", "Company", "Job title", "Email 1", "Email 2",
        "Phone 1", "Phone 2", "LinkedIn URL", "Birthday", "Notes", "Categories",
    ]  # fmt: skip
    assert source.suggested_mapping["Email 2"] == "email"
    assert source.suggested_mapping["Categories"] == "tags"
    assert source.records[1].values["Email 2"] == ""


def test_an_icloud_card_gives_every_grouped_item_its_folded_lines_and_no_year_birthday():
    (asa,) = contacts(ICLOUD_CARD)

    assert (asa.first_name, asa.last_name) == ("Åsa", "Lindqvist")
    assert (asa.company, asa.title) == ("Nordvik AB", "Head of Sales")
    assert asa.emails == ["asa@nordvik.se", "asa.lindqvist@icloud.com"]
    assert asa.phones == ["+46 70 123 45 67", "+46 8 555 010 00"]
    assert asa.linkedin_url == "http://www.linkedin.com/in/asa-lindqvist"
    assert asa.birthday == "--03-14"
    assert asa.notes == "Met at the Stockholm fair, 2023.\nPrefers email; no calls."
    assert asa.tags == ["Clients", "Nordics"]


def test_a_vcard_4_card_is_read():
    (nikos,) = contacts(VCARD_4)

    assert (nikos.first_name, nikos.last_name) == ("Νίκος", "Παπαδόπουλος")
    assert (nikos.company, nikos.emails, nikos.phones) == (
        "Αθηνά Ltd",
        ["nikos@example.gr"],
        ["+30-210-555-0100"],
    )
    assert nikos.birthday == "--0521"


def test_other_birthday_spellings_are_passed_on_as_written():
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:A\nBDAY:1985-03-14\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:B\nBDAY:19850314\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:C\nEND:VCARD\n"
    )

    assert [record.values["Birthday"] for record in read_cards(text).records] == [
        "1985-03-14",
        "19850314",
        "",
    ]


def test_a_broken_card_is_reported_and_the_cards_around_it_still_read():
    text = (
        card("Ann Lee", "ann@lee.io")
        + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad Line\r\nthis is not a vCard line\r\nEND:VCARD\r\n"
        + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No End\r\nEMAIL:noend@x.com\r\n"
        + card("Cat Wu", "cat@wu.io")
        + "FN:Stray\r\nEND:VCARD\r\n"
        + card("Dan Ito", "dan@ito.jp")
    )

    records = read_cards(text).records

    assert [(r.number, r.values["Full name"], r.problem) for r in records] == [
        (1, "Ann Lee", None),
        (2, "Bad Line", "Line 9 of the file cannot be read: 'this is not a vCard line'."),
        (3, "No End", "This card has no END:VCARD line."),
        (4, "Cat Wu", None),
        (5, "Stray", "This card has no BEGIN:VCARD line."),
        (6, "Dan Ito", None),
    ]


def test_a_card_cut_off_at_the_end_of_the_file_is_reported():
    records = read_cards(card("Ann Lee", "ann@lee.io") + "BEGIN:VCARD\nFN:Cut Of").records

    assert [r.problem for r in records] == [None, "This card has no END:VCARD line."]


def test_an_old_outlook_card_with_quoted_printable_and_an_unfolded_photo_is_read():
    text = (
        "BEGIN:VCARD\r\n"
        "VERSION:2.1\r\n"
        "N;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n"
        "FN;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:J=FCrgen M=FCller\r\n"
        "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Erste Zeile=0D=0AZweite Zeile f=C3=BCr =\r\n"
        "Gr=C3=BC=C3=9Fe\r\n"
        "TEL;WORK;VOICE:+49 30 1234567\r\n"
        "EMAIL;PREF;INTERNET:juergen@example.de\r\n"
        "PHOTO;TYPE=JPEG;ENCODING=BASE64:\r\n"
        f"{PHOTO[:76]}\r\n"
        f"{PHOTO[76:152]}\r\n"
        "\r\n"
        "CATEGORIES:Lieferanten\r\n"
        "END:VCARD\r\n"
    )

    (record,) = read_cards(text).records
    (juergen,) = contacts(text)

    assert record.problem is None
    assert (juergen.first_name, juergen.last_name) == ("Jürgen", "Müller")
    assert juergen.notes == "Erste Zeile\nZweite Zeile für Grüße"
    assert (juergen.phones, juergen.emails) == (["+49 30 1234567"], ["juergen@example.de"])
    assert juergen.tags == ["Lieferanten"]


def test_a_windows_1252_vcard_file_keeps_its_accents():
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Peña;José;;;\r\nFN:José Peña\r\nEND:VCARD\r\n"

    source = read_file(text.encode("cp1252"))

    assert (source.format, source.encoding) == ("vcard", "cp1252")
    assert source.records[0].values["Full name"] == "José Peña"


def test_cards_in_cjk_and_cyrillic_keep_their_names():
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nN:陈;伟;;;\nFN:陈伟\nEND:VCARD\n"
        "begin:vcard\nversion:3.0\nn:Соколова;Юлия;;;\nfn:Юлия Соколова\nend:vcard\n"
    )

    assert [(c.first_name, c.last_name) for c in contacts(text)] == [
        ("伟", "陈"),
        ("Юлия", "Соколова"),
    ]


def test_five_thousand_cards_are_all_read():
    text = "".join(
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"N:Person{n};Given{n};;;\r\nFN:Given{n} Person{n}\r\nORG:Company {n % 50};\r\n"
        f"item1.EMAIL;type=INTERNET;type=pref:person{n}@example.com\r\n"
        "item1.X-ABLabel:_$!<Other>!$_\r\n"
        f"TEL;type=CELL:+1 415 555 {n:04d}\r\n"
        f"NOTE:Imported contact number {n}\\, with a note th\r\n at is folded.\r\nEND:VCARD\r\n"
        for n in range(5000)
    )

    source = read_cards(text)

    assert len(source.records) == 5000
    last = source.records[-1]
    assert (last.number, last.values["Full name"], last.values["Email 1"]) == (
        5000,
        "Given4999 Person4999",
        "person4999@example.com",
    )
    assert last.values["Notes"] == "Imported contact number 4999, with a note that is folded."
    assert all(record.problem is None for record in source.records)
