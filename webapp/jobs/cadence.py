"""Keep-in-touch cadence: a "check in with ..." action when a contact's cadence lapses.

One action per lapse: the action is keyed by (contact, cadence period), the period being the
day that lapse began. Dismissing it creates nothing more until a whole further cadence passes
without a touch; while one is pending, no other is made.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.sql import Select

from webapp.extensions import db
from webapp.jobs.base import Clock, JobResult, open_in_batches
from webapp.models import Contact, RelationshipAction, RelationshipProfile, User
from webapp.services.auto_actions import person_name
from webapp.services.touches import (
    PrimaryLink,
    cadence_column,
    join_cadence,
    touch_due_column,
)

BATCH_SIZE = 1000
# The action a check-in becomes, by how the contact likes to be reached.
ACTION_FOR_CHANNEL = {
    "email": "email",
    "phone": "call",
    "sms": "sms",
    "whatsapp": "whatsapp",
    "linkedin": "linkedin",
    "in_person": "meeting",
}


def lapse_began(due_on: date, cadence_days: int, today: date) -> date:
    """The first day of the lapse ``today`` is in: the due day, or a whole cadence after it."""
    periods = (today - due_on).days // cadence_days
    return due_on + timedelta(days=periods * cadence_days)


def lapsed_contacts_query(today: date, timezones: list[str]) -> Select:
    """Contacts of owners in ``timezones`` due a touch by ``today``, with no check-in pending."""
    due = touch_due_column()
    pending_check_in = exists().where(
        RelationshipAction.contact_id == Contact.id,
        RelationshipAction.source == "cadence",
        RelationshipAction.status == "pending",
    )
    stmt = (
        select(
            Contact.id.label("contact_id"),
            Contact.first_name,
            Contact.last_name,
            Contact.owner_id,
            Contact.last_touch_on,
            RelationshipProfile.preferred_name,
            RelationshipProfile.communication_preference,
            cadence_column().label("cadence_days"),
            due.label("due_on"),
            PrimaryLink.company_id,
        )
        .outerjoin(RelationshipProfile, RelationshipProfile.contact_id == Contact.id)
        .join(User, and_(User.id == Contact.owner_id, User.active))
    )
    return join_cadence(stmt).where(
        Contact.archived_at.is_(None),
        User.timezone.in_(timezones),
        due <= today,
        ~pending_check_in,
    )


def _check_in_row(contact, today: date) -> dict:
    name = person_name(contact.first_name, contact.last_name, contact.preferred_name)
    since = (
        f"Last touch {contact.last_touch_on:%d %B %Y}."
        if contact.last_touch_on
        else "No touch recorded yet."
    )
    return {
        "contact_id": contact.contact_id,
        "company_id": contact.company_id,
        "title": f"Check in with {name}"[:200],
        "description": f"{since} Keep in touch every {contact.cadence_days} days.",
        "action_type": ACTION_FOR_CHANNEL.get(contact.communication_preference or "", "call"),
        "assigned_to_id": contact.owner_id,
        "due_on": today,
        "cadence_period": lapse_began(contact.due_on, contact.cadence_days, today),
    }


def _create_for(today: date, timezones: list[str], result: JobResult) -> None:
    """One query finds the lapsed contacts (plain rows); their check-ins are opened in batches."""
    lapsed = db.session.execute(lapsed_contacts_query(today, timezones).order_by(Contact.id)).all()
    rows = [_check_in_row(contact, today) for contact in lapsed]
    open_in_batches("cadence", rows, BATCH_SIZE, result, taken="check_in_already_made_this_lapse")


def run(clock: Clock) -> JobResult:
    """Make a check-in action for every contact whose keep-in-touch cadence has lapsed."""
    result = JobResult()
    for today, timezones in sorted(clock.timezones_by_day().items()):
        _create_for(today, timezones, result)
    return result
