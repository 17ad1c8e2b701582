"""What the contact page's People section shows: this person's links to others, read from their
side and grouped (love, family, friend, work), the types a link can take, and the add form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from webapp.extensions import db
from webapp.models import Contact, ContactCompanyLink, ContactRelationship, RelationshipType
from webapp.services.contact_relationships import Reading, read_from
from webapp.services.contact_search import ContactFilters, contacts_query

if TYPE_CHECKING:
    from webapp.models import RelationshipTypeGroup

CHOICES_SHOWN = 8
FORWARD, REVERSE = "is", "of"  # a choice "is12": this person is <type 12> of the other


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class ChoiceGroup:
    label: str
    choices: list[Choice]


@dataclass(frozen=True)
class PeopleGroup:
    label: str
    readings: list[Reading]


@dataclass
class AddForm:
    """The add form as typed: the reading chosen, the search text, the person picked."""

    relationship: str = ""
    q: str = ""
    other_id: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    form_errors: list[str] = field(default_factory=list)
    choices: list[Contact] = field(default_factory=list)
    picked: Contact | None = None


@dataclass
class PeopleSection:
    contact: Contact
    groups: list[PeopleGroup]
    kinds: list[RelationshipType]
    adding: AddForm | None = None
    focus: str | None = None
    alert: str | None = None

    @property
    def count(self) -> int:
        return sum(len(group.readings) for group in self.groups)

    def add_choices(self) -> list[ChoiceGroup]:
        """Every way to finish "<name> is ___ of": each type's name, and its reverse name where
        no type of the group already reads so ("child" is the type child, not parent reversed)."""
        return [
            ChoiceGroup(group.name.capitalize(), _readings_to_add(kinds))
            for group, kinds in _by_group(self.kinds)
        ]

    def change_choices(self, reading: Reading) -> list[ChoiceGroup]:
        """The types this link can become, named as this person reads them; the direction stays."""
        return [
            ChoiceGroup(
                group.name.capitalize(),
                [
                    Choice(
                        str(kind.id),
                        kind.name_reverse_relationship if reading.reversed else kind.name,
                    )
                    for kind in kinds
                ],
            )
            for group, kinds in _by_group(self.kinds)
        ]


def _by_group(kinds: list[RelationshipType]) -> list[tuple[RelationshipTypeGroup, list]]:
    grouped: dict[int, tuple[RelationshipTypeGroup, list]] = {}
    for kind in kinds:
        grouped.setdefault(kind.group_id, (kind.group, []))[1].append(kind)
    return list(grouped.values())


def _readings_to_add(kinds: list[RelationshipType]) -> list[Choice]:
    names = {kind.name for kind in kinds}
    choices = [Choice(f"{FORWARD}{kind.id}", kind.name) for kind in kinds]
    for kind in kinds:
        reverse = kind.name_reverse_relationship
        if reverse not in names:
            names.add(reverse)
            choices.append(Choice(f"{REVERSE}{kind.id}", reverse))
    return choices


def parse_choice(value: str) -> tuple[int, bool] | None:
    """(type id, reversed) from a choice's value, or None for anything else."""
    for prefix, reversed_ in ((FORWARD, False), (REVERSE, True)):
        digits = value.removeprefix(prefix)
        if digits != value and digits.isdigit() and len(digits) < 10:
            return int(digits), reversed_
    return None


def _with_company(attribute):
    return (
        joinedload(attribute)
        .selectinload(Contact.company_links)
        .joinedload(ContactCompanyLink.company)
    )


def people_section(contact: Contact, **shown) -> PeopleSection:
    """The section for ``contact``: three queries whatever the number of links."""
    either_end = or_(
        ContactRelationship.contact_is_id == contact.id,
        ContactRelationship.of_contact_id == contact.id,
    )
    stmt = (
        select(ContactRelationship)
        .where(either_end)
        .options(
            _with_company(ContactRelationship.contact_is),
            _with_company(ContactRelationship.of_contact),
            joinedload(ContactRelationship.relationship_type),
        )
    )
    edges = db.session.scalars(stmt).unique()
    readings = sorted(
        (read_from(edge, contact.id) for edge in edges),
        key=lambda r: (r.relationship.relationship_type.group_id, r.name, r.other.full_name),
    )
    kinds = list(
        db.session.scalars(
            select(RelationshipType)
            .options(joinedload(RelationshipType.group))
            .order_by(RelationshipType.group_id, RelationshipType.id)
        )
    )
    groups: dict[int, PeopleGroup] = {}
    for reading in readings:
        kind = reading.relationship.relationship_type
        label = next(k.group.name for k in kinds if k.id == kind.id).capitalize()
        groups.setdefault(kind.group_id, PeopleGroup(label, [])).readings.append(reading)
    return PeopleSection(contact=contact, groups=list(groups.values()), kinds=kinds, **shown)


def contact_choices(contact_id: int, q: str) -> list[Contact]:
    """Live contacts matching ``q`` (the contacts list's own search), this contact left out."""
    if not q.strip():
        return []
    stmt = contacts_query(ContactFilters(q=q.strip())).where(Contact.id != contact_id)
    return list(db.session.scalars(stmt.limit(CHOICES_SHOWN)).unique())


def picked_contact(contact_id: int | None) -> Contact | None:
    if contact_id is None:
        return None
    stmt = (
        select(Contact)
        .where(Contact.id == contact_id)
        .options(selectinload(Contact.company_links).joinedload(ContactCompanyLink.company))
    )
    return db.session.scalar(stmt)
