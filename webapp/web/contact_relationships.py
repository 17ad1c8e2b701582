"""The contact page's relationship sections: profile, life events and actions, swapped by htmx.

Every route answers htmx with its whole section (re-rendered, or with a form open and its
errors, 422). A plain request gets the contact page with that form open, or after a successful
write a redirect to it. A life event change tells the Actions section to reload itself through
the ``actions-changed`` event (``HX-Trigger``), since it may create, move or dismiss an action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from sqlalchemy import select

from webapp import access
from webapp.extensions import db
from webapp.guards import permission_required, signed_in_actor
from webapp.models import Contact, User
from webapp.services import actions as action_service
from webapp.services import life_events, profiles
from webapp.services.calendar import today_in
from webapp.services.errors import ValidationFailed
from webapp.web.contact_sections import ACTIONS_CHANGED, TOUCHES_CHANGED
from webapp.web.contacts import contact_actions, contact_page, life_event_rows
from webapp.web.forms.relationships import ActionForm, LifeEventForm, ProfileForm
from webapp.web.formtools import show_section_errors
from webapp.web.listing import wants_fragment

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from webapp.access import Actor

bp = Blueprint("contact_relationships", __name__, url_prefix="/contacts/<int:contact_id>")

ANCHORS = {
    "profile": "relationship-profile",
    "events": "life-events",
    "actions": "contact-actions",
}


# --- answering ------------------------------------------------------------------------------------


def _answer(
    contact_id: int,
    section: str,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    open_form: dict[str, Any] | None = None,
    trigger: str | None = None,
) -> Response:
    """htmx gets the section; a plain request the page with the form open, or a redirect."""
    if wants_fragment():
        response = make_response(render_template(template, **context), status)
        if trigger:
            add_trigger(response, trigger)
    elif open_form is not None:
        response = make_response(contact_page(contact_id, status, **open_form))
    else:
        target = url_for("contacts.show", contact_id=contact_id, _anchor=ANCHORS[section])
        response = redirect(target, 303)
    response.vary.add("HX-Request")
    return response


def add_trigger(response: Response, event: str) -> None:
    """Add to ``HX-Trigger`` rather than overwrite it."""
    existing = response.headers.get("HX-Trigger")
    response.headers["HX-Trigger"] = f"{existing}, {event}" if existing else event


def _contact(actor: Actor, contact_id: int, permission: str) -> Contact:
    return access.get_or_404(actor, Contact, contact_id, permission)


# --- relationship profile -------------------------------------------------------------------------


def _profile_answer(actor: Actor, contact_id: int, permission: str, **context: Any) -> Response:
    profile = profiles.profile_for(actor, contact_id, permission)
    form = context.get("profile_form")
    template = "contacts/_profile_form.html" if form is not None else "contacts/_profile.html"
    context = {"contact": profile.contact, "profile": profile, "focus": None, **context}
    status = 422 if form is not None and form.errors else 200
    open_form = {"profile_form": form} if form is not None else None
    return _answer(contact_id, "profile", template, context, status=status, open_form=open_form)


@bp.get("/profile")
@permission_required(access.RELATIONSHIPS_VIEW)
def profile(contact_id: int) -> Response:
    """The relationship profile card (what Cancel goes back to)."""
    actor = signed_in_actor()
    return _profile_answer(actor, contact_id, access.RELATIONSHIPS_VIEW, focus="heading")


@bp.get("/profile/edit")
@permission_required(access.RELATIONSHIPS_UPDATE)
def edit_profile(contact_id: int) -> Response:
    """The profile card turned into its form."""
    actor = signed_in_actor()
    current = profiles.profile_for(actor, contact_id, access.RELATIONSHIPS_UPDATE)
    form = ProfileForm.for_profile(current)
    return _profile_answer(
        actor, contact_id, access.RELATIONSHIPS_UPDATE, profile_form=form, focus="form"
    )


@bp.post("/profile")
@permission_required(access.RELATIONSHIPS_UPDATE)
def update_profile(contact_id: int) -> Response:
    """Save the profile; the card comes back, with the page heading (the preferred name)."""
    actor = signed_in_actor()
    form = ProfileForm()
    try:
        profiles.update_profile(actor, contact_id, form.to_values())
    except ValidationFailed as error:
        show_section_errors(form, error, {"birthday_year": "birthday"})
        return _profile_answer(actor, contact_id, access.RELATIONSHIPS_UPDATE, profile_form=form)
    return _profile_answer(
        actor, contact_id, access.RELATIONSHIPS_UPDATE, focus="heading", oob_heading=True
    )


# --- life events ----------------------------------------------------------------------------------


def _events_answer(
    actor: Actor, contact_id: int, permission: str, *, trigger: str | None = None, **context: Any
) -> Response:
    form = context.get("event_form")
    section = {
        "contact": _contact(actor, contact_id, permission),
        "life_events": life_event_rows(contact_id, today_in(actor.user.timezone)),
        "event_form": None,
        "editing_event_id": None,
        "focus": None,
        **context,
    }
    open_form = None
    if form is not None:
        open_form = {"event_form": form, "editing_event_id": section["editing_event_id"]}
    return _answer(
        contact_id,
        "events",
        "contacts/_life_events.html",
        section,
        status=422 if form is not None and form.errors else 200,
        open_form=open_form,
        trigger=trigger,
    )


@bp.get("/life-events")
@permission_required(access.RELATIONSHIPS_VIEW)
def life_events_section(contact_id: int) -> Response:
    """The life events list (what Cancel goes back to)."""
    actor = signed_in_actor()
    return _events_answer(actor, contact_id, access.RELATIONSHIPS_VIEW, focus="heading")


@bp.get("/life-events/new")
@permission_required(access.RELATIONSHIPS_UPDATE)
def new_life_event(contact_id: int) -> Response:
    """The list with the add form open."""
    return _events_answer(
        signed_in_actor(),
        contact_id,
        access.RELATIONSHIPS_UPDATE,
        event_form=LifeEventForm.blank(),
        focus="form",
    )


@bp.post("/life-events")
@permission_required(access.RELATIONSHIPS_UPDATE)
def create_life_event(contact_id: int) -> Response:
    """Add a life event (and its auto-action: the Actions section reloads)."""
    actor = signed_in_actor()
    form = LifeEventForm()
    try:
        life_events.create_event(actor, contact_id, form.to_values())
    except ValidationFailed as error:
        show_section_errors(form, error)
        return _events_answer(actor, contact_id, access.RELATIONSHIPS_UPDATE, event_form=form)
    return _events_answer(
        actor, contact_id, access.RELATIONSHIPS_UPDATE, trigger=ACTIONS_CHANGED, focus="heading"
    )


@bp.get("/life-events/<int:event_id>/edit")
@permission_required(access.RELATIONSHIPS_UPDATE)
def edit_life_event(contact_id: int, event_id: int) -> Response:
    """The list with one event turned into its form."""
    actor = signed_in_actor()
    event = life_events.event_of_contact(actor, contact_id, event_id, access.RELATIONSHIPS_UPDATE)
    form = LifeEventForm.for_event(event)
    return _events_answer(
        actor,
        contact_id,
        access.RELATIONSHIPS_UPDATE,
        event_form=form,
        editing_event_id=event_id,
        focus="form",
    )


@bp.post("/life-events/<int:event_id>")
@permission_required(access.RELATIONSHIPS_UPDATE)
def update_life_event(contact_id: int, event_id: int) -> Response:
    """Save an event; a new date or lead time moves its pending action."""
    actor = signed_in_actor()
    form = LifeEventForm()
    try:
        life_events.update_event(actor, contact_id, event_id, form.to_values())
    except ValidationFailed as error:
        show_section_errors(form, error)
        return _events_answer(
            actor,
            contact_id,
            access.RELATIONSHIPS_UPDATE,
            event_form=form,
            editing_event_id=event_id,
        )
    return _events_answer(
        actor, contact_id, access.RELATIONSHIPS_UPDATE, trigger=ACTIONS_CHANGED, focus="heading"
    )


@bp.post("/life-events/<int:event_id>/delete")
@permission_required(access.RELATIONSHIPS_MANAGE)
def delete_life_event(contact_id: int, event_id: int) -> Response:
    """Delete an event (the page asks first); its pending action is dismissed."""
    actor = signed_in_actor()
    life_events.delete_event(actor, contact_id, event_id)
    return _events_answer(
        actor, contact_id, access.RELATIONSHIPS_MANAGE, trigger=ACTIONS_CHANGED, focus="heading"
    )


# --- actions --------------------------------------------------------------------------------------


def _assignees(actor: Actor) -> list[tuple[int, str]]:
    """Active users whose queue the actor sees (``access.sees_actions_of``, as one query)."""
    stmt = select(User.id, User.name).where(User.active.is_(True)).order_by(User.name, User.id)
    visible = access.visible_assignee_ids(actor)
    if visible is not None:
        stmt = stmt.where(User.id.in_(visible))
    return [(row.id, row.name) for row in db.session.execute(stmt)]


def _actions_answer(
    actor: Actor, contact_id: int, permission: str, trigger: str | None = None, **context: Any
) -> Response:
    form = context.get("action_form")
    if form is not None:
        form.offer(_assignees(actor), actor.user_id)
    pending, closed = contact_actions(actor, contact_id)
    section = {
        "contact": _contact(actor, contact_id, permission),
        "pending_actions": pending,
        "closed_actions": closed,
        "today": today_in(actor.user.timezone),
        "action_form": None,
        "focus": None,
        **context,
    }
    return _answer(
        contact_id,
        "actions",
        "contacts/_contact_actions.html",
        section,
        status=422 if form is not None and form.errors else 200,
        open_form={"action_form": form} if form is not None else None,
        trigger=trigger,
    )


@bp.get("/actions")
@permission_required(access.RELATIONSHIPS_VIEW)
def actions_section(contact_id: int) -> Response:
    """The Actions section; it reloads itself on ``actions-changed``, Cancel asks for focus."""
    focus = "heading" if request.args.get("focus") == "heading" else None
    return _actions_answer(signed_in_actor(), contact_id, access.RELATIONSHIPS_VIEW, focus=focus)


@bp.get("/actions/new")
@permission_required(access.RELATIONSHIPS_UPDATE)
def new_action(contact_id: int) -> Response:
    """The section with the new-action form open."""
    return _actions_answer(
        signed_in_actor(),
        contact_id,
        access.RELATIONSHIPS_UPDATE,
        action_form=ActionForm(formdata=None),
        focus="form",
    )


@bp.post("/actions")
@permission_required(access.RELATIONSHIPS_UPDATE)
def create_action(contact_id: int) -> Response:
    """Create a manual action for the contact (mirrored to the action centre by the service)."""
    actor = signed_in_actor()
    form = ActionForm()
    try:
        action_service.create_action(actor, contact_id, form.to_values())
    except ValidationFailed as error:
        show_section_errors(form, error)
        return _actions_answer(actor, contact_id, access.RELATIONSHIPS_UPDATE, action_form=form)
    return _actions_answer(actor, contact_id, access.RELATIONSHIPS_UPDATE, focus="heading")


@bp.post("/actions/<int:action_id>/status")
@permission_required(access.RELATIONSHIPS_UPDATE)
def set_action_status(contact_id: int, action_id: int) -> Response:
    """Mark one of the contact's actions done or dismissed; out of the user's scope is 404."""
    actor = signed_in_actor()
    status = request.form.get("status")
    action_service.set_status(actor, action_id, status, contact_id=contact_id)
    return _actions_answer(
        actor, contact_id, access.RELATIONSHIPS_UPDATE, trigger=TOUCHES_CHANGED, focus="heading"
    )
