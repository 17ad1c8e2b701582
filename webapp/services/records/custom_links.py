"""A custom object's relation attribute, seen as a generic relationship of the same name.

``GET /api/v2/{slug}/{id}/relationship/{attribute}`` lists the records the attribute points at;
adding or removing one writes the attribute through the store, with its checks and its audit
event. Generic links have no edge attributes: the edge is the target record itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from webapp.extensions import db
from webapp.models.custom_objects import CustomRecord, CustomRecordLink
from webapp.services.errors import OperationNotSupported
from webapp.services.records import custom_store
from webapp.services.records.schema import LinkStore, RelationshipSpec

if TYPE_CHECKING:
    from collections.abc import Callable

    from webapp.access import Actor
    from webapp.services.records.custom_kinds import Attribute, CustomKind


def relationship(
    kind: CustomKind,
    attribute: Attribute,
    target_model: Any,
    target_options: Callable[[], tuple],
    target_archived: Any,
) -> RelationshipSpec:
    """The relationship ``attribute.slug`` to the records of ``target_model``."""
    slug = attribute.slug

    def links(record_id: int):
        return (
            select(target_model)
            .join(CustomRecordLink, CustomRecordLink.target_id == target_model.id)
            .where(CustomRecordLink.record_id == record_id, CustomRecordLink.attribute == slug)
            .options(*target_options())
            .order_by(CustomRecordLink.position, CustomRecordLink.id)
        )

    def find(record_id: int, target_id: int) -> Any:
        return db.session.scalar(links(record_id).where(target_model.id == target_id))

    def add(actor: Actor, record_id: int, target_id: int, values: dict[str, Any]) -> None:
        """Link one more target; a single-valued attribute's target is replaced."""
        record = db.session.get(CustomRecord, record_id)
        current = record.linked_ids(slug)
        if not attribute.multiple:
            custom_store.update(kind, actor, record, {slug: target_id})
        elif target_id not in current:
            custom_store.update(kind, actor, record, {slug: [*current, target_id]})

    def remove(actor: Actor, record_id: int, target_id: int) -> None:
        record = db.session.get(CustomRecord, record_id)
        kept = [target for target in record.linked_ids(slug) if target != target_id]
        custom_store.update(kind, actor, record, {slug: kept if attribute.multiple else None})

    store = LinkStore(
        links=links,
        target_of=lambda target: target,
        edge_json=lambda target: None,
        find=find,
        add=add,
        update_edge=_no_edge_attributes,
        remove=remove,
        target_archived_column=target_archived,
    )
    return RelationshipSpec(
        slug,
        attribute.target,
        "many_to_many" if attribute.multiple else "many_to_one",
        store,
        label=attribute.name,
    )


def _no_edge_attributes(actor: Actor, record_id: int, target_id: int, values: dict) -> None:
    raise OperationNotSupported(
        "Links of a custom object have no attributes of their own; delete the link and add it "
        "again instead."
    )
