"""What merging contacts and merging companies share: finding and checking the records, the
choice of a value per field, following a merged record to where it went, and marking it merged.

A merge keeps one record and folds the others into it. The others are archived with
``merged_into_id`` set, so their pages and API ids answer with where they went; their history
stays where it was, and the kept record's history reads it through ``merged_ids_of``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from webapp import access
from webapp.extensions import db
from webapp.models.base import utcnow
from webapp.services import field_rules
from webapp.services.audit import json_safe, record_event
from webapp.services.errors import (
    BadRequest,
    FieldValueInvalid,
    MergeRefused,
    NotFound,
    RecordMerged,
    UnknownField,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from webapp.access import Actor

MAX_MERGED = 10  # records folded into one at once
MAX_CHAIN = 50  # merges followed from a merged record to where it went at last
LABELS = {"contacts": "contact", "companies": "company"}


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


@dataclass(frozen=True)
class FieldChoice:
    """A field whose value the person merging picks among the records' values.

    ``read`` gives a record side's value as the API shows it; ``given`` reads a value sent in
    ``values`` the same way (raising ``ValueError`` if it cannot be one); ``show`` says it on
    the merge page. A field with ``may_empty`` false never takes the empty value while one
    record has a value (a birthday, whose life event would otherwise be left behind).
    """

    name: str
    label: str
    read: Callable[[Any], Any]
    given: Callable[[Any], Any] = field(default=lambda value: value)
    show: Callable[[Any], str] | None = None
    may_empty: bool = True


@dataclass(frozen=True)
class Option:
    """One value a field may take, and the ids of the records that hold it."""

    value: Any
    holder_ids: tuple[int, ...]
    shown: str


@dataclass(frozen=True)
class FieldOptions:
    """A field's values across the records, and the one a merge takes unless told otherwise."""

    choice: FieldChoice
    options: tuple[Option, ...]
    default: Any

    @property
    def differs(self) -> bool:
        return len(self.options) > 1

    @property
    def default_holder_id(self) -> int:
        return next(o.holder_ids[0] for o in self.options if o.value == self.default)

    def option_of(self, record_id: int) -> Option | None:
        """The value a record holds, if it is one the field may take."""
        return next((o for o in self.options if record_id in o.holder_ids), None)


def text_given(value: Any) -> str | None:
    """A text value as sent: a string, or null/empty for none."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("Send text, or null.")
    return value


def id_given(value: Any) -> str | None:
    """An id as sent, a number or a string of digits, as the string the API shows."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("Send an id.")
    return str(field_rules.record_id(value))


def field_options(choices: tuple[FieldChoice, ...], sides: list[Any]) -> list[FieldOptions]:
    """Each field's values across ``sides`` (the kept record's first), and its default: the kept
    record's value, or, where that is empty, the first other record's that is not."""
    found = []
    for choice in choices:
        holders: dict[Any, list[Any]] = {}
        for side in sides:
            value = choice.read(side)
            holders.setdefault(None if is_empty(value) else value, []).append(side)
        if not choice.may_empty and len(holders) > 1:
            holders.pop(None, None)
        options = tuple(
            Option(value, tuple(s.id for s in held), _shown(choice, held[0], value))
            for value, held in holders.items()
        )
        # The kept record's value comes first, so it wins unless it is empty.
        default = next((o.value for o in options if o.value is not None), None)
        found.append(FieldOptions(choice, options, default))
    return found


def _shown(choice: FieldChoice, side: Any, value: Any) -> str:
    if value is None:
        return "(empty)"
    return choice.show(side) if choice.show else str(value)


def chosen_values(
    choices: tuple[FieldChoice, ...],
    sides: list[Any],
    values: Any = None,
    sources: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Every field's value after the merge: ``values`` names a field's value (one of the
    records'), ``sources`` the id of the record whose value it takes; the rest take defaults."""
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise BadRequest("values is an object of field names and values.", code="invalid_json")
    known = {choice.name: choice for choice in choices}
    unknown = sorted(name for name in values if name not in known)
    if unknown:
        raise UnknownField(
            f"Unknown field: {', '.join(unknown)}. Fields: {', '.join(known)}.",
            fields={name: ["This is not a field a merge chooses."] for name in unknown},
        )
    by_id = {side.id: side for side in sides}
    result, problems = {}, {}
    for options in field_options(choices, sides):
        name = options.choice.name
        allowed = {option.value for option in options.options}
        try:
            value = _wanted(options, values, sources or {}, by_id)
        except ValueError as exc:
            problems[name] = [str(exc)]
            continue
        if value not in allowed:
            problems[name] = ["Choose one of the records' values for this field."]
            continue
        result[name] = value
    if problems:
        raise FieldValueInvalid("Some values are not among the records' values.", fields=problems)
    return result


def _wanted(options: FieldOptions, values: dict, sources: dict[str, int], by_id: dict) -> Any:
    choice = options.choice
    if choice.name in values:
        value = choice.given(values[choice.name])
        return None if is_empty(value) else value
    if choice.name in sources:
        side = by_id.get(sources[choice.name])
        if side is None:
            raise ValueError("Choose one of the records being merged.")
        value = choice.read(side)
        if is_empty(value) and not choice.may_empty:
            return options.default
        return None if is_empty(value) else value
    return options.default


# --- finding and checking the records ---


def record_ids(raw: Any, name: str = "from") -> list[int]:
    """The ids of the records to fold in, as sent: a list of ids, each once."""
    if not isinstance(raw, list) or not raw:
        raise BadRequest(
            f"{name} is a list of the ids of the records to merge into this one.",
            fields={name: ["Give a list of record ids."]},
            code="invalid_json",
        )
    ids: list[int] = []
    for item in raw:
        try:
            record_id = None if isinstance(item, bool) else field_rules.record_id(item)
        except ValueError:
            record_id = None
        if record_id is None:
            raise FieldValueInvalid(
                f"{item!r} is not a record id.", fields={name: [f"{item!r} is not a record id."]}
            )
        if record_id not in ids:
            ids.append(record_id)
    return ids


def merged_into(model: type, record: Any) -> int:
    """Where a merged record went at last: the end of its chain of merges."""
    seen, target = {record.id}, record.merged_into_id
    for _ in range(MAX_CHAIN):
        further = db.session.scalar(select(model.merged_into_id).where(model.id == target))
        if further is None or further in seen:
            return target
        seen.add(target)
        target = further
    return target


def refuse_merged(model: type, record: Any, label: str) -> None:
    """Raise ``RecordMerged`` (410) if the record was merged into another."""
    if record.merged_into_id is None:
        return
    target = merged_into(model, record)
    raise RecordMerged(
        f"The {label} with id {record.id} was merged into {label} {target}.",
        details={"record_id": str(record.id), "merged_into": str(target)},
    )


def load_for_merge(
    actor: Actor,
    model: type,
    kept_id: int,
    merged_ids: Iterable[int],
    permission: str,
    *,
    lock: bool = False,
) -> tuple[Any, list[Any]]:
    """The record to keep and the records to fold into it, checked: all exist, none merged
    already, the kept one live, at most ``MAX_MERGED``, and the actor may merge them all.
    With ``lock``, their rows stay locked until the transaction ends (PostgreSQL)."""
    access.require(actor, permission)
    label = LABELS[model.__tablename__]
    others = list(dict.fromkeys(merged_ids))
    _refuse_impossible(label, kept_id, others)
    found = _found(model, label, [kept_id, *others], lock)
    kept = found[kept_id]
    if kept.archived_at is not None:
        raise MergeRefused(
            f"The {label} to keep is archived: restore it first.",
            details={"record_id": str(kept_id)},
            code="record_archived",
        )
    access.require_merge(actor, [record.owner_id for record in found.values()], permission)
    return kept, [found[i] for i in others]


def _refuse_impossible(label: str, kept_id: int, others: list[int]) -> None:
    if kept_id in others:
        raise MergeRefused(
            f"A {label} cannot be merged into itself.",
            details={"record_id": str(kept_id)},
            code="merge_into_itself",
        )
    if len(others) > MAX_MERGED:
        raise MergeRefused(
            f"Merge at most {MAX_MERGED} records at once.",
            details={"max": MAX_MERGED, "given": len(others)},
            code="too_many_records",
        )


def _found(model: type, label: str, wanted: list[int], lock: bool) -> dict[int, Any]:
    """The records by id; a missing one is ``NotFound``, a merged one ``RecordMerged``."""
    stmt = select(model).where(model.id.in_(wanted)).order_by(model.id)
    if lock:
        # Two merges of the same record at once: the second waits, then finds it merged (410).
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    found = {record.id: record for record in db.session.scalars(stmt)}
    for record_id in wanted:
        if record_id not in found:
            raise NotFound(
                f"No {label} with id {record_id}.", details={"record_id": str(record_id)}
            )
        refuse_merged(model, found[record_id], label)
    return found


# --- after the merge ---


@dataclass
class MergeContext:
    """One merge in progress: who merges, what is kept, what is folded in, what moved."""

    actor: Actor
    kept: Any
    merged: list[Any]
    chosen: dict[str, Any] = field(default_factory=dict)
    moved: Counter = field(default_factory=Counter)

    @property
    def merged_ids(self) -> list[int]:
        return [record.id for record in self.merged]


def run_movers(context: MergeContext, movers: dict[tuple[str, str], Callable]) -> None:
    """Call each mover once, in order (one function may serve two columns)."""
    for mover in dict.fromkeys(movers.values()):
        mover(context)


def flatten_chain(model: type, context: MergeContext) -> None:
    """Records merged earlier into a record merged now point at the kept one from now on."""
    db.session.execute(
        update(model)
        .where(model.merged_into_id.in_(context.merged_ids))
        .values(merged_into_id=context.kept.id)
        .execution_options(synchronize_session="fetch")
    )


def mark_merged(context: MergeContext, object_type: str, changes: dict) -> None:
    """Archive each merged record with ``merged_into_id``; one ``merge`` event on each of them,
    and one on the kept record naming them all with what changed on it."""
    kept = context.kept
    for record in context.merged:
        archived_before = record.archived_at
        record.merged_into_id = kept.id
        record.archived_at = archived_before or utcnow()
        record_event(
            context.actor,
            "merge",
            object_type,
            record.id,
            {
                "merged_into_id": {"before": None, "after": kept.id},
                "archived_at": {"before": archived_before, "after": record.archived_at},
            },
        )
    summary = {
        "merged_ids": {"before": None, "after": context.merged_ids},
        "moved": {"before": None, "after": json_safe(dict(context.moved))},
    }
    record_event(context.actor, "merge", object_type, kept.id, summary | changes)
    db.session.flush()


def merged_ids_of(model: type, kept_id: int):
    """A select of the ids of the records merged into ``kept_id`` (merges flatten their chains,
    so one level is all of them)."""
    return select(model.id).where(model.merged_into_id == kept_id)
