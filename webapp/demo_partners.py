"""The demo firm's client partners, and a quarter of finished work for the Team view's chart."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from faker import Faker

from webapp import access
from webapp.demo_relationships import MANUAL_ACTIONS
from webapp.services import actions, calendar, partners, touches

if TYPE_CHECKING:
    from webapp.models import Company, Contact

DEAL_SIZES = (25_000, 40_000, 75_000, 120_000, 250_000, 480_000, 1_200_000)
PARTNER_NOTES = (
    "Introduced us to their CFO.",
    "Joint pitch planned for the spring.",
    "Runs the client's implementation; keep them close.",
    None,
)
HISTORY_WEEKS = 12


def seed_partners(actor, fake: Faker, rng: random.Random, clients: list[Company]) -> int:
    """Up to four partners for most clients; return how many."""
    added = 0
    for company in clients:
        for _ in range(rng.choice((0, 1, 2, 2, 3, 4))):
            contact_name = fake.name() if rng.random() < 0.8 else None
            values = {
                "partner_company_name": fake.company()[:200],
                "partner_contact_name": contact_name,
                "partner_contact_email": _email_for(contact_name) if contact_name else None,
                "relationship_type": rng.choice(partners.SUGGESTED_TYPES),
                "estimated_deal_size": _deal_size(rng),
                "notes": rng.choice(PARTNER_NOTES),
            }
            partners.create_partner(actor, company.id, values)
            added += 1
    return added


def _email_for(name: str) -> str:
    local = ".".join(part.lower() for part in name.split() if part.isalpha())
    return f"{local or 'partner'}@partner.example"


def _deal_size(rng: random.Random) -> Decimal | None:
    if rng.random() < 0.15:
        return None
    return Decimal(rng.choice(DEAL_SIZES))


def seed_finished_work(contacts: list[Contact], rng: random.Random) -> int:
    """Actions the team finished over the last twelve weeks, so the Team view has a history."""
    finished = 0
    for contact in rng.sample(contacts, k=min(len(contacts), 160)):
        owner = contact.owner
        actor = access.actor_for_user(owner)
        done_days_ago = rng.randint(0, HISTORY_WEEKS * 7 - 1)
        due = calendar.today_in(owner.timezone) - timedelta(days=done_days_ago)
        title, kind = rng.choice(MANUAL_ACTIONS)
        action = actions.create_action(
            actor, contact.id, {"title": title, "action_type": kind, "due_date": due.isoformat()}
        )
        actions.close_action(actor, action, "done")
        finished_at = calendar.now() - timedelta(days=done_days_ago, hours=rng.randint(0, 6))
        action.completed_at = action.task.completed_at = finished_at  # backdated, as it happened
        touches.refresh(contact)
        finished += 1
    return finished
