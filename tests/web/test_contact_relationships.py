"""The contact page's relationship sections: profile, life events and actions, edited in place."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests import factories
from tests.records import reload
from webapp import access
from webapp.extensions import db as _db
from webapp.models import LifeEvent, RelationshipAction, RelationshipProfile
from webapp.models.base import utcnow
from webapp.services import actions as action_service
from webapp.services import calendar, life_events, profiles

HTMX = {"HX-Request": "true"}
TODAY = date(2027, 3, 1)


def visible_text(html: str) -> str:
    """The text a reader sees: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def field_error(html: str, field_id: str) -> str:
    """The error message shown next to the field with ``field_id``."""
    found = re.search(
        rf'<div id="{field_id}-error" class="invalid-feedback[^"]*">([^<]*)</div>', html
    )
    assert found, f"no error shown next to {field_id}"
    return found.group(1)


def control(html: str, field_id: str) -> str:
    """The ``<input>`` (or other control's opening tag) with ``field_id``."""
    found = re.search(rf'<(?:input|select|textarea)[^>]* id="{field_id}"[^>]*>', html)
    assert found, f"no control {field_id}"
    return found.group(0)


def section(html: str, section_id: str) -> str:
    """The markup of one section of the page, up to the next section."""
    start = html.index(f'<section id="{section_id}"')
    end = html.find("<section", start + 1)
    return html[start : end if end != -1 else None]


@pytest.fixture(autouse=True)
def frozen_time(monkeypatch):
    """Noon UTC on 1 March 2027, for everyone."""
    monkeypatch.setattr(calendar, "now", lambda: datetime(2027, 3, 1, 12, tzinfo=UTC))


@pytest.fixture
def me(login_as):
    return login_as("member", name="Mia Member")


@pytest.fixture
def robert(db, me):
    """Robert Smith, owned by the signed-in member, with a phone number."""
    contact = factories.ContactFactory(first_name="Robert", last_name="Smith", owner=me)
    factories.ContactPhoneFactory(contact=contact, number="+442079460958")
    _db.session.commit()
    return contact


def actor(user):
    return access.actor_for_user(user)


def add_event(user, contact, **values):
    values = {"event_type": "birthday", "title": "Birthday", "event_date": "03-14", **values}
    event = life_events.create_event(actor(user), contact.id, values)
    _db.session.commit()
    return event


def add_action(user, contact, title="Call about renewal", **values):
    values = {"title": title, "action_type": "call", **values}
    action = action_service.create_action(actor(user), contact.id, values)
    _db.session.commit()
    return action


def auto_action_of(event) -> RelationshipAction:
    _db.session.expire_all()
    stmt = select(RelationshipAction).where(RelationshipAction.life_event_id == event.id)
    return _db.session.scalars(stmt).one()


# --- the page -------------------------------------------------------------------------------------


def test_contact_page_shows_the_whole_profile_and_the_preferred_name_in_the_heading(
    client, me, robert
):
    profiles.update_profile(
        actor(me),
        robert.id,
        {
            "preferred_name": "Bob",
            "communication_preference": "whatsapp",
            "communication_notes": "Mornings only",
            "birthday": "1985-03-14",
            "interests": ["Golf", "Jazz"],
            "dietary_requirements": "Vegetarian",
            "assistant_name": "Jo Hart",
            "assistant_email": "jo@client.example",
            "home_address": "1 High Street",
            "whatsapp_number": "+14155550100",
            "twilio_opt_in": True,
            "personal_notes": "Two daughters",
        },
    )
    _db.session.commit()
    html = client.get(f"/contacts/{robert.id}").text
    assert '<h1 class="text-break">Bob Smith</h1>' in html
    assert "Full name: </span>Robert Smith" in html
    card = visible_text(section(html, "relationship-profile"))
    for shown in (
        "Prefers to be contacted by WhatsApp",
        "Mornings only",
        "Birthday 14 March 1985",
        "Vegetarian",
        "Jo Hart",
        "jo@client.example",
        "1 High Street",
        "+44 20 7946 0958",  # copied from the contact on first view
        "+1 415-555-0100",
        "Opted in",
        "Two daughters",
    ):
        assert shown in card, shown
    assert '<span class="badge badge-soft">Golf</span>' in html
    assert '<span class="badge badge-soft">Jazz</span>' in html


def test_first_view_creates_the_profile_with_the_contacts_phone(client, me, robert):
    assert client.get(f"/contacts/{robert.id}").status_code == 200
    _db.session.expire_all()
    stored = _db.session.scalars(
        select(RelationshipProfile).where(RelationshipProfile.contact_id == robert.id)
    ).one()
    assert stored.phone_number == "+442079460958"


def test_contact_page_lists_life_events_with_their_next_occurrence(client, me, robert):
    add_event(me, robert, event_date="03-14")
    add_event(me, robert, event_type="anniversary", title="Wedding", event_date="2001-03-02")
    add_event(me, robert, event_type="promotion", title="Made partner", event_date="2020-06-01")
    add_event(me, robert, event_type="graduation", title="MBA", event_date="2027-03-01")
    text = visible_text(section(client.get(f"/contacts/{robert.id}").text, "life-events"))
    assert "Birthday Birthday Every year 14 March · Next 14 March 2027 in 13 days" in text
    assert "Wedding Anniversary Every year 2 March 2001 · Next 2 March 2027 tomorrow" in text
    assert "Made partner Promotion 1 June 2020 · Past" in text
    assert "MBA Graduation 1 March 2027 today" in text
    assert "Action due 7 days before" in text


def test_life_events_are_listed_soonest_first_and_past_ones_last(client, me, robert):
    add_event(me, robert, event_type="promotion", title="Made partner", event_date="2020-06-01")
    add_event(me, robert, event_date="1980-12-24")
    add_event(me, robert, event_type="anniversary", title="Wedding", event_date="2001-03-02")
    html = section(client.get(f"/contacts/{robert.id}").text, "life-events")
    order = [html.index(title) for title in ("Wedding", "Birthday", "Made partner")]
    assert order == sorted(order)


def test_actions_section_lists_pending_and_closed_and_highlights_overdue(client, me, robert):
    late = add_action(me, robert, "Send the proposal", due_date="2027-02-26")
    soon = add_action(me, robert, "Book lunch", due_date="2027-03-05")
    finished = add_action(me, robert, "Thank-you card")
    action_service.set_status(actor(me), finished.id, "done")
    _db.session.commit()
    html = section(client.get(f"/contacts/{robert.id}").text, "contact-actions")
    late_row = re.search(rf'<li class="([^"]*)" id="contact-action-{late.id}">', html)
    soon_row = re.search(rf'<li class="([^"]*)" id="contact-action-{soon.id}">', html)
    assert "contact-action-overdue" in late_row.group(1)
    assert "contact-action-overdue" not in soon_row.group(1)
    text = visible_text(html)
    assert "Send the proposal Overdue Call Due 26 February 2027 (3 days ago)" in text
    assert "Book lunch Call Due 5 March 2027 (in 4 days)" in text
    assert text.count("Overdue") == 1
    assert "Done and dismissed (1) Done Thank-you card" in text
    assert text.index("Send the proposal") < text.index("Book lunch") < text.index("Thank-you")


# --- relationship profile -------------------------------------------------------------------------


def profile_post(**fields) -> dict:
    return {f"profile-{name}": value for name, value in fields.items()}


def test_edit_button_opens_the_form_as_a_fragment_filled_from_the_profile(client, me, robert):
    profiles.update_profile(actor(me), robert.id, {"birthday": "1985-03-14", "interests": ["Golf"]})
    _db.session.commit()
    page = client.get(f"/contacts/{robert.id}").text
    assert f'hx-get="/contacts/{robert.id}/profile/edit"' in page
    response = client.get(f"/contacts/{robert.id}/profile/edit", headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section id="relationship-profile"')
    assert 'value="1985-03-14"' in control(response.text, "profile-birthday")
    assert 'value="Golf"' in control(response.text, "profile-interests")
    assert 'value="+44 20 7946 0958"' in control(response.text, "profile-phone_number")


def test_profile_edit_without_htmx_is_the_whole_page_with_the_form_open(client, me, robert):
    html = client.get(f"/contacts/{robert.id}/profile/edit").text
    assert "<html" in html and "Edit relationship profile" in html
    assert '<section id="life-events"' in html


def test_saving_the_profile_shows_the_card_and_the_new_heading(client, me, robert):
    response = client.post(
        f"/contacts/{robert.id}/profile",
        data=profile_post(
            preferred_name="Bob",
            birthday="07-04",
            interests="Golf, sailing , ,golf",
            phone_number="020 7946 0000",
            twilio_opt_in="y",
            communication_preference="email",
        ),
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html
    assert "Birthday 4 July Dietary" in visible_text(html)
    heading = re.search(r'<div id="contact-heading"[^>]*>', html)
    assert heading and 'hx-swap-oob="true"' in heading.group(0)
    assert '<h1 class="text-break">Bob Smith</h1>' in html
    stored = reload(_db, profiles.profile_for(actor(me), robert.id))
    assert stored.preferred_name == "Bob"
    assert stored.interests == ["Golf", "sailing"]
    assert (stored.birthday_month, stored.birthday_day, stored.birthday_year) == (7, 4, None)
    assert stored.phone_number == "+442079460000"
    assert stored.twilio_opt_in is True
    assert stored.communication_preference == "email"


def test_invalid_profile_comes_back_with_errors_by_the_fields_and_saves_nothing(client, me, robert):
    response = client.post(
        f"/contacts/{robert.id}/profile",
        data=profile_post(preferred_name="Bob", birthday="02-30", assistant_email="nope"),
        headers=HTMX,
    )
    assert response.status_code == 422
    html = response.text
    assert html.lstrip().startswith('<section id="relationship-profile"')
    assert "02-30 is not a day of the year." in field_error(html, "profile-birthday")
    assert "nope is not a valid email address." in field_error(html, "profile-assistant_email")
    assert 'aria-invalid="true"' in control(html, "profile-birthday")
    assert 'value="Bob"' in control(html, "profile-preferred_name"), "what was typed stays"
    stored = reload(_db, profiles.profile_for(actor(me), robert.id))
    assert stored.preferred_name is None
    assert stored.birthday_month is None


def test_saving_the_profile_without_htmx_redirects_to_the_page(client, me, robert):
    response = client.post(f"/contacts/{robert.id}/profile", data=profile_post(preferred_name="B"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/contacts/{robert.id}#relationship-profile")


def test_invalid_profile_without_htmx_is_the_whole_page_with_the_errors(client, me, robert):
    response = client.post(f"/contacts/{robert.id}/profile", data=profile_post(birthday="99"))
    assert response.status_code == 422
    assert "<html" in response.text and "Edit relationship profile" in response.text
    assert "99 is not a date" in field_error(response.text, "profile-birthday")


def test_cancel_returns_the_card(client, me, robert):
    response = client.get(f"/contacts/{robert.id}/profile", headers=HTMX)
    assert response.status_code == 200
    assert "Relationship profile</h2>" in response.text
    assert "<form" not in response.text


# --- life events ----------------------------------------------------------------------------------


def event_post(**fields) -> dict:
    fields = {"event_type": "birthday", "title": "Birthday", "auto_action_enabled": "y", **fields}
    return {f"life_event-{name}": value for name, value in fields.items()}


def test_adding_a_life_event_creates_its_action_and_tells_the_actions_section(client, me, robert):
    form = client.get(f"/contacts/{robert.id}/life-events/new", headers=HTMX).text
    assert 'data-recurs="true"' in form and 'name="life_event-recurs_annually"' in form
    response = client.post(
        f"/contacts/{robert.id}/life-events",
        data=event_post(event_date="03-14", recurs_annually="y"),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "actions-changed"
    assert "Birthday Birthday Every year 14 March · Next 14 March 2027 in 13 days" in visible_text(
        response.text
    )
    event = _db.session.scalars(select(LifeEvent).where(LifeEvent.contact_id == robert.id)).one()
    action = auto_action_of(event)
    assert (action.status, action.due_on) == ("pending", date(2027, 3, 7))
    actions_html = client.get(f"/contacts/{robert.id}/actions", headers=HTMX).text
    assert "Send a card to Robert Smith: Birthday (14 March)" in actions_html
    assert 'hx-trigger="actions-changed from:body"' in actions_html


def test_editing_a_life_events_date_moves_its_action(client, me, robert):
    event = add_event(me, robert, event_date="03-14")
    form = client.get(f"/contacts/{robert.id}/life-events/{event.id}/edit", headers=HTMX).text
    assert 'value="03-14"' in control(form, "life_event-event_date")
    response = client.post(
        f"/contacts/{robert.id}/life-events/{event.id}",
        data=event_post(event_date="03-20", recurs_annually="y"),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "actions-changed"
    action = auto_action_of(event)
    assert action.due_on == date(2027, 3, 13)
    actions_html = client.get(f"/contacts/{robert.id}/actions", headers=HTMX).text
    assert "Birthday (20 March)" in actions_html and "Due 13 March 2027" in visible_text(
        actions_html
    )


def test_invalid_life_event_shows_errors_by_the_fields_and_creates_nothing(client, me, robert):
    response = client.post(
        f"/contacts/{robert.id}/life-events",
        data=event_post(title="", event_date="13-40", auto_action_days_before="many"),
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "HX-Trigger" not in response.headers
    html = response.text
    assert "This is required." in field_error(html, "life_event-title")
    assert "13-40 is not a day of the year." in field_error(html, "life_event-event_date")
    assert "whole number" in field_error(html, "life_event-auto_action_days_before")
    _db.session.expire_all()
    assert not _db.session.scalars(select(LifeEvent)).all()
    assert not _db.session.scalars(select(RelationshipAction)).all()


def test_manager_deletes_a_life_event_and_its_action_is_dismissed(client, login_as, make_user):
    manager = login_as("manager")
    contact = factories.ContactFactory(first_name="Robert", last_name="Smith", owner=manager)
    event = add_event(manager, contact)
    action = auto_action_of(event)
    page = client.get(f"/contacts/{contact.id}").text
    delete_url = f"/contacts/{contact.id}/life-events/{event.id}/delete"
    assert f'hx-post="{delete_url}"' in page and "hx-confirm=" in page
    response = client.post(delete_url, headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "actions-changed"
    assert "No life events yet." in response.text
    assert reload(_db, action).status == "dismissed"
    assert _db.session.get(LifeEvent, event.id) is None
    actions = visible_text(client.get(f"/contacts/{contact.id}/actions", headers=HTMX).text)
    assert "Done and dismissed (1) Dismissed Send a card to Robert Smith" in actions


def test_member_sees_no_delete_button_and_cannot_delete(client, me, robert):
    event = add_event(me, robert)
    page = client.get(f"/contacts/{robert.id}").text
    assert f"/life-events/{event.id}/edit" in page
    assert f"/life-events/{event.id}/delete" not in page
    response = client.post(f"/contacts/{robert.id}/life-events/{event.id}/delete", headers=HTMX)
    assert response.status_code == 403
    _db.session.expire_all()
    assert _db.session.get(LifeEvent, event.id) is not None
    assert auto_action_of(event).status == "pending"


def test_life_event_of_another_contact_is_not_found(client, me, robert):
    other = factories.ContactFactory(owner=me)
    event = add_event(me, other)
    assert client.get(f"/contacts/{robert.id}/life-events/{event.id}/edit").status_code == 404
    response = client.post(
        f"/contacts/{robert.id}/life-events/{event.id}", data=event_post(title="Moved")
    )
    assert response.status_code == 404
    assert reload(_db, event).title == "Birthday"


def test_add_form_without_htmx_is_the_whole_page_with_the_form_open(client, me, robert):
    html = client.get(f"/contacts/{robert.id}/life-events/new").text
    assert "<html" in html and "Add a life event" in html
    assert f'action="/contacts/{robert.id}/life-events"' in html


def test_life_events_section_is_a_fragment_for_htmx_and_a_redirect_otherwise(client, me, robert):
    fragment = client.get(f"/contacts/{robert.id}/life-events", headers=HTMX)
    assert fragment.text.lstrip().startswith('<section id="life-events"')
    assert "<html" not in fragment.text
    assert "HX-Request" in fragment.headers["Vary"]
    plain = client.get(f"/contacts/{robert.id}/life-events")
    assert plain.status_code == 303
    assert plain.headers["Location"].endswith(f"/contacts/{robert.id}#life-events")


# --- actions --------------------------------------------------------------------------------------


def action_post(**fields) -> dict:
    return {f"action-{name}": value for name, value in fields.items()}


def test_creating_a_manual_action_shows_it_in_the_section(client, me, robert):
    form = client.get(f"/contacts/{robert.id}/actions/new", headers=HTMX).text
    assert re.search(rf'<option selected value="{me.id}">Me</option>', form)
    response = client.post(
        f"/contacts/{robert.id}/actions",
        data=action_post(title="Send the brochure", action_type="email", due_date="2027-03-10"),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Send the brochure Email Due 10 March 2027 (in 9 days)" in visible_text(response.text)
    _db.session.expire_all()
    action = _db.session.scalars(select(RelationshipAction)).one()
    assert (action.contact_id, action.assigned_to_id, action.source) == (robert.id, me.id, "manual")
    assert action.task.title == "Send the brochure"


def test_action_for_someone_whose_queue_you_do_not_see_is_refused(client, me, robert, make_user):
    stranger = make_user(name="Stan Stranger")
    form = client.get(f"/contacts/{robert.id}/actions/new", headers=HTMX).text
    assert "Stan Stranger" not in form
    response = client.post(
        f"/contacts/{robert.id}/actions",
        data=action_post(title="Call", action_type="call", assigned_to_user_id=str(stranger.id)),
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "whose queue you see" in field_error(response.text, "action-assigned_to_user_id")
    _db.session.expire_all()
    assert not _db.session.scalars(select(RelationshipAction)).all()


def test_manager_may_assign_to_their_squad_only(client, login_as, make_user):
    squad = factories.SquadFactory()
    manager = login_as("manager", squad=squad, name="Maggie Manager")
    make_user(squad=squad, name="Sam Squadmate")
    make_user(squad=factories.SquadFactory(), name="Olly Outsider")
    contact = factories.ContactFactory(owner=manager)
    _db.session.commit()
    form = client.get(f"/contacts/{contact.id}/actions/new", headers=HTMX).text
    assert "Sam Squadmate" in form and "Olly Outsider" not in form


@pytest.mark.parametrize(("status", "shown"), [("done", "Done"), ("dismissed", "Dismissed")])
def test_marking_an_action_closes_it_and_its_task(client, me, robert, status, shown):
    action = add_action(me, robert, "Send the proposal")
    response = client.post(
        f"/contacts/{robert.id}/actions/{action.id}/status", data={"status": status}, headers=HTMX
    )
    assert response.status_code == 200
    text = visible_text(response.text)
    assert "Nothing to do for Robert right now." in text
    assert f"Done and dismissed (1) {shown} Send the proposal" in text
    stored = reload(_db, action)
    assert (stored.status, stored.task.status, stored.completed_by_id) == (status, status, me.id)


def test_marking_needs_a_known_status_an_action_of_this_contact_and_in_scope(
    client, me, robert, make_user
):
    mine = add_action(me, robert)
    other_contact = factories.ContactFactory(owner=me)
    elsewhere = add_action(me, other_contact)
    theirs = add_action(make_user(), robert)
    url = f"/contacts/{robert.id}/actions/{{}}/status"
    assert client.post(url.format(mine.id), data={"status": "pending"}).status_code == 400
    assert client.post(url.format(elsewhere.id), data={"status": "done"}).status_code == 404
    assert client.post(url.format(theirs.id), data={"status": "done"}).status_code == 404
    for action in (mine, elsewhere, theirs):
        assert reload(_db, action).status == "pending"


def test_member_sees_only_their_own_actions_on_the_contact(client, me, robert, make_user):
    add_action(me, robert, "My call")
    add_action(make_user(), robert, "Colleague's call")
    text = visible_text(client.get(f"/contacts/{robert.id}").text)
    assert "My call" in text
    assert "Colleague's call" not in text


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("manager", {"Own call", "Squad call"}),
        ("executive", {"Own call", "Squad call", "Outside call"}),
        ("head", {"Own call", "Squad call", "Outside call"}),
    ],
)
def test_managers_see_their_squads_actions_and_executives_everyones(
    client, login_as, make_user, role, sees
):
    squad = factories.SquadFactory()
    viewer = login_as(role, squad=squad)
    contact = factories.ContactFactory(owner=viewer)
    add_action(viewer, contact, "Own call")
    add_action(make_user(squad=squad), contact, "Squad call")
    add_action(make_user(squad=factories.SquadFactory()), contact, "Outside call")
    html = client.get(f"/contacts/{contact.id}").text
    shown = {t for t in ("Own call", "Squad call", "Outside call") if t in html}
    assert shown == sees


def test_archived_contact_has_no_edit_controls_for_its_sections(client, me, robert):
    add_event(me, robert)
    robert.archived_at = utcnow()
    _db.session.commit()
    html = client.get(f"/contacts/{robert.id}").text
    for control in ("/profile/edit", "/life-events/new", "/actions/new"):
        assert control not in html, control


def test_without_update_permission_the_sections_are_read_only(client, me, robert):
    from webapp.models import PermissionOverride

    add_event(me, robert)
    add_action(me, robert)
    _db.session.add(
        PermissionOverride(user=me, permission=access.RELATIONSHIPS_UPDATE, granted=False)
    )
    _db.session.commit()
    html = client.get(f"/contacts/{robert.id}").text
    assert "Call about renewal" in html and "Birthday" in html
    for control in ("/profile/edit", "/life-events/new", "/edit", "/actions/new", "/status"):
        assert control not in html, control
    assert client.post(f"/contacts/{robert.id}/profile", data={}).status_code == 403


def history_of(client, contact) -> str:
    html = client.get(f"/contacts/{contact.id}").text
    start = html.index('aria-labelledby="history-heading"')
    return visible_text(html[start:])


def test_recent_history_includes_profile_life_event_and_action_changes(client, me, robert):
    profiles.update_profile(actor(me), robert.id, {"preferred_name": "Bob"})
    add_event(me, robert, event_type="promotion", title="Made partner", event_date="2027-06-01")
    action = add_action(me, robert, title="Book the partner dinner")
    action_service.set_status(actor(me), action.id, "done")
    _db.session.commit()

    history = history_of(client, robert)

    assert "Profile updated by Mia Member" in history
    assert "Life event created by Mia Member Made partner" in history
    assert "Action created by Mia Member Book the partner dinner" in history
    assert "Action marked done by Mia Member" in history


def test_recent_history_leaves_out_actions_the_viewer_cannot_see(client, me, robert, make_user):
    colleague = make_user("member", name="Colin Colleague")
    add_action(colleague, robert, title="Private call by Colin")

    history = history_of(client, robert)

    assert "Private call by Colin" not in history
    assert "Action created" not in history
