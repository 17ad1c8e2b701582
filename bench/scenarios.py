"""What ``make bench`` asks of the server: who signs in, which paths, what counts as an answer."""

from __future__ import annotations

import html
import http.client
import json
import random
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from bench.firm import EXECUTIVE_EMAIL, PASSWORD, Scale
from webapp.web.contact_sections import LAZY

SAMPLE = 200
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Credentials:
    cookie: str  # the executive's signed-in session
    api_key: str  # the executive's API key

    @property
    def page_headers(self) -> dict:
        return {"Cookie": self.cookie}

    @property
    def api_headers(self) -> dict:
        return {"Authorization": f"Bearer {self.api_key}", "Content-Type": "application/json"}


def sign_in(base: str) -> str:
    """Sign the executive in through the real form; return the session cookie to send."""
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("GET", "/sign-in")
    page = connection.getresponse()
    token = html.unescape(CSRF_FIELD.search(page.read().decode()).group(1))
    cookie = _session_cookie(page)
    form = urlencode({"email": EXECUTIVE_EMAIL, "password": PASSWORD, "csrf_token": token})
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    connection.request("POST", "/sign-in", body=form, headers=headers)
    answer = connection.getresponse()
    answer.read()
    if answer.status != 302:
        raise SystemExit(f"signing the executive in answered {answer.status}")
    return _session_cookie(answer)


def _session_cookie(response: http.client.HTTPResponse) -> str:
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def requests(scale: Scale, credentials: Credentials, rng: random.Random) -> list[dict]:
    """Every measured request, the yardstick first; paths vary over a sample of records."""
    contacts = rng.sample(range(1, scale.contacts + 1), min(SAMPLE, scale.contacts))
    clients = rng.sample(range(1, scale.companies + 1, 2), min(SAMPLE, scale.companies // 2))
    pages, api = credentials.page_headers, credentials.api_headers

    def spec(name, paths, headers, method="GET", bodies=None, weight=1, prime=False, alone=True):
        return {"name": name, "method": method, "paths": paths, "headers": headers,
                "bodies": bodies, "expect": [200], "weight": weight, "prime": prime,
                "alone": alone}  # fmt: skip

    titles = [json.dumps({"attributes": {"title": f"Director {n}"}}) for n in range(10)]
    return [
        spec("minimal endpoint (one row by id)", [f"/bench/minimal/{i}" for i in contacts], {}),
        spec("contacts search page", [f"/contacts?q=Last{i}" for i in contacts], pages, weight=2),
        spec(
            "company suggestions (Company filter, as you type)",
            [f"/companies/choices?company_name=Company+{i // 10}" for i in clients],
            {**pages, "HX-Request": "true"},
        ),
        # Its first screen: the page alone (no section below it loads before a scroll). A contact's
        # first view also creates their relationship profile (a write, once per contact): each
        # page is visited once before the runs, so they measure the page people come back to.
        spec("contact page", [f"/contacts/{i}" for i in contacts], pages, weight=3, prime=True),
        spec("client page", [f"/clients/{i}" for i in clients], pages, weight=2),
        spec("Actions queue, executive (Everyone)", ["/actions?tab=everyone"], pages),
        spec("Today, executive", ["/"], pages, weight=2),
        spec("Clients list", ["/clients"], pages),
        spec("Team view, executive (everyone)", ["/team"], pages, weight=0.5),
        *(
            spec(
                f"contact page: {name} (loaded on scroll)",
                [f"/contacts/{i}/sections/{name}" for i in contacts],
                {**pages, "HX-Request": "true"},
            )
            for name in (section.name for section in LAZY)  # below the page's first screen
        ),
        spec(
            "contact's relationship map (JSON, loaded by the page)",
            [f"/contacts/{i}/relationship-map.json" for i in contacts],
            pages,
        ),
        # The client page's map loads as the contact page's sections do: when scrolled to.
        spec(
            "client page: relationship-map (loaded on scroll)",
            [f"/clients/{i}/sections/relationship-map" for i in clients],
            {**pages, "HX-Request": "true"},
        ),
        spec(
            "client's relationship map (JSON, loaded by the page)",
            [f"/clients/{i}/relationship-map.json" for i in clients],
            pages,
        ),
        spec("GET v2 record", [f"/api/v2/contact/{i}" for i in contacts], api, weight=2),
        spec("PATCH v2 record", [f"/api/v2/contact/{i}" for i in contacts], api, "PATCH", titles),
        spec(
            "v2 list with a filter (last name)",
            [f"/api/v2/contact?last_name=Last{i}" for i in contacts],
            api,
        ),
        spec(
            "v2 _assert (match by email)",
            ["/api/v2/contact/_assert"],
            api,
            "POST",
            [
                json.dumps(
                    {
                        "match": {"contact_emails": f"c{i}@example.com"},
                        "attributes": {"title": f"Director {i % 10}"},
                    }
                )
                for i in contacts
            ],
        ),
        # An integrator syncing one person's queue: their pending actions, 100 to a page.
        spec(
            "relationship actions list API (one assignee's pending)",
            [
                f"/api/relationships/relationship-actions?status=pending&assigned_to_user_id={u}"
                for u in rng.sample(range(1, scale.users + 1), min(SAMPLE, scale.users))
            ],
            api,
        ),
        spec(
            "relationship summary API",
            [f"/api/relationships/clients/{i}/relationship-summary" for i in clients],
            api,
        ),
        # The whole firm as one file: rare in a working day, so rare in the mixed run, and not run
        # alone (one takes longer than a run; the bench times one export by itself beforehand).
        spec(
            "contacts export, whole firm (CSV)",
            ["/contacts/export.csv"],
            pages,
            weight=0.05,
            alone=False,
        ),
    ]
