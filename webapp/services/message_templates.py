"""Message templates: reusable texts with placeholders, kept by admins, filled in per contact."""

from __future__ import annotations

from string import Formatter
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from webapp import access
from webapp.extensions import db
from webapp.models import MessageTemplate
from webapp.services import field_rules
from webapp.services.audit import apply_changes, record_event
from webapp.services.errors import Conflict, NotFound
from webapp.services.validation import FieldErrors

if TYPE_CHECKING:
    from webapp.access import Actor
    from webapp.models import Contact

PLACEHOLDERS = {
    "preferred_name": "What they like to be called (their first name if not set)",
    "first_name": "Their first name",
    "company_name": "Their company",
    "event_title": "The life event or action the message is for",
}
MAX_NAME = 120
MAX_BODY = 1600


def placeholders_in(body: str) -> list[str]:
    """The placeholder names in ``body``; ``ValueError`` if its braces do not pair up."""
    try:
        parsed = list(Formatter().parse(body))
    except ValueError as exc:
        raise ValueError("Write placeholders as {name}; use {{ and }} for a brace.") from exc
    names = []
    for _text, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise ValueError(f"{{{name}}} is not a placeholder; write placeholders as {{name}}.")
        names.append(name)
    return names


def _template_body(value: Any) -> str:
    body = field_rules.required_text(value, MAX_BODY)
    unknown = sorted({name for name in placeholders_in(body) if name not in PLACEHOLDERS})
    if unknown:
        allowed = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        named = ", ".join(f"{{{name}}}" for name in unknown)
        raise ValueError(f"Unknown placeholder {named}. Use: {allowed}.")
    return body


RULES = {"name": lambda v: field_rules.required_text(v, MAX_NAME), "body": _template_body}


def _read(values: dict[str, Any]) -> dict[str, Any]:
    errors = FieldErrors()
    cleaned = {name: errors.read(name, rule, values.get(name)) for name, rule in RULES.items()}
    errors.raise_if_any()
    return cleaned


def _name_is_free(name: str, template_id: int | None = None) -> None:
    stmt = select(MessageTemplate.id).where(db.func.lower(MessageTemplate.name) == name.lower())
    other = db.session.scalar(stmt)
    if other is not None and other != template_id:
        raise Conflict(f"There is already a template called {name}.", code="name_taken")


def list_templates() -> list[MessageTemplate]:
    return list(db.session.scalars(select(MessageTemplate).order_by(MessageTemplate.name)))


def get_template(actor: Actor, template_id: int) -> MessageTemplate:
    return access.get_or_404(actor, MessageTemplate, template_id, access.RELATIONSHIPS_VIEW)


def create_template(actor: Actor, values: dict[str, Any]) -> MessageTemplate:
    access.require(actor, access.ADMIN)
    cleaned = _read(values)
    _name_is_free(cleaned["name"])
    template = MessageTemplate(**cleaned, created_by_id=actor.user_id)
    db.session.add(template)
    db.session.flush()
    snapshot = {name: {"before": None, "after": value} for name, value in cleaned.items()}
    record_event(actor, "create", "message_template", template.id, snapshot)
    return template


def update_template(actor: Actor, template_id: int, values: dict[str, Any]) -> MessageTemplate:
    access.require(actor, access.ADMIN)
    template = db.session.get(MessageTemplate, template_id)
    if template is None:
        raise NotFound(f"No message template with id {template_id}.")
    cleaned = _read(values)
    _name_is_free(cleaned["name"], template.id)
    changes = apply_changes(template, cleaned)
    if changes:
        db.session.flush()
        record_event(actor, "update", "message_template", template.id, changes)
    return template


def delete_template(actor: Actor, template_id: int) -> None:
    access.require(actor, access.ADMIN)
    template = db.session.get(MessageTemplate, template_id)
    if template is None:
        raise NotFound(f"No message template with id {template_id}.")
    record_event(
        actor, "delete", "message_template", template.id, {"name": {"before": template.name}}
    )
    db.session.delete(template)
    db.session.flush()


def fill(template: MessageTemplate, contact: Contact, event_title: str | None = None) -> str:
    """The template's text for ``contact``; a placeholder with no value becomes empty."""
    profile = contact.relationship_profile
    company = contact.primary_company
    values = {
        "preferred_name": (profile.preferred_name if profile else None) or contact.first_name,
        "first_name": contact.first_name,
        "company_name": company.name if company else "",
        "event_title": event_title or "",
    }
    return template.body.format_map(values)
