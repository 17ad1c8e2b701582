"""Admin: message templates, and inbound messages from numbers no contact has. Admins only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup
from sqlalchemy import func, select

from webapp import access
from webapp.extensions import db
from webapp.guards import current_actor, permission_required, signed_in_actor
from webapp.models import Message, MessageTemplate
from webapp.services import inbound_messages
from webapp.services import message_templates as templates_service
from webapp.services.contact_search import ContactFilters, contacts_query
from webapp.services.errors import Conflict, NotFound, ValidationFailed
from webapp.services.paging import paginate
from webapp.services.validation import positive_int
from webapp.web.forms.message_templates import MessageTemplateForm
from webapp.web.formtools import show_service_errors
from webapp.web.listing import page_number, search_text, wants_fragment

if TYPE_CHECKING:
    from flask_sqlalchemy.pagination import Pagination
    from werkzeug.wrappers import Response

    from webapp.models import Contact

bp = Blueprint("admin_messages", __name__, url_prefix="/admin")

UNMATCHED_PER_PAGE = 25
CONTACT_CHOICES = 8  # the typeahead shows the best few; typing more narrows them


@bp.app_context_processor
def unmatched_badge() -> dict[str, Any]:
    """``unmatched_message_count()`` for the admin tabs: counted only when a page shows it."""
    return {"unmatched_message_count": _unmatched_count}


def _unmatched_count() -> int:
    """How many inbound messages wait for an admin, counted once per request."""
    if "unmatched_count" not in g:
        actor = current_actor()
        if actor is None or not access.can(actor, access.ADMIN):
            return 0
        stmt = select(func.count()).select_from(inbound_messages.unmatched_query().subquery())
        g.unmatched_count = db.session.scalar(stmt) or 0
    return g.unmatched_count


# --- message templates ----------------------------------------------------------------------------


@bp.get("/message-templates")
@permission_required(access.ADMIN)
def templates() -> str:
    """Every template, by name, with the start of its text."""
    return render_template(
        "admin/message_templates.html", templates=templates_service.list_templates()
    )


def _show_template_errors(form: MessageTemplateForm, error: ValidationFailed | Conflict) -> None:
    """Field errors next to their fields; a taken name next to the name."""
    if isinstance(error, Conflict) and error.code == "name_taken":
        error = ValidationFailed(error.message, fields={"name": [error.message]})
    show_service_errors(form, error)


def _template_form_page(form: MessageTemplateForm, template: MessageTemplate | None):
    page = render_template(
        "admin/message_template_form.html",
        form=form,
        template=template,
        placeholders=templates_service.PLACEHOLDERS,
    )
    return page, 422 if form.errors or form.form_errors else 200


@bp.route("/message-templates/new", methods=["GET", "POST"])
@permission_required(access.ADMIN)
def new_template():
    """Write a new template; unknown placeholders are refused."""
    form = MessageTemplateForm()
    if form.validate_on_submit():
        try:
            template = templates_service.create_template(signed_in_actor(), form.to_values())
        except (ValidationFailed, Conflict) as error:
            _show_template_errors(form, error)
        else:
            flash(f"Template {template.name} was created.", "success")
            return redirect(url_for("admin_messages.templates"), code=303)
    return _template_form_page(form, None)


@bp.route("/message-templates/<int:template_id>/edit", methods=["GET", "POST"])
@permission_required(access.ADMIN)
def edit_template(template_id: int):
    """Change a template's name or text."""
    actor = signed_in_actor()
    template = access.get_or_404(actor, MessageTemplate, template_id, access.ADMIN)
    form = MessageTemplateForm(obj=template)
    if form.validate_on_submit():
        try:
            templates_service.update_template(actor, template_id, form.to_values())
        except (ValidationFailed, Conflict) as error:
            _show_template_errors(form, error)
        else:
            flash(f"Template {template.name} was saved.", "success")
            return redirect(url_for("admin_messages.templates"), code=303)
    return _template_form_page(form, template)


@bp.post("/message-templates/<int:template_id>/delete")
@permission_required(access.ADMIN)
def delete_template(template_id: int) -> Response:
    """Delete a template (the page asks first); messages written from it keep their text."""
    actor = signed_in_actor()
    template = access.get_or_404(actor, MessageTemplate, template_id, access.ADMIN)
    name = template.name
    templates_service.delete_template(actor, template_id)
    flash(f"Template {name} was deleted.", "success")
    return redirect(url_for("admin_messages.templates"), code=303)


# --- unmatched inbound messages -------------------------------------------------------------------


def _unmatched_page(page_wanted: int) -> Pagination:
    """One page of unmatched messages; past the end means the last page (after assigning)."""
    query = inbound_messages.unmatched_query()
    page = paginate(query, page_wanted, UNMATCHED_PER_PAGE)
    if not page.items and page.pages and page_wanted > page.pages:
        page = paginate(query, page.pages, UNMATCHED_PER_PAGE)
    g.unmatched_count = page.total  # the tab's badge needs no second count
    return page


def _unmatched_list(status: int = 200, **context: Any) -> Response:
    """The unmatched messages page; ``context`` may open one message's contact search."""
    context = {
        "page": _unmatched_page(context.pop("page_wanted", page_number())),
        "searching_id": None,
        "q": "",
        "choices": [],
        "assign_error": None,
        **context,
    }
    return make_response(render_template("admin/unmatched_messages.html", **context), status)


@bp.get("/messages/unmatched")
@permission_required(access.ADMIN)
def unmatched() -> Response:
    """Inbound messages from numbers no contact has, newest first, each waiting to be filed."""
    return _unmatched_list()


def _contact_choices(q: str) -> list[Contact]:
    """The contacts the typeahead offers for ``q`` (the contacts list's own search)."""
    if not q:
        return []
    stmt = contacts_query(ContactFilters(q=q)).limit(CONTACT_CHOICES)
    return list(db.session.scalars(stmt))


@bp.get("/messages/unmatched/<int:message_id>/contacts")
@permission_required(access.ADMIN)
def contact_choices(message_id: int) -> Response:
    """Contacts matching ``q`` to file the message under: the fragment, or the page with it open."""
    actor = signed_in_actor()
    message = access.get_or_404(actor, Message, message_id, access.ADMIN)
    q = search_text()
    context = {"message": message, "q": q, "choices": _contact_choices(q), "page_number": None}
    if wants_fragment():
        context["page_number"] = positive_int(request.args.get("page"))
        response = make_response(render_template("admin/_contact_choices.html", **context))
    else:
        response = _unmatched_list(searching_id=message_id, q=q, choices=context["choices"])
    response.vary.add("HX-Request")
    return response


def _assigned_notice(message: Message, contact: Contact) -> Markup:
    """What the flash says: where the message went, and a consent change it caused."""
    notice = Markup('The message was filed under <a href="{}">{}</a>.').format(
        url_for("contacts.show", contact_id=contact.id), contact.full_name
    )
    opt_in = inbound_messages.consent_word(message.body)
    if opt_in is False:
        notice += Markup(" It said {}: they are now opted out of messages.").format(
            message.body.strip()
        )
    elif opt_in is True:
        notice += Markup(" It said {}: they are now opted in to messages.").format(
            message.body.strip()
        )
    return notice


@bp.post("/messages/unmatched/<int:message_id>/assign")
@permission_required(access.ADMIN)
def assign(message_id: int) -> Response:
    """File an unmatched message under the chosen contact; the list comes back without it."""
    page_wanted = positive_int(request.form.get("page")) or 1
    contact_id = positive_int(request.form.get("contact_id"))
    if contact_id is None:
        return _unmatched_list(422, page_wanted=page_wanted, assign_error="Choose a contact.")
    try:
        message = inbound_messages.assign_unmatched(signed_in_actor(), message_id, contact_id)
    except (Conflict, NotFound) as error:
        return _unmatched_list(error.status, page_wanted=page_wanted, assign_error=error.message)
    flash(_assigned_notice(message, message.contact), "success")
    target = url_for("admin_messages.unmatched", page=page_wanted if page_wanted > 1 else None)
    return redirect(target, code=303)
