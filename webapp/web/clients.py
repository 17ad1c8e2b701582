"""Clients: the list (tier, account manager, actions, last touch) and the client page.

The client page is the summary an account manager reads before a meeting, with a print layout
(``?print=1``). Its Pending actions section closes actions inline; the Partners section lives in
``client_partners.py``. Like the contact page, a section answers htmx with itself and a plain
request with a redirect to the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, make_response, redirect, render_template, request, url_for

from webapp import access
from webapp.extensions import db
from webapp.guards import permission_required, signed_in_actor, wants_json
from webapp.models import CLIENT_TIERS, Company
from webapp.services import actions as action_service
from webapp.services import relationship_map
from webapp.services.calendar import today_in
from webapp.services.client_list import (
    DEFAULT_SORT,
    SORTS,
    ClientFilters,
    account_manager_options,
    client_count,
    client_page,
)
from webapp.services.errors import NotAClient
from webapp.services.partners import client_company
from webapp.services.validation import positive_int
from webapp.web.client_page import (
    ACTIONS_ANCHOR,
    MAP_SECTION,
    PageView,
    actions_section,
    check_filed_under,
    deal_size,
    render_client_page,
)
from webapp.web.listing import (
    page_number,
    search_text,
    section_fragment,
    wants_fragment,
)

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict
    from werkzeug.wrappers import Response

bp = Blueprint("clients", __name__)
bp.add_app_template_filter(deal_size, "deal_size")

PER_PAGE = 25


# --- the list -------------------------------------------------------------------------------------


def _filters_from(args: MultiDict, manager_ids: set[int]) -> ClientFilters:
    """Read the list's query arguments; a bad or unknown value counts as not given."""
    manager_id = positive_int(args.get("manager"))
    sort = args.get("sort", DEFAULT_SORT)
    tier = args.get("tier", "")
    return ClientFilters(
        q=search_text(),
        tier=tier if tier in CLIENT_TIERS else "",
        account_manager_id=manager_id if manager_id in manager_ids else None,
        mine=args.get("mine") == "1",
        overdue_only=args.get("overdue") == "1",
        sort=sort if sort in SORTS else DEFAULT_SORT,
    )


def _link_args(filters: ClientFilters) -> dict:
    """The query arguments that reproduce ``filters`` (defaults left out, for tidy URLs)."""
    args = {
        "q": filters.q,
        "tier": filters.tier,
        "manager": filters.account_manager_id,
        "mine": 1 if filters.mine else None,
        "overdue": 1 if filters.overdue_only else None,
        "sort": filters.sort if filters.sort != DEFAULT_SORT else None,
    }
    return {name: value for name, value in args.items() if value}


def list_filters() -> ClientFilters:
    """The list's filters as this request gives them; the CSV export follows the same ones."""
    return _filters_from(request.args, {user_id for user_id, _ in account_manager_options()})


@bp.get("/clients")
@permission_required(access.RELATIONSHIPS_VIEW)
def index() -> Response:
    """The clients list: the whole page, or only the results when htmx asks."""
    actor = signed_in_actor()
    managers = account_manager_options()
    filters = _filters_from(request.args, {user_id for user_id, _ in managers})
    today = today_in(actor.user.timezone)
    page = client_page(actor, filters, today, page_number(), PER_PAGE)
    link_args = _link_args(filters)
    context = {
        "page": page,
        "filters": filters,
        "managers": managers,
        "tiers": CLIENT_TIERS,
        "sorts": SORTS,
        "today": today,
        "link_args": link_args,
        "filtered": any(name != "sort" for name in link_args),
        "no_clients_at_all": not page.total and client_count() == 0,
    }
    template = "clients/_results.html" if wants_fragment() else "clients/index.html"
    response = make_response(render_template(template, **context))
    response.vary.add("HX-Request")
    return response


# --- the client page ------------------------------------------------------------------------------


@bp.get("/clients/<int:company_id>")
@permission_required(access.RELATIONSHIPS_VIEW)
def show(company_id: int) -> Response:
    """The client summary; ``?print=1`` lays it out for paper (or a PDF)."""
    actor = signed_in_actor()
    try:
        html = render_client_page(actor, company_id, PageView.from_args(request.args))
    except NotAClient as error:
        if wants_json():
            raise
        company = db.session.get(Company, company_id)
        page = render_template("clients/not_a_client.html", company=company, message=error.message)
        return make_response(page, error.status)
    return make_response(html)


def _actions_answer(company_id: int, **shown) -> Response:
    """htmx gets the Pending actions section (every action if the query says ``actions=all``);
    a plain request goes back to the page."""
    actor = signed_in_actor()
    every = request.args.get("actions") == "all"
    if not wants_fragment():
        more = {"actions": "all"} if every else {}
        target = url_for("clients.show", company_id=company_id, _anchor=ACTIONS_ANCHOR, **more)
        return redirect(target, 303)
    card = actions_section(actor, company_id, every, **shown)
    html = render_template("clients/_actions.html", actions_card=card, printing=False)
    return section_fragment(html, 200, ACTIONS_ANCHOR)


@bp.get("/clients/<int:company_id>/actions")
@permission_required(access.RELATIONSHIPS_VIEW)
def actions(company_id: int) -> Response:
    """The Pending actions section alone."""
    return _actions_answer(company_id, focus="heading")


@bp.post("/clients/<int:company_id>/actions/<int:action_id>/status")
@permission_required(access.RELATIONSHIPS_UPDATE)
def set_action_status(company_id: int, action_id: int) -> Response:
    """Mark one of the client's actions done or dismissed; out of the viewer's scope is 404.
    The card comes back as it was shown: the soonest, or every action (``?actions=all``)."""
    actor = signed_in_actor()
    client_company(actor, company_id, access.RELATIONSHIPS_UPDATE)  # unknown or not a client
    check_filed_under(action_id, company_id)
    status = request.form.get("status")
    closed = action_service.set_status(actor, action_id, status)
    verb = "done" if closed.status == "done" else "dismissed"
    return _actions_answer(company_id, notice=f"“{closed.title}” marked {verb}.")


@bp.get("/clients/<int:company_id>/sections/relationship-map")
@permission_required(access.RELATIONSHIPS_VIEW)
def map_section(company_id: int) -> Response:
    """The relationship map card, as htmx fetches it into its placeholder when it is scrolled
    into view; a plain request gets the page with the map in place."""
    if not wants_fragment():
        page = url_for("clients.show", company_id=company_id, open=MAP_SECTION, _anchor=MAP_SECTION)
        return redirect(page, 303)
    rmap = relationship_map.client_map(signed_in_actor(), company_id)  # 404 unless a client
    html = render_template("relationship_map/_client_map.html", company=rmap.client, rmap=rmap)
    return section_fragment(html, 200, MAP_SECTION)
