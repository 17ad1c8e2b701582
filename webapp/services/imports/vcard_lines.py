"""The vCard line grammar (RFC 2425/2426/6350, and vCard 2.1 as old Outlook writes it).

A content line is ``[group.]NAME[;param[=value]...]:value``. Lines are unfolded first: a line
starting with a space or TAB continues the one before, and in a quoted-printable value a line
ending in ``=`` continues on the next. Values keep their backslash escapes until a reader splits
them (``N`` and ``ORG`` on ``;``, ``CATEGORIES`` on ``,``) and calls ``unescape``.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass

LINE_BREAK = re.compile(r"\r\n|\r|\n")
NAME = re.compile(r"(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)")  # the group ("item1.") is dropped
ESCAPE = re.compile(r"\\(.)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class ContentLine:
    """One property of a card: ``EMAIL;TYPE=work:jane@example.com``."""

    name: str  # upper-case, without its group: "EMAIL"
    params: dict[str, list[str]]  # upper-case names; a bare parameter ("CELL") is a TYPE
    value: str  # still escaped; quoted-printable already decoded


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Each unfolded line with the number of the physical line it starts on."""
    current: list[str] = []
    start = 0
    for number, line in enumerate(LINE_BREAK.split(text), 1):
        folded = line[:1] in (" ", "\t")
        soft_break = bool(current) and _soft_break(current, line)
        if current and (folded or soft_break):
            if soft_break:
                current[-1] = current[-1][:-1]
            current.append(line[1:] if folded and not soft_break else line)
            continue
        if current:
            yield start, "".join(current)
        current, start = [line], number
    if current:
        yield start, "".join(current)


def _soft_break(current: list[str], line: str) -> bool:
    """A quoted-printable value ending in ``=`` goes on, unless the card itself ends there."""
    if not current[-1].endswith("=") or line.upper().startswith(("END:VCARD", "BEGIN:VCARD")):
        return False
    return "QUOTED-PRINTABLE" in current[0].partition(":")[0].upper()


def parse_line(line: str) -> ContentLine | None:
    """The property a line holds, or ``None`` when it is not a content line at all."""
    head, value = _split_head(line)
    if head is None:
        return None
    name, *raw_params = _split_outside_quotes(head, ";")
    found = NAME.fullmatch(name.strip())
    if found is None:
        return None
    params = _params(raw_params)
    if "QUOTED-PRINTABLE" in (encoding.upper() for encoding in params.get("ENCODING", [])):
        value = _decode_quoted_printable(value, params.get("CHARSET", ["utf-8"])[0])
    return ContentLine(found.group(1).upper(), params, value)


def _split_head(line: str) -> tuple[str | None, str]:
    """Name and parameters, then the value: split at the first colon outside quotes."""
    colon = line.find(":")
    if colon < 0:
        return None, ""
    if '"' not in line[:colon]:
        return line[:colon], line[colon + 1 :]
    quoted = False
    for position, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:position], line[position + 1 :]
    return None, ""


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    if '"' not in text:
        return text.split(separator)
    parts, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _params(raw_params: list[str]) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for raw in raw_params:
        key, equals, values = raw.partition("=")
        if not equals:  # vCard 2.1: TEL;CELL;VOICE
            key, values = "TYPE", raw
        for value in _split_outside_quotes(values, ","):
            params.setdefault(key.strip().upper(), []).append(value.strip().strip('"'))
    return params


def _decode_quoted_printable(value: str, charset: str) -> str:
    if not value.isascii():
        return value  # already text: the writer did not encode it after all
    raw = quopri.decodestring(value.encode("ascii"))
    for encoding in (charset, "utf-8"):
        try:
            return raw.decode(encoding).replace("\r\n", "\n")
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("cp1252", errors="replace").replace("\r\n", "\n")


def unescape(value: str) -> str:
    """``\\n`` and ``\\N`` become a new line; any other escaped character stands for itself."""
    if "\\" not in value:
        return value
    return ESCAPE.sub(lambda match: "\n" if match.group(1) in "nN" else match.group(1), value)


def split_escaped(value: str, separator: str) -> list[str]:
    """``value`` split on each ``separator`` that is not escaped, each part unescaped."""
    if "\\" not in value:
        return value.split(separator)
    parts, current, position = [], [], 0
    while position < len(value):
        char = value[position]
        if char == "\\" and position + 1 < len(value):
            current.append(value[position : position + 2])
            position += 2
            continue
        if char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        position += 1
    parts.append("".join(current))
    return [unescape(part) for part in parts]
