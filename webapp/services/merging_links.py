"""Links between records, re-pointed by a merge and folded where they would say a thing twice:
people linked to people, people on opportunities, and custom records' relations.

A link that would duplicate one the kept record has (the same type between the same two
people, either way round; the same opportunity; the same relation of the same custom record)
is deleted, audited; a link between two of the records merged into one is dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, select

from webapp.extensions import db
from webapp.models import ContactRelationship, OpportunityContact
from webapp.models.custom_objects import (
    CustomAttribute,
    CustomObject,
    CustomRecord,
    CustomRecordLink,
)
from webapp.services.audit import record_event

if TYPE_CHECKING:
    from webapp.services.merging_common import MergeContext


def _new_end(record_id: int, context: MergeContext) -> int:
    return context.kept.id if record_id in context.merged_ids else record_id


def contact_relationships(context: MergeContext) -> None:
    """Each link of a merged person becomes the kept person's; duplicates fold, and a link
    between two people now one is dropped."""
    involved = [context.kept.id, *context.merged_ids]
    either_end = or_(
        ContactRelationship.contact_is_id.in_(involved),
        ContactRelationship.of_contact_id.in_(involved),
    )
    stmt = select(ContactRelationship).where(either_end).order_by(ContactRelationship.id)
    dropped, moved = _relinked(context, list(db.session.scalars(stmt)))
    for edge in dropped:
        changes = _ends_changed(edge, None, None)
        record_event(context.actor, "delete", "contact_relationship", edge.id, changes)
        db.session.delete(edge)
    db.session.flush()  # the folded links go first: the moved ones may take their places
    for edge, (contact_is_id, of_contact_id) in moved:
        changes = _ends_changed(edge, contact_is_id, of_contact_id)
        edge.contact_is_id, edge.of_contact_id = contact_is_id, of_contact_id
        record_event(context.actor, "update", "contact_relationship", edge.id, changes)
    db.session.flush()
    context.moved["links to people"] += len(moved)
    context.moved["links folded"] += len(dropped)


def _relinked(context: MergeContext, edges: list[ContactRelationship]) -> tuple[list, list]:
    """(links to drop, [(link, its new ends)]): one link per type between two people."""
    merged = set(context.merged_ids)
    taken = {
        _pair_key(edge.contact_is_id, edge.of_contact_id, edge.relationship_type_id)
        for edge in edges
        if not {edge.contact_is_id, edge.of_contact_id} & merged
    }
    dropped, moved = [], []
    for edge in edges:
        if not {edge.contact_is_id, edge.of_contact_id} & merged:
            continue
        ends = (_new_end(edge.contact_is_id, context), _new_end(edge.of_contact_id, context))
        key = _pair_key(*ends, edge.relationship_type_id)
        if ends[0] == ends[1] or key in taken:
            dropped.append(edge)
        else:
            taken.add(key)
            moved.append((edge, ends))
    return dropped, moved


def _ends_changed(edge: ContactRelationship, contact_is_id, of_contact_id) -> dict:
    return {
        "contact_is_id": {"before": edge.contact_is_id, "after": contact_is_id},
        "of_contact_id": {"before": edge.of_contact_id, "after": of_contact_id},
    }


def _pair_key(first: int, second: int, type_id: int) -> tuple[int, int, int]:
    return (min(first, second), max(first, second), type_id)


def opportunity_contacts(context: MergeContext) -> None:
    """The merged people's places on opportunities become the kept person's, one per
    opportunity (the kept person's role, or the merged one's where the kept has none)."""
    involved = [context.kept.id, *context.merged_ids]
    stmt = (
        select(OpportunityContact)
        .where(OpportunityContact.contact_id.in_(involved))
        .order_by(OpportunityContact.contact_id != context.kept.id, OpportunityContact.id)
    )
    seats: dict[int, OpportunityContact] = {}
    moved = 0
    for seat in db.session.scalars(stmt):
        held = seats.get(seat.opportunity_id)
        if held is None:
            seats[seat.opportunity_id] = seat
            if seat.contact_id != context.kept.id:
                seat.contact_id = context.kept.id
                moved += 1
            continue
        if not held.role and seat.role:
            held.role = seat.role
        db.session.delete(seat)
    db.session.flush()
    context.moved["opportunities"] += moved


def custom_relations(context: MergeContext, target_type: str) -> None:
    """Custom records' relation attributes pointing at a merged record point at the kept one;
    a record already linked to the kept one by that attribute keeps one link."""
    involved = [context.kept.id, *context.merged_ids]
    relation = and_(
        CustomAttribute.object_id == CustomRecord.object_id,
        CustomAttribute.slug == CustomRecordLink.attribute,
        CustomAttribute.value_type == "relation",
        CustomAttribute.target_type == target_type,
    )
    stmt = (
        select(CustomRecordLink, CustomObject.slug)
        .join(CustomRecord, CustomRecord.id == CustomRecordLink.record_id)
        .join(CustomObject, CustomObject.id == CustomRecord.object_id)
        .join(CustomAttribute, relation)
        .where(CustomRecordLink.target_id.in_(involved))
        .order_by(CustomRecordLink.target_id != context.kept.id, CustomRecordLink.id)
    )
    linked: set[tuple[int, str]] = set()
    moved = 0
    for link, slug in db.session.execute(stmt):
        key = (link.record_id, link.attribute)
        if key in linked:
            db.session.delete(link)
            continue
        linked.add(key)
        if link.target_id != context.kept.id:
            changes = {link.attribute: {"before": [link.target_id], "after": [context.kept.id]}}
            record_event(context.actor, "update", f"custom_record:{slug}", link.record_id, changes)
            link.target_id = context.kept.id
            moved += 1
    db.session.flush()
    context.moved["custom records"] += moved
