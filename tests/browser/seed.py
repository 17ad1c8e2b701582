"""The browser tests' seed data: people, companies, ~40 contacts and a queue, committed for real.

The tests read what they need to know about it from the ``Seeded`` that ``seed`` returns.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from faker import Faker
from flask import Flask

from webapp import access
from webapp.extensions import db
from webapp.models import Contact, User
from webapp.services import (
    actions,
    calendar,
    companies,
    contacts,
    inbound_messages,
    interactions,
    life_events,
    messages,
    partners,
    profiles,
    touches,
    users,
)
from webapp.services.calendar import today_in

PASSWORD = "browser-test-password"
SEED_CONTACTS = 40


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    timezone: str = "UTC"


@dataclass(frozen=True)
class RelationshipContact:
    """The manager's contact that the relationship tests (profile, life events, actions) change.

    It is not the search target, whose heading other tests read: a preferred name changes it.
    """

    id: int
    first_name: str
    last_name: str
    company: str
    seeded_event: str  # the life event it starts with (its auto-action is in the manager's queue)
    manager_pending_actions: int  # the manager's pending actions ("Mine") after seeding

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class MessagingContact:
    """An opted-in contact with a WhatsApp conversation and a WhatsApp action to send."""

    id: int
    name: str
    whatsapp_number: str  # E.164: replies from it reach this contact
    last_inbound: str  # the conversation's latest message, a reply from the contact
    action_title: str  # a pending whatsapp action of the manager's, with a drafted message
    action_message: str


@dataclass(frozen=True)
class KeepInTouchContacts:
    """Two of the manager's contacts at the strategic client (keep in touch every 30 days).

    ``logging_*`` (the contact a call is logged for) has one meeting logged
    ``logging_last_touch_days`` days ago. ``lapsed_*`` was added ``lapsed_added_days`` days ago
    and never touched: the only seeded contact whose cadence has lapsed (the others were added
    today), so the "Overdue" filter and a scheduler tick find them alone.
    """

    company: str
    tier_cadence_days: int
    logging_id: int
    logging_name: str
    logging_last_touch_days: int
    logging_last_summary: str
    lapsed_id: int
    lapsed_name: str
    lapsed_added_days: int


@dataclass(frozen=True)
class KeyPerson:
    name: str
    preferred_channel: str  # as the client page says it ("WhatsApp", "Phone call", ...)


@dataclass(frozen=True)
class ClientTeam:
    """A client looked after by its own squad, and an executive who sees the whole firm.

    The squad (an account manager and a member) is nobody else's, so the other tests' queues and
    counts never include its work. None of its actions is due before next week and none of its
    contacts' life events falls in the coming week: the scheduler makes no digest for it. Actions
    done over the last weeks (the squad's and the seed's member's) give the Team chart its lines.
    """

    client_id: int
    client_name: str
    client_domain: str
    squad: str
    account_manager: Person
    member: Person
    executive: Person
    key_people: tuple[KeyPerson, ...]
    upcoming_events: tuple[str, ...]  # life event titles in the next 90 days, soonest first
    partner_name: str  # the partner it starts with
    partner_deal_size: int
    manager_action: str  # the account manager's own pending action (the flow marks it done)
    manager_actions: tuple[str, ...]  # the account manager's pending actions, that one included
    member_actions: tuple[str, ...]  # the member's pending actions
    message_body: str  # the latest message with the client's people


@dataclass(frozen=True)
class Seeded:
    """What the tests know about the live server's data."""

    manager: Person
    admin: Person
    target_first_name: str
    target_last_name: str
    target_company: str
    contact_count: int
    relationship_contact: RelationshipContact
    messaging_contact: MessagingContact
    keep_in_touch: KeepInTouchContacts
    client_team: ClientTeam | None = None  # issue 6's client, its squad and an executive

    @property
    def target_name(self) -> str:
        return f"{self.target_first_name} {self.target_last_name}"


COMPANIES = (
    # name, domain, industry, client tier (None: not a client)
    ("Northwind Analytics", "northwind.example", "Software", "strategic"),
    ("Harbour & Vale Insurance", "harbourvale.example", "Insurance", "key"),
    ("Copperleaf Energy", "copperleaf.example", "Energy", "standard"),
    ("Bramble Logistics", "bramble.example", "Logistics", "standard"),
    ("Quayside Media", "quayside.example", "Media", None),
    ("Larchmont Legal", "larchmont.example", "Legal services", None),
)
TARGET = ("Imogen", "Featherstone", "Head of Procurement")
RELATIONSHIP_TARGET = ("Theodora", "Ashworth", "Chief Operating Officer")
MANAGER_TIMEZONE = "Europe/London"
ROLES_AT_CLIENT = ("Decision maker", "Champion", "Economic buyer", "Influencer", "User")


def _create_user(name: str, email: str, role: str, **fields) -> User:
    return users.create_user(None, email=email, name=name, role=role, password=PASSWORD, **fields)


def seed(app: Flask) -> Seeded:
    """A manager with a squad mate, an admin, six companies, ~40 contacts and a queue; committed."""
    squad = users.find_or_create_squad(None, "North")
    manager = _create_user(
        "Maya Lindqvist",
        "maya@rapport.example",
        "manager",
        squad=squad,
        timezone=MANAGER_TIMEZONE,
    )
    member = _create_user("Sam Patel", "sam@rapport.example", "member", squad=squad)
    admin = _create_user("Priya Raman", "priya@rapport.example", "manager", is_admin=True)
    actor = access.actor_for_user(manager)
    firms = [_create_company(actor, manager, *row) for row in COMPANIES]
    people = _create_contacts(actor, firms, owners=[manager, manager, member])
    relationship_contact = _create_relationship_contact(actor, firms[1], manager)
    mine = _create_queue(actor, people, manager, member)
    messaging_contact = _create_messaging_contact(actor, firms[2], manager)
    keep_in_touch = _create_keep_in_touch_contacts(actor, firms[0], manager)
    client_team = _create_client_team(member)
    db.session.commit()
    return Seeded(
        manager=Person(manager.name, manager.email, manager.timezone),
        admin=Person(admin.name, admin.email),
        target_first_name=TARGET[0],
        target_last_name=TARGET[1],
        target_company=COMPANIES[0][0],
        # The search target and the others, then the relationship, messaging and two keep-in-touch
        # contacts, and the client team's people.
        contact_count=SEED_CONTACTS + 5 + len(client_team.key_people),
        relationship_contact=RelationshipContact(
            id=relationship_contact.id,
            first_name=relationship_contact.first_name,
            last_name=relationship_contact.last_name,
            company=firms[1].name,
            seeded_event=WORK_ANNIVERSARY,
            # Mine: the queue's, the anniversary's auto-action and the WhatsApp action.
            manager_pending_actions=mine + 2,
        ),
        messaging_contact=messaging_contact,
        keep_in_touch=keep_in_touch,
        client_team=client_team,
    )


def _create_company(actor, manager: User, name, domain, industry, tier):
    return companies.create_company(
        actor,
        companies.CompanyInput(
            name=name,
            industry=industry,
            owner_id=manager.id,
            domains=[domain],
            is_client=tier is not None,
            client_tier=tier or "standard",
            client_since=date(2021, 3, 1) if tier else None,
            account_manager_id=manager.id if tier else None,
        ),
    )


def _create_contacts(actor, firms, owners: list[User]) -> list[Contact]:
    """The search target plus ``SEED_CONTACTS`` deterministic others that never match it."""
    fake, rng = Faker("en_GB"), random.Random(2611)
    fake.seed_instance(2611)
    first, last, title = TARGET
    people = [(first, last, title, firms[0], owners[0])]
    while len(people) < SEED_CONTACTS + 1:
        given, family = fake.first_name(), fake.last_name()
        if "feath" in f"{given}{family}".lower():
            continue
        people.append((given, family, fake.job()[:200], rng.choice(firms), rng.choice(owners)))
    created = []
    for index, (given, family, job, firm, owner) in enumerate(people):
        local = "".join(ch for ch in f"{given}.{family}".lower() if ch.isalnum() or ch == ".")
        domain = firm.domains[0].domain
        contact = contacts.create_contact(
            actor,
            contacts.ContactInput(
                first_name=given,
                last_name=family,
                title=job,
                stage=rng.choice(("new", "working", "qualified", "customer")),
                owner_id=owner.id,
                emails=[f"{local}{index}@{domain}"],
                phones=[f"+44 20 7946 {index:04d}"],
                company_links=[
                    contacts.CompanyLinkInput(firm.id, rng.choice(ROLES_AT_CLIENT), True)
                ],
            ),
        )
        created.append(contact)
    return created


def _customer(actor, firm, owner: User, first, last, title, role, phone=None) -> Contact:
    """A customer at ``firm`` (primary link, in ``role``), mailed at first.last@its domain."""
    return contacts.create_contact(
        actor,
        contacts.ContactInput(
            first_name=first,
            last_name=last,
            title=title,
            stage="customer",
            owner_id=owner.id,
            emails=[f"{first}.{last}".lower() + f"@{firm.domains[0].domain}"],
            phones=[phone] if phone else [],
            company_links=[contacts.CompanyLinkInput(firm.id, role, True)],
        ),
    )


WORK_ANNIVERSARY = "10 years at Harbour & Vale"


def _create_relationship_contact(actor, firm, manager: User) -> Contact:
    """The manager's contact with a started profile and one life event (40 days away)."""
    first, last, title = RELATIONSHIP_TARGET
    contact = _customer(
        actor, firm, manager, first, last, title, "Decision maker", "+44 20 7946 0999"
    )
    profiles.update_profile(
        actor,
        contact.id,
        {"communication_preference": "email", "dietary_requirements": "Vegetarian"},
    )
    anniversary = today_in(manager.timezone) + timedelta(days=40)
    life_events.create_event(
        actor,
        contact.id,
        {
            "event_type": "work_anniversary",
            "title": WORK_ANNIVERSARY,
            "event_date": f"2016-{anniversary:%m-%d}",  # a leap year: 29 February works too
        },
    )
    return contact


def _create_queue(actor, people: list[Contact], manager: User, member: User) -> int:
    """Manual actions: an overdue and a coming one for the manager, one for their squad mate.

    Returns how many are the manager's own.
    """
    today = today_in(manager.timezone)
    mine = [c for c in people if c.owner_id == manager.id]
    queue = [
        (mine[1], "Call about the renewal meeting", "call", today - timedelta(days=2), manager),
        (mine[2], "Send the quarterly market report", "email", today + timedelta(days=5), manager),
        (
            people[-1],
            "Book lunch after the board meeting",
            "meeting",
            today + timedelta(days=12),
            member,
        ),
    ]
    for contact, title, action_type, due, assignee in queue:
        actions.create_action(
            actor,
            contact.id,
            {
                "title": title,
                "action_type": action_type,
                "due_date": due.isoformat(),
                "assigned_to_user_id": assignee.id,
            },
        )
    return sum(1 for *_, assignee in queue if assignee is manager)


MESSAGING_TARGET = ("Rosalind", "Pemberton", "Finance Director", "+447911123456")
SEED_REPLY = "Lovely to hear from you, see you on Thursday!"
ACTION_MESSAGE = "Congratulations on the new role, Rosalind! Lunch on me next week?"


def _create_messaging_contact(actor, firm, manager: User) -> MessagingContact:
    """Opted in on WhatsApp, one message each way, and a WhatsApp action waiting to be sent.

    The message goes out through the real send path to the fake Twilio (not yet delivering:
    the server is not up), then its callback and the reply go through the webhook services.
    """
    first, last, title, number = MESSAGING_TARGET
    contact = _customer(actor, firm, manager, first, last, title, "Economic buyer", number)
    profiles.update_profile(actor, contact.id, {"whatsapp_number": number, "twilio_opt_in": True})
    sent = messages.send_message(
        actor, contact.id, {"channel": "whatsapp", "body": "Are we still on for Thursday?"}
    )
    inbound_messages.record_status_callback(
        {"MessageSid": sent.provider_sid, "MessageStatus": "read"}
    )
    inbound_messages.receive(
        {"MessageSid": "SMseedreply0001", "From": f"whatsapp:{number}", "Body": SEED_REPLY}
    )
    action_title = "Congratulate Rosalind on her promotion"
    actions.create_action(
        actor,
        contact.id,
        {"title": action_title, "action_type": "whatsapp", "message_body": ACTION_MESSAGE},
    )
    return MessagingContact(
        contact.id, contact.full_name, number, SEED_REPLY, action_title, ACTION_MESSAGE
    )


LOGGING_TARGET = ("Cordelia", "Whitlock", "Head of Partnerships")
LAPSED_TARGET = ("Ophelia", "Ravensworth", "VP Customer Success")
LOGGING_LAST_TOUCH_DAYS = 20
LOGGING_LAST_SUMMARY = "Lunch near their office: talked through next year's roadmap"
LAPSED_ADDED_DAYS = 200


def _create_keep_in_touch_contacts(actor, firm, manager: User) -> KeepInTouchContacts:
    """The manager's two contacts at the strategic ``firm``: one touched lately, one lapsed."""
    today = today_in(manager.timezone)
    touched, lapsed = (
        _customer(actor, firm, manager, first, last, title, "Champion")
        for first, last, title in (LOGGING_TARGET, LAPSED_TARGET)
    )
    interactions.log_interaction(
        actor,
        touched.id,
        {
            "kind": "meeting",
            "occurred_on": (today - timedelta(days=LOGGING_LAST_TOUCH_DAYS)).isoformat(),
            "summary": LOGGING_LAST_SUMMARY,
        },
    )
    # Added long ago (seed data may backdate, as the demo firm's does): the cadence counts from it.
    added = today - timedelta(days=LAPSED_ADDED_DAYS)
    lapsed.created_at = datetime.combine(added, time(9), tzinfo=calendar.now().tzinfo)
    return KeepInTouchContacts(
        company=firm.name,
        tier_cadence_days=touches.CADENCE_BY_TIER[firm.client_profile.tier],
        logging_id=touched.id,
        logging_name=touched.full_name,
        logging_last_touch_days=LOGGING_LAST_TOUCH_DAYS,
        logging_last_summary=LOGGING_LAST_SUMMARY,
        lapsed_id=lapsed.id,
        lapsed_name=lapsed.full_name,
        lapsed_added_days=LAPSED_ADDED_DAYS,
    )


CLIENT = ("Fernhill Robotics", "fernhill.example", "Industrial robotics")
CLIENT_PEOPLE = (
    # first, last, title, role at the client, preference, phone / WhatsApp, profile extras
    (
        "Margot",
        "Llewellyn",
        "Chief Technology Officer",
        "Decision maker",
        "whatsapp",
        "+447911123458",
        {"preferred_name": "Mags", "twilio_opt_in": True},
    ),
    (
        "Desmond",
        "Achterberg",
        "Head of Operations",
        "Champion",
        "phone",
        "+442079460123",
        {"communication_notes": "Mornings before 10, never on Fridays."},
    ),
    (
        "Harriet",
        "Quinlan",
        "Procurement Lead",
        "Economic buyer",
        "email",
        None,
        {"dietary_requirements": "Vegan", "assistant_name": "Tom Reyes"},
    ),
)
CLIENT_EVENTS = (  # contact, type, title, year, days from today (none in the digest's week)
    (0, "birthday", "Margot's birthday", 1988, 20),
    (1, "work_anniversary", "Desmond's work anniversary", 2016, 61),
)
PREFERENCE_LABELS = {"whatsapp": "WhatsApp", "phone": "Phone call", "email": "Email"}
CLIENT_PARTNER = ("Atlas Integration", "Implementation partner", 250_000)
CLIENT_MESSAGE = "Thanks Mags, the showcase slides are on their way."
DONE_PER_WEEK = {  # who, completions in each of the last 12 weeks (oldest first)
    "manager": (1, 2, 1, 3, 2, 2, 4, 3, 2, 4, 3, 1),
    "member": (0, 1, 1, 0, 2, 1, 1, 2, 1, 1, 2, 0),
    "north": (1, 0, 2, 1, 1, 2, 1, 0, 2, 1, 1, 0),
}


def _create_client_team(north_member: User) -> ClientTeam:
    """Fernhill Robotics, its squad (South), an executive, and the squad's weeks of work."""
    squad = users.find_or_create_squad(None, "South")
    manager = _create_user(
        "Jonah Okafor", "jonah@rapport.example", "manager", squad=squad, timezone=MANAGER_TIMEZONE
    )
    member = _create_user("Ava Brooks", "ava@rapport.example", "member", squad=squad)
    executive = _create_user("Eleanor Hart", "eleanor@rapport.example", "executive")
    actor = access.actor_for_user(manager)
    name, domain, industry = CLIENT
    client = companies.create_company(
        actor,
        companies.CompanyInput(
            name=name,
            industry=industry,
            owner_id=manager.id,
            domains=[domain],
            is_client=True,
            client_tier="key",
            client_since=date(2019, 9, 1),
            account_manager_id=manager.id,
        ),
    )
    people = [_create_client_person(actor, client, manager, *row) for row in CLIENT_PEOPLE]
    events = _create_client_events(actor, people, manager)
    today = today_in(manager.timezone)
    queue = (  # assignee, contact index, title, type, due in days (none before next week)
        (manager, 0, "Send Margot the showcase invitation", "email", 8),
        (manager, 1, "Call Desmond about the Q3 rollout", "call", 10),
        (member, 2, "Book the site visit with Harriet", "meeting", 9),
        (member, 0, "Share the warehouse case study", "email", 15),
    )
    for assignee, index, title, action_type, due_in in queue:
        actions.create_action(
            actor,
            people[index].id,
            {
                "title": title,
                "action_type": action_type,
                "due_date": (today + timedelta(days=due_in)).isoformat(),
                "assigned_to_user_id": assignee.id,
            },
        )
    partners.create_partner(
        actor,
        client.id,
        {
            "partner_company_name": CLIENT_PARTNER[0],
            "relationship_type": CLIENT_PARTNER[1],
            "estimated_deal_size": str(CLIENT_PARTNER[2]),
            "partner_contact_name": "Lena Fischer",
            "partner_contact_email": "lena.fischer@atlas.example",
        },
    )
    sent = messages.send_message(
        actor, people[0].id, {"channel": "whatsapp", "body": CLIENT_MESSAGE}
    )
    inbound_messages.record_status_callback(
        {"MessageSid": sent.provider_sid, "MessageStatus": "delivered"}
    )
    who = {"manager": manager, "member": member, "north": north_member}
    _create_done_history(access.actor_for_user(executive), people[2], who)
    manager_actions = tuple(title for user, _, title, *_ in queue if user is manager)
    return ClientTeam(
        client_id=client.id,
        client_name=name,
        client_domain=domain,
        squad=squad.name,
        account_manager=Person(manager.name, manager.email, manager.timezone),
        member=Person(member.name, member.email),
        executive=Person(executive.name, executive.email),
        key_people=tuple(
            KeyPerson(contact.full_name, PREFERENCE_LABELS[row[4]])
            for contact, row in zip(people, CLIENT_PEOPLE, strict=True)
        ),
        upcoming_events=events,
        partner_name=CLIENT_PARTNER[0],
        partner_deal_size=CLIENT_PARTNER[2],
        manager_action=manager_actions[0],
        manager_actions=manager_actions,
        member_actions=tuple(title for user, _, title, *_ in queue if user is member),
        message_body=CLIENT_MESSAGE,
    )


def _create_client_person(
    actor, client, manager: User, first, last, title, role, preference, number, extras
) -> Contact:
    contact = _customer(actor, client, manager, first, last, title, role, number)
    profile = {"communication_preference": preference, **extras}
    if preference == "whatsapp":
        profile["whatsapp_number"] = number
    profiles.update_profile(actor, contact.id, profile)
    return contact


def _create_client_events(actor, people: list[Contact], manager: User) -> tuple[str, ...]:
    """Life events in the next 90 days, without auto-actions (the queue stays as seeded)."""
    today = today_in(manager.timezone)
    for index, event_type, title, year, days in CLIENT_EVENTS:
        day = today + timedelta(days=days)
        life_events.create_event(
            actor,
            people[index].id,
            {
                "event_type": event_type,
                "title": title,
                "event_date": f"{year}-{day:%m-%d}",  # leap years: 29 February works too
                "auto_action_enabled": False,
            },
        )
    return tuple(title for _, _, title, _, _ in CLIENT_EVENTS)


def _create_done_history(actor, contact: Contact, who: dict[str, User]) -> None:
    """Actions done in each of the last weeks (backdated, as the demo firm's are)."""
    now = calendar.now()
    weeks = len(DONE_PER_WEEK["manager"])
    this_monday = now - timedelta(days=now.weekday())
    for key, per_week in DONE_PER_WEEK.items():
        assignee = who[key]
        for week, count in enumerate(per_week):
            monday = this_monday - timedelta(weeks=weeks - 1 - week)
            for n in range(count):
                done_at = min(monday + timedelta(days=n % 5, hours=n), now - timedelta(minutes=5))
                action = actions.create_action(
                    actor,
                    contact.id,
                    {
                        "title": f"Follow-up {week + 1}.{n + 1}",
                        "action_type": "call",
                        "assigned_to_user_id": assignee.id,
                    },
                )
                actions.set_status(access.actor_for_user(assignee), action.id, "done")
                action.completed_at = done_at
