"""Warm introductions: who can introduce us to a person?

People the firm knows well (touched in the last ``KNOWN_WELL_DAYS`` days: a message, a done
action or a logged interaction) are the starting points. A breadth-first walk from the person
out along contact relationships, one query per hop, finds the shortest chain from each of them,
up to ``MAX_HOPS`` links long. The shortest chains come first, then the warmest start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from webapp import access
from webapp.extensions import db
from webapp.models import Contact, ContactCompanyLink, ContactRelationship
from webapp.services.contact_relationships import read_from

if TYPE_CHECKING:
    from webapp.access import Actor

KNOWN_WELL_DAYS = 90
MAX_HOPS = 3
MAX_CHAINS = 5
# A walk that reaches more people than this stops widening: the chains it has are kept.
MAX_REACHED = 5000


@dataclass(frozen=True)
class Step:
    """One person on a chain and how they are related to the next one ("assistant of")."""

    person: Contact
    reading: str | None  # None for the last person: the one we want to meet


@dataclass(frozen=True)
class Introduction:
    steps: list[Step]

    @property
    def starts_with(self) -> Contact:
        return self.steps[0].person

    @property
    def hops(self) -> int:
        return len(self.steps) - 1


@dataclass(frozen=True)
class Introductions:
    person: Contact
    chains: list[Introduction]
    known_well: bool  # the person is one the firm is in touch with already
    known_since: date  # touches on or after this day count

    @property
    def days(self) -> int:
        return KNOWN_WELL_DAYS


def _edges_touching(frontier: set[int]) -> list[ContactRelationship]:
    """Every link with an end in ``frontier`` whose people are both live, types loaded."""
    live_is, live_of = Contact.__table__.alias(), Contact.__table__.alias()
    stmt = (
        select(ContactRelationship)
        .join(live_is, live_is.c.id == ContactRelationship.contact_is_id)
        .join(live_of, live_of.c.id == ContactRelationship.of_contact_id)
        .where(
            or_(
                ContactRelationship.contact_is_id.in_(frontier),
                ContactRelationship.of_contact_id.in_(frontier),
            ),
            live_is.c.archived_at.is_(None),
            live_of.c.archived_at.is_(None),
        )
        .options(joinedload(ContactRelationship.relationship_type))
        .order_by(ContactRelationship.id)
    )
    return list(db.session.scalars(stmt))


def _walk(person_id: int) -> dict[int, tuple[int, ContactRelationship] | None]:
    """Breadth first from the person: each reached person -> (next person toward them, link)."""
    towards: dict[int, tuple[int, ContactRelationship] | None] = {person_id: None}
    frontier = {person_id}
    for _ in range(MAX_HOPS):
        if not frontier or len(towards) > MAX_REACHED:
            break
        reached: set[int] = set()
        for edge in _edges_touching(frontier):
            for here, there in (
                (edge.contact_is_id, edge.of_contact_id),
                (edge.of_contact_id, edge.contact_is_id),
            ):
                if here in frontier and there not in towards:
                    towards[there] = (here, edge)
                    reached.add(there)
        frontier = reached
    return towards


def _people(ids: set[int]) -> dict[int, Contact]:
    stmt = (
        select(Contact)
        .where(Contact.id.in_(ids))
        .options(
            joinedload(Contact.owner),
            selectinload(Contact.company_links).joinedload(ContactCompanyLink.company),
        )
    )
    return {contact.id: contact for contact in db.session.scalars(stmt)}


def _chain(start: int, towards, people: dict[int, Contact]) -> Introduction:
    steps, here = [], start
    while towards[here] is not None:
        there, edge = towards[here]
        steps.append(Step(people[here], read_from(edge, here).name))
        here = there
    steps.append(Step(people[here], None))
    return Introduction(steps)


def _warm_starts(ids: set[int], since: date) -> list[int]:
    """Of ``ids``, the people touched since ``since``: the most recent touch first."""
    stmt = (
        select(Contact.id)
        .where(Contact.id.in_(ids), Contact.last_touch_on >= since)
        .order_by(Contact.last_touch_on.desc(), Contact.id)
    )
    return list(db.session.scalars(stmt))


def warm_introductions(actor: Actor, contact_id: int, today: date) -> Introductions:
    """The shortest chains from people we know well to the contact; a constant number of
    queries (one per hop, then the people on the chains)."""
    person = access.get_or_404(actor, Contact, contact_id, access.RELATIONSHIPS_VIEW)
    since = today - timedelta(days=KNOWN_WELL_DAYS)
    known_well = person.last_touch_on is not None and person.last_touch_on >= since
    towards = _walk(person.id)
    reached = set(towards) - {person.id}
    starts = _warm_starts(reached, since) if reached else []
    starts = sorted(starts, key=lambda start: _hops(start, towards))[:MAX_CHAINS]
    on_chains = {person.id}
    for start in starts:
        here = start
        while here is not None:
            on_chains.add(here)
            here = towards[here][0] if towards[here] else None
    people = _people(on_chains)
    chains = [_chain(start, towards, people) for start in starts]
    return Introductions(person, chains, known_well, since)


def _hops(start: int, towards) -> int:
    hops, here = 0, start
    while towards[here] is not None:
        here = towards[here][0]
        hops += 1
    return hops
