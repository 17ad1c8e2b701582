"""Many creates and ``_assert``s of one record type in one call, each with its own outcome.

Every item runs in its own SAVEPOINT: an item that fails rolls back only its own writes (and,
on PostgreSQL, the failed statement with them), so the items before and after it still stand.
The request boundary then commits whatever succeeded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from webapp import access
from webapp.extensions import db
from webapp.services.errors import BadRequest, Conflict, DomainError, UnknownField
from webapp.services.records import records
from webapp.services.records.registry import record_type

if TYPE_CHECKING:
    from webapp.access import Actor
    from webapp.services.records.schema import RecordType

MAX_ITEMS = 100
ITEM_KEYS = ("match", "attributes")

# Turns a written record into what the caller shows for it (the API passes ``record_json``).
Present = Callable[["RecordType", Any], Any]


@dataclass(frozen=True)
class ItemOutcome:
    """What became of one item: the record as it stood right after its write, or the error."""

    index: int
    status: int
    action: str | None = None
    record: Any = None
    error: DomainError | None = None

    @property
    def succeeded(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class BatchOutcome:
    items: list[ItemOutcome]

    @property
    def succeeded(self) -> int:
        return sum(1 for item in self.items if item.succeeded)

    @property
    def failed(self) -> int:
        return len(self.items) - self.succeeded


def run_batch(actor: Actor, type_name: str, items: Any, present: Present) -> BatchOutcome:
    """Create (no ``match``) or assert (with ``match``) each item in order.

    The batch as a whole is refused (nothing written) when the actor lacks ``crm:write``, the
    record type is unknown, or ``items`` is not an array of 1 to ``MAX_ITEMS``. Anything wrong
    with one item is that item's outcome only. ``present`` snapshots each written record
    inside its savepoint, so a later item of the batch does not change an earlier result.
    """
    access.require(actor, access.CRM_WRITE)
    record_kind = record_type(type_name)
    _check_size(items)
    return BatchOutcome(
        [_run_item(actor, record_kind, index, item, present) for index, item in enumerate(items)]
    )


def _check_size(items: Any) -> None:
    if not isinstance(items, list):
        raise BadRequest(
            f"Send records as an array of 1 to {MAX_ITEMS} items.",
            fields={"records": ["This must be an array."]},
            code="invalid_json",
        )
    if not 1 <= len(items) <= MAX_ITEMS:
        raise BadRequest(
            f"A batch holds 1 to {MAX_ITEMS} records; this one has {len(items)}. "
            f"Split larger imports into batches of {MAX_ITEMS}.",
            fields={"records": [f"Send between 1 and {MAX_ITEMS} items."]},
            code="batch_size_invalid",
        )


def _run_item(
    actor: Actor, record_kind: RecordType, index: int, item: Any, present: Present
) -> ItemOutcome:
    """One item inside its own savepoint; a failure rolls back this item and nothing else."""
    try:
        with db.session.begin_nested():
            record, created = _write(actor, record_kind.api_name, item)
            shown = present(record_kind, record)
    except DomainError as exc:
        return ItemOutcome(index, exc.status, error=exc)
    except IntegrityError:
        # The database's unique index caught what the services' checks did not (a race).
        conflict = Conflict(
            "This item would repeat a unique value another record holds. Reload and try again.",
            details={"index": index},
        )
        return ItemOutcome(index, conflict.status, error=conflict)
    if created:
        return ItemOutcome(index, 201, action="created", record=shown)
    return ItemOutcome(index, 200, action="updated", record=shown)


def _write(actor: Actor, type_name: str, item: Any) -> tuple[Any, bool]:
    """The written record, and whether it is new."""
    _check_item(item)
    if "match" in item:
        asserted = records.assert_record(
            actor, type_name, item["match"], item.get("attributes", {})
        )
        return asserted.record, asserted.created
    return records.create_record(actor, type_name, item["attributes"]), True


def _check_item(item: Any) -> None:
    takes = "an object with attributes (to create) or match and attributes (to assert)"
    if not isinstance(item, dict):
        raise BadRequest(f"Send each item as {takes}.", code="invalid_json")
    unknown = sorted(key for key in item if key not in ITEM_KEYS)
    if unknown:
        raise UnknownField(
            f"Unknown key in this item: {', '.join(unknown)}. An item takes: match, attributes.",
            fields={key: ["This key is not part of a batch item."] for key in unknown},
        )
    if "match" not in item and "attributes" not in item:
        raise BadRequest(
            f"Send {takes}.",
            fields={"attributes": ["This key is required when there is no match."]},
            code="invalid_json",
        )
