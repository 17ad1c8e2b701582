"""The contact page's Keep-in-touch card: last touch, next due, and how often, with its setting."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests import factories
from tests.records import events_for
from tests.web.contact_page_builders import HTMX, actor, field_error, section, visible_text
from webapp.extensions import db as _db
from webapp.models import PermissionOverride
from webapp.services import calendar, interactions, keep_in_touch, touches
from webapp.services.errors import Conflict, ValidationFailed
from webapp.services.profiles import find_profile

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_time(monkeypatch):
    """Noon UTC on 24 November 2026, for everyone."""
    monkeypatch.setattr(calendar, "now", lambda: NOW)


@pytest.fixture
def robert(robert):
    """Robert, added on 1 November (a cadence counts from then until his first touch)."""
    robert.created_at = datetime(2026, 11, 1, 9, tzinfo=UTC)
    _db.session.commit()
    return robert


def at_client(contact, tier: str) -> None:
    company = factories.ClientProfileFactory(tier=tier).company
    factories.ContactCompanyLinkFactory(contact=contact, company=company, is_primary=True)
    _db.session.commit()


def touched_on(user, contact, day: str) -> None:
    values = {"kind": "call", "occurred_on": day, "summary": "Caught up"}
    interactions.log_interaction(actor(user), contact.id, values)
    _db.session.commit()


def card_text(client, contact) -> str:
    return visible_text(section(client.get(f"/contacts/{contact.id}").text, "keep-in-touch"))


def set_cadence(client, contact, value: str, **kwargs):
    return client.post(
        f"/contacts/{contact.id}/keep-in-touch",
        data={"keep_in_touch-cadence_days": value},
        **kwargs,
    )


def cadence_of(contact) -> int | None:
    _db.session.expire_all()
    return find_profile(contact.id).cadence_days


# --- what the card says ---------------------------------------------------------------------------


def test_a_strategic_client_contact_follows_the_tier_default(client, me, robert):
    at_client(robert, "strategic")
    text = card_text(client, robert)
    assert "Last touch No touch yet" in text
    assert "Next due 1 Dec 2026 (in 7 days)" in text
    assert "Cadence Every 30 days (Strategic client default)" in text
    assert "Overdue" not in text


def test_the_card_counts_from_the_last_touch(client, me, robert):
    at_client(robert, "key")
    touched_on(me, robert, "2026-11-12")
    text = card_text(client, robert)
    assert "Last touch 12 Nov 2026 (12 days ago)" in text
    assert "Next due 11 Jan 2027 (in 48 days)" in text
    assert "Every 60 days (Key client default)" in text


def test_an_explicit_cadence_overrides_the_tier(client, me, robert):
    at_client(robert, "strategic")
    keep_in_touch.set_cadence(actor(me), robert.id, "90")
    touched_on(me, robert, "2026-11-20")
    text = card_text(client, robert)
    assert "Cadence Every 90 days" in text and "client default" not in text
    assert "Next due 18 Feb 2027 (in 86 days)" in text


def test_a_cadence_switched_off_has_no_next_due(client, me, robert):
    at_client(robert, "strategic")
    keep_in_touch.set_cadence(actor(me), robert.id, "0")
    _db.session.commit()
    text = card_text(client, robert)
    assert "Next due No reminders" in text
    assert "Cadence Off" in text


def test_a_contact_past_their_due_day_is_marked_overdue(client, me, robert):
    at_client(robert, "strategic")
    touched_on(me, robert, "2026-10-01")
    text = card_text(client, robert)
    assert "Last touch 1 Oct 2026 (54 days ago)" in text
    assert "Next due 31 Oct 2026 (24 days ago) Overdue" in text


def test_a_contact_due_today_is_not_overdue_yet(client, me, robert):
    at_client(robert, "strategic")
    touched_on(me, robert, "2026-10-25")
    text = card_text(client, robert)
    assert "Next due 24 Nov 2026 (today)" in text and "Overdue" not in text


def test_a_contact_at_no_client_has_no_tier_default(client, me, robert):
    text = card_text(client, robert)
    assert "Next due No reminders" in text
    assert "Cadence Off (no client tier to follow)" in text


def test_the_setting_offers_the_tier_default_the_usual_cadences_and_off(client, me, robert):
    at_client(robert, "strategic")
    html = section(client.get(f"/contacts/{robert.id}").text, "keep-in-touch")
    assert re.findall(r"<option[^>]*>([^<]*)</option>", html) == [
        "Client tier default (every 30 days)",
        "Every 14 days",
        "Every 30 days",
        "Every 60 days",
        "Every 90 days",
        "Every 180 days",
        "Off: no reminders",
    ]
    assert '<option selected value="">' in html


def test_a_cadence_set_elsewhere_stays_listed_and_selected(client, me, robert):
    keep_in_touch.set_cadence(actor(me), robert.id, 45)
    _db.session.commit()
    html = section(client.get(f"/contacts/{robert.id}").text, "keep-in-touch")
    assert '<option selected value="45">Every 45 days</option>' in html


# --- setting the cadence --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored", "shown"), [("60", 60, "Every 60 days"), ("0", 0, "Off")]
)
def test_setting_the_cadence_saves_it_and_shows_it(client, me, robert, value, stored, shown):
    response = set_cadence(client, robert, value, headers=HTMX)
    assert response.status_code == 200
    assert f"Cadence {shown}" in visible_text(response.text)
    assert cadence_of(robert) == stored
    profile = find_profile(robert.id)
    update = events_for(_db, profile)[-1]
    assert update.action == "update" and update.user_id == me.id
    assert update.changes == {"cadence_days": {"before": None, "after": stored}}


def test_choosing_the_tier_default_again_clears_the_cadence(client, me, robert):
    at_client(robert, "standard")
    set_cadence(client, robert, "14", headers=HTMX)
    response = set_cadence(client, robert, "", headers=HTMX)
    assert "Every 90 days (Standard client default)" in visible_text(response.text)
    assert cadence_of(robert) is None


@pytest.mark.parametrize("value", ["366", "abc", "-5", "1.5"])
def test_a_cadence_out_of_range_is_refused_with_the_reason(client, me, robert, value):
    set_cadence(client, robert, "30", headers=HTMX)
    response = set_cadence(client, robert, value, headers=HTMX)
    assert response.status_code == 422
    assert field_error(response.text, "keep_in_touch-cadence_days") == (
        "Choose a number of days from 1 to 365, 0 to switch reminders off, "
        "or nothing to follow the client tier."
    )
    assert cadence_of(robert) == 30


def test_without_htmx_setting_the_cadence_redirects_to_the_card(client, me, robert):
    response = set_cadence(client, robert, "30")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/contacts/{robert.id}#keep-in-touch")
    failed = set_cadence(client, robert, "999")
    assert failed.status_code == 422 and "<h1" in failed.text
    assert "Choose a number of days" in field_error(failed.text, "keep_in_touch-cadence_days")


def test_the_cadence_of_an_archived_contact_cannot_change(client, me, robert):
    robert.archived_at = NOW
    _db.session.commit()
    html = section(client.get(f"/contacts/{robert.id}").text, "keep-in-touch")
    assert "<select" not in html
    response = set_cadence(client, robert, "30", headers=HTMX)
    assert response.status_code == 409
    assert "Robert Smith is archived" in visible_text(response.text)
    assert find_profile(robert.id).cadence_days is None


def test_viewers_without_update_see_the_card_without_the_setting(client, robert, login_as):
    viewer = login_as("member")
    viewer.permission_overrides = [
        PermissionOverride(permission="relationships:update", granted=False)
    ]
    _db.session.commit()
    html = section(client.get(f"/contacts/{robert.id}").text, "keep-in-touch")
    assert "Last touch" in html and "<select" not in html
    assert set_cadence(client, robert, "30", headers=HTMX).status_code == 403


def test_the_card_reloads_alone_when_a_touch_is_added_elsewhere(client, me, robert):
    html = section(client.get(f"/contacts/{robert.id}").text, "keep-in-touch")
    assert 'hx-trigger="touches-changed from:body, actions-changed from:body"' in html
    touched_on(me, robert, "2026-11-23")
    response = client.get(f"/contacts/{robert.id}/keep-in-touch", headers=HTMX)
    assert response.text.lstrip().startswith('<section id="keep-in-touch"')
    assert "Last touch 23 Nov 2026 (yesterday)" in visible_text(response.text)


# --- the service ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"), [(None, None), ("", None), (0, 0), ("0", 0), (1, 1), (" 365 ", 365)]
)
def test_set_cadence_reads_empty_zero_and_days(me, robert, raw, stored):
    profile = keep_in_touch.set_cadence(actor(me), robert.id, raw)
    assert profile.cadence_days == stored


@pytest.mark.parametrize("raw", [True, 366, -1, "x", 30.0, [30]])
def test_set_cadence_refuses_anything_else(me, robert, raw):
    with pytest.raises(ValidationFailed) as refused:
        keep_in_touch.set_cadence(actor(me), robert.id, raw)
    assert list(refused.value.fields) == ["cadence_days"]


def test_set_cadence_refuses_an_archived_contact(me, robert):
    robert.archived_at = NOW
    with pytest.raises(Conflict) as refused:
        keep_in_touch.set_cadence(actor(me), robert.id, 30)
    assert refused.value.code == "contact_archived"


def test_the_maximum_is_the_touches_modules(me, robert):
    limit = touches.MAX_CADENCE_DAYS
    assert keep_in_touch.set_cadence(actor(me), robert.id, limit).cadence_days == limit
