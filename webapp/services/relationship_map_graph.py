"""The relationship map as a graph: people coloured by company, their relationships read from
each side, and the account managers who own them. Built from rows already loaded: no queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from webapp.models import Company, Contact, ContactRelationship, User

# Calm, distinct colours, one per company in order (the client, or the focus's company, first).
PALETTE = (
    "#4f46e5",  # indigo
    "#0f766e",  # teal
    "#c2410c",  # burnt orange
    "#0369a1",  # sky
    "#be185d",  # raspberry
    "#4d7c0f",  # olive
    "#7c3aed",  # violet
    "#b45309",  # amber
    "#0e7490",  # cyan
    "#9f1239",  # claret
    "#15803d",  # green
    "#a21caf",  # orchid
)
NO_COMPANY_COLOUR = "#94a3b8"  # slate: people at no company
OWNER_COLOUR = "#1e293b"  # near black: account managers, drawn as another shape


@dataclass(frozen=True)
class Reading:
    """A relationship as one of its people reads it: "<name> <other>" ("assistant of Bob")."""

    relationship: ContactRelationship
    name: str
    other: Contact


@dataclass
class MapPerson:
    """A contact on the map, with the company they are drawn as and what they are to others."""

    contact: Contact
    company: Company | None
    colour: str
    role: str | None
    readings: list[Reading] = field(default_factory=list)

    @property
    def owner(self) -> User | None:
        return self.contact.owner


@dataclass(frozen=True)
class MapCompany:
    company: Company
    colour: str
    is_client: bool  # a client of the firm (the client map's own, or any other)


@dataclass(frozen=True)
class CompanyGroup:
    """The people of one company (``None``: of no company), as the list fallback shows them."""

    company: Company | None
    colour: str
    people: list[MapPerson]


@dataclass(frozen=True)
class RelationshipMap:
    """Everything one map draws, in the order it is listed."""

    people: list[MapPerson]
    relationships: list[ContactRelationship]
    owners: list[User]
    companies: list[MapCompany]
    client: Company | None = None
    focus: Contact | None = None
    capped: bool = False
    cap: int = 0

    @property
    def is_empty(self) -> bool:
        """No relationship to draw: the map would only repeat the list of people."""
        return not self.relationships

    @property
    def has_people_without_company(self) -> bool:
        return any(person.company is None for person in self.people)

    def groups(self) -> list[CompanyGroup]:
        """People by company, in legend order, then those at no company; the focus leads."""
        by_company: dict[int | None, list[MapPerson]] = {}
        for person in self.people:
            by_company.setdefault(person.company.id if person.company else None, []).append(person)
        focus_id = self.focus.id if self.focus else None

        def order(person: MapPerson) -> tuple:
            contact = person.contact
            return (contact.id != focus_id, contact.last_name, contact.first_name, contact.id)

        groups = [
            CompanyGroup(
                entry.company, entry.colour, sorted(by_company[entry.company.id], key=order)
            )
            for entry in self.companies
        ]
        if None in by_company:
            groups.append(
                CompanyGroup(None, NO_COMPANY_COLOUR, sorted(by_company[None], key=order))
            )
        return groups


def _drawn_company(contact: Contact, client: Company | None) -> Company | None:
    """Anyone linked to the map's client is drawn as the client's; others as their main company."""
    if client is not None and any(link.company_id == client.id for link in contact.company_links):
        return client
    return contact.primary_company


def _role(contact: Contact, company: Company | None) -> str | None:
    for link in contact.company_links:
        if company is not None and link.company_id == company.id and link.role:
            return link.role
    return contact.title


def _palette(drawn: dict[int, Company | None], lead: Company | None) -> list[MapCompany]:
    """Each company shown gets a colour: the lead first, then the most populous, then by name."""
    companies = {company.id: company for company in drawn.values() if company is not None}
    counts = Counter(company.id for company in drawn.values() if company is not None)
    lead_id = lead.id if lead is not None else None
    if lead_id is not None:
        companies.setdefault(lead_id, lead)

    def order(company_id: int) -> tuple:
        return (company_id != lead_id, -counts[company_id], companies[company_id].name, company_id)

    return [
        MapCompany(
            companies[company_id], PALETTE[n % len(PALETTE)], companies[company_id].is_client
        )
        for n, company_id in enumerate(sorted(companies, key=order))
    ]


def assemble(
    contacts: list[Contact],
    relationships: list[ContactRelationship],
    *,
    client: Company | None = None,
    focus: Contact | None = None,
    capped: bool = False,
    cap: int = 0,
) -> RelationshipMap:
    """The map of ``contacts``: the relationships with both people among them, read from each
    side, and the contacts' account managers; ``client`` (or the focus's company) leads."""
    drawn = {contact.id: _drawn_company(contact, client) for contact in contacts}
    lead = client or (drawn.get(focus.id) if focus is not None else None)
    companies = _palette(drawn, lead)
    colours = {entry.company.id: entry.colour for entry in companies}
    people = {
        contact.id: MapPerson(
            contact=contact,
            company=drawn[contact.id],
            colour=colours[drawn[contact.id].id] if drawn[contact.id] else NO_COMPANY_COLOUR,
            role=_role(contact, drawn[contact.id]),
        )
        for contact in contacts
    }
    shown = [r for r in relationships if r.contact_is_id in people and r.of_contact_id in people]
    for relationship in shown:
        kind = relationship.relationship_type
        one, other = people[relationship.contact_is_id], people[relationship.of_contact_id]
        one.readings.append(Reading(relationship, kind.name, other.contact))
        other.readings.append(Reading(relationship, kind.name_reverse_relationship, one.contact))
    owners = {contact.owner.id: contact.owner for contact in contacts if contact.owner is not None}
    return RelationshipMap(
        people=list(people.values()),
        relationships=shown,
        owners=sorted(owners.values(), key=lambda user: (user.name, user.id)),
        companies=companies,
        client=client,
        focus=focus,
        capped=capped,
        cap=cap,
    )
