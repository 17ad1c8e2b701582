"""``POST /api/v2/{record_type}/_batch``: up to 100 creates and asserts, each answered alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import jsonify

from webapp import access
from webapp.api.serializers import record_json
from webapp.api.v2 import v2
from webapp.api.v2.bodies import json_object
from webapp.api.v2.openapi_v2 import documented_v2
from webapp.guards import permission_required, signed_in_actor
from webapp.services.records import batch

if TYPE_CHECKING:
    from webapp.services.records.batch import ItemOutcome


@v2.post("/<record_type>/_batch")
@documented_v2("batch")
@permission_required(access.CRM_WRITE)
def write_batch(record_type: str):
    """200 whenever the batch was read: each item carries its own status, so the successful
    ones are committed even when others failed."""
    body = json_object(("records",), required=("records",))
    outcome = batch.run_batch(signed_in_actor(), record_type, body["records"], record_json)
    return jsonify(
        {
            "data": [_item_json(item) for item in outcome.items],
            "meta": {
                "total": len(outcome.items),
                "succeeded": outcome.succeeded,
                "failed": outcome.failed,
            },
        }
    )


def _item_json(item: ItemOutcome) -> dict:
    if item.error is not None:
        error = item.error
        return {
            "index": item.index,
            "status": item.status,
            "error": {"code": error.code, "message": error.message, "details": error.details},
        }
    return {"index": item.index, "status": item.status, "action": item.action, "data": item.record}
