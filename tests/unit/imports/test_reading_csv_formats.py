"""CSV exports from Google, Outlook, LinkedIn and Rapport told apart by header, each mapped."""

from __future__ import annotations

from webapp.services.imports.mapping import apply_mapping, check_mapping
from webapp.services.imports.reading import format_label, read_file

GOOGLE_HEADER = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,"
    "Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,"
    "Organization Title,Organization Department,Birthday,Notes,Photo,Labels,"
    "E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,"
    "Phone 1 - Label,Phone 1 - Value,Address 1 - Label,Address 1 - Formatted,"
    "Address 1 - Street,Address 1 - City,Address 1 - Country,Website 1 - Label,Website 1 - Value"
)
GOOGLE_ROWS = [
    "Ana,María,López,,,,,,Anita,,Acme Iberia,Sales Director,Sales,--03-14,"
    '"Met at MWC.\nLikes padel.",https://lh3.googleusercontent.com/x,'
    "* myContacts ::: Clients ::: * starred,* Work ::: Other,ana@acme.es ::: ana@gmail.com,"
    ',,Mobile,+34 600 000 001,Work,"Calle Mayor 1\nMadrid",Calle Mayor 1,Madrid,Spain,'
    "Profile,https://www.linkedin.com/in/ana-lopez",
    "Bob,,Stone,,,,,,,,,,,1979-11-02,,,* myContacts,,bob@stone.io,,,,,,,,,,,",
]


def csv_bytes(header: str, rows: list[str], newline: str = "\r\n") -> bytes:
    return newline.join([header, *rows, ""]).encode("utf-8")


def test_a_google_contacts_export_is_recognised_and_mapped():
    source = read_file(csv_bytes(GOOGLE_HEADER, GOOGLE_ROWS), "contacts.csv")

    mapping = source.suggested_mapping
    assert (source.format, format_label(source.format)) == ("google", "Google Contacts CSV")
    assert [column for column, field in mapping.items() if field != "ignore"] == [
        "First Name",
        "Last Name",
        "Organization Name",
        "Organization Title",
        "Birthday",
        "Notes",
        "Labels",
        "E-mail 1 - Value",
        "E-mail 2 - Value",
        "Phone 1 - Value",
    ]
    assert [record.number for record in source.records] == [1, 2]


def test_a_google_row_gives_every_email_its_labels_and_a_birthday_without_year():
    source = read_file(csv_bytes(GOOGLE_HEADER, GOOGLE_ROWS))

    row = apply_mapping(source.records[0], check_mapping(source.columns, source.suggested_mapping))

    assert (row.first_name, row.last_name, row.company) == ("Ana", "López", "Acme Iberia")
    assert row.title == "Sales Director"
    assert row.emails == ["ana@acme.es", "ana@gmail.com"]
    assert row.phones == ["+34 600 000 001"]
    assert row.tags == ["Clients"]
    assert row.birthday == "--03-14"
    assert row.notes == "Met at MWC.\nLikes padel."


def test_the_older_google_export_is_recognised_and_mapped():
    header = (
        "Name,Given Name,Additional Name,Family Name,Yomi Name,Birthday,Gender,Notes,Photo,"
        "Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,"
        "Organization 1 - Type,Organization 1 - Name,Organization 1 - Title,Website 1 - Value"
    )
    rows = [
        "Chen Wei,Wei,,Chen,,1990-07-01,,Old friend,,* My Contacts ::: Friends,* Work,"
        "wei@example.cn,Mobile,+86 138 0000 0000,,Example Ltd,CTO,",
        "Info Desk,,,,,,,,,* My Contacts,,desk@example.com,,,,,,",
    ]

    source = read_file(csv_bytes(header, rows))
    mapping = check_mapping(source.columns, source.suggested_mapping)
    chen, desk = (apply_mapping(record, mapping) for record in source.records)

    assert format_label(source.format) == "Google Contacts CSV (older format)"
    assert (chen.first_name, chen.last_name, chen.company, chen.title) == (
        "Wei",
        "Chen",
        "Example Ltd",
        "CTO",
    )
    assert (chen.tags, chen.emails, chen.phones) == (
        ["Friends"],
        ["wei@example.cn"],
        ["+86 138 0000 0000"],
    )
    assert (desk.first_name, desk.last_name) == ("Info", "Desk")  # from the Name column


def test_an_outlook_export_is_recognised_and_its_courtesy_title_left_out():
    header = (
        "First Name,Middle Name,Last Name,Title,Suffix,Company,Department,Job Title,"
        "Business Street,Business City,Business Phone,Business Phone 2,Home Phone,Mobile Phone,"
        "Business Fax,Birthday,Categories,E-mail Address,E-mail Display Name,E-mail 2 Address,"
        "E-mail 3 Address,Notes,Web Page"
    )
    row = (
        'Jürgen,,Groß,Dr.,,Groß & Söhne GmbH,Einkauf,Head of Purchasing,"Hauptstr. 5",Berlin,'
        "+49 30 1234567,,,+49 170 1234567,+49 30 1234568,7/4/1975,Clients;Berlin,"
        'juergen@gross.de,"Jürgen Groß (juergen@gross.de)",j.gross@gmail.com,,'
        '"Prefers calls, not email.",www.gross.de'
    )

    source = read_file(csv_bytes(header, [row]))
    found = apply_mapping(source.records[0], source.suggested_mapping)

    assert format_label(source.format) == "Outlook CSV"
    assert source.suggested_mapping["Title"] == "ignore"
    assert source.suggested_mapping["Business Fax"] == "ignore"
    assert (found.title, found.company) == ("Head of Purchasing", "Groß & Söhne GmbH")
    assert found.emails == ["juergen@gross.de", "j.gross@gmail.com"]
    assert found.phones == ["+49 30 1234567", "+49 170 1234567"]
    assert (found.birthday, found.tags) == ("7/4/1975", ["Clients", "Berlin"])


def test_a_linkedin_export_is_read_below_its_notes():
    content = (
        b"Notes:\n"
        b'"When exporting your connection data, you may notice that some of the email addresses '
        b"are missing. You will only see email addresses for connections who have allowed their "
        b'connections to see or download it."\n'
        b"\n"
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Priya,Raman,https://www.linkedin.com/in/priya-raman,,Globex,VP Engineering,12 Mar 2024\n"
        b"Tom,O'Neil,https://www.linkedin.com/in/tom-oneil,tom@oneil.ie,,,01 Feb 2023\n"
    )

    source = read_file(content, "Connections.csv")
    priya = apply_mapping(source.records[0], source.suggested_mapping)

    assert format_label(source.format) == "LinkedIn connections"
    assert len(source.records) == 2
    assert source.suggested_mapping["Connected On"] == "ignore"
    assert (priya.linkedin_url, priya.title, priya.company, priya.emails) == (
        "https://www.linkedin.com/in/priya-raman",
        "VP Engineering",
        "Globex",
        [],
    )


def test_a_rapport_export_reads_back_with_every_email_phone_and_tag():
    header = (
        "First name,Last name,Job title,Company,Email 1,Email 2,Email 3,Phone 1,Phone 2,"
        "LinkedIn URL,Birthday,Tags,Notes,Stage,Owner"
    )
    row = (
        "Jane,Doe,CFO,Initech,jane@initech.com,jane@doe.org,,+14155550100,+14155550101,"
        "https://www.linkedin.com/in/jane-doe,--07-09,Board ::: Golf,Prefers mornings,won,Sam Lee"
    )

    source = read_file(csv_bytes(header, [row]), "rapport-contacts.csv")
    jane = apply_mapping(source.records[0], check_mapping(source.columns, source.suggested_mapping))

    assert format_label(source.format) == "Rapport export"
    assert source.suggested_mapping["Stage"] == source.suggested_mapping["Owner"] == "ignore"
    assert jane.emails == ["jane@initech.com", "jane@doe.org"]
    assert jane.phones == ["+14155550100", "+14155550101"]
    assert (jane.tags, jane.birthday, jane.notes) == (
        ["Board", "Golf"],
        "--07-09",
        "Prefers mornings",
    )


def test_any_other_csv_is_mapped_by_its_column_names():
    header = (
        "Full Name,E-mail,Work Email,Mobile,Tel.,Organisation,Role,LinkedIn Profile,D.O.B.,"
        "Comments,Groups,Favourite colour,Name"
    )

    source = read_file(csv_bytes(header, []))

    assert format_label(source.format) == "CSV"
    assert source.suggested_mapping == {
        "Full Name": "full_name",
        "E-mail": "email",
        "Work Email": "email",
        "Mobile": "phone",
        "Tel.": "phone",
        "Organisation": "company",
        "Role": "title",
        "LinkedIn Profile": "linkedin_url",
        "D.O.B.": "birthday",
        "Comments": "notes",
        "Groups": "tags",
        "Favourite colour": "ignore",
        "Name": "ignore",  # Full Name already gives the full name
    }


def test_the_file_name_does_not_decide_the_format():
    content = csv_bytes("First Name,Last Name,URL,Email Address,Company,Position,Connected On", [])

    assert read_file(content, "google-contacts.vcf.csv").format == "linkedin"


def test_a_header_with_no_rows_has_no_records():
    source = read_file(b"First name,Last name,Email\r\n")

    assert (source.columns, source.records) == (["First name", "Last name", "Email"], [])


def test_a_repeated_or_unnamed_column_gets_a_name_of_its_own():
    source = read_file(b"Name,Email,,Email,Notes,,\nJo,a@x.com,?,b@x.com,n,,\n")

    assert source.columns == ["Name", "Email", "Column 3", "Email (2)", "Notes"]
    assert source.records[0].values["Email (2)"] == "b@x.com"
    assert source.suggested_mapping["Email (2)"] == "email"


def test_a_row_longer_than_the_header_keeps_its_cells_and_a_shorter_one_is_padded():
    source = read_file(b"Name,Email,Phone\nAl,al@x.com,555,extra,more\nBo\n\n,,\nCy,cy@x.com\n")

    assert [record.values for record in source.records] == [
        {"Name": "Al", "Email": "al@x.com", "Phone": "555"},
        {"Name": "Bo", "Email": "", "Phone": ""},
        {"Name": "Cy", "Email": "cy@x.com", "Phone": ""},
    ]
    assert [record.number for record in source.records] == [1, 2, 3]


def test_a_rapport_export_reads_back_cells_the_exporter_guarded_against_formulas():
    header = (
        "First name,Last name,Job title,Company,Email 1,Phone 1,LinkedIn URL,Birthday,Tags,Notes,"
        "Stage,Owner"
    )
    row = "'-Ann,'=Lee,'@Lead,'' quoted,ann@lee.io,,,,,'+1 call back,new,"

    values = read_file(csv_bytes(header, [row])).records[0].values

    assert [values[c] for c in ("First name", "Last name", "Job title", "Company", "Notes")] == [
        "-Ann",
        "=Lee",
        "@Lead",
        "' quoted",  # the exporter guards a leading apostrophe too
        "+1 call back",
    ]


def test_only_a_rapport_export_loses_its_leading_apostrophes():
    values = read_file(b"Name,Notes\n'-Ann,'=1+1\n").records[0].values

    assert values == {"Name": "'-Ann", "Notes": "'=1+1"}
