"""Keep in touch: when a contact last heard from us, and when they should next.

A touch is an outbound message that did not fail, a relationship action marked done, or a
logged interaction that is not archived. ``contacts.last_touch_on`` keeps the latest; ``refresh``
recomputes it from those three, so deleting, archiving or editing a touch can move it back as
well as forward.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import aliased

from webapp.extensions import db
from webapp.models import (
    ClientProfile,
    Contact,
    ContactCompanyLink,
    Interaction,
    Message,
    RelationshipAction,
    RelationshipProfile,
)
from webapp.services.sql_dates import plus_days, utc_day

# Days between touches when the relationship profile does not say, by the client's tier.
CADENCE_BY_TIER = {"strategic": 30, "key": 60, "standard": 90}
CADENCE_CHOICES = (14, 30, 60, 90, 180)
MAX_CADENCE_DAYS = 365
FAILED_MESSAGE_STATUSES = ("failed", "undelivered")


def _latest_touch_query(contact_id: int):
    message = select(func.max(Message.created_at)).where(
        Message.contact_id == contact_id,
        Message.direction == "outbound",
        Message.status.not_in(FAILED_MESSAGE_STATUSES),
    )
    done = select(func.max(RelationshipAction.completed_at)).where(
        RelationshipAction.contact_id == contact_id, RelationshipAction.status == "done"
    )
    logged = select(func.max(Interaction.occurred_on)).where(
        Interaction.contact_id == contact_id, Interaction.archived_at.is_(None)
    )
    return select(message.scalar_subquery(), done.scalar_subquery(), logged.scalar_subquery())


def refresh(contact: Contact) -> date | None:
    """Recompute the contact's last touch from its touches (call after writing one)."""
    db.session.flush()
    message_at, done_at, logged_on = db.session.execute(_latest_touch_query(contact.id)).one()
    days = [moment.date() for moment in (message_at, done_at) if moment is not None]
    if logged_on is not None:
        days.append(logged_on)
    contact.last_touch_on = max(days, default=None)
    return contact.last_touch_on


def tier_cadence(tier: str | None) -> int | None:
    return CADENCE_BY_TIER.get(tier) if tier else None


def client_tier(contact: Contact) -> str | None:
    """The tier of the contact's primary company, if it is a client."""
    company = contact.primary_company
    client = company.client_profile if company is not None else None
    return client.tier if client is not None else None


def cadence_for(contact: Contact, profile: RelationshipProfile | None) -> int | None:
    """Days between touches for this contact; ``None`` when no reminder is wanted."""
    days = profile.cadence_days if profile is not None else None
    if days is None:
        days = tier_cadence(client_tier(contact))
    return days or None


def next_touch_due(contact: Contact, profile: RelationshipProfile | None) -> date | None:
    """The day the contact is due a touch: the last one (or when added) plus the cadence."""
    days = cadence_for(contact, profile)
    if days is None:
        return None
    since = contact.last_touch_on or contact.created_at.date()
    return since + timedelta(days=days)


# The contact's primary company link and that company's client profile, for joining in SQL.
# (The contacts service keeps exactly one link primary whenever a contact has links.)
PrimaryLink = aliased(ContactCompanyLink, name="primary_link")
PrimaryClient = aliased(ClientProfile, name="primary_client")


def join_cadence(stmt: Select) -> Select:
    """Outer-join what a contact's cadence depends on to a ``select`` over ``Contact``.

    The relationship profile must already be outer-joined (callers usually load it too).
    """
    return stmt.outerjoin(
        PrimaryLink, and_(PrimaryLink.contact_id == Contact.id, PrimaryLink.is_primary)
    ).outerjoin(PrimaryClient, PrimaryClient.company_id == PrimaryLink.company_id)


@functools.cache
def cadence_column():
    """SQL: days between touches (0 or NULL: none), after ``join_cadence``. Built once, as the
    contact columns are (``contact_columns``)."""
    by_tier = case(CADENCE_BY_TIER, value=PrimaryClient.tier, else_=None)
    return func.coalesce(RelationshipProfile.cadence_days, by_tier)


@functools.cache
def touch_due_column():
    """SQL: the day a contact is due a touch, NULL without a cadence (after ``join_cadence``).
    Built once."""
    cadence = cadence_column()
    since = func.coalesce(Contact.last_touch_on, utc_day(Contact.created_at))
    return case((cadence > 0, plus_days(since, cadence)), else_=None)
