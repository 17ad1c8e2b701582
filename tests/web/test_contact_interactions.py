"""The contact page's Timeline: logging, editing and deleting interactions, and one list of
interactions, messages and actions done, newest first."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests import factories
from tests.records import events_for, reload
from tests.web.contact_page_builders import (
    HTMX,
    actor,
    add_action,
    control,
    field_error,
    section,
    visible_text,
)
from tests.web.conversation_builders import add_message
from webapp.extensions import db as _db
from webapp.models import AuditEvent, Interaction, PermissionOverride
from webapp.services import actions as action_service
from webapp.services import calendar, interactions

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_time(monkeypatch):
    """Noon UTC on 24 November 2026, for everyone."""
    monkeypatch.setattr(calendar, "now", lambda: NOW)


def log_post(**fields) -> dict:
    fields = {"kind": "call", "occurred_on": "2026-11-20", "summary": "Talked renewal", **fields}
    return {f"interaction-{name}": value for name, value in fields.items()}


def edit_post(**fields) -> dict:
    fields = {"kind": "call", "occurred_on": "2026-11-20", "summary": "Talked renewal", **fields}
    return {f"edit_interaction-{name}": value for name, value in fields.items()}


def log(user, contact, **values) -> Interaction:
    values = {"kind": "call", "occurred_on": "2026-11-20", "summary": "Talked renewal", **values}
    interaction = interactions.log_interaction(actor(user), contact.id, values)
    _db.session.commit()
    return interaction


def interactions_of(contact) -> list[Interaction]:
    _db.session.expire_all()
    stmt = select(Interaction).where(Interaction.contact_id == contact.id)
    return list(_db.session.scalars(stmt.order_by(Interaction.id)))


def entry_ids(html: str) -> list[str]:
    """The timeline's entries, top to bottom, as "kind-id"."""
    return re.findall(
        r'<li class="list-group-item timeline-entry [^"]*" id="timeline-(\w+-\d+)"', html
    )


def timeline_text(client, contact) -> str:
    return visible_text(
        section(client.get(f"/contacts/{contact.id}?open=timeline").text, "timeline")
    )


# --- logging --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "label"),
    [("call", "Call"), ("meeting", "Meeting"), ("email", "Email"), ("note", "Note")],
)
def test_logging_each_kind_shows_it_on_the_timeline_and_moves_the_last_touch(
    client, me, robert, kind, label
):
    response = client.post(
        f"/contacts/{robert.id}/interactions",
        data=log_post(kind=kind, summary="Renewal: wants a 3-year term", user_id=str(me.id)),
        headers=HTMX,
    )
    assert response.status_code == 200
    text = visible_text(section(response.text, "timeline"))
    assert f"{label} logged." in text
    assert f"{label} 20 Nov 2026 · with Mia Member Renewal: wants a 3-year term" in text
    [stored] = interactions_of(robert)
    assert (stored.kind, stored.occurred_on, stored.user_id, stored.created_by_id) == (
        kind,
        date(2026, 11, 20),
        me.id,
        me.id,
    )
    assert reload(_db, robert).last_touch_on == date(2026, 11, 20)
    # The Keep-in-touch card comes along, out of band, with the new last touch.
    card = visible_text(section(response.text, "keep-in-touch"))
    assert "Last touch 20 Nov 2026 (4 days ago)" in card
    assert 'id="keep-in-touch"' in response.text and 'hx-swap-oob="true"' in response.text


def test_the_log_form_offers_today_and_me_and_active_colleagues(client, me, robert, make_user):
    make_user(name="Ada Active")
    make_user(name="Ian Inactive", active=False)
    _db.session.commit()
    html = section(client.get(f"/contacts/{robert.id}?open=timeline").text, "timeline")
    date_box = control(html, "interaction-occurred_on")
    assert 'value="2026-11-24"' in date_box and 'max="2026-11-24"' in date_box
    assert f'<option selected value="{me.id}">Me</option>' in html
    assert "Ada Active" in html and "Ian Inactive" not in html


def test_an_interaction_can_be_logged_for_a_colleague(client, me, robert, make_user):
    colleague = make_user(name="Cleo Colleague")
    _db.session.commit()
    response = client.post(
        f"/contacts/{robert.id}/interactions",
        data=log_post(kind="meeting", user_id=str(colleague.id)),
        headers=HTMX,
    )
    assert "Meeting 20 Nov 2026 · with Cleo Colleague" in visible_text(response.text)
    [stored] = interactions_of(robert)
    assert (stored.user_id, stored.created_by_id) == (colleague.id, me.id)


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        ({"summary": "  "}, "interaction-summary", "This is required."),
        ({"occurred_on": ""}, "interaction-occurred_on", "This is required."),
        (
            {"occurred_on": "2026-11-25"},
            "interaction-occurred_on",
            "That day has not come yet: log what has happened.",
        ),
        ({"occurred_on": "1899-12-31"}, "interaction-occurred_on", "Use a year from 1900 to 2200."),
        ({"occurred_on": "11-20"}, "interaction-occurred_on", "Give the full date, YYYY-MM-DD."),
        ({"kind": "lunch"}, "interaction-kind", "Choose one of: call, meeting, email, note."),
        ({"user_id": "999999"}, "interaction-user_id", "Choose someone active at the firm."),
    ],
    ids=[
        "no summary",
        "no date",
        "future date",
        "before 1900",
        "no year",
        "unknown kind",
        "no user",
    ],
)
def test_a_bad_interaction_comes_back_with_the_reason_next_to_the_field(
    client, me, robert, fields, field_id, message
):
    response = client.post(
        f"/contacts/{robert.id}/interactions", data=log_post(**fields), headers=HTMX
    )
    assert response.status_code == 422
    assert field_error(response.text, field_id) == message
    assert interactions_of(robert) == []
    assert reload(_db, robert).last_touch_on is None


def test_an_inactive_colleague_cannot_be_named_as_who_had_it(client, me, robert, make_user):
    gone = make_user(name="Gone Away", active=False)
    _db.session.commit()
    response = client.post(
        f"/contacts/{robert.id}/interactions", data=log_post(user_id=str(gone.id)), headers=HTMX
    )
    assert response.status_code == 422
    assert field_error(response.text, "interaction-user_id") == "Choose someone active at the firm."


def test_a_summary_over_5000_characters_is_refused(client, me, robert):
    response = client.post(
        f"/contacts/{robert.id}/interactions", data=log_post(summary="x" * 5001), headers=HTMX
    )
    assert response.status_code == 422
    assert field_error(response.text, "interaction-summary") == "Keep this under 5000 characters."


def test_today_is_the_loggers_own_day(client, login_as, db):
    """At noon UTC it is already the 25th in Auckland: that day is not in the future there."""
    kiwi = login_as("member", name="Kiri", timezone="Pacific/Auckland")
    contact = factories.ContactFactory(owner=kiwi)
    _db.session.commit()
    response = client.post(
        f"/contacts/{contact.id}/interactions",
        data=log_post(occurred_on="2026-11-25"),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert reload(_db, contact).last_touch_on == date(2026, 11, 25)


def test_without_htmx_logging_redirects_to_the_timeline_and_errors_show_on_the_page(
    client, me, robert
):
    response = client.post(f"/contacts/{robert.id}/interactions", data=log_post())
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/contacts/{robert.id}?open=timeline#timeline")
    failed = client.post(f"/contacts/{robert.id}/interactions", data=log_post(summary=""))
    assert failed.status_code == 422
    assert "<h1" in failed.text  # the whole page
    assert field_error(failed.text, "interaction-summary") == "This is required."


def test_logging_records_an_audit_event(client, me, robert):
    client.post(f"/contacts/{robert.id}/interactions", data=log_post(), headers=HTMX)
    [stored] = interactions_of(robert)
    [event] = events_for(_db, stored)
    assert (event.action, event.user_id) == ("create", me.id)
    assert event.changes["summary"] == {"before": None, "after": "Talked renewal"}
    assert event.changes["occurred_on"]["after"] == "2026-11-20"
    assert event.changes["contact_id"]["after"] == robert.id


# --- editing and deleting -------------------------------------------------------------------------


def test_the_creator_edits_an_interaction_in_place(client, me, robert):
    logged = log(me, robert, occurred_on="2026-11-20")
    form = client.get(f"/contacts/{robert.id}/interactions/{logged.id}/edit", headers=HTMX)
    assert form.status_code == 200
    assert 'value="2026-11-20"' in control(form.text, "edit_interaction-occurred_on")
    response = client.post(
        f"/contacts/{robert.id}/interactions/{logged.id}",
        data=edit_post(kind="note", occurred_on="2026-11-22", summary="Sent the proposal"),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Note 22 Nov 2026 · with Mia Member Sent the proposal" in visible_text(response.text)
    stored = reload(_db, logged)
    assert (stored.kind, stored.summary) == ("note", "Sent the proposal")
    assert reload(_db, robert).last_touch_on == date(2026, 11, 22)
    update = events_for(_db, logged)[-1]
    assert update.action == "update"
    assert update.changes["occurred_on"] == {"before": "2026-11-20", "after": "2026-11-22"}


def test_editing_with_a_future_date_shows_the_error_in_the_open_form(client, me, robert):
    logged = log(me, robert)
    response = client.post(
        f"/contacts/{robert.id}/interactions/{logged.id}",
        data=edit_post(occurred_on="2027-01-01"),
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "That day has not come yet" in field_error(response.text, "edit_interaction-occurred_on")
    assert reload(_db, logged).occurred_on == date(2026, 11, 20)


def test_moving_an_interaction_back_moves_the_last_touch_back(client, me, robert):
    logged = log(me, robert, occurred_on="2026-11-20")
    client.post(
        f"/contacts/{robert.id}/interactions/{logged.id}",
        data=edit_post(occurred_on="2026-10-01"),
        headers=HTMX,
    )
    assert reload(_db, robert).last_touch_on == date(2026, 10, 1)


def test_deleting_an_interaction_moves_the_last_touch_back_to_the_one_before(client, me, robert):
    older = log(me, robert, occurred_on="2026-11-10", summary="First call")
    newer = log(me, robert, occurred_on="2026-11-20", summary="Second call")
    assert reload(_db, robert).last_touch_on == date(2026, 11, 20)
    response = client.post(f"/contacts/{robert.id}/interactions/{newer.id}/delete", headers=HTMX)
    assert response.status_code == 200
    assert "Interaction deleted." in visible_text(response.text)
    assert "Second call" not in response.text
    assert reload(_db, robert).last_touch_on == date(2026, 11, 10)
    client.post(f"/contacts/{robert.id}/interactions/{older.id}/delete", headers=HTMX)
    assert reload(_db, robert).last_touch_on is None
    assert interactions_of(robert) == []
    deleted = _db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type == "interaction", AuditEvent.action == "delete"
        )
    ).all()
    assert {e.changes["summary"]["before"] for e in deleted} == {"First call", "Second call"}
    assert all(e.changes["contact_id"]["before"] == robert.id for e in deleted)


def test_another_member_sees_no_edit_buttons_and_is_refused(client, me, robert, login_as):
    logged = log(me, robert)
    login_as("member", name="Other Member")
    html = section(client.get(f"/contacts/{robert.id}?open=timeline").text, "timeline")
    assert "Talked renewal" in html
    assert f"/interactions/{logged.id}/edit" not in html
    assert f"/interactions/{logged.id}/delete" not in html
    edit = client.post(
        f"/contacts/{robert.id}/interactions/{logged.id}", data=edit_post(summary="Mine now")
    )
    delete = client.post(f"/contacts/{robert.id}/interactions/{logged.id}/delete")
    assert (edit.status_code, delete.status_code) == (403, 403)
    assert reload(_db, logged).summary == "Talked renewal"


@pytest.mark.parametrize("role", ["manager", "head", "executive"])
def test_someone_with_manage_may_edit_and_delete_anyones_interaction(
    client, me, robert, login_as, role
):
    logged = log(me, robert)
    login_as(role)
    html = section(client.get(f"/contacts/{robert.id}?open=timeline").text, "timeline")
    assert f"/interactions/{logged.id}/edit" in html
    edited = client.post(
        f"/contacts/{robert.id}/interactions/{logged.id}",
        data=edit_post(summary="Corrected"),
        headers=HTMX,
    )
    assert edited.status_code == 200 and reload(_db, logged).summary == "Corrected"
    deleted = client.post(f"/contacts/{robert.id}/interactions/{logged.id}/delete", headers=HTMX)
    assert deleted.status_code == 200 and interactions_of(robert) == []


def test_an_interaction_of_another_contact_is_not_found_here(client, me, robert):
    other = factories.ContactFactory(owner=me)
    _db.session.commit()
    logged = log(me, other)
    response = client.post(f"/contacts/{robert.id}/interactions/{logged.id}/delete", headers=HTMX)
    assert response.status_code == 404
    assert len(interactions_of(other)) == 1


def test_viewers_without_update_see_the_timeline_but_no_form(client, robert, make_user, login_as):
    log(make_user("member"), robert, summary="Logged by someone")
    viewer = login_as("member")
    viewer.permission_overrides = [
        PermissionOverride(permission="relationships:update", granted=False)
    ]
    _db.session.commit()
    html = section(client.get(f"/contacts/{robert.id}?open=timeline").text, "timeline")
    assert "Logged by someone" in html
    assert 'id="interaction-form"' not in html
    refused = client.post(f"/contacts/{robert.id}/interactions", data=log_post(), headers=HTMX)
    assert refused.status_code == 403


# --- archived contacts ----------------------------------------------------------------------------


def archive(contact) -> None:
    contact.archived_at = NOW
    _db.session.commit()


def test_an_archived_contact_offers_no_log_form(client, me, robert):
    log(me, robert)
    archive(robert)
    html = section(client.get(f"/contacts/{robert.id}?open=timeline").text, "timeline")
    assert 'id="interaction-form"' not in html
    assert "This contact is archived: restore them to log interactions." in visible_text(html)
    assert "/edit" not in html and "Talked renewal" in html


def test_logging_on_an_archived_contact_is_refused_with_the_reason(client, me, robert):
    archive(robert)
    response = client.post(f"/contacts/{robert.id}/interactions", data=log_post(), headers=HTMX)
    assert response.status_code == 409
    assert response.headers["X-Rapport-Section"] == "timeline"
    assert "Robert Smith is archived: restore them to log or change interactions." in (
        visible_text(response.text)
    )
    assert interactions_of(robert) == []


def test_changing_an_interaction_of_an_archived_contact_is_refused(client, me, robert):
    logged = log(me, robert)
    archive(robert)
    edit = client.post(
        f"/contacts/{robert.id}/interactions/{logged.id}",
        data=edit_post(summary="Too late"),
        headers=HTMX,
    )
    delete = client.post(f"/contacts/{robert.id}/interactions/{logged.id}/delete", headers=HTMX)
    assert (edit.status_code, delete.status_code) == (409, 409)
    assert reload(_db, logged).summary == "Talked renewal"


# --- the timeline ---------------------------------------------------------------------------------


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_the_timeline_mixes_interactions_messages_and_done_actions_newest_first(client, me, robert):
    call = log(me, robert, occurred_on="2026-11-18", summary="Intro call")
    note = log(me, robert, kind="note", occurred_on="2026-11-23", summary="Prefers mornings")
    sent = add_message(robert, "See you Thursday", sent_by=me, commit=False)
    received = add_message(robert, "Thanks!", direction="inbound", commit=False)
    sent.created_at, received.created_at = at(20, 9), at(22, 15)
    done = add_action(me, robert, title="Send the proposal")
    pending = add_action(me, robert, title="Book lunch")
    dismissed = add_action(me, robert, title="Old idea")
    action_service.set_status(actor(me), done.id, "done")
    action_service.set_status(actor(me), dismissed.id, "dismissed")
    done.completed_at = at(21, 10)
    _db.session.commit()

    html = section(client.get(f"/contacts/{robert.id}?open=timeline").text, "timeline")
    assert entry_ids(html) == [
        f"interaction-{note.id}",
        f"message-{received.id}",
        f"action-{done.id}",
        f"message-{sent.id}",
        f"interaction-{call.id}",
    ]
    text = visible_text(html)
    assert "SMS received 22 Nov 2026, 15:00 · from Robert Smith Thanks!" in text
    assert "SMS sent 20 Nov 2026, 09:00 · by Mia Member See you Thursday" in text
    assert "Action done Send the proposal 21 Nov 2026, 10:00 · by Mia Member" in text
    assert pending.title not in html and dismissed.title not in html


def test_a_failed_message_is_marked_not_delivered(client, me, robert):
    add_message(robert, "Hello?", sent_by=me, status="failed", error_message="Unreachable")
    text = visible_text(
        section(client.get(f"/contacts/{robert.id}?open=timeline").text, "timeline")
    )
    assert "SMS sent Not delivered" in text


def test_done_actions_of_other_people_stay_out_of_a_members_timeline(client, me, robert, make_user):
    colleague = make_user("member", name="Cleo Colleague")
    theirs = add_action(colleague, robert, title="Their private action")
    mine = add_action(me, robert, title="My action")
    action_service.set_status(actor(colleague), theirs.id, "done")
    action_service.set_status(actor(me), mine.id, "done")
    _db.session.commit()
    text = timeline_text(client, robert)
    assert "My action" in text and "Their private action" not in text


def test_an_empty_timeline_says_what_will_appear(client, me, robert):
    assert "Nothing here yet." in timeline_text(client, robert)


def test_the_timeline_shows_20_entries_then_show_older_brings_the_rest(client, me, robert):
    for n in range(25):
        log(me, robert, occurred_on=f"2026-10-{n + 1:02d}", summary=f"Call number {n}")
    html = section(client.get(f"/contacts/{robert.id}?open=timeline").text, "timeline")
    first = entry_ids(html)
    assert len(first) == 20
    assert "Call number 24" in html and "Call number 5<" in html and "Call number 4<" not in html
    older_url = re.search(r'hx-get="([^"]*/timeline/older\?before=[^"]+)"', html).group(1)
    older = client.get(older_url.replace("&amp;", "&"), headers=HTMX)
    assert older.status_code == 200
    rest = entry_ids(older.text)
    assert len(rest) == 5 and not set(rest) & set(first)
    assert "Call number 0<" in older.text
    assert "Show older" not in older.text
    assert "autofocus" in older.text.split("</li>")[0]  # the keyboard lands on the first new one


def test_show_older_without_htmx_opens_the_page_at_the_older_entries(client, me, robert):
    for n in range(22):
        log(me, robert, occurred_on=f"2026-10-{n + 1:02d}", summary=f"Call number {n}")
    html = client.get(f"/contacts/{robert.id}?open=timeline").text
    link = re.search(r'href="([^"]*timeline_before=[^"]+)"', section(html, "timeline")).group(1)
    page = client.get(link.replace("&amp;", "&"))
    timeline = section(page.text, "timeline")
    assert "Showing older entries." in visible_text(timeline)
    assert entry_ids(timeline) == [f"interaction-{i.id}" for i in interactions_of(robert)[:2][::-1]]


def test_an_unreadable_cursor_starts_from_the_newest(client, me, robert):
    log(me, robert)
    response = client.get(f"/contacts/{robert.id}/timeline/older?before=nonsense", headers=HTMX)
    assert response.status_code == 303
    page = client.get(f"/contacts/{robert.id}?timeline_before=1.2.x.4")
    assert "Talked renewal" in section(page.text, "timeline")


def test_the_list_reloads_alone_for_touches_made_elsewhere(client, me, robert):
    html = section(client.get(f"/contacts/{robert.id}?open=timeline").text, "timeline")
    assert 'hx-trigger="touches-changed from:body, actions-changed from:body"' in html
    log(me, robert, summary="Logged meanwhile")
    response = client.get(f"/contacts/{robert.id}/timeline/entries", headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="timeline-entries"')
    assert "Logged meanwhile" in response.text and 'id="interaction-form"' not in response.text


def test_an_interaction_keeps_who_had_it_when_they_have_left(client, me, robert, make_user):
    leaver = make_user(name="Lee Leaver")
    _db.session.commit()
    logged = log(me, robert, user_id=leaver.id)
    leaver.active = False
    _db.session.commit()
    form = client.get(f"/contacts/{robert.id}/interactions/{logged.id}/edit", headers=HTMX).text
    assert f'<option selected value="{leaver.id}">Lee Leaver</option>' in form
    response = client.post(
        f"/contacts/{robert.id}/interactions/{logged.id}",
        data=edit_post(summary="Still Lee's call", user_id=str(leaver.id)),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert (reload(_db, logged).user_id, reload(_db, logged).summary) == (
        leaver.id,
        "Still Lee's call",
    )
