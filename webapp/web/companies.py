"""Companies and clients: the searchable list, the company page, and the create and edit forms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from webapp import access
from webapp.extensions import db
from webapp.guards import permission_required, signed_in_actor
from webapp.models import ClientProfile, Company, Contact, ContactCompanyLink
from webapp.services import companies
from webapp.services.company_search import companies_query, company_choices
from webapp.services.errors import Conflict, NotFound, RecordMerged, ValidationFailed
from webapp.services.merging_common import refuse_merged
from webapp.web.forms.companies import CompanyForm
from webapp.web.formtools import show_service_errors
from webapp.web.listing import RowPagination, page_number, search_text, wants_fragment

if TYPE_CHECKING:
    from flask import Response

bp = Blueprint("companies", __name__)

PER_PAGE = 25
CONTACTS_SHOWN = 50


@bp.get("/companies")
@permission_required(access.RELATIONSHIPS_VIEW)
def index() -> Response:
    """All companies, or clients only, with live search; htmx gets just the results fragment."""
    q = search_text()
    clients_only = request.args.get("clients") == "1"
    page = RowPagination(
        select=companies_query(q, clients_only=clients_only),
        session=db.session(),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    list_args = {k: v for k, v in {"q": q, "clients": "1" if clients_only else None}.items() if v}
    fragment = wants_fragment()
    template = "companies/_results.html" if fragment else "companies/index.html"
    response = make_response(
        render_template(
            template,
            page=page,
            q=q,
            clients_only=clients_only,
            list_args=list_args,
            fragment=fragment,
        )
    )
    response.vary.add("HX-Request")
    return response


def _company_or_404(company_id: int) -> Company:
    """The company with everything its page shows, loaded up front."""
    company = db.session.get(
        Company,
        company_id,
        options=[
            selectinload(Company.domains),
            joinedload(Company.owner),
            joinedload(Company.client_profile).joinedload(ClientProfile.account_manager),
        ],
    )
    if company is None:
        raise NotFound(f"No company with id {company_id}.")
    refuse_merged(Company, company, "company")
    return company


@bp.errorhandler(RecordMerged)
def merged_company(error: RecordMerged) -> Response:
    """A merged company's pages lead to the company it was merged into."""
    flash("That company was merged into this one.", "info")
    return redirect(url_for("companies.show", company_id=int(error.details["merged_into"])))


def _live_contact_links(company_id: int) -> list[ContactCompanyLink]:
    """The company's links to live contacts, primary first, with the contacts and their emails."""
    stmt = (
        select(ContactCompanyLink)
        .join(ContactCompanyLink.contact)
        .where(ContactCompanyLink.company_id == company_id, Contact.archived_at.is_(None))
        .options(contains_eager(ContactCompanyLink.contact).selectinload(Contact.emails))
        .order_by(
            ContactCompanyLink.is_primary.desc(),
            Contact.last_name,
            Contact.first_name,
            Contact.id,
        )
        .limit(CONTACTS_SHOWN)
    )
    return list(db.session.scalars(stmt))


def _live_contact_count(company_id: int) -> int:
    stmt = (
        select(func.count(ContactCompanyLink.id))
        .join(ContactCompanyLink.contact)
        .where(ContactCompanyLink.company_id == company_id, Contact.archived_at.is_(None))
    )
    return db.session.scalar(stmt) or 0


@bp.get("/companies/choices")
@permission_required(access.RELATIONSHIPS_VIEW)
def choices() -> Response:
    """The Company filter's suggestions for the text typed (``company_name``), best match first:
    the options of its list box, for htmx (docs/search.md, "Picking a company")."""
    text = search_text("company_name")
    html = render_template("companies/_choices.html", choices=company_choices(text), text=text)
    response = make_response(html)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/companies/<int:company_id>")
@permission_required(access.RELATIONSHIPS_VIEW)
def show(company_id: int) -> str:
    """One company: its facts, client profile and the people who work there."""
    company = _company_or_404(company_id)
    return render_template(
        "companies/show.html",
        company=company,
        contact_links=_live_contact_links(company_id),
        contact_count=_live_contact_count(company_id),
    )


def _render_form(form: CompanyForm, company: Company | None) -> tuple[str, int]:
    status = 422 if form.errors else 200
    return render_template("companies/form.html", form=form, company=company), status


@bp.route("/companies/new", methods=["GET", "POST"])
@permission_required(access.RELATIONSHIPS_UPDATE)
def new():
    """Create a company, and its client profile when it is a client."""
    form = CompanyForm()
    if form.validate_on_submit():
        try:
            company = companies.create_company(signed_in_actor(), form.company_input())
        except (ValidationFailed, Conflict) as error:
            show_service_errors(form, error)
        else:
            flash(f"{company.name} was added.", "success")
            return redirect(url_for("companies.show", company_id=company.id), code=303)
    return _render_form(form, None)


@bp.route("/companies/<int:company_id>/edit", methods=["GET", "POST"])
@permission_required(access.RELATIONSHIPS_UPDATE)
def edit(company_id: int):
    """Edit a company; unticking "client" removes its client profile."""
    company = _company_or_404(company_id)
    form = CompanyForm.for_company(company)
    if form.validate_on_submit():
        try:
            companies.update_company(signed_in_actor(), company_id, form.company_input())
        except (ValidationFailed, Conflict) as error:
            show_service_errors(form, error)
        else:
            flash(f"{company.name} was saved.", "success")
            return redirect(url_for("companies.show", company_id=company_id), code=303)
    return _render_form(form, company)
