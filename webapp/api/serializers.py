"""One function per object type: how it looks in JSON, used by every endpoint that returns it."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from webapp.services.action_rows import ActionRow, row_of
from webapp.services.auto_actions import days_before, occurrence_of
from webapp.services.calendar import format_calendar_day
from webapp.services.records.fields import amount_json

if TYPE_CHECKING:
    from webapp.models import (
        ApiKey,
        Import,
        LifeEvent,
        Message,
        Partner,
        RelationshipAction,
        RelationshipProfile,
        User,
    )
    from webapp.services.records.schema import RecordType
    from webapp.services.summaries import ClientSummary, KeyPerson, UpcomingEvent


def user_json(user: User) -> dict:
    return {
        "id": str(user.id),
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "squad": {"id": str(user.squad.id), "name": user.squad.name} if user.squad else None,
        "timezone": user.timezone,
        "active": user.active,
    }


def api_key_json(api_key: ApiKey) -> dict:
    return {
        "id": str(api_key.id),
        "name": api_key.name,
        "prefix": api_key.prefix,
        "permissions": list(api_key.permissions),
        "created_at": api_key.created_at.isoformat(),
        "last_used_at": api_key.last_used_at.isoformat() if api_key.last_used_at else None,
        "revoked_at": api_key.revoked_at.isoformat() if api_key.revoked_at else None,
    }


def _id(value: int | None) -> str | None:
    return str(value) if value is not None else None


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def profile_json(profile: RelationshipProfile) -> dict:
    return {
        "id": str(profile.id),
        "contact_id": str(profile.contact_id),
        "communication_preference": profile.communication_preference,
        "communication_notes": profile.communication_notes,
        "personal_notes": profile.personal_notes,
        "birthday": format_calendar_day(
            profile.birthday_month, profile.birthday_day, profile.birthday_year
        ),
        "birthday_year": profile.birthday_year,
        "home_address": profile.home_address,
        "interests": list(profile.interests or []),
        "dietary_requirements": profile.dietary_requirements,
        "preferred_name": profile.preferred_name,
        "assistant_name": profile.assistant_name,
        "assistant_email": profile.assistant_email,
        "phone_number": profile.phone_number,
        "whatsapp_number": profile.whatsapp_number,
        "twilio_opt_in": profile.twilio_opt_in,
        "created_at": profile.created_at.isoformat(),
        "updated_at": profile.updated_at.isoformat(),
    }


def life_event_json(event: LifeEvent, today: date) -> dict:
    """``today`` (the reader's) dates ``next_occurrence``."""
    return {
        "id": str(event.id),
        "contact_id": str(event.contact_id),
        "company_id": _id(event.company_id),
        "event_type": event.event_type,
        "title": event.title,
        "event_date": format_calendar_day(event.event_month, event.event_day, event.event_year),
        "recurs_annually": event.recurs_annually,
        "description": event.description,
        "auto_action_enabled": event.auto_action_enabled,
        "auto_action_days_before": days_before(event),
        "next_occurrence": _iso(occurrence_of(event, today)),
        "created_at": event.created_at.isoformat(),
        "updated_at": event.updated_at.isoformat(),
    }


def action_json(action: RelationshipAction | ActionRow) -> dict:
    """An action with the joined contact, company and assignee fields of reference 002; read
    as an ORM object or as a row (``action_rows``)."""
    row = action if isinstance(action, ActionRow) else row_of(action)
    return {
        "id": str(row.id),
        "contact_id": str(row.contact_id),
        "company_id": _id(row.company_id),
        "life_event_id": _id(row.life_event_id),
        "occurrence_date": _iso(row.occurrence_on),
        "title": row.title,
        "action_type": row.action_type,
        "description": row.description,
        "assigned_to_user_id": str(row.assigned_to_id),
        "due_date": _iso(row.due_on),
        "overdue": row.overdue,
        "message_body": row.message_body,
        "status": row.status,
        "source": row.source,
        "task_id": _id(row.task_id),
        "completed_at": _iso(row.completed_at),
        "completed_by_user_id": _id(row.completed_by_id),
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
        "first_name": row.first_name,
        "last_name": row.last_name,
        "contact_email": row.contact_email,
        "company_name": row.company_name,
        "assigned_to_name": row.assigned_to_name,
    }


def message_json(message: Message) -> dict:
    return {
        "id": str(message.id),
        "contact_id": _id(message.contact_id),
        "channel": message.channel,
        "direction": message.direction,
        "body": message.body,
        "media_url": message.media_url,
        "media_urls": list(message.media_urls or []),
        "status": message.status,
        "from_number": message.from_number,
        "to_number": message.to_number,
        "twilio_sid": message.provider_sid,
        "error_code": message.error_code,
        "error_message": message.error_message,
        "sent_by_user_id": _id(message.sent_by_id),
        "sent_by_name": message.sent_by.name if message.sent_by else None,
        "auto_action_id": _id(message.relationship_action_id),
        "status_changed_at": _iso(message.status_changed_at),
        "created_at": message.created_at.isoformat(),
        "updated_at": message.updated_at.isoformat(),
    }


def partner_json(partner: Partner) -> dict:
    contact = partner.contact
    return {
        "id": str(partner.id),
        "company_id": str(partner.company_id),
        "partner_company_name": partner.partner_company_name,
        "partner_contact_name": partner.partner_contact_name,
        "partner_contact_email": partner.partner_contact_email,
        "relationship_type": partner.relationship_type,
        "estimated_deal_size": amount_json(partner.estimated_deal_size),
        "notes": partner.notes,
        "contact_id": _id(partner.contact_id),
        "contact_name": contact.full_name if contact else None,
        "created_at": partner.created_at.isoformat(),
        "updated_at": partner.updated_at.isoformat(),
    }


def summary_contact_json(person: KeyPerson) -> dict:
    """A client's contact with how they like to be contacted (their relationship profile)."""
    return {
        "id": str(person.id),
        "first_name": person.first_name,
        "last_name": person.last_name,
        "title": person.title,
        "role": person.role,
        "email": person.email,
        "phone": person.phone,
        "owner_id": _id(person.owner_id),
        "owner_name": person.owner_name,
        "last_touch_on": _iso(person.last_touch_on),
        "communication_preference": person.communication_preference,
        "communication_notes": person.communication_notes,
        "preferred_name": person.preferred_name,
        "phone_number": person.phone_number,
        "whatsapp_number": person.whatsapp_number,
        "twilio_opt_in": bool(person.twilio_opt_in),
        "assistant_name": person.assistant_name,
        "assistant_email": person.assistant_email,
        "dietary_requirements": person.dietary_requirements,
        "interests": list(person.interests or []),
    }


def upcoming_event_json(upcoming: UpcomingEvent, today: date) -> dict:
    """A life event in the summary: the event, its next occurrence, and whose it is."""
    event = upcoming.event
    return {
        **life_event_json(event, today),
        "next_occurrence": upcoming.occurs_on.isoformat(),
        "days_until": upcoming.days_away(today),
        "first_name": event.first_name,
        "last_name": event.last_name,
    }


def summary_json(summary: ClientSummary) -> dict:
    """Reference 002's relationship summary: ``{contacts, events, actions, partners, messages}``."""
    return {
        "contacts": [summary_contact_json(person) for person in summary.people],
        "events": [upcoming_event_json(up, summary.today) for up in summary.events],
        "actions": [action_json(action) for action in summary.actions],
        "partners": [partner_json(partner) for partner in summary.partners],
        "messages": [message_json(message) for message in summary.messages],
    }


def record_json(record_kind: RecordType, record) -> dict:
    """A record of the records API: its id, its type, and every field but the id by api name."""
    attributes = {
        spec.api_name: spec.read(record) for spec in record_kind.fields if spec.api_name != "id"
    }
    return {"id": str(record.id), "record_type": record_kind.api_name, "attributes": attributes}


def import_json(record: Import) -> dict:
    """An import as the records API shows it (docs/import.md)."""
    return {
        "id": str(record.id),
        "status": record.status,
        "filename": record.filename,
        "format": record.format,
        "encoding": record.encoding,
        "rows": record.rows_total,
        "owner": str(record.owner_id),
        "overwrite": record.overwrite,
        "mapping": record.mapping,
        "summary": record.summary,
        "errors": record.errors,
        "progress": {"done": record.rows_done, "total": record.rows_total},
        "failure_reason": record.failure_reason,
        "undo_kept": record.undo_kept,
        "created_at": _iso(record.created_at),
        "finished_at": _iso(record.finished_at),
        "undone_at": _iso(record.undone_at),
    }
