"""The client page's Partners section: add, edit and delete partners inline.

Every route answers htmx with the whole section: re-rendered after a write (the keyboard on a
notice saying what happened), or with its form open and the errors (422). A plain request gets
the client page with that form open, or after a successful write a redirect to it. Deleting asks
first: the row turns into a confirm step, which works without JavaScript too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, make_response, redirect, render_template, request, url_for

from webapp import access
from webapp.guards import permission_required, signed_in_actor
from webapp.services import partners
from webapp.services.errors import ValidationFailed
from webapp.web.client_page import PARTNERS_ANCHOR, partners_section, render_client_page
from webapp.web.forms.partners import PartnerForm
from webapp.web.formtools import show_section_errors
from webapp.web.listing import section_fragment, wants_fragment

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from webapp.access import Actor

bp = Blueprint("client_partners", __name__, url_prefix="/clients/<int:company_id>/partners")


def _answer(
    actor: Actor, company_id: int, permission: str, *, status: int = 200, **shown: Any
) -> Response:
    """htmx gets the section; a plain request the page with the section as shown, or (after a
    write went through) a redirect to the page."""
    card = partners_section(actor, company_id, permission, **shown)
    if wants_fragment():
        html = render_template("clients/_partners.html", partners_card=card, printing=False)
        return section_fragment(html, status, PARTNERS_ANCHOR)
    if request.method == "POST" and status < 400:
        target = url_for("clients.show", company_id=company_id, _anchor=PARTNERS_ANCHOR)
        return redirect(target, 303)
    page = render_client_page(actor, company_id, partners_card=card)
    response = make_response(page, status)
    response.vary.add("HX-Request")
    return response


@bp.get("")
@permission_required(access.RELATIONSHIPS_VIEW)
def section(company_id: int) -> Response:
    """The Partners section (what Cancel goes back to)."""
    return _answer(signed_in_actor(), company_id, access.RELATIONSHIPS_VIEW, focus="heading")


@bp.get("/new")
@permission_required(access.RELATIONSHIPS_UPDATE)
def new(company_id: int) -> Response:
    """The section with the add form open."""
    return _answer(
        signed_in_actor(),
        company_id,
        access.RELATIONSHIPS_UPDATE,
        form=PartnerForm.blank(),
        focus="form",
    )


@bp.post("")
@permission_required(access.RELATIONSHIPS_UPDATE)
def create(company_id: int) -> Response:
    """Add a partner to the client."""
    actor = signed_in_actor()
    form = PartnerForm()
    try:
        added = partners.create_partner(actor, company_id, form.to_values())
    except ValidationFailed as error:
        show_section_errors(form, error)
        return _answer(actor, company_id, access.RELATIONSHIPS_UPDATE, status=422, form=form)
    notice = f"{added.partner_company_name} added."
    return _answer(actor, company_id, access.RELATIONSHIPS_UPDATE, notice=notice)


@bp.get("/<int:partner_id>/edit")
@permission_required(access.RELATIONSHIPS_UPDATE)
def edit(company_id: int, partner_id: int) -> Response:
    """The section with one partner's row turned into its form."""
    actor = signed_in_actor()
    partner = partners.partner_of(actor, company_id, partner_id, access.RELATIONSHIPS_UPDATE)
    form = PartnerForm.for_partner(partner)
    return _answer(
        actor,
        company_id,
        access.RELATIONSHIPS_UPDATE,
        form=form,
        editing_id=partner.id,
        focus="form",
    )


@bp.post("/<int:partner_id>")
@permission_required(access.RELATIONSHIPS_UPDATE)
def update(company_id: int, partner_id: int) -> Response:
    """Save a partner's fields (an emptied box clears that field)."""
    actor = signed_in_actor()
    form = PartnerForm(editing=True)
    try:
        saved = partners.update_partner(actor, company_id, partner_id, form.to_values())
    except ValidationFailed as error:
        show_section_errors(form, error)
        return _answer(
            actor,
            company_id,
            access.RELATIONSHIPS_UPDATE,
            status=422,
            form=form,
            editing_id=partner_id,
        )
    notice = f"{saved.partner_company_name} saved."
    return _answer(actor, company_id, access.RELATIONSHIPS_UPDATE, notice=notice)


@bp.get("/<int:partner_id>/delete")
@permission_required(access.RELATIONSHIPS_MANAGE)
def confirm_delete(company_id: int, partner_id: int) -> Response:
    """The confirm step: the partner's row asks whether to delete it."""
    actor = signed_in_actor()
    partner = partners.partner_of(actor, company_id, partner_id, access.RELATIONSHIPS_MANAGE)
    return _answer(
        actor, company_id, access.RELATIONSHIPS_MANAGE, deleting_id=partner.id, focus="confirm"
    )


@bp.post("/<int:partner_id>/delete")
@permission_required(access.RELATIONSHIPS_MANAGE)
def delete(company_id: int, partner_id: int) -> Response:
    """Delete a partner (needs ``relationships:manage``); the audit keeps what it was."""
    actor = signed_in_actor()
    gone = partners.delete_partner(actor, company_id, partner_id)
    notice = f"{gone.partner_company_name} deleted."
    return _answer(actor, company_id, access.RELATIONSHIPS_MANAGE, notice=notice)
