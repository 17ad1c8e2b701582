"""The Actions page: the queue by scope (Mine, Squad, Everyone), its filters, and closing actions.

One URL serves the page or, for htmx, the results region. Closing actions (one, or several at
once) answers htmx with the results re-rendered for the same view, so counts and rows stay
true; a plain form post gets a redirect back to the view it came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from webapp import access
from webapp.guards import permission_required, signed_in_actor
from webapp.services import actions as action_service
from webapp.services import count_cache
from webapp.services.action_queries import count_actions, pending_counts
from webapp.services.action_rows import action_rows
from webapp.services.calendar import today_in
from webapp.services.errors import NotFound
from webapp.services.paging import paginate_fetched
from webapp.services.validation import positive_int
from webapp.web.action_filters import (
    DUE_WINDOWS,
    STATUS_LABELS,
    TAB_LABELS,
    QueueView,
    assignee_options,
    read_tab,
    read_view,
    tab_assignees,
    tabs_for,
)
from webapp.web.company_filter import read_company_filter
from webapp.web.forms.relationships import ACTION_TYPE_LABELS
from webapp.web.listing import page_number, wants_fragment

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from webapp.access import Actor

bp = Blueprint("actions", __name__)

CLOSED_WORDS = {"done": "marked done", "dismissed": "dismissed"}


def tab_counts(actor: Actor, tabs: tuple[str, ...]) -> dict[str, int]:
    """Pending actions per tab, every tab in one query, kept a minute unless an action or a user
    changes (``count_cache``)."""
    return count_cache.remember(
        "actions",
        ("tabs", actor.user_id, tabs),
        lambda: pending_counts(actor, {tab: tab_assignees(actor, tab) for tab in tabs}),
    )


def _current_view(actor: Actor) -> tuple[QueueView, dict[str, Any]]:
    """The view the URL asks for, with the choices its filter form offers."""
    tabs = tabs_for(actor)
    tab = read_tab(request.args, tabs)
    assignees, company = assignee_options(actor, tab), read_company_filter()
    view = read_view(request.args, tab, {i for i, _ in assignees}, company.company_id)
    choices = {
        "tabs": tabs,
        "assignees": assignees,
        "chosen_company": company,
        "tab_labels": TAB_LABELS,
        "status_labels": STATUS_LABELS,
        "due_windows": DUE_WINDOWS,
        "type_labels": ACTION_TYPE_LABELS,
    }
    return view, choices


def queue_context(actor: Actor, notice: tuple[str, str] | None = None) -> dict[str, Any]:
    """Everything the page and its results region show, in a fixed number of queries. The rows
    are ``action_rows``: each action with the names it shows, read as plain columns."""
    view, choices = _current_view(actor)
    today = today_in(actor.user.timezone)
    counts = tab_counts(actor, choices["tabs"])
    filters = view.action_filters(actor, today)
    page = paginate_fetched(
        lambda limit, offset: action_rows(actor, filters, limit=limit, offset=offset),
        lambda: count_actions(actor, filters),
        page_number(),
        current_app.config["ACTIONS_PER_PAGE"],
        counted=view.is_filtered,
    )
    if not view.is_filtered:  # the tab's own pending actions: its count is the page's total
        page.total = counts[view.tab]
    return {
        **choices,
        "view": view,
        "page": page,
        "counts": counts,
        "today": today,
        "can_update": access.can(actor, access.RELATIONSHIPS_UPDATE),
        "notice": notice,  # (category, text) after a change
    }


def _render(actor: Actor, *, notice: tuple[str, str] | None = None, status: int = 200) -> Response:
    fragment = wants_fragment()
    template = "actions/_results.html" if fragment else "actions/index.html"
    context = queue_context(actor, notice)
    response = make_response(render_template(template, fragment=fragment, **context), status)
    response.vary.add("HX-Request")
    return response


@bp.get("/actions")
@permission_required(access.RELATIONSHIPS_VIEW)
def index() -> Response:
    """The queue: the whole page, or only the results when htmx asks."""
    return _render(signed_in_actor())


def _after_change(actor: Actor, notice: str, *, status: int = 200) -> Response:
    """htmx gets the results of the same view again; a plain post goes back to that view."""
    category = "success" if status < 400 else "warning"
    if wants_fragment():
        return _render(actor, notice=(category, notice), status=status)
    flash(notice, category)
    return redirect(url_for("actions.index", **request.args.to_dict()), 303)


@bp.post("/actions/<int:action_id>/status")
@permission_required(access.RELATIONSHIPS_UPDATE)
def set_status(action_id: int) -> Response:
    """Mark one action (and its task) done or dismissed; out of the user's scope is 404."""
    actor = signed_in_actor()
    action = action_service.set_status(actor, action_id, request.form.get("status"))
    return _after_change(actor, f"“{action.title}” {CLOSED_WORDS[action.status]}.")


def _selected_ids() -> list[int]:
    """The ticked action ids; one that cannot be an id is an action nobody may see."""
    ids = []
    for raw in request.form.getlist("ids"):
        action_id = positive_int(raw)
        if action_id is None:
            raise NotFound(f"No relationship action with id {raw[:20]}.")
        ids.append(action_id)
    return ids


@bp.post("/actions/status")
@permission_required(access.RELATIONSHIPS_UPDATE)
def set_statuses() -> Response:
    """Mark the selected actions done or dismissed: all of them, or none if any is out of reach."""
    actor = signed_in_actor()
    ids = _selected_ids()
    if not ids:
        return _after_change(actor, "Select one or more actions first.", status=422)
    closed = action_service.set_statuses(actor, ids, request.form.get("status"))
    word = CLOSED_WORDS[closed[0].status]
    noun = "action" if len(closed) == 1 else "actions"
    return _after_change(actor, f"{len(closed)} {noun} {word}.")
