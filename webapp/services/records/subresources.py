"""Sub-resources (reference 001): one item at a time on a record's list field.

A contact's emails and phone numbers and an account's domains are lists whose first item is the
primary one. Adding or removing one item writes the whole list back through the record type's
store, so the pages' service checks it, keeps emails and domains unique (409) and audits it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from webapp import access
from webapp.extensions import db
from webapp.services import field_rules
from webapp.services.errors import FieldValueInvalid, NotFound
from webapp.services.records.attributes import api_names
from webapp.services.records.records import load, reloaded
from webapp.services.records.registry import record_type
from webapp.services.records.values import MAX_ITEMS, read_value
from webapp.services.validation import FieldErrors

if TYPE_CHECKING:
    from webapp.access import Actor
    from webapp.services.records.schema import FieldSpec, RecordType


@dataclass(frozen=True)
class SubResource:
    """A record type's list field (``list_field``), served at ``/{record_type}/{id}/{path}``;
    a body names one of its items by ``item_field``."""

    record_type: str
    path: str
    list_field: str
    item_field: str

    @property
    def kind(self) -> RecordType:
        return record_type(self.record_type)

    @property
    def item_spec(self) -> FieldSpec:
        """One item of the list, read by the list field's own value type."""
        listed = self.kind.field(self.list_field)
        return replace(listed, api_name=self.item_field, multiple=False, nullable=False)

    @property
    def plural(self) -> str:
        return self.path.replace("_", " ")


CONTACT_EMAILS = SubResource("contact", "emails", "contact_emails", "email")
CONTACT_PHONE_NUMBERS = SubResource("contact", "phone_numbers", "phone_numbers", "phone_number")
ACCOUNT_DOMAINS = SubResource("account", "domains", "domains", "domain")


@dataclass(frozen=True)
class Added:
    """The list after an add, primary first; ``created`` is false when the item was there."""

    items: list[str]
    created: bool


def list_items(actor: Actor, sub: SubResource, record_id: int) -> list[str]:
    """The items of a live record, primary first; archived or missing records are ``NotFound``."""
    access.require(actor, access.CRM_READ)
    return _items(sub, _live(sub, record_id))


def add_item(
    actor: Actor, sub: SubResource, record_id: int, raw_item: Any, is_primary: Any
) -> Added:
    """Add one item (at the end, or first if ``is_primary``). Adding one already there changes
    nothing, unless ``is_primary`` asks to move it first."""
    access.require(actor, access.CRM_WRITE)
    record = _locked(sub, record_id)
    item, primary = _read_body(sub, raw_item, is_primary)
    current = _items(sub, record)
    wanted = _with_item(current, item, primary)
    _check_size(sub, wanted)
    if wanted == current:
        return Added(current, created=False)
    _write(actor, sub, record, wanted)
    return Added(_items(sub, reloaded(sub.kind, record_id)), created=item not in current)


def remove_item(actor: Actor, sub: SubResource, record_id: int, raw_item: str) -> None:
    """Remove the item ``raw_item`` reads as (an email in any case, a phone number in any
    format); the next one becomes primary if it was. An item not on the record is ``NotFound``."""
    access.require(actor, access.CRM_WRITE)
    record = _locked(sub, record_id)
    current = _items(sub, record)
    item = _normalised(sub, raw_item)
    if item not in current:
        raise NotFound(
            f"{raw_item} is not one of the {sub.plural} of {sub.record_type} {record_id}. "
            f"GET /api/v2/{sub.record_type}/{record_id}/{sub.path} lists them.",
            details={"record_id": str(record_id), sub.item_field: raw_item},
        )
    _write(actor, sub, record, [other for other in current if other != item])


def _with_item(current: list[str], item: str, primary: bool) -> list[str]:
    """The list with ``item``: moved or put first if ``primary``, else appended unless there."""
    if primary:
        return [item, *(other for other in current if other != item)]
    return current if item in current else [*current, item]


def _live(sub: SubResource, record_id: int) -> Any:
    return load(sub.kind, record_id, include_archived=False)


def _locked(sub: SubResource, record_id: int) -> Any:
    """The live record, its row locked until the request commits: two writes to one list queue
    up, so neither loses the other's item (on PostgreSQL; SQLite has no row locks)."""
    model = sub.kind.store.model
    db.session.execute(select(model.id).where(model.id == record_id).with_for_update())
    return _live(sub, record_id)


def _items(sub: SubResource, record: Any) -> list[str]:
    return list(sub.kind.field(sub.list_field).read(record))


def _read_body(sub: SubResource, raw_item: Any, is_primary: Any) -> tuple[str, bool]:
    errors = FieldErrors()
    item = errors.read(sub.item_field, lambda value: read_value(sub.item_spec, value), raw_item)
    primary = errors.read("is_primary", field_rules.flag, is_primary)
    if errors.fields:
        raise FieldValueInvalid("Some values could not be read.", fields=errors.fields)
    return item, primary


def _normalised(sub: SubResource, raw_item: str) -> str:
    """``raw_item`` as stored, if it reads as an item; else as given, so it matches nothing."""
    try:
        return read_value(sub.item_spec, raw_item)
    except ValueError:
        return raw_item.strip()


def _check_size(sub: SubResource, items: list[str]) -> None:
    if len(items) > MAX_ITEMS:
        raise FieldValueInvalid(
            f"A {sub.record_type} keeps at most {MAX_ITEMS} {sub.plural}.",
            fields={sub.item_field: [f"Remove one of the {MAX_ITEMS} {sub.plural} first."]},
        )


def _write(actor: Actor, sub: SubResource, record: Any, items: list[str]) -> None:
    """The whole list through the type's store (the pages' service, with ``crm:write``);
    its errors name the body's field (``email``), not the list's (``contact_emails``)."""
    with api_names({sub.list_field: sub.item_field}):
        sub.kind.store.update(actor, record, {sub.list_field: items})
