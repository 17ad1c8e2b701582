"""Reference 002: relationship actions, scoped by role, with the filters integrators need."""

from __future__ import annotations

from flask import jsonify, request

from webapp import access
from webapp.api import api, schemas
from webapp.api.documenting import QueryParam, documented
from webapp.api.inputs import json_body
from webapp.api.pagination import page_args, paged, query_args_but_page
from webapp.api.serializers import action_json
from webapp.guards import permission_required, signed_in_actor
from webapp.models import ACTION_STATUSES, ACTION_TYPES, Contact
from webapp.services import actions as action_service
from webapp.services import field_rules
from webapp.services.action_queries import ActionFilters, count_actions
from webapp.services.action_rows import action_rows
from webapp.services.errors import ValidationFailed
from webapp.services.paging import total_from_page
from webapp.services.validation import FieldErrors

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 500

_ID = {"type": "string", "pattern": "^[0-9]+$"}
_DATE = {"type": "string", "format": "date"}
_TEXT = {"type": "string"}
# Every filter may be sent empty (a form's blank field): empty is the same as not given.
LIST_FILTERS = (
    QueryParam("status", _TEXT, "pending, done or dismissed; comma-separated", True),
    QueryParam("action_type", _TEXT, "gift, card, call, ...; comma-separated", True),
    QueryParam("assigned_to_user_id", _ID, "Only this assignee's actions (in your scope)", True),
    QueryParam("due_before", _DATE, "Due on or before this date", True),
    QueryParam("due_after", _DATE, "Due on or after this date", True),
    QueryParam("contact_id", _ID, "Only this contact's actions", True),
    QueryParam("company_id", _ID, "Only this company's actions", True),
    QueryParam("page", {"type": "integer", "minimum": 1}, "Page number, from 1"),
    QueryParam(
        "per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, "Default 100"
    ),
)
# A contact's own list takes its contact from the path; a contact_id in the query is not read.
CONTACT_LIST_FILTERS = tuple(param for param in LIST_FILTERS if param.name != "contact_id")


def _choices(name: str, allowed: tuple[str, ...], errors: FieldErrors) -> tuple[str, ...]:
    raw = request.args.get(name, "")
    chosen = tuple(part.strip() for part in raw.split(",") if part.strip())
    wrong = [value for value in chosen if value not in allowed]
    if wrong:
        errors.add(name, f"Choose from: {', '.join(allowed)}.")
    return chosen


def _read(name: str, rule, errors: FieldErrors):
    """A query argument read by its rule; a refused one is noted in ``errors``."""
    return errors.read(name, rule, request.args.get(name))


def _filters(contact_id: int | None = None) -> ActionFilters:
    """The list's query arguments; each bad one is named in a 422."""
    errors = FieldErrors()
    statuses = _choices("status", ACTION_STATUSES, errors)
    action_types = _choices("action_type", ACTION_TYPES, errors)
    assignee = _read("assigned_to_user_id", field_rules.record_id, errors)
    filters = ActionFilters(
        statuses=statuses,
        action_types=action_types,
        assigned_to_ids=(assignee,) if assignee else (),
        due_before=_read("due_before", field_rules.iso_date, errors),
        due_after=_read("due_after", field_rules.iso_date, errors),
        contact_id=contact_id or _read("contact_id", field_rules.record_id, errors),
        company_id=_read("company_id", field_rules.record_id, errors),
    )
    if errors.fields:
        raise ValidationFailed("Check the filters.", fields=errors.fields)
    return filters


def _listing(endpoint: str, filters: ActionFilters, **path_args):
    """A page of the actions as rows (``action_rows``), and how many there are in all: told by
    the page when it can (``paging.total_from_page``), else ``count_actions``, over the actions
    alone (an index can answer it)."""
    actor = signed_in_actor()
    page, per_page = page_args(DEFAULT_PER_PAGE, MAX_PER_PAGE)
    offset = (page - 1) * per_page
    rows = action_rows(actor, filters, limit=per_page, offset=offset)
    total = total_from_page(offset, len(rows), per_page)
    if total is None:
        total = count_actions(actor, filters)
    url_args = {**query_args_but_page(), **path_args}
    listed = paged(rows, total, page, per_page, endpoint, **url_args)
    return jsonify(
        {
            "actions": [action_json(action) for action in listed.items],
            "meta": listed.meta,
            "links": listed.links,
        }
    )


@api.get("/relationships/relationship-actions")
@permission_required(access.RELATIONSHIPS_VIEW)
@documented(
    "Actions in the caller's scope: executive/head all, manager own and squad, others own",
    schemas.ActionList,
    query=LIST_FILTERS,
)
def list_actions():
    return _listing("api.list_actions", _filters())


@api.get("/relationships/contacts/<int:contact_id>/relationship-actions")
@permission_required(access.RELATIONSHIPS_VIEW)
@documented(
    "The contact's actions, within the caller's scope",
    schemas.ActionList,
    query=CONTACT_LIST_FILTERS,
)
def list_contact_actions(contact_id: int):
    access.get_or_404(signed_in_actor(), Contact, contact_id, access.RELATIONSHIPS_VIEW)
    filters = _filters(contact_id)
    return _listing("api.list_contact_actions", filters, contact_id=contact_id)


@api.post("/relationships/contacts/<int:contact_id>/relationship-actions")
@permission_required(access.RELATIONSHIPS_UPDATE)
@documented(
    "Create a manual action (mirrored to the action centre); assigned to the caller by default",
    schemas.ActionResponse,
    status=201,
    body=schemas.ActionCreate,
)
def create_action(contact_id: int):
    values = json_body(schemas.ActionCreate)
    action = action_service.create_action(signed_in_actor(), contact_id, values)
    return jsonify({"action": action_json(action)}), 201


@api.patch("/relationships/relationship-actions/<int:action_id>")
@permission_required(access.RELATIONSHIPS_UPDATE)
@documented(
    "Mark an action done or dismissed; its action-centre task changes with it",
    schemas.ActionResponse,
    body=schemas.ActionStatusUpdate,
)
def update_action_status(action_id: int):
    values = json_body(schemas.ActionStatusUpdate)
    action = action_service.set_status(signed_in_actor(), action_id, values["status"])
    return jsonify({"action": action_json(action)})
