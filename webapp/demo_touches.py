"""The demo firm's history of keeping in touch: logged calls, meetings, emails and notes.

Contacts join the firm at different times in the past, and most have some interactions, so
that under ``make run`` the first scheduler tick finds a few lapsed keep-in-touch cadences.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from webapp import access
from webapp.models import Contact
from webapp.services import calendar, interactions

SUMMARIES = {
    "call": (
        "Quarterly check-in call",
        "Called about the renewal",
        "Quick catch-up on the rollout",
    ),
    "meeting": (
        "Lunch near their office",
        "Workshop on next year's plans",
        "Coffee after the board",
    ),
    "email": ("Sent the case study they asked for", "Thanked them for the introduction"),
    "note": ("Mentioned their daughter starts university", "Prefers mornings for calls"),
}


def seed_touches(contacts: list[Contact], rng: random.Random) -> int:
    """Backdate each contact's arrival and log up to three past interactions; return how many."""
    logged = 0
    for contact in contacts:
        today = calendar.today_in(contact.owner.timezone)
        joined = today - timedelta(days=rng.randint(30, 400))
        contact.created_at = datetime.combine(joined, time(9), tzinfo=calendar.now().tzinfo)
        if rng.random() < 0.25:
            continue  # never touched: these lapse first
        actor = access.actor_for_user(contact.owner)
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(tuple(SUMMARIES))
            day = today - timedelta(days=rng.randint(1, min(150, (today - joined).days)))
            values = {
                "kind": kind,
                "occurred_on": day.isoformat(),
                "summary": rng.choice(SUMMARIES[kind]),
            }
            interactions.log_interaction(actor, contact.id, values)
            logged += 1
    return logged
