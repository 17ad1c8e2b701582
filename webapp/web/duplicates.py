"""Duplicates: the likely pairs of contacts and of companies, "Not a duplicate", and the merge
page where one record is kept and, field by field, the values that win are chosen."""

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
from flask_sqlalchemy.pagination import Pagination

from webapp import access
from webapp.guards import permission_required, signed_in_actor
from webapp.services import company_merging, duplicates, duplicates_display, merging
from webapp.services.errors import FieldValueInvalid, NotFound, RecordMerged
from webapp.services.validation import positive_int
from webapp.web.listing import page_number

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

bp = Blueprint("duplicates", __name__)

PER_PAGE = 25
KINDS = {"contact": "contacts", "company": "companies"}


class ListPagination(Pagination):
    """The pagination helper of the list pages, over pairs already found and ranked."""

    def _query_items(self) -> list:
        found = self._query_args["found"]
        return found[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["found"])


def _pairs_page(kind: str) -> ListPagination:
    """One page of the kind's likely pairs."""
    per_page = current_app.config.get("DUPLICATES_PER_PAGE", PER_PAGE)
    return ListPagination(
        page=page_number(), per_page=per_page, error_out=False, found=duplicates.pairs_of(kind)
    )


def _actable(actor, pairs: list[tuple[int, int]], records: dict[int, Any]) -> set:
    """The pairs ``actor`` may merge or mark (both records still there)."""
    return {
        ids
        for ids in pairs
        if all(i in records for i in ids)
        and access.may_merge(actor, [records[i].owner_id for i in ids], access.RELATIONSHIPS_UPDATE)
    }


def _list(kind: str) -> Response:
    actor = signed_in_actor()
    page = _pairs_page(kind)
    marks, marked_total = duplicates.marked_pairs(kind)
    ids = {i for pair in page.items for i in pair.ids} | {
        i for mark in marks for i in (mark.low_id, mark.high_id)
    }
    records = duplicates_display.records_for_display(kind, ids)
    mark_ids = [(mark.low_id, mark.high_id) for mark in marks]
    response = make_response(
        render_template(
            "duplicates/index.html",
            kind=kind,
            page=page,
            records=records,
            actable=_actable(actor, [pair.ids for pair in page.items], records),
            marks=marks,
            marked_total=marked_total,
            actable_marks=_actable(actor, mark_ids, records),
            people=duplicates_display.people_counts(records) if kind == "company" else {},
        )
    )
    response.vary.add("HX-Request")
    return response


@bp.get("/duplicates")
@permission_required(access.RELATIONSHIPS_VIEW)
def contacts() -> Response:
    """Likely duplicate contacts, strongest first, each pair with its reasons."""
    return _list("contact")


@bp.get("/duplicates/companies")
@permission_required(access.RELATIONSHIPS_VIEW)
def companies() -> Response:
    """Likely duplicate companies: the same web domain, or the same name."""
    return _list("company")


def _pair_from_form() -> tuple[str, list[int]]:
    kind = request.form.get("kind", "contact")
    if kind not in KINDS:
        raise NotFound(f"No duplicates of {kind[:40]}.")
    ids = [positive_int(raw) for raw in request.form.getlist("ids")]
    if None in ids:
        raise NotFound("No such record.")
    return kind, ids


@bp.post("/duplicates/not-duplicate")
@permission_required(access.RELATIONSHIPS_UPDATE)
def not_duplicate() -> Response | tuple[str, int]:
    """Mark a pair "not a duplicate": htmx removes its row (with an Undo at hand and the count
    brought up to date), a plain form goes back to the list."""
    kind, ids = _pair_from_form()
    duplicates.mark_not_duplicate(signed_in_actor(), kind, ids)
    message = "Marked as not a duplicate: the pair will not be suggested again."
    if request.htmx:
        left = len(duplicates.pairs_of(kind))
        page = render_template(
            "duplicates/_marked.html", message=message, kind=kind, ids=sorted(ids), left=left
        )
        return page, 200
    flash(message, "success")
    return redirect(_list_url(kind), 303)


@bp.post("/duplicates/suggest-again")
@permission_required(access.RELATIONSHIPS_UPDATE)
def suggest_again() -> Response:
    """Take a "not a duplicate" mark back: the pair shows again while it still looks like one."""
    kind, ids = _pair_from_form()
    duplicates.unmark_not_duplicate(signed_in_actor(), kind, ids)
    flash("No longer marked: the pair is suggested again while it still looks like one.", "success")
    return redirect(_list_url(kind), 303)


def _list_url(kind: str) -> str:
    return url_for("duplicates.contacts" if kind == "contact" else "duplicates.companies")


# --- the merge pages ---


@bp.errorhandler(RecordMerged)
def merged_already(error: RecordMerged) -> Response:
    """A record merged already (by someone else a moment ago, say): open where it went."""
    flash(f"{error.message} Nothing else was changed.", "info")
    target = int(error.details["merged_into"])
    if request.endpoint in ("duplicates.merge_companies_page", "duplicates.merge_companies"):
        return redirect(url_for("companies.show", company_id=target), 303)
    return redirect(url_for("contacts.show", contact_id=target), 303)


def _others(kept_id: int) -> list[int]:
    """The ids to fold into the kept record, from ``other`` (query or form); a bad one is 404."""
    raw = request.values.getlist("other")
    ids = [positive_int(value) for value in raw]
    if not ids or None in ids:
        raise NotFound("Choose the records to merge from the Duplicates page.")
    return [i for i in dict.fromkeys(ids) if i != kept_id] or [kept_id]


def _sources(plan: Any) -> dict[str, int]:
    """The record each differing field takes its value from, as the radios say."""
    sources = {}
    for options in plan.fields:
        chosen = positive_int(request.form.get(f"field-{options.choice.name}"))
        if chosen is not None:
            sources[options.choice.name] = chosen
    return sources


def _merge_page(kind: str, plan: Any, status: int = 200, error: str | None = None):
    page = render_template(
        "duplicates/merge.html",
        kind=kind,
        plan=plan,
        moving=counted(plan.moving) if plan.moving else "",
        error=error,
    )
    return page, status


@bp.get("/contacts/<int:contact_id>/merge")
@permission_required(access.RELATIONSHIPS_UPDATE)
def merge_contacts_page(contact_id: int):
    """Two (or more) contacts side by side: a radio for each field whose values differ."""
    plan = merging.contact_merge_plan(
        signed_in_actor(), contact_id, _others(contact_id), access.RELATIONSHIPS_UPDATE
    )
    return _merge_page("contact", plan)


@bp.post("/contacts/<int:contact_id>/merge")
@permission_required(access.RELATIONSHIPS_UPDATE)
def merge_contacts(contact_id: int):
    """Merge, then open the kept contact with a note of what came over."""
    actor, others = signed_in_actor(), _others(contact_id)
    plan = merging.contact_merge_plan(actor, contact_id, others, access.RELATIONSHIPS_UPDATE)
    # Named as they were: the kept record may take the other's name ("Jon" into "John").
    names, kept_name = ", ".join(r.full_name for r in plan.merged), plan.kept.full_name
    try:
        done = merging.merge_contacts(actor, contact_id, others, sources=_sources(plan))
    except FieldValueInvalid as error:
        return _merge_page("contact", plan, 422, error.message)
    flash(_merged_note(names, kept_name, done.moved), "success")
    return redirect(url_for("contacts.show", contact_id=done.kept.id), 303)


@bp.get("/companies/<int:company_id>/merge")
@permission_required(access.RELATIONSHIPS_UPDATE)
def merge_companies_page(company_id: int):
    """Two (or more) companies side by side: a radio for each field whose values differ."""
    plan = company_merging.company_merge_plan(
        signed_in_actor(), company_id, _others(company_id), access.RELATIONSHIPS_UPDATE
    )
    return _merge_page("company", plan)


@bp.post("/companies/<int:company_id>/merge")
@permission_required(access.RELATIONSHIPS_UPDATE)
def merge_companies(company_id: int):
    """Merge, then open the kept company with a note of what came over."""
    actor, others = signed_in_actor(), _others(company_id)
    plan = company_merging.company_merge_plan(
        actor, company_id, others, access.RELATIONSHIPS_UPDATE
    )
    names, kept_name = ", ".join(r.name for r in plan.merged), plan.kept.name
    try:
        done = company_merging.merge_companies(actor, company_id, others, sources=_sources(plan))
    except FieldValueInvalid as error:
        return _merge_page("company", plan, 422, error.message)
    flash(_merged_note(names, kept_name, done.moved), "success")
    return redirect(url_for("companies.show", company_id=done.kept.id), 303)


SINGULAR = {
    "people": "person",
    "links to people": "link to a person",
    "links folded": "link folded",
    "birthdays folded": "birthday folded",
    "life events": "life event",
    "phone numbers": "phone number",
    "custom records": "custom record",
    "opportunities": "opportunity",
}


def counted(moved: dict[str, int]) -> str:
    """ "3 actions, 12 messages and 1 life event"."""
    words = [
        f"{count} {SINGULAR.get(noun, noun.removesuffix('s')) if count == 1 else noun}"
        for noun, count in moved.items()
    ]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _merged_note(merged: str, kept: str, moved: dict[str, int]) -> str:
    """ "Merged Jon Smith into John Smith (3 actions and 12 messages)."."""
    return f"Merged {merged} into {kept}" + (f" ({counted(moved)})." if moved else ".")
