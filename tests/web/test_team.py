"""The Team view: who sees whom, each person's numbers, the links to their queues, the weekly chart,
and a fixed number of queries however big the team."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests import factories
from tests.unit.relationship_builders import at_noon_utc, freeze_time
from tests.web.action_builders import TODAY, add_action, listed_ids, sign_in
from tests.web.contact_page_builders import queries_for
from tests.web.conversation_builders import add_message
from webapp import access
from webapp.extensions import db as _db
from webapp.models import Interaction, PermissionOverride
from webapp.services import actions as action_service

NOW = at_noon_utc(TODAY)  # Wednesday 10 March 2027, 12:00 UTC
THIS_MONDAY = date(2027, 3, 8)
FIRST_MONDAY = THIS_MONDAY - timedelta(weeks=11)  # the chart's oldest week


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_time(monkeypatch, NOW)


# --- builders -------------------------------------------------------------------------------------


def done_at(assignee, moment: datetime, *, by=None):
    """An action of ``assignee``'s marked done at ``moment`` (by ``by``, or the scheduler)."""
    action = add_action(assignee)
    actor = access.actor_for_user(by) if by is not None else None
    action_service.close_action(actor, action, "done")
    action.completed_at = moment
    _db.session.flush()
    return action


def logged_interaction(user, moment: datetime) -> Interaction:
    contact = factories.ContactFactory(owner=user)
    interaction = Interaction(
        contact_id=contact.id,
        kind="call",
        occurred_on=moment.date(),
        summary="Caught up",
        user_id=user.id,
        created_by_id=user.id,
        created_at=moment,
    )
    _db.session.add(interaction)
    _db.session.flush()
    return interaction


def sent_message(user, moment: datetime):
    message = add_message(factories.ContactFactory(owner=user), "Hello", sent_by=user, commit=False)
    message.created_at = moment
    _db.session.flush()
    return message


@pytest.fixture
def firm(db, make_user, squads):
    """Two squads with a manager and a member each, an executive, a head, and someone who left."""
    north, south = squads
    people = {
        "exec": make_user("executive", name="Erin Exec"),
        "head": make_user("head", name="Hal Head"),
        "maya": make_user("manager", name="Maya Manager", squad=north),
        "nia": make_user("member", name="Nia North", squad=north),
        "gone": make_user("member", name="Gil Gone", squad=north, active=False),
        "sol": make_user("manager", name="Sol South", squad=south),
        "sam": make_user("member", name="Sam South", squad=south),
    }
    _db.session.commit()
    return people


# --- reading the page -----------------------------------------------------------------------------


def _text(markup: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def squad_groups(page: str) -> list[tuple[str, list[int]]]:
    """Each squad card in order: its heading and the ids of the people it lists."""
    found = []
    for card in re.findall(r'<section class="[^"]*team-squad".*?</section>', page, re.S):
        heading = _text(re.search(r"<h2[^>]*>(.*?)</h2>", card, re.S).group(1))
        found.append((heading, [int(n) for n in re.findall(r'<tr id="person-(\d+)"', card)]))
    return found


def listed_people(page: str) -> set[int]:
    return {person for _, people in squad_groups(page) for person in people}


def person_row(page: str, user) -> str:
    found = re.search(rf'<tr id="person-{user.id}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, f"{user.name} is not listed"
    return found.group(1)


def numbers(page: str, user) -> dict[str, int]:
    """The person's Open, Overdue and Done (30 days) as the row shows them."""
    cells = re.findall(r'data-count="(\w+)">(.*?)</td>', person_row(page, user), re.S)
    return {name: int(_text(cell)) for name, cell in cells}


def last_activity(page: str, user) -> str:
    return _text(re.search(r"data-activity>(.*?)</td>", person_row(page, user), re.S).group(1))


def totals(page: str) -> dict[str, int]:
    found = re.findall(r'data-total="(\w+)">([\d,]+)<', page)
    return {name: int(count.replace(",", "")) for name, count in found}


def queue_link(page: str, user, which: str = "person") -> str:
    """The link from a person's row: their name ("person"), or their "open" / "overdue" count."""
    row = person_row(page, user)
    if which == "person":
        href = re.search(r'<a class="fw-medium" href="([^"]+)" data-queue>', row).group(1)
    else:
        cell = re.search(rf'data-count="{which}">(.*?)</td>', row, re.S).group(1)
        href = re.search(r'href="([^"]+)"', cell).group(1)
    return html_lib.unescape(href)


def query_of(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    assert parts.path == "/actions"
    return {name: values[0] for name, values in parse_qs(parts.query).items()}


def weekly_numbers(page: str) -> dict[str, dict[str, int]]:
    """The "Show the numbers" table: {squad: {week's Monday: actions completed}}."""
    table: dict[str, dict[str, int]] = {}
    for week, series, count in re.findall(
        r'data-week="([\d-]+)" data-series="([^"]+)">(\d+)<', page
    ):
        table.setdefault(html_lib.unescape(series), {})[week] = int(count)
    return table


def nonzero(weeks: dict[str, int]) -> dict[str, int]:
    return {week: count for week, count in weeks.items() if count}


# --- who may open it, and whom they see -----------------------------------------------------------


@pytest.mark.parametrize("role", ["executive", "head"])
def test_executives_and_heads_see_every_active_person_grouped_by_squad(client, firm, role):
    viewer = firm["exec"] if role == "executive" else firm["head"]
    sign_in(client, viewer)
    response = client.get("/team")
    assert response.status_code == 200
    groups = squad_groups(response.text)
    assert groups == [
        ("North", [firm["maya"].id, firm["nia"].id]),
        ("South", [firm["sam"].id, firm["sol"].id]),
        ("No squad", [firm["exec"].id, firm["head"].id]),
    ]
    assert "Gil Gone" not in response.text  # not active: not listed
    assert "Everyone at the firm, squad by squad: 6 people in 2 squads." in response.text


def test_a_manager_sees_their_squad_and_themself_only(client, firm):
    sign_in(client, firm["maya"])
    page = client.get("/team").text
    assert squad_groups(page) == [("North", [firm["maya"].id, firm["nia"].id])]
    assert "Sam South" not in page and "Erin Exec" not in page
    assert "Your squad, North: you and 1 other." in page
    assert re.search(r"Maya Manager<span[^>]*>: open your queue</span></a>\s*<span[^>]*>You<", page)


def test_a_manager_without_a_squad_sees_just_themself_with_a_note(client, login_as):
    loner = login_as("manager", name="Lou Loner", squad=None)
    page = client.get("/team").text
    assert squad_groups(page) == [("No squad", [loner.id])]
    assert "You are not in a squad yet, so your team is just you." in page
    assert 'href="/actions?tab=mine"' in page


def test_a_member_gets_the_403_page(client, firm):
    sign_in(client, firm["nia"])
    response = client.get("/team")
    assert response.status_code == 403
    assert "text/html" in response.content_type
    assert "The Team view is for managers, heads and executives." in response.text


def test_a_manager_without_the_view_permission_gets_the_403_page(client, firm):
    _db.session.add(
        PermissionOverride(user=firm["maya"], permission=access.RELATIONSHIPS_VIEW, granted=False)
    )
    sign_in(client, firm["maya"])
    assert client.get("/team").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/team")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize(("person", "shown"), [("nia", False), ("maya", True), ("exec", True)])
def test_the_team_link_shows_in_the_navigation_only_to_those_who_lead_a_team(
    client, firm, person, shown
):
    sign_in(client, firm[person])
    page = client.get("/").text
    assert ('href="/team"' in page) is shown


# --- the numbers ----------------------------------------------------------------------------------


@pytest.fixture
def work(firm):
    """Nia's actions in every state; a little for Sam; Gil (gone) has some that count nowhere."""
    nia, sam = firm["nia"], firm["sam"]
    add_action(nia, due_on=TODAY - timedelta(days=2))  # overdue
    add_action(nia, due_on=TODAY - timedelta(days=1))  # overdue
    add_action(nia, due_on=TODAY)  # due today: open, not overdue
    add_action(nia)  # no due date
    done_at(nia, NOW - timedelta(days=29))
    done_at(nia, NOW - timedelta(days=2))
    done_at(nia, NOW - timedelta(days=31))  # too long ago
    add_action(nia, due_on=TODAY - timedelta(days=5), status="dismissed")  # not counted anywhere
    add_action(sam, due_on=TODAY - timedelta(days=9))
    done_at(sam, NOW - timedelta(hours=1))
    add_action(firm["gone"], due_on=TODAY - timedelta(days=3))
    done_at(firm["gone"], NOW - timedelta(days=1))
    _db.session.commit()
    return firm


@pytest.mark.parametrize("viewer", ["exec", "head"])
def test_each_persons_open_overdue_and_done_in_30_days_for_executives_and_heads(
    client, work, viewer
):
    sign_in(client, work[viewer])
    page = client.get("/team").text
    assert numbers(page, work["nia"]) == {"open": 4, "overdue": 2, "done": 2}
    assert numbers(page, work["sam"]) == {"open": 1, "overdue": 1, "done": 1}
    assert numbers(page, work["maya"]) == {"open": 0, "overdue": 0, "done": 0}
    assert totals(page) == {"open": 5, "overdue": 3, "done": 3}  # Gil's work is not counted


def test_a_managers_numbers_are_of_their_squad_only(client, work):
    sign_in(client, work["maya"])
    page = client.get("/team").text
    assert numbers(page, work["nia"]) == {"open": 4, "overdue": 2, "done": 2}
    assert totals(page) == {"open": 4, "overdue": 2, "done": 2}


def test_overdue_is_counted_from_the_viewers_today(client, firm):
    """At noon UTC it is already tomorrow on Kiritimati: due "today" in UTC is overdue there."""
    firm["exec"].timezone = "Pacific/Kiritimati"
    add_action(firm["sam"], due_on=TODAY)
    _db.session.commit()
    sign_in(client, firm["exec"])
    page = client.get("/team").text
    assert numbers(page, firm["sam"])["overdue"] == 1
    overdue_list = client.get(queue_link(page, firm["sam"], "overdue")).text
    assert len(listed_ids(overdue_list)) == 1  # the number and the list it links to agree


def test_a_manager_has_no_numbers_to_show_yet(client, firm):
    sign_in(client, firm["maya"])
    page = client.get("/team").text
    assert totals(page) == {"open": 0, "overdue": 0, "done": 0}
    assert last_activity(page, firm["nia"]) == "No activity yet"
    assert "No actions were marked done in the last 12 weeks." in page


# --- last activity --------------------------------------------------------------------------------


def test_last_activity_is_the_latest_of_actions_done_messages_sent_and_interactions_logged(
    client, firm
):
    nia, sam, sol, maya = firm["nia"], firm["sam"], firm["sol"], firm["maya"]
    # Nia: each kind, the interaction latest (3 days ago).
    done_at(nia, NOW - timedelta(days=10), by=nia)
    sent_message(nia, NOW - timedelta(days=6))
    logged_interaction(nia, NOW - timedelta(days=3))
    # Sam: only a message sent yesterday; one he received later is not his doing.
    sent_message(sam, NOW - timedelta(days=1))
    add_message(factories.ContactFactory(owner=sam), "Hi back", direction="inbound", commit=False)
    # Sol: an action he marked done two days ago (for Sam: who completed it counts, not whose it
    # was); one he dismissed today did not complete anything.
    done_at(sam, NOW - timedelta(days=2), by=sol)
    dismissed = add_action(sol)
    action_service.close_action(access.actor_for_user(sol), dismissed, "dismissed")
    # Maya: an action done for her by the scheduler is not her activity.
    done_at(maya, NOW - timedelta(days=1))
    _db.session.commit()
    sign_in(client, firm["exec"])
    page = client.get("/team").text
    assert last_activity(page, nia) == "3 days ago 7 Mar 2027"
    assert last_activity(page, sam) == "Yesterday 9 Mar 2027"
    assert last_activity(page, sol) == "2 days ago 8 Mar 2027"
    assert last_activity(page, maya) == "No activity yet"


def test_last_activity_reads_in_the_viewers_time_zone(client, firm):
    """11:30 UTC on 10 March is 00:30 on 11 March in Auckland, where it is already the 11th."""
    sent_message(firm["sam"], datetime(2027, 3, 10, 11, 30, tzinfo=UTC))
    sign_in(client, firm["exec"])
    assert last_activity(client.get("/team").text, firm["sam"]) == "Today 10 Mar 2027"
    firm["exec"].timezone = "Pacific/Auckland"
    sign_in(client, firm["exec"])
    assert last_activity(client.get("/team").text, firm["sam"]) == "Today 11 Mar 2027"


# --- drilling down to a queue ---------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["exec", "head"])
def test_executives_and_heads_open_a_persons_queue_under_everyone(client, work, viewer):
    sign_in(client, work[viewer])
    page = client.get("/team").text
    nia = work["nia"]
    expected = {"tab": "everyone", "assignee": str(nia.id)}
    assert query_of(queue_link(page, nia)) == expected
    assert query_of(queue_link(page, nia, "open")) == expected
    assert query_of(queue_link(page, nia, "overdue")) == {**expected, "due": "overdue"}
    assert query_of(queue_link(page, work[viewer])) == {"tab": "mine"}


def test_a_manager_opens_a_squad_members_queue_under_squad_and_their_own_under_mine(client, work):
    sign_in(client, work["maya"])
    page = client.get("/team").text
    nia = work["nia"]
    assert query_of(queue_link(page, nia)) == {"tab": "squad", "assignee": str(nia.id)}
    overdue = query_of(queue_link(page, nia, "overdue"))
    assert overdue == {"tab": "squad", "assignee": str(nia.id), "due": "overdue"}
    assert query_of(queue_link(page, work["maya"])) == {"tab": "mine"}


@pytest.mark.parametrize("viewer", ["exec", "maya"])
def test_the_linked_queues_list_what_the_numbers_count(client, work, viewer):
    sign_in(client, work[viewer])
    page = client.get("/team").text
    nia = work["nia"]
    open_list = client.get(queue_link(page, nia, "open"))
    overdue_list = client.get(queue_link(page, nia, "overdue"))
    assert open_list.status_code == overdue_list.status_code == 200
    assert len(listed_ids(open_list.text)) == numbers(page, nia)["open"] == 4
    assert len(listed_ids(overdue_list.text)) == numbers(page, nia)["overdue"] == 2


def test_a_zero_count_is_not_a_link(client, work):
    sign_in(client, work["exec"])
    row = person_row(client.get("/team").text, work["maya"])
    assert re.search(r'data-count="open"><span[^>]*>0</span></td>', row)
    assert re.search(r'data-count="overdue"><span[^>]*>0</span></td>', row)


# --- the weekly chart -----------------------------------------------------------------------------


@pytest.fixture
def completions(firm):
    """Actions done around the chart's week boundaries, in both squads."""
    nia, sam = firm["nia"], firm["sam"]
    done_at(nia, datetime(2027, 3, 9, 10, tzinfo=UTC))  # this week
    done_at(nia, datetime(2027, 3, 8, 0, 0, tzinfo=UTC))  # this week's first moment
    done_at(nia, datetime(2027, 3, 7, 23, 59, tzinfo=UTC))  # Sunday: the week before
    done_at(nia, datetime(2026, 12, 21, 0, 0, tzinfo=UTC))  # the oldest week shown
    done_at(nia, datetime(2026, 12, 20, 23, 59, tzinfo=UTC))  # too old for the chart
    done_at(sam, datetime(2027, 3, 1, 9, tzinfo=UTC))
    done_at(sam, datetime(2027, 1, 13, 9, tzinfo=UTC))
    done_at(sam, datetime(2027, 1, 17, 21, tzinfo=UTC))  # a Sunday: same week as the 13th
    done_at(firm["gone"], datetime(2027, 3, 2, 9, tzinfo=UTC))  # not active: not shown
    dismissed = add_action(sam)
    action_service.close_action(None, dismissed, "dismissed")  # dismissed is not done
    add_action(nia)  # still pending
    _db.session.commit()
    return firm


def test_the_chart_counts_actions_done_per_week_for_each_squad(client, completions):
    sign_in(client, completions["exec"])
    page = client.get("/team").text
    table = weekly_numbers(page)
    assert list(table) == ["North", "South", "No squad"]
    assert all(len(weeks) == 12 for weeks in table.values())
    assert min(table["North"]) == FIRST_MONDAY.isoformat()
    assert max(table["North"]) == THIS_MONDAY.isoformat()
    assert nonzero(table["North"]) == {"2027-03-08": 2, "2027-03-01": 1, "2026-12-21": 1}
    assert nonzero(table["South"]) == {"2027-03-01": 1, "2027-01-11": 2}
    assert nonzero(table["No squad"]) == {}


def drawings(page: str) -> dict[str, str]:
    """The chart's SVG drawings by variant: "wide", and "compact" for phones."""
    found = re.findall(r'<svg class="team-chart-svg is-(\w+)".*?</svg>', page, re.S)
    svgs = re.findall(r'<svg class="team-chart-svg is-\w+".*?</svg>', page, re.S)
    return dict(zip(found, svgs, strict=True))


def test_the_chart_draws_one_labelled_line_per_squad(client, completions):
    sign_in(client, completions["exec"])
    page = client.get("/team").text
    svgs = drawings(page)
    assert list(svgs) == ["wide", "compact"]
    for variant, svg in svgs.items():
        assert 'role="img"' in svg
        assert f'aria-labelledby="team-chart-{variant}-title team-chart-{variant}-desc"' in svg
        assert "Actions completed per week, last 12 weeks</title>" in svg
        assert "North: 4 in all, 2 this week; South: 3 in all, 0 this week" in svg
        assert re.findall(r'class="chart-series" data-series="([^"]+)"', svg) == [
            "North",
            "South",
            "No squad",
        ]
        assert "<title>North, week of 8 Mar: 2 done</title>" in svg
    assert 'viewBox="0 0 720 280"' in svgs["wide"]
    assert 'viewBox="0 0 360 250"' in svgs["compact"]
    legend = _text(
        re.search(r'<figcaption class="team-chart-legend">(.*?)</figcaption>', page, re.S).group(1)
    )
    assert legend == "Key: North 4 done South 3 done No squad 0 done"
    assert "<summary>Show the numbers</summary>" in page


def test_a_phones_chart_labels_every_other_week_ending_with_this_one(client, completions):
    sign_in(client, completions["exec"])
    svgs = drawings(client.get("/team").text)

    def week_labels(svg: str) -> list[str]:
        weeks = re.search(r'<g class="chart-weeks">(.*?)</g>', svg, re.S).group(1)
        return re.findall(r">([^<]+)</text>", weeks)

    assert len(week_labels(svgs["wide"])) == 12
    assert week_labels(svgs["compact"]) == [
        "28 Dec",
        "11 Jan",
        "25 Jan",
        "8 Feb",
        "22 Feb",
        "8 Mar",
    ]


def test_a_managers_chart_is_their_squads_alone(client, completions):
    sign_in(client, completions["maya"])
    table = weekly_numbers(client.get("/team").text)
    assert list(table) == ["North"]
    assert nonzero(table["North"]) == {"2027-03-08": 2, "2027-03-01": 1, "2026-12-21": 1}


# --- a fixed number of queries --------------------------------------------------------------------


def _staff(squads, count: int, start: int = 0) -> None:
    """``count`` more people, each with open, overdue and done actions, a message, a call."""
    for n in range(start, start + count):
        person = factories.UserFactory(name=f"Person {n:02d}", squad=squads[n % len(squads)])
        add_action(person, due_on=TODAY - timedelta(days=1))
        add_action(person)
        done_at(person, NOW - timedelta(days=n % 40), by=person)
        sent_message(person, NOW - timedelta(days=n % 5))
        logged_interaction(person, NOW - timedelta(days=n % 7))
    _db.session.commit()


@pytest.mark.parametrize("role", ["executive", "manager"])
def test_the_page_runs_the_same_queries_for_3_and_30_people(
    client, count_queries, login_as, squads, role
):
    login_as(role, squad=squads[0])
    _staff(squads, 3)
    with_three = queries_for(client, count_queries, "/team")
    _staff(squads, 27, start=3)
    with_thirty = queries_for(client, count_queries, "/team")
    assert with_thirty == with_three, f"{with_three} queries with 3 people, {with_thirty} with 30"
