"""The Clients list: columns, filters, sorts, live search, action counts scoped to the viewer."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from tests import factories
from tests.unit.relationship_builders import at_noon_utc, freeze_time
from tests.web.action_builders import HTMX, TODAY, add_action, sign_in
from tests.web.contact_page_builders import visible_text
from webapp import access
from webapp.extensions import db as _db
from webapp.models import Partner
from webapp.models.base import utcnow


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    freeze_time(monkeypatch, at_noon_utc(TODAY))


def make_client(name, *, tier="standard", manager=None, domain=None, since=None):
    company = factories.CompanyFactory(name=name)
    factories.ClientProfileFactory(
        company=company, tier=tier, account_manager=manager, client_since=since
    )
    if domain:
        factories.CompanyDomainFactory(company=company, domain=domain)
    return company


def person_at(company, *, touched=None, archived=False, primary=True):
    contact = factories.ContactFactory(last_touch_on=touched)
    factories.ContactCompanyLinkFactory(contact=contact, company=company, is_primary=primary)
    if archived:
        contact.archived_at = utcnow()
    return contact


def add_partner(company, name, amount):
    _db.session.add(
        Partner(company_id=company.id, partner_company_name=name, estimated_deal_size=amount)
    )


def listed(html: str) -> list[int]:
    """Client company ids in the order the table lists them."""
    return [int(n) for n in re.findall(r'<tr id="client-(\d+)"', html)]


def row(html: str, company) -> str:
    start = html.index(f'<tr id="client-{company.id}"')
    return html[start : html.index("</tr>", start)]


def cell(html: str, company, column: str) -> str:
    """The visible text of one column of a client's row."""
    found = re.search(rf'data-col="{column}">(.*?)</td>', row(html, company), re.S)
    assert found, f"no {column} cell"
    return visible_text(found.group(1))


def page_of(client, **query) -> str:
    response = client.get("/clients", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- columns -------------------------------------------------------------------------------------


def test_list_shows_clients_with_tier_manager_contacts_actions_last_touch_and_deal_size(
    client, login_as, make_user
):
    me = login_as("executive")
    maria = make_user("manager", name="Maria Manager")
    acme = make_client("Acme Ltd", tier="strategic", manager=maria, domain="acme.example")
    ann = person_at(acme, touched=TODAY - timedelta(days=12))
    person_at(acme, touched=TODAY - timedelta(days=40))
    person_at(acme, touched=TODAY - timedelta(days=1), archived=True)  # archived: not counted
    add_action(me, contact=ann, due_on=TODAY - timedelta(days=3))
    add_action(me, contact=ann, due_on=TODAY)
    add_partner(acme, "Initrode", Decimal("1000000.50"))
    add_partner(acme, "Globex", Decimal("250000"))
    factories.CompanyFactory(name="Not A Client Co")

    html = page_of(client)

    assert "<h1>Clients</h1>" in html
    assert listed(html) == [acme.id]
    assert "Not A Client Co" not in html
    assert f'href="/clients/{acme.id}"' in row(html, acme)
    assert 'data-tier="strategic">Strategic<' in row(html, acme)
    assert "Maria Manager" in row(html, acme)
    assert "acme.example" in row(html, acme)
    assert cell(html, acme, "contacts") == "2"
    assert cell(html, acme, "open") == "2"
    assert cell(html, acme, "overdue") == "1"
    assert 'class="badge badge-overdue">1<' in row(html, acme)  # highlighted when some are late
    assert cell(html, acme, "last-touch") == (TODAY - timedelta(days=12)).strftime("%-d %b %Y")
    assert cell(html, acme, "deal-size") == "1,250,000.50"
    assert "Action counts cover the actions you can see." in html
    assert 'href="/companies"' in html  # All companies


def test_a_client_never_touched_and_without_actions_or_partners_reads_as_such(client, login_as):
    login_as("member")
    quiet = make_client("Quiet Co")
    person_at(quiet)

    html = page_of(client)

    assert cell(html, quiet, "open") == "0"
    assert cell(html, quiet, "overdue") == "0"
    assert "badge-overdue" not in row(html, quiet)
    assert cell(html, quiet, "last-touch") == "— Never"
    assert cell(html, quiet, "deal-size") == "—"


def test_done_and_dismissed_actions_are_not_counted(client, login_as):
    me = login_as("executive")
    acme = make_client("Acme")
    ann = person_at(acme)
    add_action(me, contact=ann, due_on=TODAY - timedelta(days=9), status="done")
    add_action(me, contact=ann, due_on=TODAY - timedelta(days=9), status="dismissed")
    add_action(me, contact=ann, due_on=TODAY + timedelta(days=9))

    html = page_of(client)

    assert cell(html, acme, "open") == "1"
    assert cell(html, acme, "overdue") == "0"


def test_an_action_counts_for_the_company_it_is_filed_under(client, login_as):
    me = login_as("executive")
    acme, globex = make_client("Acme"), make_client("Globex")
    ann = person_at(acme)  # Acme is Ann's primary company
    add_action(me, contact=ann)  # filed under Acme
    add_action(me, contact=ann, company_id=globex.id)  # filed under Globex explicitly

    html = page_of(client)

    assert cell(html, acme, "open") == "1"
    assert cell(html, globex, "open") == "1"


def test_overdue_means_due_before_the_viewers_today(client, login_as, monkeypatch):
    me = login_as("member", timezone="Pacific/Auckland")  # already 11 March there
    acme = make_client("Acme")
    ann = person_at(acme)
    add_action(me, contact=ann, due_on=TODAY)
    freeze_time(monkeypatch, at_noon_utc(TODAY).replace(hour=14))

    html = page_of(client)

    assert cell(html, acme, "overdue") == "1"


# --- counts follow the viewer's scope ------------------------------------------------------------


@pytest.fixture
def squad_firm(db):
    """Acme with one overdue action each for a member, their squad mate and a South member."""
    north, south = factories.SquadFactory(name="North"), factories.SquadFactory(name="South")
    people = {
        "member": factories.UserFactory(role="member", squad=north),
        "mate": factories.UserFactory(role="member", squad=north),
        "manager": factories.UserFactory(role="manager", squad=north),
        "other": factories.UserFactory(role="member", squad=south),
        "executive": factories.UserFactory(role="executive"),
    }
    acme = make_client("Acme")
    ann = person_at(acme)
    for key in ("member", "mate", "other"):
        add_action(people[key], contact=ann, due_on=TODAY - timedelta(days=1))
    _db.session.commit()
    return people, acme


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [("member", "1"), ("mate", "1"), ("manager", "2"), ("other", "1"), ("executive", "3")],
)
def test_action_counts_cover_only_the_actions_the_viewer_may_see(
    client, squad_firm, viewer, expected
):
    people, acme = squad_firm
    sign_in(client, people[viewer])

    html = page_of(client)

    assert cell(html, acme, "open") == expected
    assert cell(html, acme, "overdue") == expected


def test_counts_agree_with_the_policy_for_every_role(client, squad_firm):
    people, acme = squad_firm
    owners = [people[key] for key in ("member", "mate", "other")]
    for viewer in people.values():
        actor = access.actor_for_user(viewer)
        expected = sum(access.sees_actions_of(actor, owner) for owner in owners)
        sign_in(client, viewer)
        assert cell(page_of(client), acme, "open") == str(expected), viewer.role


# --- filters -------------------------------------------------------------------------------------


@pytest.fixture
def portfolio(client, login_as, make_user):
    """Four clients: two managed by the signed-in member, one by Maria, one by nobody."""
    me = login_as("member", name="Mo Member")
    maria = make_user("manager", name="Maria Manager")
    clients = {
        "alpha": make_client("Alpha Bank", tier="strategic", manager=me, domain="alpha.example"),
        "bravo": make_client(
            "Bravo Foods", tier="key", manager=maria, domain="bravo-foods.example"
        ),
        "charlie": make_client("Charlie Labs", tier="standard", manager=me),
        "delta": make_client("Delta Air", tier="key"),
    }
    factories.CompanyFactory(name="Echo Outsider")
    touched = {"alpha": 5, "bravo": 60, "charlie": None, "delta": 20}
    for key, days in touched.items():
        person_at(clients[key], touched=TODAY - timedelta(days=days) if days else None)
    # My actions: Bravo 3 open (1 overdue), Delta 2 open (2 overdue), Alpha 1 open (none late).
    plan = {"bravo": [-1, 0, 4], "delta": [-5, -2], "alpha": [10]}
    for key, offsets in plan.items():
        contact = person_at(clients[key])
        for days in offsets:
            add_action(me, contact=contact, due_on=TODAY + timedelta(days=days))
    _db.session.commit()
    return {"me": me, "maria": maria, **clients}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"tier": "key"}, ["bravo", "delta"]),
        ({"tier": "strategic"}, ["alpha"]),
        ({"mine": "1"}, ["alpha", "charlie"]),
        ({"overdue": "1"}, ["bravo", "delta"]),
        ({"q": "bravo-foods"}, ["bravo"]),  # by domain
        ({"q": "LABS"}, ["charlie"]),  # by name, any case
        ({"tier": "key", "overdue": "1", "q": "delta"}, ["delta"]),
    ],
)
def test_each_filter_narrows_the_list(client, portfolio, query, expected):
    html = page_of(client, **query)

    assert listed(html) == [portfolio[key].id for key in expected]


def test_mine_lists_each_viewers_own_clients_in_turn(client, portfolio):
    """The list's statements are kept per viewer's scope, filters and day
    (``client_list._kept``): "mine" must still be whoever asks."""
    mine = [portfolio["alpha"].id, portfolio["charlie"].id]
    assert listed(page_of(client, mine="1")) == mine

    sign_in(client, portfolio["maria"])
    assert listed(page_of(client, mine="1")) == [portfolio["bravo"].id]

    sign_in(client, portfolio["me"])
    assert listed(page_of(client, mine="1")) == mine


def test_account_manager_filter_lists_that_managers_clients(client, portfolio):
    html = page_of(client, manager=portfolio["maria"].id)

    assert listed(html) == [portfolio["bravo"].id]
    assert f'<option value="{portfolio["maria"].id}" selected>Maria Manager</option>' in html


@pytest.mark.parametrize(
    "query",
    [
        {"tier": "platinum"},
        {"manager": "abc"},
        {"manager": "999999"},
        {"sort": "nonsense"},
        {"mine": "yes"},
        {"overdue": "maybe"},
        {"page": "-3"},
        {"q": "%_\\"},
    ],
)
def test_bad_or_unknown_filter_values_are_ignored(client, portfolio, query):
    response = client.get("/clients", query_string=query)

    assert response.status_code == 200
    if "q" not in query:
        assert len(listed(response.get_data(as_text=True))) == 4


def test_a_search_with_no_match_says_so_and_offers_to_clear(client, portfolio):
    html = page_of(client, q="zzz")

    assert "No clients match “zzz”." in html
    assert "Clear filters" in html


def test_filters_with_no_match_say_so(client, portfolio):
    html = page_of(client, tier="strategic", overdue="1")

    assert "No clients match these filters." in html


def test_an_empty_firm_says_how_a_company_becomes_a_client(client, login_as):
    login_as("member")
    factories.CompanyFactory(name="Just A Company")
    _db.session.commit()

    html = page_of(client)

    assert "No clients yet." in html


# --- sorts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["alpha", "bravo", "charlie", "delta"]),
        ("tier", ["alpha", "bravo", "delta", "charlie"]),
        # Never touched is the most neglected; then the oldest touch.
        ("last_touch", ["charlie", "bravo", "delta", "alpha"]),
        ("open", ["bravo", "delta", "alpha", "charlie"]),
        ("overdue", ["delta", "bravo", "alpha", "charlie"]),
    ],
)
def test_each_sort_orders_the_list(client, portfolio, sort, expected):
    html = page_of(client, sort=sort)

    assert listed(html) == [portfolio[key].id for key in expected]
    assert f'<option value="{sort}" selected>' in html


# --- live search, htmx and paging ----------------------------------------------------------------


def test_live_search_answers_htmx_with_only_the_results(client, portfolio):
    response = client.get("/clients", query_string={"q": "alpha"}, headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert 'id="clients-count"' in html
    assert listed(html) == [portfolio["alpha"].id]
    assert "HX-Request" in response.headers.get("Vary", "")


def test_the_page_searches_as_you_type_and_keeps_filters_in_the_url(client, portfolio):
    html = page_of(client, tier="key", sort="open")

    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert 'hx-push-url="true"' in html
    assert '<option value="key" selected>Key</option>' in html
    assert "htmx-indicator" in html


def test_pages_keep_the_filters_in_their_links(client, login_as):
    login_as("member")
    for n in range(30):
        make_client(f"Client {n:02d}", tier="key")
    make_client("Standard Zed")
    _db.session.commit()

    first = page_of(client, tier="key")
    second = page_of(client, tier="key", page="2")

    assert "Client 24" in first and "Client 25" not in first
    assert "Client 29" in second and "Standard Zed" not in second
    assert "/clients?tier=key&amp;page=2" in first


def test_the_list_costs_the_same_queries_for_3_clients_as_for_20(client, login_as, count_queries):
    """Both on one page that is not full, so neither is counted (``paging.total_from_page``):
    3 rows against 20, so a query per row would show."""
    me = login_as("manager")

    def build(count: int) -> None:
        for n in range(count):
            company = make_client(f"Firm {n}", manager=me, domain=f"firm{n}-{count}.example")
            contact = person_at(company, touched=TODAY)
            add_action(me, contact=contact, due_on=TODAY - timedelta(days=1))
            add_partner(company, "Partner", Decimal("10"))
        _db.session.commit()

    def queries() -> int:
        client.get("/clients")
        with count_queries() as statements:
            assert client.get("/clients").status_code == 200
        return len(statements)

    build(3)
    few = queries()
    build(17)
    assert queries() == few


def test_deal_size_totals_are_exact_to_the_cent(client, login_as):
    login_as("member")
    acme = make_client("Acme")
    add_partner(acme, "A", Decimal("0.10"))
    add_partner(acme, "B", Decimal("0.20"))
    add_partner(acme, "C", None)

    html = page_of(client)

    assert cell(html, acme, "deal-size") == "0.30"
