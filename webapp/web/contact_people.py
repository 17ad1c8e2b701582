"""The contact page's People section: how this person is linked to other people.

"Ada is assistant of Bob" is one stored edge; Bob's page reads it "has assistant Ada". The
section links a person (pick the reading, find the other person by live search), changes a
link's type and removes a link. htmx gets the section back; a plain request the page (with the
form open and its errors) or, after a write, a redirect to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, make_response, redirect, render_template, request

from webapp import access
from webapp.guards import permission_required, signed_in_actor
from webapp.models import Contact
from webapp.services import contact_relationships as links
from webapp.services import introductions
from webapp.services.calendar import today_in
from webapp.services.errors import Conflict, NotFound, ValidationFailed
from webapp.web import contact_sections
from webapp.web.contact_sections import PEOPLE_CHANGED, builds, page_url
from webapp.web.contacts import contact_page
from webapp.web.listing import section_fragment, wants_fragment
from webapp.web.people_section import (
    AddForm,
    contact_choices,
    parse_choice,
    people_section,
    picked_contact,
)

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from webapp.access import Actor

bp = Blueprint("contact_people", __name__, url_prefix="/contacts/<int:contact_id>/people")

ANCHOR = "people"
bp.add_app_template_filter(links.phrase, "relation_phrase")


def _contact(actor: Actor, contact_id: int, permission: str) -> Contact:
    return access.get_or_404(actor, Contact, contact_id, permission)


def _answer(actor: Actor, contact_id: int, permission: str, *, status: int = 200, **shown: Any):
    """htmx gets the section; a plain request the page with it as shown, or after a write the
    page itself (303)."""
    contact = _contact(actor, contact_id, permission)
    section = people_section(contact, **shown)
    if wants_fragment():
        html = render_template("contacts/_people.html", people=section)
        response = section_fragment(html, status, ANCHOR)
        if request.method == "POST" and status < 400 and shown.get("adding") is None:
            response.headers["HX-Trigger"] = PEOPLE_CHANGED
        return response
    if request.method == "POST" and status < 400 and shown.get("adding") is None:
        return redirect(page_url(contact_id, ANCHOR), 303)
    return make_response(contact_page(contact_id, status, people=section))


def _read_form() -> AddForm:
    raw_other = request.form.get("other_id", "").strip()
    return AddForm(
        relationship=request.form.get("relationship", ""),
        q=request.form.get("q", "")[:200],
        other_id=int(raw_other) if raw_other.isdigit() and len(raw_other) < 10 else None,
    )


@bp.get("")
@permission_required(access.RELATIONSHIPS_VIEW)
def section(contact_id: int) -> Response:
    """The section as it stands (what Cancel goes back to)."""
    actor = signed_in_actor()
    if not wants_fragment():
        return redirect(page_url(contact_id, ANCHOR), 303)
    return _answer(actor, contact_id, access.RELATIONSHIPS_VIEW, focus="heading")


@bp.get("/new")
@permission_required(access.RELATIONSHIPS_UPDATE)
def new(contact_id: int) -> Response:
    """The section with the add form open."""
    actor = signed_in_actor()
    return _answer(actor, contact_id, access.RELATIONSHIPS_UPDATE, adding=AddForm(), focus="form")


@bp.get("/choices")
@permission_required(access.RELATIONSHIPS_UPDATE)
def choices(contact_id: int) -> Response:
    """The live search's answer: the people matching ``q``, each one click (or arrow key) away."""
    actor = signed_in_actor()
    contact = _contact(actor, contact_id, access.RELATIONSHIPS_UPDATE)
    form = AddForm(q=request.args.get("q", "")[:200])
    form.choices = contact_choices(contact.id, form.q)
    html = render_template("contacts/_people_choices.html", contact=contact, form=form)
    return section_fragment(html, 200, "")


@bp.post("")
@permission_required(access.RELATIONSHIPS_UPDATE)
def create(contact_id: int) -> Response:
    """Link this person to another: "<this> is <reading> of <other>". The Search button (for a
    browser without JavaScript) shows the matches instead."""
    actor = signed_in_actor()
    form = _read_form()
    form.picked = picked_contact(form.other_id)
    if "search" in request.form:
        form.choices = contact_choices(contact_id, form.q)
        return _answer(actor, contact_id, access.RELATIONSHIPS_UPDATE, adding=form, focus="search")
    values, other_field = _link_values(contact_id, form)
    try:
        links.create_relationship(actor, values, access.RELATIONSHIPS_UPDATE)
    except (ValidationFailed, Conflict) as error:
        _show_errors(form, error, other_field)
        form.choices = contact_choices(contact_id, form.q)
        return _answer(
            actor, contact_id, access.RELATIONSHIPS_UPDATE, status=error.status, adding=form
        )
    return _answer(actor, contact_id, access.RELATIONSHIPS_UPDATE, focus="heading")


def _link_values(contact_id: int, form: AddForm) -> tuple[dict[str, Any], str]:
    """The service's "contact_is is <type> of of_contact" from the reading this person chose,
    and which of the two names the other person."""
    chosen = parse_choice(form.relationship)
    type_id, reversed_ = chosen if chosen else (None, False)
    ends = (form.other_id, contact_id) if reversed_ else (contact_id, form.other_id)
    values = {"contact_is": ends[0], "relationship_type_id": type_id, "of_contact": ends[1]}
    return values, "contact_is" if reversed_ else "of_contact"


def _show_errors(form: AddForm, error: ValidationFailed | Conflict, other_field: str) -> None:
    """The service names its own fields; the form has a reading and a person."""
    if isinstance(error, Conflict):
        form.form_errors.append(error.message)
        return
    for name, messages in error.fields.items():
        if name == "relationship_type_id":
            form.errors["relationship"] = ["Choose how they are related."]
        elif name == other_field and form.other_id is None:
            form.errors["other_id"] = ["Find the person and pick them from the list."]
        elif name == other_field:
            form.errors.setdefault("other_id", []).extend(messages)
        else:
            form.form_errors.extend(messages)


def _edge_of(actor: Actor, contact_id: int, relationship_id: int):
    """The link, if this contact is on it; someone else's link is not found from here.
    (Only the writes look a link up by id, so it takes their permission.)"""
    edge = links.get_relationship(actor, relationship_id, access.RELATIONSHIPS_UPDATE)
    if contact_id not in (edge.contact_is_id, edge.of_contact_id):
        raise NotFound(f"No contact relationship with id {relationship_id}.")
    return edge


@bp.post("/<int:relationship_id>/type")
@permission_required(access.RELATIONSHIPS_UPDATE)
def change_type(contact_id: int, relationship_id: int) -> Response:
    """Change what the link is; both people's pages read the new type."""
    actor = signed_in_actor()
    _edge_of(actor, contact_id, relationship_id)
    values = {"relationship_type_id": request.form.get("relationship_type_id", "")}
    try:
        links.change_type(actor, relationship_id, values, access.RELATIONSHIPS_UPDATE)
    except (ValidationFailed, Conflict) as error:
        return _answer(
            actor, contact_id, access.RELATIONSHIPS_UPDATE, status=error.status, alert=error.message
        )
    return _answer(actor, contact_id, access.RELATIONSHIPS_UPDATE, focus="heading")


@bp.post("/<int:relationship_id>/delete")
@permission_required(access.RELATIONSHIPS_UPDATE)
def remove(contact_id: int, relationship_id: int) -> Response:
    """Unlink the two people, from both pages at once."""
    actor = signed_in_actor()
    _edge_of(actor, contact_id, relationship_id)
    links.delete_relationship(actor, relationship_id, access.RELATIONSHIPS_UPDATE)
    return _answer(actor, contact_id, access.RELATIONSHIPS_UPDATE, focus="heading")


def _card(contact_id: int, name: str) -> Response:
    """A card of the page that reloads itself after a link changes; a plain request goes to
    the page with the card in place."""
    actor = signed_in_actor()
    contact = _contact(actor, contact_id, access.RELATIONSHIPS_VIEW)
    if not wants_fragment():
        return redirect(page_url(contact_id, name))
    return section_fragment(contact_sections.render(name, actor, contact), 200, "")


@bp.get("/map")
@permission_required(access.RELATIONSHIPS_VIEW)
def map_card(contact_id: int) -> Response:
    """The contact's relationship map card, as it stands."""
    return _card(contact_id, "relationship-map")


@bp.get("/introductions")
@permission_required(access.RELATIONSHIPS_VIEW)
def introductions_card(contact_id: int) -> Response:
    """The "Who can introduce you?" card, as it stands."""
    return _card(contact_id, "introductions")


@builds("people")
def people_for_page(actor: Actor, contact: Contact, args) -> dict[str, Any]:
    """The contact page's People section, as it stands."""
    return {"people": people_section(contact)}


@builds("introductions")
def introductions_for_page(actor: Actor, contact: Contact, args) -> dict[str, Any]:
    """Who can introduce the viewer to ``contact``: chains from people we know well."""
    intros = introductions.warm_introductions(actor, contact.id, today_in(actor.user.timezone))
    return {"contact": contact, "intros": intros}
