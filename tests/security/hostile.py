"""Hostile text, and how to tell a page that shows it as text from one that runs it.

Every stored payload ends with ``~`` and a three-character tag naming where it was stored, so a
test can tell which fields a page showed (``tags_shown``) as well as that it showed them inert.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = "'\"><img src=x onerror=alert(1)>"  # out of a quoted attribute, then a live handler
TEMPLATE = "{{7*7}}{{config}}"  # Jinja, if anything ever renders stored text as a template
PAYLOAD = BREAKOUT + SCRIPT + TEMPLATE  # 73 characters: fits every free-text column but two
SHORT_PAYLOAD = BREAKOUT  # for the few short columns (Twilio's numbers and error codes)
JS_URL = "javascript:alert(1)"
SECRET_KEY = "test-secret-key"  # tests/conftest.py's: a rendered {{config}} would show it

TAG = re.compile(r"(?:\{\{config\}\}|alert\(1\)(?:&gt;|>)?)~([0-9a-z]{3})")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
# Attributes whose value runs as script: inline handlers and htmx's hx-on.
SCRIPT_ATTRIBUTE = re.compile(r"^(on[a-z]+|hx-on.*|data-hx-on.*)$")
DOUBLE_ESCAPED = ("&amp;lt;", "&amp;gt;", "&amp;#34;", "&amp;#39;", "&amp;quot;")


def tag_of(number: int) -> str:
    """``number`` as a tag: three base-36 digits."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    return "".join(digits[(number // 36**power) % 36] for power in (2, 1, 0))


def tagged(payload: str, number: int) -> str:
    """``payload`` followed by ``~`` and its tag."""
    return f"{payload}~{tag_of(number)}"


def tags_shown(text: str) -> set[str]:
    """The tags of every payload shown in ``text`` (HTML, escaped, or JSON, raw)."""
    return set(TAG.findall(text))


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each ``<script>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def _scheme(url: str) -> str:
    """A URL's scheme as a browser reads it: control characters and spaces ignored."""
    squeezed = "".join(ch for ch in url if ord(ch) > 32).lower()
    return squeezed.split(":", 1)[0] if ":" in squeezed else ""


def live_payloads(html: str) -> list[str]:
    """What in ``html`` would run a payload, or shows one rendered or mangled; [] if inert."""
    problems = []
    lowered = html.lower()
    if "<script>alert(1)" in lowered:
        problems.append("a <script> payload is live")
    if "<img src=x onerror" in lowered:
        problems.append("an <img onerror> payload is live")
    if re.search(r"script(?:>|&gt;)49", html) or "&lt;Config" in html or SECRET_KEY in html:
        problems.append("a {{ }} payload was rendered as a template")
    problems += [f"double-escaped text ({found})" for found in DOUBLE_ESCAPED if found in html]
    elements = _Elements()
    elements.feed(html)
    for tag, attrs in elements.tags:
        for name, value in attrs:
            value = value or ""
            if name == "onerror" or (SCRIPT_ATTRIBUTE.match(name) and "alert(1)" in value):
                problems.append(f"<{tag} {name}={value[:40]!r}> runs a payload")
            if name in URL_ATTRIBUTES and _scheme(value) in ("javascript", "vbscript", "data"):
                problems.append(f"<{tag} {name}={value[:40]!r}> is a script URL")
            if tag == "img" and name == "src" and value == "x":
                problems.append("an injected <img src=x> element")
    problems += ["an inline <script> runs a payload" for s in elements.scripts if "alert(" in s]
    return problems


def json_strings(value: Any) -> list[str]:
    """Every string in a parsed JSON document, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *json_strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in json_strings(item)]
    return []


def json_links(value: Any) -> list[str]:
    """The values of every ``url`` or ``href`` key: links the app's own scripts follow."""
    if isinstance(value, dict):
        own = [v for k, v in value.items() if k in ("url", "href") and isinstance(v, str)]
        return own + [link for v in value.values() for link in json_links(v)]
    if isinstance(value, list):
        return [link for item in value for link in json_links(item)]
    return []


def json_problems(body: bytes) -> list[str]:
    """A JSON answer must carry payloads as data: raw, not HTML-escaped, never rendered; and
    a link in it, which a script may follow, is never a script URL."""
    document = json.loads(body)
    strings = json_strings(document)
    problems = [f"a script URL to follow: {link[:40]!r}" for link in json_links(document)
                if _scheme(link) in ("javascript", "vbscript", "data")]  # fmt: skip
    for text in strings:
        if any(entity in text for entity in ("&lt;", "&gt;", "&#34;", "&#39;", "&quot;")):
            problems.append(f"HTML-escaped text in JSON: {text[:60]!r}")
        if re.search(r"script>49", text) or SECRET_KEY in text:
            problems.append(f"a {{{{ }}}} payload was rendered in JSON: {text[:60]!r}")
    return problems
