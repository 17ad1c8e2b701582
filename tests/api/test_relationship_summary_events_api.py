"""The relationship summary's events: the next 90 days, recurring events by their next
occurrence, across the turn of the year, 29 February, and the caller's own "today"."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.client_helpers import client_company, life_event, link, summary_path
from tests.api.relationship_helpers import client_contact, company, freeze_today, ids
from webapp.api import schemas
from webapp.extensions import db as _db

# Day 90 is 15 March 2026; day 91, 16 March.
TODAY = date(2025, 12, 15)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_today(monkeypatch, TODAY)


def summary_events(caller, firm) -> list[dict]:
    response = caller.get(summary_path(firm.id))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    schemas.RelationshipSummary.model_validate(body)
    return body["events"]


# (today, the event's date, recurs annually, its next occurrence if listed)
WINDOW = [
    # One-off events: today through day 90, both included
    ("2025-12-15", "2025-12-15", False, "2025-12-15"),
    ("2025-12-15", "2025-12-14", False, None),
    ("2025-12-15", "2026-01-01", False, "2026-01-01"),
    ("2025-12-15", "2026-03-15", False, "2026-03-15"),
    ("2025-12-15", "2026-03-16", False, None),
    ("2025-12-15", "2025-01-10", False, None),  # last year, and never again
    ("2024-12-15", "2024-12-20", False, "2024-12-20"),
    ("2025-12-15", "2024-12-20", False, None),  # its anniversary is in the window; it is one-off
    ("2025-12-15", "2027-01-10", False, None),  # the month-day is near, the year is not
    # Recurring events: by their next occurrence, into the coming year
    ("2025-12-15", "1980-12-15", True, "2025-12-15"),
    ("2025-12-15", "1980-12-31", True, "2025-12-31"),
    ("2025-12-15", "1980-01-01", True, "2026-01-01"),
    ("2025-12-15", "1980-01-10", True, "2026-01-10"),
    ("2025-12-15", "1980-12-14", True, None),  # yesterday: next in December 2026
    ("2025-12-15", "1990-03-15", True, "2026-03-15"),
    ("2025-12-15", "1990-03-16", True, None),
    ("2025-12-15", "2026-02-01", True, "2026-02-01"),  # first happens inside the window
    ("2025-12-15", "2027-01-10", True, None),  # first happens after it
    ("2025-12-31", "1980-01-01", True, "2026-01-01"),
    ("2026-01-01", "1980-12-31", True, None),
    ("2025-10-03", "1980-01-01", True, "2026-01-01"),  # day 90 exactly
    ("2025-10-02", "1980-01-01", True, None),  # day 91
    # The year unknown (MM-DD): annual, whatever recurs_annually says
    ("2025-12-15", "01-02", False, "2026-01-02"),
    ("2025-12-15", "12-15", False, "2025-12-15"),
    ("2025-12-15", "12-14", False, None),
    ("2025-12-15", "03-16", True, None),
    # 29 February: 28 February in a common year, 29 February in a leap year
    ("2025-12-15", "1988-02-29", True, "2026-02-28"),
    ("2025-12-15", "02-29", False, "2026-02-28"),
    ("2026-02-28", "1988-02-29", True, "2026-02-28"),
    ("2026-03-01", "1988-02-29", True, None),
    ("2027-12-15", "1988-02-29", True, "2028-02-29"),
    ("2027-12-15", "1988-02-28", True, "2028-02-28"),
    ("2025-11-29", "1988-02-27", True, "2026-02-27"),  # day 90
    ("2025-11-29", "1988-02-29", True, None),  # 28 February 2026 is day 91
    ("2025-12-02", "1970-03-02", True, "2026-03-02"),  # day 90 in a common year
    ("2025-12-02", "1970-03-03", True, None),
    ("2027-12-02", "1970-03-01", True, "2028-03-01"),  # day 90 in a leap year
    ("2027-12-02", "1970-03-02", True, None),
]


@pytest.mark.parametrize(("today", "on", "recurs", "expected"), WINDOW, ids=str)
def test_an_event_is_listed_when_it_next_happens_within_90_days(
    monkeypatch, api, client_firm, ada, today, on, recurs, expected
):
    freeze_today(monkeypatch, date.fromisoformat(today))
    event = life_event(ada, "The day", on, recurs=recurs)
    _db.session.commit()
    listed = summary_events(api, client_firm)
    if expected is None:
        assert listed == []
        return
    (found,) = listed
    assert found["id"] == str(event.id)
    assert found["next_occurrence"] == expected
    assert found["days_until"] == (date.fromisoformat(expected) - date.fromisoformat(today)).days
    assert found["event_date"] == on


def test_events_are_listed_soonest_first_across_the_new_year(api, client_firm, ada):
    grace = client_contact(api.user, "Grace", "Hopper", email="grace@navy.example")
    link(grace, client_firm, primary=True)
    made = {
        "feb": life_event(ada, "Leap birthday", "1988-02-29", recurs=True),
        "jan": life_event(grace, "Birthday", "1906-01-05", recurs=True),
        "new year": life_event(ada, "Launch", "2026-01-01"),
        "dec": life_event(grace, "Anniversary", "12-20"),
        "today": life_event(ada, "Lunch", "2025-12-15"),
    }
    _db.session.commit()
    listed = summary_events(api, client_firm)
    assert ids(listed) == [str(made[k].id) for k in ("today", "dec", "new year", "jan", "feb")]
    assert [e["next_occurrence"] for e in listed] == [
        "2025-12-15",
        "2025-12-20",
        "2026-01-01",
        "2026-01-05",
        "2026-02-28",
    ]
    assert [e["days_until"] for e in listed] == [0, 5, 17, 21, 75]
    assert (listed[1]["first_name"], listed[1]["last_name"]) == ("Grace", "Hopper")
    assert listed[1]["event_date"] == "12-20"


def test_events_on_the_same_day_are_listed_by_title(api, client_firm, ada):
    later = life_event(ada, "Zoo trip", "2026-01-10")
    sooner = life_event(ada, "Anniversary", "1999-01-10", recurs=True)
    _db.session.commit()
    assert ids(summary_events(api, client_firm)) == [str(sooner.id), str(later.id)]


def test_an_event_without_a_date_is_not_upcoming(api, client_firm, ada):
    life_event(ada, "Some day", None, recurs=True)
    _db.session.commit()
    assert summary_events(api, client_firm) == []


# Whose events


def test_events_of_every_person_linked_to_the_client_are_listed(api, client_firm, ada):
    elsewhere = company("Difference Engines plc")
    grace = client_contact(api.user, "Grace", "Hopper", email="grace@navy.example")
    link(grace, elsewhere, primary=True)
    link(grace, client_firm, role="Adviser")  # also works with the client, not primarily
    mine = [life_event(ada, "Ada's", "01-10"), life_event(grace, "Grace's", "01-11")]
    _db.session.commit()
    assert ids(summary_events(api, client_firm)) == [str(e.id) for e in mine]


def test_events_of_people_at_other_companies_are_not_listed(api, client_firm, ada):
    elsewhere = client_company("Difference Engines plc")
    grace = client_contact(
        api.user, "Grace", "Hopper", email="grace@navy.example", company=elsewhere
    )
    life_event(grace, "Grace's", "01-11")
    nobody = client_contact(api.user, "Nobody", "Atall", email="no@where.example")
    life_event(nobody, "Nobody's", "01-12")
    _db.session.commit()
    assert summary_events(api, client_firm) == []
    assert len(summary_events(api, elsewhere)) == 1


def test_an_event_filed_under_the_client_is_listed_whoever_it_is_of(api, client_firm, ada):
    outsider = client_contact(api.user, "Grace", "Hopper", email="grace@navy.example")
    event = life_event(
        outsider, "Opening of the client's new office", "2026-01-20", firm=client_firm
    )
    _db.session.commit()
    (listed,) = summary_events(api, client_firm)
    assert listed["id"] == str(event.id) and listed["company_id"] == str(client_firm.id)
    assert (listed["first_name"], listed["last_name"]) == ("Grace", "Hopper")


def test_events_of_an_archived_contact_are_not_listed(api, client_firm, ada):
    gone = client_contact(api.user, "Grace", "Hopper", email="grace@navy.example")
    link(gone, client_firm, primary=True)
    life_event(gone, "Birthday", "01-11")
    life_event(gone, "Filed under the client", "01-12", firm=client_firm)
    gone.archived_at = gone.created_at
    _db.session.commit()
    assert summary_events(api, client_firm) == []


# The caller's today


def test_today_is_the_callers_own_in_their_timezone(monkeypatch, api_client, client_firm, ada):
    # Noon UTC on 31 December is already 1 January in Kiritimati (UTC+14).
    freeze_today(monkeypatch, date(2025, 12, 31))
    london = api_client(timezone="Europe/London")
    kiritimati = api_client(timezone="Pacific/Kiritimati")
    new_years_eve = life_event(ada, "Party", "2025-12-31")
    first_of_april = life_event(ada, "Launch", "2026-04-01")
    _db.session.commit()
    (seen_in_london,) = summary_events(london, client_firm)
    assert seen_in_london["id"] == str(new_years_eve.id) and seen_in_london["days_until"] == 0
    (seen_in_kiritimati,) = summary_events(kiritimati, client_firm)
    assert seen_in_kiritimati["id"] == str(first_of_april.id)
    assert seen_in_kiritimati["days_until"] == 90
