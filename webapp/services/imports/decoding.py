"""From bytes to text: refusing what is not text, and finding the encoding without asking.

The order is the one that cannot be fooled: a byte-order mark first, then strict UTF-8 (plain
ASCII passes here and is called "utf-8"), then charset-normalizer choosing only among the legacy
code pages spreadsheets and address books really write. Wider candidate lists made it call short
French or German files Central European (cp1250) and garble them, so the list stays short.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from webapp.services.imports.sources import UnreadableFile

# Windows Western (also Latin-1's superset for text) and Windows Cyrillic.
LEGACY_CANDIDATES = ["cp1252", "latin_1", "cp1251"]
ENCODING_NAMES = {"cp1252": "cp1252", "latin_1": "latin-1", "cp1251": "cp1251"}

EXCEL_ADVICE = "This is an Excel workbook: save it as CSV UTF-8 and upload that."
NOT_TEXT = "upload a CSV or vCard (.vcf) file instead."
# Magic numbers at the start of files people upload by mistake, and what to tell them.
MAGIC_NUMBERS: list[tuple[bytes, str]] = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", EXCEL_ADVICE),  # .xls (and old Office files)
    (b"%PDF-", f"This is a PDF document: {NOT_TEXT}"),
    (b"\x89PNG", f"This is an image: {NOT_TEXT}"),
    (b"\xff\xd8\xff", f"This is an image: {NOT_TEXT}"),
    (b"GIF8", f"This is an image: {NOT_TEXT}"),
    (b"\x1f\x8b", f"This is a compressed (gzip) file: {NOT_TEXT}"),
]
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".numbers")


def refuse_binary(content: bytes, filename: str = "") -> None:
    """Raise ``UnreadableFile("binary_file")`` for an archive, workbook, PDF or image."""
    if content.startswith(b"PK\x03\x04"):
        raise UnreadableFile("binary_file", _zip_advice(content, filename))
    for magic, advice in MAGIC_NUMBERS:
        if content.startswith(magic):
            raise UnreadableFile("binary_file", advice)


def _zip_advice(content: bytes, filename: str) -> str:
    head = content[:4096]
    if b"xl/" in head or b"[Content_Types].xml" in head:
        return EXCEL_ADVICE
    if filename.lower().endswith(SPREADSHEET_SUFFIXES):
        return "This is a spreadsheet workbook: save it as CSV UTF-8 and upload that."
    return "This is a zip archive: unzip it and upload the CSV or vCard (.vcf) file inside."


def decode(content: bytes) -> tuple[str, str]:
    """The file's text and the name of the encoding found (``utf-8``, ``utf-16``, ``cp1252``...).

    Raises ``UnreadableFile("binary_file")`` for NUL bytes in a file that is not UTF-16.
    """
    if content.startswith(codecs.BOM_UTF8):
        return _strict(content, "utf-8-sig"), "utf-8-sig"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(content, "utf-16"), "utf-16"
    unmarked = _unmarked_utf16(content)
    if unmarked:
        return _strict(content, unmarked), unmarked
    if b"\x00" in content:
        raise UnreadableFile("binary_file", f"This file holds binary data, not text: {NOT_TEXT}")
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return _legacy(content)


def _strict(content: bytes, encoding: str) -> str:
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            "unparseable",
            f"This file says it is {encoding.upper()} but is damaged at byte {exc.start:,}: "
            "save it again as CSV UTF-8 and upload that.",
        ) from exc
    if "\x00" in text:
        raise UnreadableFile("binary_file", f"This file holds binary data, not text: {NOT_TEXT}")
    return text


def _unmarked_utf16(content: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for UTF-16 text written without its mark, else ``None``.

    Text in a Latin script has a NUL in every other byte; nothing else looks like that.
    """
    head = content[:2000]
    if len(head) < 4 or len(head) % 2:
        return None
    odd_nuls, even_nuls = head[1::2].count(0), head[0::2].count(0)
    half = len(head) // 2
    if odd_nuls == half and even_nuls == 0:
        return "utf-16-le"
    if even_nuls == half and odd_nuls == 0:
        return "utf-16-be"
    return None


def _legacy(content: bytes) -> tuple[str, str]:
    best = from_bytes(content, cp_isolation=LEGACY_CANDIDATES).best()
    encoding = best.encoding if best is not None else "latin_1"
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError:  # a byte cp1252 leaves undefined, outside the part sampled
        encoding, text = "latin_1", content.decode("latin_1")
    return text, ENCODING_NAMES.get(encoding, encoding)
