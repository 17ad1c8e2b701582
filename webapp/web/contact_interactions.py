"""The contact page's Timeline (interactions logged, messages, actions done) and Keep-in-touch card.

Like the other sections, every route answers htmx with its fragment and a plain request with the
contact page (after a write, a redirect to it). Field errors come back with 422; a write refused
because the contact is archived (409) comes back as the section with the reason, marked with
``X-Rapport-Section`` so that htmx swaps it anyway (static/app.js). A logged, edited or deleted
interaction moves the last touch, so its answer carries the Keep-in-touch card out of band. The
timeline's list and the card reload themselves on ``touches-changed`` (and ``actions-changed``),
which other sections send when they add a touch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from sqlalchemy import select

from webapp import access
from webapp.extensions import db
from webapp.guards import permission_required, signed_in_actor
from webapp.models import Contact, Interaction, User
from webapp.services import interactions, keep_in_touch, timeline
from webapp.services.calendar import today_in
from webapp.services.errors import Conflict, ValidationFailed
from webapp.services.profiles import find_profile
from webapp.web.contact_sections import builds, page_url
from webapp.web.contacts import contact_page
from webapp.web.forms.interactions import EDIT_PREFIX, CadenceForm, InteractionForm
from webapp.web.formtools import show_section_errors
from webapp.web.keep_in_touch_card import build_card, may_write
from webapp.web.listing import section_fragment, wants_fragment

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from webapp.access import Actor
    from webapp.services.timeline import TimelinePage

bp = Blueprint("contact_interactions", __name__, url_prefix="/contacts/<int:contact_id>")

TIMELINE_ANCHOR = "timeline"
CARD_ANCHOR = "keep-in-touch"


# --- what the templates get -----------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineSection:
    """Everything the Timeline section shows; no ``log_form`` for read-only viewers."""

    contact: Contact
    page: TimelinePage
    today: date
    log_form: InteractionForm | None
    edit_form: InteractionForm | None = None
    editing_id: int | None = None
    changeable_ids: frozenset[int] = field(default_factory=frozenset)
    older_than: str | None = None  # the page starts at this cursor (no-JS "Show older")
    alert: str | None = None
    notice: str | None = None  # what a write just did, said where the keyboard lands
    focus: str | None = None


def _people(keep_id: int | None) -> list[tuple[int, str]]:
    """Active users as (id, name), one query; ``keep_id`` stays listed even if inactive."""
    stmt = select(User.id, User.name).where(User.active.is_(True) | (User.id == keep_id))
    return [(row.id, row.name) for row in db.session.execute(stmt.order_by(User.name, User.id))]


def _changeable(actor: Actor, page: TimelinePage) -> frozenset[int]:
    """The listed interactions the viewer may edit or delete."""
    return frozenset(
        entry.record.id
        for entry in page.entries
        if entry.kind == "interaction"
        and access.may_change_logged_entry(actor, entry.record.created_by_id)
    )


def build_timeline(actor: Actor, contact: Contact, **shown: Any) -> TimelineSection:
    """The section for ``contact``. ``shown`` may hold ``log_form``, ``edit_form`` (with
    ``editing_id``), ``older_than`` (a cursor: start there), ``alert`` and ``focus``."""
    today = today_in(actor.user.timezone)
    before = timeline.parse_cursor(shown.pop("older_than", None))
    page = timeline.timeline_for(actor, contact.id, timeline.PAGE_SIZE, before)
    writable = may_write(actor, contact)
    if writable:
        shown["log_form"] = shown.get("log_form") or InteractionForm.blank(today)
        shown["log_form"].offer(_people(None), actor.user_id, today)
        if shown.get("edit_form") is not None:
            kept = _kept_user(shown.get("editing_id"))
            shown["edit_form"].offer(_people(kept), actor.user_id, today)
    else:
        shown = {name: shown[name] for name in ("alert", "notice", "focus") if name in shown}
    return TimelineSection(
        contact=contact,
        page=page,
        today=today,
        changeable_ids=_changeable(actor, page) if writable else frozenset(),
        older_than=before.token() if before else None,
        **{"log_form": None, **shown},
    )


def _kept_user(interaction_id: int | None) -> int | None:
    """Who had the interaction being edited: listed even if no longer active."""
    if interaction_id is None:
        return None
    interaction = db.session.get(Interaction, interaction_id)
    return interaction.user_id if interaction is not None else None


@builds("timeline")
def timeline_for_page(actor: Actor, contact: Contact, args) -> dict[str, Any]:
    """The Timeline section as the contact page opens it, from ``timeline_before`` if given."""
    return {"timeline": build_timeline(actor, contact, older_than=args.get("timeline_before"))}


# --- answering ------------------------------------------------------------------------------------


def _contact(actor: Actor, contact_id: int) -> Contact:
    return access.get_or_404(actor, Contact, contact_id, access.RELATIONSHIPS_VIEW)


def _page_url(contact_id: int, anchor: str, **args: Any) -> str:
    return url_for("contacts.show", contact_id=contact_id, _anchor=anchor, **args)


# --- the timeline ---------------------------------------------------------------------------------


def _timeline_answer(
    actor: Actor, contact_id: int, *, status: int = 200, touched: bool = False, **shown: Any
) -> Response:
    """htmx gets the section (after a touch moved, with the card out of band). A plain request
    gets a redirect to the page after a write, else the page with the section as shown."""
    contact = _contact(actor, contact_id)
    section = build_timeline(actor, contact, **shown)
    if not wants_fragment():
        if status < 400 and request.method == "POST":
            return redirect(page_url(contact_id, TIMELINE_ANCHOR), 303)
        return make_response(contact_page(contact_id, status, timeline=section))
    html = render_template("contacts/_timeline.html", timeline=section)
    if touched:
        card = build_card(actor, contact, find_profile(contact.id))
        html += render_template("contacts/_keep_in_touch.html", card=card, oob=True)
    return section_fragment(html, status, TIMELINE_ANCHOR)


def _refused(actor: Actor, contact_id: int, error: Conflict, **shown: Any) -> Response:
    """The contact was archived meanwhile: the section again, saying so."""
    return _timeline_answer(actor, contact_id, status=error.status, alert=error.message, **shown)


@bp.get("/timeline")
@permission_required(access.RELATIONSHIPS_VIEW)
def timeline_view(contact_id: int) -> Response:
    """The section (what Cancel goes back to); a plain request goes to the page."""
    actor = signed_in_actor()
    if not wants_fragment():
        before = timeline.parse_cursor(request.args.get("before"))
        args = {"timeline_before": before.token()} if before else {}
        return redirect(page_url(contact_id, TIMELINE_ANCHOR, **args), 303)
    return _timeline_answer(actor, contact_id, focus="heading")


@bp.get("/timeline/entries")
@permission_required(access.RELATIONSHIPS_VIEW)
def timeline_entries(contact_id: int) -> Response:
    """The newest entries alone: how the list reloads when a touch is added elsewhere."""
    actor = signed_in_actor()
    if not wants_fragment():
        return redirect(page_url(contact_id, TIMELINE_ANCHOR), 303)
    section = build_timeline(actor, _contact(actor, contact_id))
    return section_fragment(
        render_template("contacts/_timeline_entries.html", timeline=section), 200, ""
    )


@bp.get("/timeline/older")
@permission_required(access.RELATIONSHIPS_VIEW)
def older_entries(contact_id: int) -> Response:
    """Show older: the entries after the ``before`` cursor, to add at the end of the list."""
    actor = signed_in_actor()
    before = timeline.parse_cursor(request.args.get("before"))
    if not wants_fragment() or before is None:
        args = {"timeline_before": before.token()} if before else {}
        return redirect(page_url(contact_id, TIMELINE_ANCHOR, **args), 303)
    section = build_timeline(actor, _contact(actor, contact_id), older_than=before.token())
    html = render_template("contacts/_timeline_older.html", timeline=section)
    return section_fragment(html, 200, "")


@bp.post("/interactions")
@permission_required(access.RELATIONSHIPS_UPDATE)
def log_interaction(contact_id: int) -> Response:
    """Log a call, meeting, email or note; the last touch and the card follow."""
    actor = signed_in_actor()
    form = InteractionForm()
    try:
        logged = interactions.log_interaction(actor, contact_id, form.to_values())
    except ValidationFailed as error:
        show_section_errors(form, error)
        return _timeline_answer(actor, contact_id, status=422, log_form=form)
    except Conflict as error:
        return _refused(actor, contact_id, error)
    notice = f"{interactions.KIND_LABELS[logged.kind]} logged."
    return _timeline_answer(actor, contact_id, touched=True, notice=notice, focus="notice")


@bp.get("/interactions/<int:interaction_id>/edit")
@permission_required(access.RELATIONSHIPS_UPDATE)
def edit_interaction(contact_id: int, interaction_id: int) -> Response:
    """The section with one interaction turned into its form."""
    actor = signed_in_actor()
    interaction = interactions.changeable_interaction(actor, interaction_id, contact_id)
    form = InteractionForm.for_interaction(interaction)
    return _timeline_answer(
        actor, contact_id, edit_form=form, editing_id=interaction.id, focus="edit"
    )


@bp.post("/interactions/<int:interaction_id>")
@permission_required(access.RELATIONSHIPS_UPDATE)
def update_interaction(contact_id: int, interaction_id: int) -> Response:
    """Save an interaction; a new day can move the last touch."""
    actor = signed_in_actor()
    form = InteractionForm(prefix=EDIT_PREFIX)
    try:
        interactions.update_interaction(
            actor, interaction_id, form.to_values(), contact_id=contact_id
        )
    except ValidationFailed as error:
        show_section_errors(form, error)
        return _timeline_answer(
            actor, contact_id, status=422, edit_form=form, editing_id=interaction_id
        )
    except Conflict as error:
        return _refused(actor, contact_id, error)
    notice = "Interaction saved."
    return _timeline_answer(actor, contact_id, touched=True, notice=notice, focus="notice")


@bp.post("/interactions/<int:interaction_id>/delete")
@permission_required(access.RELATIONSHIPS_UPDATE)
def delete_interaction(contact_id: int, interaction_id: int) -> Response:
    """Delete an interaction (the page asks first); the last touch falls back."""
    actor = signed_in_actor()
    try:
        interactions.delete_interaction(actor, interaction_id, contact_id=contact_id)
    except Conflict as error:
        return _refused(actor, contact_id, error)
    notice = "Interaction deleted."
    return _timeline_answer(actor, contact_id, touched=True, notice=notice, focus="notice")


# --- keep in touch --------------------------------------------------------------------------------


def _card_answer(actor: Actor, contact_id: int, *, status: int = 200, **shown: Any) -> Response:
    """htmx gets the card; a plain request a redirect to the page, or the page with the error."""
    contact = _contact(actor, contact_id)
    card = build_card(actor, contact, find_profile(contact.id), focus="card", **shown)
    if not wants_fragment():
        if status < 400:
            return redirect(_page_url(contact_id, CARD_ANCHOR), 303)
        return make_response(contact_page(contact_id, status, keep_in_touch=card))
    html = render_template("contacts/_keep_in_touch.html", card=card, oob=False)
    return section_fragment(html, status, CARD_ANCHOR)


@bp.get("/keep-in-touch")
@permission_required(access.RELATIONSHIPS_VIEW)
def keep_in_touch_view(contact_id: int) -> Response:
    """The card: how it reloads when a touch is added elsewhere on the page."""
    actor = signed_in_actor()
    if not wants_fragment():
        return redirect(_page_url(contact_id, CARD_ANCHOR), 303)
    contact = _contact(actor, contact_id)
    card = build_card(actor, contact, find_profile(contact.id))
    return section_fragment(render_template("contacts/_keep_in_touch.html", card=card), 200, "")


@bp.post("/keep-in-touch")
@permission_required(access.RELATIONSHIPS_UPDATE)
def set_cadence(contact_id: int) -> Response:
    """Set how often the contact should hear from us: tier default, a number of days, or off."""
    actor = signed_in_actor()
    form = CadenceForm()
    try:
        keep_in_touch.set_cadence(actor, contact_id, form.to_value())
    except ValidationFailed as error:
        show_section_errors(form, error)
        return _card_answer(actor, contact_id, status=422, form=form)
    except Conflict as error:
        return _card_answer(actor, contact_id, status=error.status, alert=error.message)
    return _card_answer(actor, contact_id)
