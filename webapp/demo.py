"""The demo firm: a realistic, deterministic data set for ``make run`` and ``flask seed-demo``."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker
from sqlalchemy import func, select

from webapp import access
from webapp.demo_messages import seed_messages
from webapp.demo_opportunities import seed_opportunities
from webapp.demo_partners import seed_finished_work, seed_partners
from webapp.demo_people_links import seed_people_links
from webapp.demo_relationships import seed_relationships
from webapp.demo_touches import seed_touches
from webapp.extensions import db
from webapp.models import CONTACT_STAGES, Company, Contact, RelationshipAction, User
from webapp.services import companies, contacts, users
from webapp.services.validation import normalise_phone

DEMO_PASSWORD = "rapport-demo"
SEED = 20261123
CLIENT_COUNT = 40
NON_CLIENT_COUNT = 20
CONTACT_COUNT = 400


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    role: str
    squad: str | None = None
    is_admin: bool = False
    timezone: str = "Europe/London"


DEMO_PEOPLE = (
    DemoPerson("Eleanor Vance", "eleanor@rapport.demo", "executive"),
    DemoPerson("Henry Okafor", "henry@rapport.demo", "head"),
    DemoPerson("Maya Lindqvist", "maya@rapport.demo", "manager", "North"),
    DemoPerson("Sam Patel", "sam@rapport.demo", "member", "North"),
    DemoPerson("Grace Kim", "grace@rapport.demo", "member", "North"),
    DemoPerson("Leo Moreau", "leo@rapport.demo", "member", "North"),
    DemoPerson("Tom Brennan", "tom@rapport.demo", "manager", "South"),
    DemoPerson("Aisha Bello", "aisha@rapport.demo", "member", "South"),
    DemoPerson("Noah Fischer", "noah@rapport.demo", "member", "South"),
    DemoPerson("Chloe Dubois", "chloe@rapport.demo", "member", "South"),
    DemoPerson("Priya Raman", "priya@rapport.demo", "member", None, is_admin=True),
)

INDUSTRIES = (
    "Software", "Banking", "Insurance", "Retail", "Healthcare", "Energy", "Logistics",
    "Media", "Telecoms", "Manufacturing", "Legal services", "Real estate",
)  # fmt: skip
ROLES_AT_CLIENT = (
    "Decision maker", "Champion", "Economic buyer", "Influencer", "Procurement", "User",
)  # fmt: skip


def is_empty() -> bool:
    return not db.session.scalar(select(func.count(User.id)))


# Rows the migrations seed: the built-in relationship type groups and types stay.
BUILT_IN_ROWS = ("relationship_type_groups", "relationship_types")


def wipe() -> None:
    """Delete every row, children first, keeping the schema and the built-in rows."""
    for table in reversed(db.metadata.sorted_tables):
        statement = table.delete()
        if table.name in BUILT_IN_ROWS:
            statement = statement.where(table.c.delible.is_(True))
        db.session.execute(statement)
    db.session.flush()


def _seed_people() -> list[User]:
    people = []
    for person in DEMO_PEOPLE:
        squad = users.find_or_create_squad(None, person.squad) if person.squad else None
        people.append(
            users.create_user(
                None,
                email=person.email,
                name=person.name,
                role=person.role,
                password=DEMO_PASSWORD,
                squad=squad,
                is_admin=person.is_admin,
                timezone=person.timezone,
            )
        )
    return people


def _unique_company_name(fake: Faker, taken: set[str]) -> str:
    while True:
        name = fake.company()
        if name not in taken:
            taken.add(name)
            return name


def _domain_for(name: str, taken: set[str]) -> str:
    stem = "".join(ch for ch in name.lower() if ch.isalnum())[:24] or "company"
    domain, n = f"{stem}.example", 2
    while domain in taken:
        domain, n = f"{stem}{n}.example", n + 1
    taken.add(domain)
    return domain


def _seed_companies(actor, fake: Faker, rng: random.Random, people: list[User]) -> list[Company]:
    names: set[str] = set()
    domains: set[str] = set()
    account_managers = [u for u in people if u.role in ("manager", "member")]
    created = []
    for index in range(CLIENT_COUNT + NON_CLIENT_COUNT):
        is_client = index < CLIENT_COUNT
        name = _unique_company_name(fake, names)
        manager = rng.choice(account_managers)
        given = companies.CompanyInput(
            name=name,
            industry=rng.choice(INDUSTRIES),
            owner_id=manager.id,
            domains=[_domain_for(name, domains)],
            is_client=is_client,
            client_tier=rng.choice(("strategic", "key", "standard", "standard")),
            client_since=date(2026, 11, 1) - timedelta(days=rng.randint(60, 3000)),
            account_manager_id=manager.id,
        )
        created.append(companies.create_company(actor, given))
    return created


def _phone(rng: random.Random, used: set[str]) -> str:
    """A valid number no other demo contact has (a shared one would make the Duplicates page
    suggest them as one person), mostly from the ranges set aside for drama and tests."""
    while True:
        candidate = rng.choice(
            (
                f"+44 20 7946 {rng.randint(0, 999):04d}",
                f"+44 7400 {rng.randint(100000, 999999)}",
                f"+1 202 555 {rng.randint(100, 199):04d}",
            )
        )
        try:
            number = normalise_phone(candidate)
        except ValueError:
            continue
        if number not in used:
            used.add(number)
            return number


def _seed_contacts(actor, fake: Faker, rng: random.Random, people, company_list) -> list[Contact]:
    owners = [u for u in people if u.role in ("manager", "member")]
    used_emails: set[str] = set()
    used_phones: set[str] = set()
    created = []
    for _ in range(CONTACT_COUNT):
        company = rng.choice(company_list)
        first, last = fake.first_name(), fake.last_name()
        local = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        email, n = f"{local}@{company.domains[0].domain}", 2
        while email in used_emails:
            email, n = f"{local}{n}@{company.domains[0].domain}", n + 1
        used_emails.add(email)
        links = [contacts.CompanyLinkInput(company.id, rng.choice(ROLES_AT_CLIENT), True)]
        given = contacts.ContactInput(
            first_name=first,
            last_name=last,
            title=fake.job()[:200],
            stage=rng.choice(CONTACT_STAGES),
            owner_id=rng.choice(owners).id,
            emails=[email],
            phones=[_phone(rng, used_phones)],
            company_links=links,
        )
        created.append(contacts.create_contact(actor, given))
    return created


def seed_demo(*, force: bool = False) -> str:
    """Seed the demo firm into an empty database (or after wiping it, with ``force``)."""
    if not is_empty():
        if not force:
            already = "The database already has data; nothing seeded (--force reseeds)."
            return f"{already}\n{demo_sign_ins()}"
        wipe()
    fake = Faker(["en_GB", "en_US"])
    fake.seed_instance(SEED)
    rng = random.Random(SEED)
    people = _seed_people()
    admin = next(u for u in people if u.is_admin)
    actor = access.actor_for_user(admin)
    company_list = _seed_companies(actor, fake, rng, people)
    contact_list = _seed_contacts(actor, fake, rng, people, company_list)
    seed_relationships(contact_list, rng)
    link_count = seed_people_links(actor, rng, contact_list)
    seed_finished_work(contact_list, rng)
    interaction_count = seed_touches(contact_list, rng)
    clients = [c for c in company_list if c.is_client]
    partner_count = seed_partners(actor, fake, rng, clients)
    opportunity_count = seed_opportunities(actor, rng, clients)
    db.session.flush()
    message_count = seed_messages(admin, rng)
    action_count = db.session.scalar(select(func.count(RelationshipAction.id)))
    return "\n".join(
        [
            f"Seeded the demo firm: {len(people)} people, {CLIENT_COUNT} clients, "
            f"{NON_CLIENT_COUNT} other companies, {len(contact_list)} contacts, "
            f"{action_count} relationship actions, {message_count} messages and "
            f"{interaction_count} logged interactions, {partner_count} client partners and "
            f"{opportunity_count} opportunities, and {link_count} links between people.",
            demo_sign_ins(),
        ]
    )


def demo_sign_ins() -> str:
    """The demo sign-ins, as a small table for the terminal."""
    lines = [f"Demo sign-ins (password for all: {DEMO_PASSWORD}):"]
    for person in DEMO_PEOPLE:
        extra = f", squad {person.squad}" if person.squad else ""
        extra += ", admin" if person.is_admin else ""
        lines.append(f"  {person.email:<24} {person.role}{extra}")
    return "\n".join(lines)
