"""People linked to people (reference 004): one stored edge, "A is <type> of B", read both ways.

Read from B's side the same edge is "B is <reverse name> of A": there is never a second row
that could drift from the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from webapp import access
from webapp.extensions import db
from webapp.models import Contact, ContactRelationship, RelationshipType, RelationshipTypeGroup
from webapp.services import field_rules
from webapp.services.audit import record_event
from webapp.services.errors import Conflict, FieldValueInvalid, NotFound
from webapp.services.validation import FieldErrors

if TYPE_CHECKING:
    from sqlalchemy import Select

    from webapp.access import Actor


@dataclass(frozen=True)
class Reading:
    """An edge as one of its two people reads it: "<name> of <other>"."""

    relationship: ContactRelationship
    name: str
    other: Contact
    reversed: bool


# A type named as a phrase ("assistant of", "has assistant", "introduced") reads on its own; a
# type named as a noun ("uncle") reads with "of": "uncle of John".
_ENDS_A_PHRASE = frozenset({"of", "by", "with", "to", "for", "from"})
_STARTS_A_PHRASE = frozenset({"has", "had", "is", "was", "introduced", "knows", "reports"})


def phrase(name: str) -> str:
    """How a type's name reads before the other person: "uncle of", "has assistant"."""
    words = name.split()
    if not words or words[-1] in _ENDS_A_PHRASE or words[0] in _STARTS_A_PHRASE:
        return name
    return f"{name} of"


def read_from(relationship: ContactRelationship, contact_id: int) -> Reading:
    """The edge from ``contact_id``'s side: the stored name, or the reverse name."""
    kind = relationship.relationship_type
    if relationship.contact_is_id == contact_id:
        return Reading(relationship, kind.name, relationship.of_contact, reversed=False)
    return Reading(
        relationship, kind.name_reverse_relationship, relationship.contact_is, reversed=True
    )


def _loaded() -> tuple:
    return (
        joinedload(ContactRelationship.contact_is),
        joinedload(ContactRelationship.of_contact),
        joinedload(ContactRelationship.relationship_type),
    )


def relationships_of(actor: Actor, contact_id: int, permission: str = access.CRM_READ) -> Select:
    """Every edge the contact is on, either end, oldest first, as a select the caller pages.

    ``permission`` is the caller's channel's: the API's ``crm:read``, the pages'
    ``relationships:view``.
    """
    access.get_or_404(actor, Contact, contact_id, permission)
    either_end = or_(
        ContactRelationship.contact_is_id == contact_id,
        ContactRelationship.of_contact_id == contact_id,
    )
    return (
        select(ContactRelationship)
        .where(either_end)
        .options(*_loaded())
        .order_by(ContactRelationship.id)
    )


def get_relationship(
    actor: Actor, relationship_id: int, permission: str = access.CRM_READ
) -> ContactRelationship:
    """One edge, both people and the type loaded."""
    access.require(actor, permission)
    return _edge(relationship_id)


def _edge(relationship_id: int) -> ContactRelationship:
    stmt = select(ContactRelationship).where(ContactRelationship.id == relationship_id)
    found = db.session.scalar(stmt.options(*_loaded()))
    if found is None:
        raise NotFound(f"No contact relationship with id {relationship_id}.")
    return found


def _contact(errors: FieldErrors, name: str, raw: Any) -> int | None:
    contact_id = errors.read(name, field_rules.record_id, raw)
    if contact_id is None:
        if name not in errors.fields:
            errors.add(name, "Give a contact id.")
        return None
    contact = db.session.get(Contact, contact_id)
    if contact is None:
        errors.add(name, f"There is no contact with id {contact_id}.")
    elif contact.is_archived:
        errors.add(name, f"{contact.full_name} is archived: restore them first.")
    return contact_id


def _type(errors: FieldErrors, raw: Any) -> RelationshipType | None:
    type_id = errors.read("relationship_type_id", field_rules.record_id, raw)
    kind = db.session.get(RelationshipType, type_id) if type_id is not None else None
    if kind is None and "relationship_type_id" not in errors.fields:
        errors.add("relationship_type_id", "Choose a relationship type (GET relationship-types).")
    return kind


def _duplicate(existing: int | None) -> Conflict:
    return Conflict(
        "These two people already have this relationship.",
        details={"relationship_id": existing} if existing is not None else {},
        code="duplicate_relationship",
    )


def _refuse_duplicate(contact_is: int, type_id: int, of_contact: int, keep: int | None) -> None:
    """One edge of a type between two people, whichever way round it was stored.

    The pair index refuses a racing duplicate too; this check names the edge that is there.
    """
    same_pair = or_(
        and_(
            ContactRelationship.contact_is_id == contact_is,
            ContactRelationship.of_contact_id == of_contact,
        ),
        and_(
            ContactRelationship.contact_is_id == of_contact,
            ContactRelationship.of_contact_id == contact_is,
        ),
    )
    stmt = select(ContactRelationship.id).where(
        same_pair, ContactRelationship.relationship_type_id == type_id
    )
    existing = db.session.scalar(stmt)
    if existing is not None and existing != keep:
        raise _duplicate(existing)


def _flush_edge(edge: ContactRelationship) -> None:
    """Write the edge; another request's same edge, committed since our check, is a duplicate."""
    try:
        with db.session.begin_nested():
            db.session.add(edge)
            db.session.flush()
    except IntegrityError:
        raise _duplicate(None) from None


def create_relationship(
    actor: Actor, values: dict[str, Any], permission: str = access.CRM_WRITE
) -> ContactRelationship:
    """Link two contacts: ``contact_is`` is <type> of ``of_contact``.

    ``permission`` is the caller's channel's: the API's ``crm:write``, the pages'
    ``relationships:update``.
    """
    access.require(actor, permission)
    errors = FieldErrors()
    contact_is = _contact(errors, "contact_is", values.get("contact_is"))
    of_contact = _contact(errors, "of_contact", values.get("of_contact"))
    kind = _type(errors, values.get("relationship_type_id"))
    if contact_is is not None and contact_is == of_contact:
        errors.add("of_contact", "A contact cannot be related to themselves.")
    if errors.fields:
        raise FieldValueInvalid("Check the relationship.", fields=errors.fields)
    _refuse_duplicate(contact_is, kind.id, of_contact, keep=None)
    edge = ContactRelationship(
        contact_is_id=contact_is,
        relationship_type_id=kind.id,
        of_contact_id=of_contact,
        created_by_id=actor.user_id,
    )
    _flush_edge(edge)
    created = {
        "contact_is_id": contact_is,
        "relationship_type_id": kind.id,
        "of_contact_id": of_contact,
    }
    record_event(
        actor,
        "create",
        "contact_relationship",
        edge.id,
        {name: {"before": None, "after": value} for name, value in created.items()},
    )
    return _edge(edge.id)


def change_type(
    actor: Actor,
    relationship_id: int,
    values: dict[str, Any],
    permission: str = access.CRM_WRITE,
) -> ContactRelationship:
    """Only the type changes, as reference 004 says: both readings change with it."""
    access.require(actor, permission)
    edge = _edge(relationship_id)
    errors = FieldErrors()
    kind = _type(errors, values.get("relationship_type_id"))
    if errors.fields:
        raise FieldValueInvalid("Check the relationship type.", fields=errors.fields)
    if kind.id != edge.relationship_type_id:
        _refuse_duplicate(edge.contact_is_id, kind.id, edge.of_contact_id, keep=edge.id)
        change = {"before": edge.relationship_type_id, "after": kind.id}
        edge.relationship_type_id = kind.id
        edge.relationship_type = kind
        _flush_edge(edge)
        record_event(
            actor, "update", "contact_relationship", edge.id, {"relationship_type_id": change}
        )
    return edge


def delete_relationship(
    actor: Actor, relationship_id: int, permission: str = access.CRM_WRITE
) -> int:
    """Unlink two people; the one edge goes, so both readings go with it."""
    access.require(actor, permission)
    edge = _edge(relationship_id)
    kept = ("contact_is_id", "relationship_type_id", "of_contact_id")
    snapshot = {name: {"before": getattr(edge, name), "after": None} for name in kept}
    record_event(actor, "delete", "contact_relationship", edge.id, snapshot)
    db.session.delete(edge)
    db.session.flush()
    return relationship_id


# --- the types and their groups ---


def groups_query() -> Select:
    return select(RelationshipTypeGroup).order_by(RelationshipTypeGroup.id)


def types_query() -> Select:
    return select(RelationshipType).order_by(RelationshipType.group_id, RelationshipType.id)


def create_type(actor: Actor, values: dict[str, Any]) -> RelationshipType:
    """An admin's own type, in one of the four groups; it can be deleted while unused."""
    access.require(actor, access.ADMIN)
    errors = FieldErrors()
    rules = {
        "name": lambda v: field_rules.required_text(v, 80),
        "name_reverse_relationship": lambda v: field_rules.required_text(v, 80),
        "relationship_type_group_id": field_rules.record_id,
    }
    read = {name: errors.read(name, rule, values.get(name)) for name, rule in rules.items()}
    group = db.session.get(RelationshipTypeGroup, read["relationship_type_group_id"] or 0)
    if group is None and "relationship_type_group_id" not in errors.fields:
        errors.add("relationship_type_group_id", "Choose a group (GET relationship-type-groups).")
    if errors.fields:
        raise FieldValueInvalid("Check the relationship type.", fields=errors.fields)
    name = read["name"].lower()
    taken = select(RelationshipType.id).where(
        RelationshipType.group_id == group.id, func.lower(RelationshipType.name) == name
    )
    if db.session.scalar(taken) is not None:
        raise Conflict(f"The {group.name} group already has a type called {name}.")
    kind = RelationshipType(
        name=name,
        name_reverse_relationship=read["name_reverse_relationship"].lower(),
        group=group,
        delible=True,
    )
    db.session.add(kind)
    db.session.flush()
    created = {
        "name": name,
        "name_reverse_relationship": kind.name_reverse_relationship,
        "group_id": group.id,
    }
    record_event(
        actor,
        "create",
        "relationship_type",
        kind.id,
        {field: {"before": None, "after": value} for field, value in created.items()},
    )
    return kind


def delete_type(actor: Actor, type_id: int) -> int:
    """Delete an admin's own type; built-in types, and types in use, stay."""
    access.require(actor, access.ADMIN)
    kind = db.session.get(RelationshipType, type_id)
    if kind is None:
        raise NotFound(f"No relationship type with id {type_id}.")
    if not kind.delible:
        raise Conflict(f"{kind.name} is built in and cannot be deleted.", code="type_not_delible")
    in_use = select(ContactRelationship.id).where(
        ContactRelationship.relationship_type_id == type_id
    )
    if db.session.scalar(in_use.limit(1)) is not None:
        raise Conflict(
            f"Some people are linked as {kind.name}: change those links first.", code="type_in_use"
        )
    record_event(
        actor,
        "delete",
        "relationship_type",
        kind.id,
        {"name": {"before": kind.name, "after": None}},
    )
    db.session.delete(kind)
    db.session.flush()
    return type_id


def type_link_counts() -> dict[int, int]:
    """How many stored links use each relationship type, in one query; unused types are absent."""
    stmt = select(ContactRelationship.relationship_type_id, func.count()).group_by(
        ContactRelationship.relationship_type_id
    )
    return {type_id: count for type_id, count in db.session.execute(stmt)}
