"""Duplicates over the records API: the likely pairs of contacts and of accounts, merging, and
marking a pair "not a duplicate" (docs/duplicates.md)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from pydantic import Field

from webapp import access
from webapp.api.documenting import QueryParam, documented
from webapp.api.pagination import page_args
from webapp.api.schemas import Body, Id, Shape
from webapp.api.serializers import record_json
from webapp.api.v2 import v2
from webapp.api.v2.bodies import json_object
from webapp.api.v2.openapi_v2 import RATE_LIMITED
from webapp.guards import permission_required, signed_in_actor
from webapp.services import company_merging, duplicates, duplicates_display, merging
from webapp.services.merging_common import MAX_MERGED, record_ids
from webapp.services.records import registry
from webapp.services.records.records import reloaded

PER_PAGE, MAX_PER_PAGE = 25, 100
# The records API calls a company an account; a not-duplicate mark calls it a company.
KINDS = {"contact": "contact", "account": "company"}
PAGING = (
    QueryParam("page", {"type": "integer", "minimum": 1}, "Page number, from 1"),
    QueryParam(
        "per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, "Default 25"
    ),
)
MERGE_ERRORS = {
    404: "No such record among the kept one and those named in from (record_not_found)",
    410: "A record was merged already (record_merged; details.merged_into names where to)",
    422: "merge_into_itself, too_many_records, record_archived, or a value that is not one "
    "of the records' (field_value_invalid, details.fields names it)",
    **RATE_LIMITED,
}


class DuplicateReason(Shape):
    code: str = Field(description="same_email, same_phone, same_linkedin, same_domain, ...")
    message: str


class DuplicatePair(Shape):
    ids: list[str] = Field(description="The two records' ids, the lower first")
    score: int = Field(description="How strong the likeness is; pairs come strongest first")
    reasons: list[DuplicateReason]
    records: list[dict[str, Any]] = Field(description="The two records, as GET returns them")


class DuplicatePairList(Shape):
    data: list[DuplicatePair]
    meta: dict[str, Any]
    links: dict[str, Any]


class MergeRequest(Body):
    from_: list[Id] = Field(
        alias="from",
        min_length=1,
        max_length=MAX_MERGED,
        description="The ids of the records folded into the one in the path",
    )
    values: dict[str, Any] = Field(
        default_factory=dict,
        description="Field name -> the value that wins, one of the records' values; a field "
        "left out keeps the kept record's value, or another's where that is empty",
    )


class MergeResult(Shape):
    data: dict[str, Any] = Field(description="The kept record, as GET returns it")
    meta: dict[str, Any] = Field(description="merged: the ids folded in; moved: counts")


class NotDuplicateRequest(Body):
    ids: list[Id] = Field(min_length=2, max_length=2, description="The two records' ids")


class NotDuplicateResult(Shape):
    data: dict[str, Any]
    meta: dict[str, Any] = Field(description='action: "created", or "unchanged" if marked before')


def _pairs(record_type: str, endpoint: str):
    """One page of likely pairs, in the records API's list envelope."""
    page, per_page = page_args(PER_PAGE, MAX_PER_PAGE)
    found = duplicates.pairs_of(KINDS[record_type])
    shown = found[(page - 1) * per_page : page * per_page]
    kind = registry.record_type(record_type)
    ids = {record_id for pair in shown for record_id in pair.ids}
    records = duplicates_display.records_for_display(KINDS[record_type], ids)
    data = [
        {
            "ids": [str(i) for i in pair.ids],
            "score": pair.score,
            "reasons": [{"code": r.code, "message": r.message} for r in pair.reasons],
            "records": [record_json(kind, records[i]) for i in pair.ids],
        }
        for pair in shown
    ]
    links = {"self": url_for(endpoint, page=page, per_page=per_page)}
    if page * per_page < len(found):
        links["next"] = url_for(endpoint, page=page + 1, per_page=per_page)
    if page > 1:
        links["prev"] = url_for(endpoint, page=page - 1, per_page=per_page)
    meta = {"page": page, "per_page": per_page, "total": len(found)}
    return jsonify({"data": data, "meta": meta, "links": links})


def _merged(record_type: str, kept_id: int):
    body = json_object(("from", "values"), required=("from",))
    merge = merging.merge_contacts if record_type == "contact" else company_merging.merge_companies
    done = merge(
        signed_in_actor(),
        kept_id,
        record_ids(body["from"]),
        body.get("values", {}),
        permission=access.CRM_WRITE,
    )
    kind = registry.record_type(record_type)
    meta = {"merged": [str(record.id) for record in done.merged], "moved": done.moved}
    return jsonify({"data": record_json(kind, reloaded(kind, done.kept.id)), "meta": meta})


def _marked(record_type: str):
    body = json_object(("ids",), required=("ids",))
    mark, created = duplicates.mark_not_duplicate(
        signed_in_actor(), KINDS[record_type], record_ids(body["ids"], "ids"), access.CRM_WRITE
    )
    shown = {
        "ids": [str(mark.low_id), str(mark.high_id)],
        "record_type": record_type,
        "marked_by": str(mark.marked_by_id) if mark.marked_by_id else None,
        "created_at": mark.created_at.isoformat(),
    }
    return jsonify({"data": shown, "meta": {"action": "created" if created else "unchanged"}})


@v2.get("/contact/_duplicates")
@documented(
    "Likely duplicate contacts, strongest first, with the reasons",
    DuplicatePairList,
    query=PAGING,
    errors=RATE_LIMITED,
)
@permission_required(access.CRM_READ)
def contact_duplicates():
    return _pairs("contact", "api.v2.contact_duplicates")


@v2.get("/account/_duplicates")
@documented(
    "Likely duplicate accounts (same domain, same name), strongest first",
    DuplicatePairList,
    query=PAGING,
    errors=RATE_LIMITED,
)
@permission_required(access.CRM_READ)
def account_duplicates():
    return _pairs("account", "api.v2.account_duplicates")


@v2.post("/contact/<int:record_id>/merge")
@documented(
    "Merge contacts into this one: everything else is carried over",
    MergeResult,
    body=MergeRequest,
    errors=MERGE_ERRORS,
)
@permission_required(access.CRM_WRITE)
def merge_contacts(record_id: int):
    return _merged("contact", record_id)


@v2.post("/account/<int:record_id>/merge")
@documented(
    "Merge accounts into this one: everything else is carried over",
    MergeResult,
    body=MergeRequest,
    errors=MERGE_ERRORS,
)
@permission_required(access.CRM_WRITE)
def merge_accounts(record_id: int):
    return _merged("account", record_id)


@v2.post("/contact/_not_duplicates")
@documented(
    "Mark two contacts as not duplicates: the pair is never suggested again",
    NotDuplicateResult,
    body=NotDuplicateRequest,
    errors={404: "No such contact (record_not_found)", **RATE_LIMITED},
)
@permission_required(access.CRM_WRITE)
def contact_not_duplicates():
    return _marked("contact")


@v2.post("/account/_not_duplicates")
@documented(
    "Mark two accounts as not duplicates: the pair is never suggested again",
    NotDuplicateResult,
    body=NotDuplicateRequest,
    errors={404: "No such account (record_not_found)", **RATE_LIMITED},
)
@permission_required(access.CRM_WRITE)
def account_not_duplicates():
    return _marked("account")
