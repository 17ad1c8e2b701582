"""Reading and writing every route with hostile text about, and noting what each answer shows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icalendar import Calendar

import webapp
from tests.security.downloads import DOWNLOAD_TYPES, download_problems
from tests.security.hostile import PAYLOAD, json_problems, live_payloads, tags_shown
from tests.security.routes import read_routes
from tests.security.session import savepoint
from tests.security.writes import REACHES_TWILIO, SIGNS_OUT
from webapp.services.records import registry

if TYPE_CHECKING:
    from tests.security.writes import Write

HTMX = {"HX-Request": "true"}
# Paths no route has, with markup in them: the 404 page must not echo it live.
HOSTILE_PATHS = (f"/{PAYLOAD}", f"/contacts/{PAYLOAD}", f"/api/v2/{PAYLOAD}")


@dataclass
class Walk:
    """What the walk found: problems by kind (html, json, calendar, other; reflected, writes)."""

    written: dict[str, str] = field(default_factory=dict)  # payload tag -> "Model.column"
    shown: set[str] = field(default_factory=set)  # tags seen in any answer
    problems: dict[str, list[str]] = field(default_factory=dict)
    answered: int = 0  # how many answers were 200
    digest: dict | None = None  # the swept digest's contents, for the email test
    user_name: str = ""  # whose digest it is

    def note(self, kind: str, where: str, response) -> None:
        """Check one answer; file its problems under ``kind`` (or its own content kind)."""
        content, problems = problems_in(response)
        if response.status_code >= 500:
            problems = [f"status {response.status_code}", *problems]
        self.problems.setdefault(kind or content, [])
        self.problems[kind or content] += [f"{where}: {problem}" for problem in problems]
        self.shown |= tags_shown(response.get_data(as_text=True))
        self.answered += response.status_code == 200


def problems_in(response) -> tuple[str, list[str]]:
    """(content kind, problems) of one answer: a live payload in a page, mangled JSON..."""
    kind = response.mimetype
    if kind == "application/json":
        return "json", json_problems(response.data)
    if kind == "text/calendar":
        try:
            Calendar.from_ical(response.data)  # nothing spilled out of a property
        except ValueError as exc:
            return "calendar", [f"the feed does not parse: {exc}"]
        return "calendar", []
    if kind in DOWNLOAD_TYPES:
        return "download", download_problems(response)
    if kind == "text/html" or not response.data:
        return "html", live_payloads(response.get_data(as_text=True))
    return "other", [f"unexpected content type {kind}"]


def record_ids(client) -> dict[str, int]:
    """The id of one record of each record type, as the records API lists them."""
    ids = {}
    for kind in registry.record_types():
        listed = client.get(f"/api/v2/{kind.api_name}?per_page=1").get_json()
        if listed.get("data"):
            ids[kind.api_name] = listed["data"][0]["id"]
    return ids


def _where(method: str, url: str, query: Any = None, headers: dict | None = None) -> str:
    where = f"{method} {url}" + (f"?{dict(query)}" if query else "")
    return where + (" (htmx)" if headers else "")


def read_stored(found: Walk, client, world) -> None:
    """Every GET route, as a page and as htmx asks for it."""
    for route in read_routes(client.application, world, record_ids(client)):
        for headers in [{}] if route.is_api else [{}, HTMX]:
            response = client.get(route.url, query_string=dict(route.query), headers=headers)
            found.note("", _where("GET", route.url, route.query, headers), response)


def query_names() -> set[str]:
    """Every query-string name the pages and the API read, found in the code."""
    names = {"q", "page", "per_page"}
    for path in Path(webapp.__file__).parent.rglob("*.py"):
        names |= set(re.findall(r'args\.get(?:list)?\(\s*"([\w-]+)"', path.read_text()))
    return names


def read_reflected(found: Walk, client, world) -> None:
    """Every GET route with hostile text in every query-string name the code reads, and paths
    with markup in them."""
    hostile = {name: PAYLOAD for name in query_names()}
    for route in read_routes(client.application, world, {}):
        for headers in [{}] if route.is_api else [{}, HTMX]:
            response = client.get(route.url, query_string=hostile, headers=headers)
            found.note("reflected", _where("GET", route.url, {"*": "payload"}, headers), response)
    for path in HOSTILE_PATHS:
        found.note("reflected", f"GET {path}", client.get(path))


def _hostile_form(form: dict[str, Any]) -> dict[str, Any]:
    """The form with every value, and every value of a list, replaced by the payload."""
    return {
        name: [PAYLOAD] * len(value) if isinstance(value, list) else PAYLOAD
        for name, value in form.items()
    }


def write_hostile(found: Walk, client, connection, writes: list[Write]) -> None:
    """Every page write twice, each undone afterwards: as its form sends it (the answer, a
    flash or a section, names the swept records), and with the payload in every field."""
    for write in writes:
        if write.endpoint in SIGNS_OUT:
            continue
        if write.endpoint not in REACHES_TWILIO:  # unreachable here: it would answer 502
            with savepoint(connection):
                response = client.open(
                    write.url, method=write.method, data=write.form, follow_redirects=True
                )
                found.note("writes", _where(write.method, write.url), response)
        if not write.form:
            continue  # no field to fill with hostile text
        with savepoint(connection):
            response = client.open(
                write.url, method=write.method, data=_hostile_form(write.form), headers=HTMX
            )
            found.note("writes", _where(write.method, write.url, {"*": "payload"}, HTMX), response)
