"""The demo firm's open deals: a few opportunities at the clients, for the records API to show."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import OPPORTUNITY_STAGES, ContactCompanyLink
from webapp.services import calendar, opportunities

if TYPE_CHECKING:
    from webapp.models import Company

DEALS = ("Renewal", "Expansion", "Advisory retainer", "New workstream", "Audit support")
AMOUNTS = (18_000, 45_000, 90_000, 150_000, 320_000, 750_000)


def seed_opportunities(actor, rng: random.Random, clients: list[Company]) -> int:
    """Up to two opportunities per client, owned by its account manager, with one of its people
    involved; return how many."""
    today = calendar.now().date()
    added = 0
    for company in clients:
        profile = company.client_profile
        owner = profile.account_manager_id if profile and profile.account_manager_id else None
        for deal in rng.sample(DEALS, rng.choice((0, 1, 1, 2))):
            columns = {
                "name": f"{company.name}: {deal}"[:200],
                "stage": rng.choice(OPPORTUNITY_STAGES[:4]),
                "amount": Decimal(rng.choice(AMOUNTS)),
                "close_on": today + timedelta(days=rng.randint(14, 180)),
                "account_id": company.id,
            }
            created = opportunities.create_opportunity(actor, columns, [owner or actor.user_id])
            people = _people_at(company)
            if people:
                opportunities.link_contact(
                    actor, created.id, rng.choice(people), {"role": "Decision maker"}
                )
            added += 1
    return added


def _people_at(company: Company) -> list[int]:
    stmt = select(ContactCompanyLink.contact_id).where(ContactCompanyLink.company_id == company.id)
    return list(db.session.scalars(stmt.order_by(ContactCompanyLink.contact_id)))
