"""Contacts: the list with live search, the contact page, and create, edit, archive, restore."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
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
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload

from webapp import access
from webapp.extensions import db
from webapp.guards import permission_required, signed_in_actor
from webapp.models import (
    Company,
    Contact,
    ContactCompanyLink,
    LifeEvent,
    RelationshipAction,
    User,
)
from webapp.services import contacts as contact_service
from webapp.services import profiles
from webapp.services.action_queries import ActionFilters, actions_in_scope
from webapp.services.auto_actions import occurrence_of
from webapp.services.calendar import today_in
from webapp.services.contact_history import recent_history
from webapp.services.contact_search import (
    COUNT_CAP,
    DEFAULT_SORT,
    SORTS,
    TOUCH_FILTERS,
    ContactFilters,
    capped_count,
    listed_contacts_query,
    matching_ids_query,
    tag_names,
    with_tags,
)
from webapp.services.errors import Conflict, NotFound, RecordMerged, ValidationFailed
from webapp.services.life_events import contact_events
from webapp.services.merging_common import refuse_merged
from webapp.services.validation import TAG_LIMIT, positive_int
from webapp.web import contact_sections
from webapp.web.company_filter import read_company_filter
from webapp.web.forms.contacts import ContactForm, contact_form_data
from webapp.web.formtools import show_service_errors
from webapp.web.keep_in_touch_card import build_card
from webapp.web.listing import RowPagination, page_number, search_text, wants_fragment

if TYPE_CHECKING:
    from sqlalchemy import Select
    from werkzeug.datastructures import MultiDict
    from werkzeug.wrappers import Response

    from webapp.access import Actor

bp = Blueprint("contacts", __name__)

FIELD_LABELS = {
    "first_name": "first name",
    "last_name": "last name",
    "title": "job title",
    "owner_id": "owner",
    "relationship_type_id": "relationship type",
    "company_links": "companies",
    "archived_at": "archived",
    "phones": "phone numbers",
    "linkedin_url": "LinkedIn profile",
}


def _owner_options(keep_id: int | None = None, active_only: bool = False) -> list[tuple[int, str]]:
    """Users as (id, name), one query; ``keep_id`` stays listed even if inactive."""
    stmt = select(User.id, User.name).order_by(User.name, User.id)
    if active_only:
        stmt = stmt.where(User.active.is_(True) | (User.id == keep_id))
    return [(row.id, row.name) for row in db.session.execute(stmt)]


def _filters_from(args: MultiDict, owner_ids: set[int], company_id: int | None) -> ContactFilters:
    """Read the list's query arguments; a bad or unknown value counts as not given. The company
    comes read already (webapp/web/company_filter.py)."""
    q = search_text()
    owner_id = positive_int(args.get("owner"))
    sort = args.get("sort", DEFAULT_SORT)
    touch = args.get("touch", "")
    return ContactFilters(
        q=q,
        owner_id=owner_id if owner_id in owner_ids else None,
        company_id=company_id,
        sort=sort if sort in SORTS else DEFAULT_SORT,
        archived=args.get("archived") == "1",
        touch=touch if touch in TOUCH_FILTERS else "",
        tag=args.get("tag", "").replace("\x00", "").strip()[:TAG_LIMIT],
    )


def _link_args(filters: ContactFilters) -> dict:
    """The query arguments that reproduce ``filters`` (defaults left out, for tidy URLs)."""
    args = {
        "q": filters.q,
        "owner": filters.owner_id,
        "company": filters.company_id,
        "sort": filters.sort if filters.sort != DEFAULT_SORT else None,
        "archived": 1 if filters.archived else None,
        "touch": filters.touch,
        "tag": filters.tag,
    }
    return {name: value for name, value in args.items() if value}


def list_filters() -> ContactFilters:
    """The list's filters as this request gives them; the exports follow the same ones."""
    owners, company = _owner_options(), read_company_filter()
    return _filters_from(request.args, {i for i, _ in owners}, company.company_id)


def _contacts_page(filters: ContactFilters, today: date):
    """The page of contacts asked for. A search's total stops at ``COUNT_CAP`` ("more than
    1,000"): a word like "a" matches most of the firm, and counting every match is what took the
    time; the whole list's total is read from an index, so it stays exact."""
    page = RowPagination(
        select=listed_contacts_query(filters, today),
        session=db.session(),
        page=page_number(),
        per_page=current_app.config["CONTACTS_PER_PAGE"],
        error_out=False,
        count=False,
    )
    page.items = with_tags(page.items)
    page.total = _known_total(page)
    if page.total is not None:
        return page
    matching = matching_ids_query(filters, today)
    if filters.q:
        page.total = capped_count(matching, COUNT_CAP)
    else:
        page.total = db.session.scalar(select(func.count()).select_from(matching.subquery()))
    return page


def _known_total(page: RowPagination) -> int | None:
    """The total without a count when the page tells it (docs/performance.md): a first page
    that is not full holds every match. Its contacts, not its rows, are the total: a contact
    with two primary companies is listed twice."""
    if page.page != 1 or len(page.items) >= page.per_page:
        return None
    return len({row.id for row in page.items})


@bp.get("/contacts")
@permission_required(access.RELATIONSHIPS_VIEW)
def index() -> Response:
    """The contacts list: the whole page, or only the results when htmx asks."""
    owners, company = _owner_options(), read_company_filter()
    filters = _filters_from(request.args, {i for i, _ in owners}, company.company_id)
    today = today_in(signed_in_actor().user.timezone)
    page = _contacts_page(filters, today)
    context = {
        "page": page,
        "count_cap": COUNT_CAP if filters.q and page.total > COUNT_CAP else None,
        "filters": filters,
        "owners": owners,
        "chosen_company": company,
        "sorts": SORTS,
        "touch_filters": TOUCH_FILTERS,
        "tags": tag_names(),
        "today": today,
        "link_args": _link_args(filters),
    }
    fragment = wants_fragment()
    template = "contacts/_results.html" if fragment else "contacts/index.html"
    response = make_response(render_template(template, fragment=fragment, **context))
    response.vary.add("HX-Request")
    return response


def _contact_for_page(contact_id: int) -> Contact:
    """One contact with everything its page shows, in two queries.

    Its few emails, phones and companies come joined: the rows multiply (a person has a handful
    of each), but that costs less than a query per collection. Tags, which can be many, come in
    a query of their own (docs/performance.md). The statement is built once, with the contact's
    id bound.
    """
    found = db.session.scalars(_contact_page_statement(), {"contact_id": contact_id})
    contact = found.unique().one_or_none()
    if contact is None:
        raise NotFound(f"No contact with id {contact_id}.")
    refuse_merged(Contact, contact, "contact")
    return contact


@functools.cache
def _contact_page_statement() -> Select:
    return (
        select(Contact)
        .where(Contact.id == bindparam("contact_id", type_=db.Integer))
        .options(
            joinedload(Contact.owner),
            joinedload(Contact.emails),
            joinedload(Contact.phones),
            joinedload(Contact.company_links)
            .joinedload(ContactCompanyLink.company)
            .joinedload(Company.client_profile),  # its tier sets the keep-in-touch cadence
            selectinload(Contact.tags),
        )
    )


@bp.errorhandler(RecordMerged)
def merged_contact(error: RecordMerged) -> Response:
    """A merged contact's pages lead to the contact it was merged into."""
    flash("That contact was merged into this one; its history is here.", "info")
    return redirect(url_for("contacts.show", contact_id=int(error.details["merged_into"])))


@dataclass(frozen=True)
class LifeEventRow:
    """A life event as the contact page lists it, with its next occurrence for the viewer."""

    event: LifeEvent
    next_on: date | None
    days_away: int | None


def life_event_rows(contact_id: int, today: date) -> list[LifeEventRow]:
    """The contact's life events, soonest next occurrence first, then past ones latest first.

    One query; ``today`` is the viewer's.
    """
    upcoming, past = [], []
    for event in contact_events(contact_id):
        next_on = occurrence_of(event, today)
        row = LifeEventRow(event, next_on, (next_on - today).days if next_on else None)
        (upcoming if next_on else past).append(row)
    return sorted(upcoming, key=lambda row: row.next_on) + past


def contact_actions(
    actor: Actor, contact_id: int
) -> tuple[list[RelationshipAction], list[RelationshipAction]]:
    """The actions on the contact the actor may see: (pending, done or dismissed latest first)."""
    stmt = _contact_actions_statement(access.action_scope(actor))
    pending, closed = [], []
    for action in db.session.scalars(stmt, {"contact_id": contact_id}):
        (pending if action.is_pending else closed).append(action)
    closed.sort(key=lambda a: (a.completed_at or a.updated_at, a.id), reverse=True)
    return pending, closed


@functools.lru_cache(maxsize=512)
def _contact_actions_statement(scope: access.ActionScope) -> Select:
    """``actions_query`` of a contact's actions, with who closed each, built once per scope."""
    filters = ActionFilters(contact_id=bindparam("contact_id", type_=db.Integer))
    stmt = actions_in_scope(scope, filters)
    return stmt.options(joinedload(RelationshipAction.completed_by))


def contact_page(contact_id: int, status: int = 200, **open_forms: Any) -> tuple[str, int]:
    """The contact page; ``open_forms`` opens a section's form in place (with its errors).

    Its first screen is built here; the sections below it (``contact_sections.LAZY``) are
    placeholders that load when scrolled into view, unless the request opens one in place.
    Its relationship profile is created on first view (a write the request commits).
    """
    actor = signed_in_actor()
    contact = _contact_for_page(contact_id)
    today = today_in(actor.user.timezone)
    pending, closed = contact_actions(actor, contact.id)
    history = recent_history(actor, contact.id)  # before the profile a first view creates
    profile = profiles.profile_for(actor, contact.id)
    context = {
        "contact": contact,
        "history": history,
        "field_labels": FIELD_LABELS,
        "profile": profile,
        "life_events": life_event_rows(contact.id, today),
        "pending_actions": pending,
        "closed_actions": closed,
        "today": today,
        "profile_form": None,
        "event_form": None,
        "editing_event_id": None,
        "action_form": None,
        **open_forms,
    }
    if context.get("keep_in_touch") is None:
        context["keep_in_touch"] = build_card(actor, contact, profile)
    context["opened"] = contact_sections.opened(request.args, open_forms)
    for name in context["opened"]:
        variable = contact_sections.SECTIONS[name].variable
        if variable is None or open_forms.get(variable) is None:
            context.update(contact_sections.build(name, actor, contact, request.args))
    context["sections"] = contact_sections.SECTIONS
    return render_template("contacts/show.html", **context), status


@bp.get("/contacts/<int:contact_id>")
@permission_required(access.RELATIONSHIPS_VIEW)
def show(contact_id: int) -> tuple[str, int]:
    """The contact page: details, relationship profile, life events, actions, recent history."""
    return contact_page(contact_id)


def _prepared_form(form: ContactForm, owner_id: int | None) -> ContactForm:
    form.set_choices(_owner_options(keep_id=owner_id, active_only=True))
    return form


def _render_form(
    form: ContactForm, contact: Contact | None, status: int = 200, holder: Contact | None = None
):
    """The form; ``holder`` is the contact who already has an email or address given."""
    form.ensure_blank_link()
    page = render_template("contacts/form.html", form=form, contact=contact, holder=holder)
    return page, status


def _save(form: ContactForm, contact: Contact | None):
    """Validate the shape, call the service, and answer with a redirect or the form again."""
    if not form.is_submitted():
        return _render_form(form, contact)
    if "add_link" in request.form:
        form.add_blank_link()
        return _render_form(form, contact)
    if not form.validate_on_submit():
        return _render_form(form, contact, 422)
    actor = signed_in_actor()
    try:
        if contact is None:
            saved = contact_service.create_contact(actor, form.to_input())
        else:
            saved = contact_service.update_contact(actor, contact.id, form.to_input())
    except (ValidationFailed, Conflict) as error:
        show_service_errors(form, error)
        holder_id = error.details.get("contact_id")
        holder = db.session.get(Contact, holder_id) if holder_id else None
        return _render_form(form, contact, 422, holder)
    flash(f"{saved.full_name} {'added' if contact is None else 'saved'}.", "success")
    return redirect(url_for("contacts.show", contact_id=saved.id), 303)


@bp.route("/contacts/new", methods=["GET", "POST"])
@permission_required(access.RELATIONSHIPS_UPDATE)
def new():
    """Create a contact; the owner defaults to the signed-in user."""
    form = _prepared_form(ContactForm(owner_id=signed_in_actor().user_id), None)
    return _save(form, None)


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@permission_required(access.RELATIONSHIPS_UPDATE)
def edit(contact_id: int):
    """Edit a contact's fields, emails, phones and company links."""
    contact = _contact_for_page(contact_id)
    form = _prepared_form(ContactForm(data=contact_form_data(contact)), contact.owner_id)
    return _save(form, contact)


@bp.post("/contacts/<int:contact_id>/archive")
@permission_required(access.RELATIONSHIPS_UPDATE)
def archive(contact_id: int) -> Response:
    """Archive a contact and go back to the list."""
    contact = contact_service.archive_contact(signed_in_actor(), contact_id)
    flash(f"{contact.full_name} archived. You can restore them from the archived list.", "success")
    return redirect(url_for("contacts.index"), 303)


@bp.post("/contacts/<int:contact_id>/restore")
@permission_required(access.RELATIONSHIPS_UPDATE)
def restore(contact_id: int) -> Response:
    """Bring an archived contact back and show it."""
    contact = contact_service.restore_contact(signed_in_actor(), contact_id)
    flash(f"{contact.full_name} restored.", "success")
    return redirect(url_for("contacts.show", contact_id=contact.id), 303)
