"""The relationship side of the demo firm: profiles, life events and the actions they produce."""

from __future__ import annotations

import random
from datetime import timedelta

from webapp import access
from webapp.models import Contact
from webapp.services import actions, life_events, profiles
from webapp.services.calendar import today_in

INTERESTS = (
    "Golf", "Sailing", "Jazz", "Opera", "Wine", "Cycling", "Marathons", "Chess", "Gardening",
    "Football", "Rugby", "Tennis", "Photography", "Cooking", "Skiing", "Art", "Theatre", "Books",
)  # fmt: skip
DIETS = ("Vegetarian", "Vegan", "No alcohol", "Gluten free", "Halal", "Kosher", "Nut allergy")
CHANNELS = ("email", "phone", "sms", "whatsapp", "linkedin", "in_person")
MANUAL_ACTIONS = (
    ("Invite to the spring client dinner", "email"),
    ("Quarterly check-in call", "call"),
    ("Share the market outlook report", "email"),
    ("Congratulate on the product launch", "linkedin"),
    ("Book lunch near their office", "meeting"),
    ("Send a thank-you note for the referral", "card"),
)


def _profile(actor, contact: Contact, rng: random.Random) -> None:
    values = {
        "communication_preference": rng.choice(CHANNELS),
        "interests": rng.sample(INTERESTS, rng.randint(1, 4)),
        "twilio_opt_in": rng.random() < 0.5,
    }
    if rng.random() < 0.3:
        values["dietary_requirements"] = rng.choice(DIETS)
    if rng.random() < 0.2:
        values["preferred_name"] = contact.first_name[:3] if len(contact.first_name) > 4 else None
    if rng.random() < 0.25:
        values["assistant_name"] = rng.choice(("Jo Hart", "Sam Lee", "Alex Ward", "Kim Dale"))
    if rng.random() < 0.6:
        values["birthday"] = f"{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    profiles.update_profile(actor, contact.id, values)


def _life_events(actor, contact: Contact, rng: random.Random, today) -> None:
    if rng.random() < 0.5:
        # Birthdays spread over the next months so the queues and Today have something in them.
        day = today + timedelta(days=rng.randint(-20, 120))
        year = f"{rng.randint(1960, 1995)}-" if rng.random() < 0.5 else ""
        event_date = f"{year}{day.month:02d}-{day.day:02d}"
        values = {"event_type": "birthday", "title": "Birthday", "event_date": event_date}
        life_events.create_event(actor, contact.id, values)
    if rng.random() < 0.15:
        day = today + timedelta(days=rng.randint(3, 60))
        kind, title = rng.choice(
            (("anniversary", "Wedding anniversary"), ("promotion", "Starts as Managing Director"),
             ("new_baby", "Baby due"), ("work_anniversary", "10 years at the firm"))
        )  # fmt: skip
        life_events.create_event(
            actor, contact.id, {"event_type": kind, "title": title, "event_date": day.isoformat()}
        )


def _manual_action(actor, contact: Contact, rng: random.Random, today) -> None:
    title, kind = rng.choice(MANUAL_ACTIONS)
    due = today + timedelta(days=rng.randint(-10, 30))
    action = actions.create_action(
        actor, contact.id, {"title": title, "action_type": kind, "due_date": due.isoformat()}
    )
    if rng.random() < 0.25:
        actions.close_action(actor, action, "done")


def seed_relationships(contacts: list[Contact], rng: random.Random) -> None:
    """Profiles, life events (and their auto-actions) and manual actions, made by each owner."""
    for contact in contacts:
        owner = contact.owner
        actor = access.actor_for_user(owner)
        today = today_in(owner.timezone)
        if rng.random() < 0.7:
            _profile(actor, contact, rng)
        _life_events(actor, contact, rng, today)
        if rng.random() < 0.35:
            _manual_action(actor, contact, rng, today)
