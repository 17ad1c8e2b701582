"""The demo firm's web of people: colleagues, bosses and assistants at each client, and the
former colleagues, introducers, board members, friends and family that reach across companies,
so that the relationship map and warm introductions have something to show."""

from __future__ import annotations

import random
from itertools import pairwise
from typing import TYPE_CHECKING

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import RelationshipType
from webapp.services import contact_relationships

if TYPE_CHECKING:
    from webapp.access import Actor
    from webapp.models import Contact

INSIDE = ("colleague", "colleague", "boss", "manager of", "assistant of", "mentor")
ACROSS = ("former colleague", "introduced by", "board member with", "friend", "best friend")
FAMILY = ("spouse", "sibling", "cousin", "uncle", "parent")


def seed_people_links(actor: Actor, rng: random.Random, contacts: list[Contact]) -> int:
    """Link the demo contacts through the service; return how many links were made."""
    kinds = {kind.name: kind.id for kind in db.session.scalars(select(RelationshipType))}
    made: set[frozenset[int]] = set()

    def link(a: Contact, name: str, b: Contact) -> None:
        pair = frozenset((a.id, b.id))
        if a.id == b.id or pair in made:
            return
        made.add(pair)
        values = {"contact_is": a.id, "relationship_type_id": kinds[name], "of_contact": b.id}
        contact_relationships.create_relationship(actor, values)

    by_company: dict[int, list[Contact]] = {}
    for contact in contacts:
        if contact.company_links and not contact.is_archived:
            by_company.setdefault(contact.company_links[0].company_id, []).append(contact)
    for people in by_company.values():
        for a, b in pairwise(people):
            link(a, rng.choice(INSIDE), b)
    live = [c for c in contacts if not c.is_archived]
    for _ in range(len(live) // 3):
        link(rng.choice(live), rng.choice(ACROSS), rng.choice(live))
    for _ in range(len(live) // 10):
        link(rng.choice(live), rng.choice(FAMILY), rng.choice(live))
    return len(made)
