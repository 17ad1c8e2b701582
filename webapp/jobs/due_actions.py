"""Due life-event actions: every occurrence whose lead window has opened gets its action, once.

Set-based: one query joins the life events to the occurrence window (every calendar day of the
coming year, with how many days ahead it is) and keeps the events whose lead time reaches that
day and whose occurrence has no action yet. Only those rows reach Python, a batch at a time.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Integer, and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.sql import Select

from webapp.extensions import db
from webapp.jobs.base import Clock, JobResult, open_in_batches
from webapp.models import (
    Contact,
    LifeEvent,
    RelationshipAction,
    RelationshipProfile,
    User,
)
from webapp.services.auto_actions import action_title, person_name
from webapp.services.calendar import annual_days, on_year
from webapp.services.life_event_types import DEFAULT_DAYS_BEFORE, LIFE_EVENT_TYPES, life_event_type
from webapp.services.touches import PrimaryLink

BATCH_SIZE = 1000


def occurrence_days(today: date) -> list[tuple[int, int, date]]:
    """(month, day, date) for each day of the coming year: when each month-day falls next."""
    end = on_year(today.year + 1, today.month, today.day)
    return annual_days(today, (end - today).days)


def longest_lead() -> int:
    """The longest lead time of any event with auto-actions on, its own or its type's default: no
    occurrence further ahead than this is due yet, so the window stops there. Most are a week or
    two, and a year-long window joined every event of the firm (1,000,000 in the bench)."""
    own = select(func.max(LifeEvent.auto_action_days_before)).where(LifeEvent.auto_action_enabled)
    defaults = (rules.days_before for rules in LIFE_EVENT_TYPES.values())
    return max(db.session.scalar(own) or 0, DEFAULT_DAYS_BEFORE, *defaults)


def _window(today: date, lead: int):
    """The occurrence window as a derived table (month, day, occurs_on, year, days_ahead): the
    days from ``today`` to ``lead`` days ahead."""
    rows = [
        select(
            literal(month, Integer).label("month"),
            literal(day, Integer).label("day"),
            literal(occurs_on).label("occurs_on"),
            literal(occurs_on.year, Integer).label("year"),
            literal((occurs_on - today).days, Integer).label("days_ahead"),
        )
        for month, day, occurs_on in occurrence_days(today)
        if (occurs_on - today).days <= lead
    ]
    return union_all(*rows).subquery("occurrence_window")


def lead_days_column():
    """SQL: the event's lead time, or its type's default."""
    defaults = {name: rules.days_before for name, rules in LIFE_EVENT_TYPES.items()}
    by_type = case(defaults, value=LifeEvent.event_type, else_=DEFAULT_DAYS_BEFORE)
    return func.coalesce(LifeEvent.auto_action_days_before, by_type)


def due_events_query(today: date, timezones: list[str] | None, longest: int) -> Select:
    """Events whose next occurrence is within their lead time of ``today`` and has no action.

    ``timezones`` limits it to contacts whose owner is in one of them (``today`` is theirs);
    ``None`` selects the events of contacts without an active owner instead. ``longest`` is
    the ``longest_lead``, read once per run.
    """
    window = _window(today, longest)
    lead = lead_days_column()
    happens_that_year = or_(
        LifeEvent.event_year.is_(None),
        LifeEvent.event_year == window.c.year,
        and_(LifeEvent.recurs_annually, LifeEvent.event_year < window.c.year),
    )
    has_action = exists().where(
        RelationshipAction.life_event_id == LifeEvent.id,
        RelationshipAction.occurrence_on == window.c.occurs_on,
    )
    stmt = (
        select(
            LifeEvent.id.label("life_event_id"),
            LifeEvent.event_type,
            LifeEvent.title,
            func.coalesce(LifeEvent.company_id, PrimaryLink.company_id).label("company_id"),
            lead.label("lead_days"),
            window.c.occurs_on,
            Contact.id.label("contact_id"),
            Contact.first_name,
            Contact.last_name,
            Contact.owner_id,
            RelationshipProfile.preferred_name,
        )
        .join(
            window,
            and_(LifeEvent.event_month == window.c.month, LifeEvent.event_day == window.c.day),
        )
        .join(Contact, Contact.id == LifeEvent.contact_id)
        .outerjoin(RelationshipProfile, RelationshipProfile.contact_id == Contact.id)
        .outerjoin(PrimaryLink, and_(PrimaryLink.contact_id == Contact.id, PrimaryLink.is_primary))
        .outerjoin(User, and_(User.id == Contact.owner_id, User.active))
        .where(
            LifeEvent.auto_action_enabled,
            lead >= window.c.days_ahead,
            happens_that_year,
            ~has_action,
            Contact.archived_at.is_(None),
        )
    )
    if timezones is None:
        return stmt.where(User.id.is_(None))
    return stmt.where(User.timezone.in_(timezones))


def _action_row(event, today: date) -> dict:
    occurs_on = event.occurs_on
    name = person_name(event.first_name, event.last_name, event.preferred_name)
    return {
        "contact_id": event.contact_id,
        "company_id": event.company_id,
        "title": action_title(event.event_type, event.title, name, occurs_on),
        "action_type": life_event_type(event.event_type).action_type,
        "assigned_to_id": event.owner_id,
        "due_on": max(occurs_on - timedelta(days=event.lead_days), today),
        "life_event_id": event.life_event_id,
        "occurrence_on": occurs_on,
    }


def _create_for(today: date, timezones: list[str], lead: int, result: JobResult) -> None:
    """Create the due actions of one group of owners (who share ``today``).

    One query finds the due occurrences, as plain rows: in a steady state, a day's worth.
    """
    stmt = due_events_query(today, timezones, lead).order_by(LifeEvent.id)
    due = db.session.execute(stmt).all()
    rows = [_action_row(event, today) for event in due]
    open_in_batches("life_event", rows, BATCH_SIZE, result, taken="already_created")


def run(clock: Clock) -> JobResult:
    """Make sure every life event whose lead window is open has its action."""
    result = JobResult()
    lead = longest_lead()
    for today, timezones in sorted(clock.timezones_by_day().items()):
        _create_for(today, timezones, lead, result)
    without_owner = select(func.count()).select_from(
        due_events_query(clock.today_in("UTC"), None, lead).subquery()
    )
    ownerless = db.session.scalar(without_owner) or 0
    result.skipped += ownerless
    result.count("no_active_owner", ownerless)
    return result
