"""Keep-in-touch cadence: a check-in when the cadence lapses, once per lapse; touches reset it."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.message_helpers import opted_in_contact, send
from tests.factories import ClientProfileFactory, ContactCompanyLinkFactory
from tests.jobs.builders import at, check_ins_of, contact_of, owner, row_counts, run_cadence
from tests.unit.relationship_builders import actor_of, freeze_time
from webapp.extensions import db
from webapp.jobs.cadence import lapse_began
from webapp.models import Interaction, Message, RelationshipProfile
from webapp.services import actions, touches

ADDED = at(2026, 1, 1)


def client_contact(tier: str = "strategic", *, preference: str | None = None, cadence=None):
    """A contact added on 1 January 2026 at a client of ``tier``; strategic: every 30 days."""
    person = contact_of(owner(), created_at=ADDED)
    client = ClientProfileFactory(tier=tier)
    ContactCompanyLinkFactory(contact=person, company=client.company)
    if preference or cadence is not None:
        db.session.add(
            RelationshipProfile(
                contact_id=person.id, communication_preference=preference, cadence_days=cadence
            )
        )
    db.session.flush()
    return person


def test_the_lapse_begins_on_the_due_day_and_again_each_cadence_after():
    due = date(2026, 1, 31)
    assert lapse_began(due, 30, date(2026, 1, 31)) == date(2026, 1, 31)
    assert lapse_began(due, 30, date(2026, 3, 1)) == date(2026, 1, 31)
    assert lapse_began(due, 30, date(2026, 3, 2)) == date(2026, 3, 2)


def test_a_lapsed_cadence_makes_one_check_in_on_the_preferred_channel(db):
    ada = client_contact(preference="whatsapp")

    assert run_cadence(date(2026, 1, 30)).created == 0
    result = run_cadence(date(2026, 1, 31))

    assert result.created == 1
    [check_in] = check_ins_of(ada)
    assert check_in.title == "Check in with Ada Lovelace"
    assert (check_in.action_type, check_in.status, check_in.due_on) == (
        "whatsapp",
        "pending",
        date(2026, 1, 31),
    )
    assert check_in.cadence_period == date(2026, 1, 31)
    assert check_in.assigned_to_id == ada.owner_id
    assert "No touch recorded yet. Keep in touch every 30 days." == check_in.description


def test_the_tier_sets_the_default_cadence(db):
    key = client_contact("key")  # 60 days
    assert run_cadence(date(2026, 2, 15)).created == 0
    assert run_cadence(date(2026, 3, 2)).created == 1
    assert check_ins_of(key)[0].cadence_period == date(2026, 3, 2)


def test_the_profiles_cadence_overrides_the_tier_and_zero_turns_it_off(db):
    often = client_contact("standard", cadence=14)
    never = client_contact("strategic", cadence=0)
    run_cadence(date(2026, 6, 1))
    assert len(check_ins_of(often)) == 1
    assert check_ins_of(never) == []


def test_a_contact_outside_any_client_has_no_cadence_unless_set(db):
    loose = contact_of(owner(), "Lou", created_at=ADDED)
    assert run_cadence(date(2026, 12, 1)).created == 0
    db.session.add(RelationshipProfile(contact_id=loose.id, cadence_days=30))
    assert run_cadence(date(2026, 12, 1)).created == 1


def test_ticking_again_in_the_same_lapse_writes_nothing(db):
    client_contact()
    run_cadence(date(2026, 2, 1))
    before = row_counts()
    again = run_cadence(date(2026, 2, 1))
    assert (again.created, row_counts()) == (0, before)


def test_while_a_check_in_is_pending_no_other_is_made(db):
    ada = client_contact()
    run_cadence(date(2026, 2, 1))
    run_cadence(date(2026, 6, 1))  # four more cadences, still pending
    assert len(check_ins_of(ada)) == 1


def test_dismissing_a_check_in_waits_for_the_next_lapse(db):
    ada = client_contact()
    run_cadence(date(2026, 2, 1))
    [first] = check_ins_of(ada)
    actions.close_action(actor_of(ada.owner), first, "dismissed")

    assert run_cadence(date(2026, 2, 20)).created == 0  # same lapse: it was dealt with
    assert run_cadence(date(2026, 3, 2)).created == 1  # a whole cadence more without a touch
    assert [a.cadence_period for a in check_ins_of(ada)] == [date(2026, 1, 31), date(2026, 3, 2)]


def test_a_done_action_is_a_touch_that_resets_the_cadence(db, monkeypatch):
    ada = client_contact()
    run_cadence(date(2026, 2, 1))
    freeze_time(monkeypatch, at(2026, 2, 3))
    actions.close_action(actor_of(ada.owner), check_ins_of(ada)[0], "done")
    assert ada.last_touch_on == date(2026, 2, 3)

    assert run_cadence(date(2026, 3, 4)).created == 0
    assert run_cadence(date(2026, 3, 5)).created == 1
    assert check_ins_of(ada)[-1].description.startswith("Last touch 03 February 2026.")


def test_reopening_a_done_action_takes_its_touch_back(db, monkeypatch):
    ada = client_contact()
    run_cadence(date(2026, 2, 1))
    [check_in] = check_ins_of(ada)
    freeze_time(monkeypatch, at(2026, 2, 3))
    actions.close_action(actor_of(ada.owner), check_in, "done")
    actions.reopen_action(actor_of(ada.owner), check_in)
    assert ada.last_touch_on is None


def test_a_logged_interaction_is_a_touch(db):
    ada = client_contact()
    db.session.add(
        Interaction(contact_id=ada.id, kind="call", occurred_on=date(2026, 1, 20), summary="Chat")
    )
    touches.refresh(ada)
    assert run_cadence(date(2026, 2, 1)).created == 0
    assert run_cadence(date(2026, 2, 19)).created == 1


@pytest.fixture
def api(api_client):
    return api_client(role="member", name="Mary Member")


def test_an_outbound_message_is_a_touch_and_a_failed_one_is_not(db, api, fake_twilio):
    ada = opted_in_contact(api.user)
    fake_twilio.fail_next()
    assert send(api, ada).status_code == 502
    db.session.refresh(ada)
    assert ada.last_touch_on is None

    sent = send(api, ada)
    assert sent.status_code == 201
    db.session.refresh(ada)
    assert (
        ada.last_touch_on
        == db.session.get(Message, sent.get_json()["message"]["id"]).created_at.date()
    )


def test_archived_contacts_and_inactive_owners_get_no_check_in(db):
    from webapp.services import calendar

    archived = client_contact()
    archived.archived_at = calendar.now()
    left = client_contact()
    left.owner.active = False
    assert run_cadence(date(2026, 6, 1)).created == 0
