"""A small firm with one of everything a user can write, made through the services, and then
every free-text column of every row overwritten with a tagged payload (``sweep``).

The sweep is generated from the models: a new text column gets a payload without anyone
listing it, unless it is named in ``NOT_FREE_TEXT`` with the reason no user can write it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import JSON, String, Text, select

from tests import factories
from tests.import_files import csv_bytes
from tests.security.hostile import (
    BREAKOUT,
    JS_URL,
    PAYLOAD,
    SCRIPT,
    SHORT_PAYLOAD,
    tag_of,
    tagged,
)
from webapp import access
from webapp.extensions import db
from webapp.models import Import, Message, RelationshipTypeGroup, SchedulerTick
from webapp.services import (
    actions,
    api_keys,
    calendar,
    calendar_feeds,
    companies,
    contact_relationships,
    contacts,
    custom_objects,
    digests,
    inbound_messages,
    interactions,
    life_events,
    message_templates,
    opportunities,
    partners,
    profiles,
)
from webapp.services.imports import running, uploads
from webapp.services.records import records

# Columns no user writes as free text: fixed choices, validated formats, secrets and derived
# values. Every other String, Text or JSON column of every model gets a payload.
NOT_FREE_TEXT = {
    "ApiKey.permissions": "a subset of the fixed permissions",
    "ApiKey.prefix": "made by Rapport",
    "ApiKey.secret_hash": "a hash",
    "AuditEvent.action": "written by the services, never shown",
    "AuditEvent.changes": "written by the services, never shown",
    "AuditEvent.object_type": "written by the services, never shown",
    "CacheGeneration.name": "a group of tables, fixed by a migration",
    "CalendarFeed.token_hash": "a hash",
    "ClientProfile.tier": "a fixed choice",
    "CompanyDomain.domain": "a validated domain name",
    "Contact.linkedin_url": "a validated LinkedIn address (https://www.linkedin.com/...)",
    "Contact.stage": "a fixed choice",
    "ContactPhone.number": "a validated E.164 number",
    "CustomAttribute.slug": "a validated slug, part of the API's paths",
    "CustomAttribute.target_type": "a record type's api name",
    "CustomAttribute.value_type": "a fixed choice",
    "CustomObject.slug": "a validated slug, part of the API's paths",
    "CustomRecordLink.attribute": "an attribute's slug",
    "CustomUniqueValue.attribute": "an attribute's slug",
    "CustomUniqueValue.value": "derived from a record's value, never shown",
    "Digest.contents": "composed from the swept rows after the sweep",
    "Import.encoding": "detected by Rapport from the file",
    "Import.failure_reason": "written by the import runner, never by a user",
    "Import.format": "detected by Rapport: a fixed choice",
    "Import.mapping": "column names (shown from Import.columns) to fixed field names",
    "Import.status": "a fixed choice",
    "Import.summary": "counts",
    "ImportRow.changes": "written by the import runner for undo, never shown",
    "ImportRow.outcome": "a fixed choice",
    "Interaction.kind": "a fixed choice",
    "LifeEvent.event_type": "a fixed choice",
    "Message.channel": "a fixed choice",
    "Message.direction": "a fixed choice",
    "Message.idempotency_key": "never shown",
    "Message.provider_sid": "Twilio's id, never shown",
    "Message.status": "a fixed choice",
    "Opportunity.stage": "a fixed choice",
    "PermissionOverride.permission": "a fixed choice",
    "RelationshipAction.action_type": "a fixed choice",
    "RelationshipAction.source": "a fixed choice",
    "RelationshipAction.status": "a fixed choice",
    "RelationshipProfile.communication_preference": "a fixed choice",
    "RelationshipProfile.phone_number": "a validated E.164 number",
    "RelationshipProfile.whatsapp_number": "a validated E.164 number",
    "RelationshipTypeGroup.name": "the four built-in groups",
    "SchedulerTick.job": "a job's name",
    "SchedulerTick.status": "a fixed choice",
    "Task.status": "a fixed choice",
    "User.password_hash": "a hash",
    "User.role": "a fixed choice",
    "User.timezone": "a validated time zone",
}
# JSON columns whose shape a plain payload would not fit.
JSON_PAYLOADS = {
    "Import.columns": lambda n: [{"name": tagged(PAYLOAD, n), "samples": [tagged(PAYLOAD, n)]}],
    "Import.errors": lambda n: [{"row": 1, "field": "email", "message": tagged(PAYLOAD, n)}],
    "Import.undo_kept": lambda n: [
        {"type": "contact", "id": 1, "name": tagged(PAYLOAD, n), "fields": ["title"]}
    ],
    "Message.media_urls": lambda n: [f"{JS_URL}~{tag_of(n)}", "https://media.example/a.png"],
    "SchedulerTick.details": lambda n: {tagged(SHORT_PAYLOAD, n): 1},
}


@dataclass
class World:
    me: Any  # an executive and admin: sees every page, every queue
    mate: Any
    squad: Any
    client: Any  # a client company
    ada: Any
    bob: Any
    event: Any
    action: Any
    interaction: Any
    partner: Any
    relationship_type: Any
    relationship: Any
    opportunity: Any
    template: Any
    outbound: Any
    unmatched: Any
    custom_object: Any
    custom_record_id: int
    api_key: Any
    feed_token: str
    former: Any  # an archived contact
    spare_type: Any  # a relationship type nobody uses, so it can be deleted
    contact_import: Any  # an import that ran, with a row that failed
    digest: Any = None


def _firm() -> dict[str, Any]:
    squad = factories.SquadFactory(name="North")
    me = factories.UserFactory(role="executive", is_admin=True, squad=squad, name="Eve Exec")
    mate = factories.UserFactory(role="member", squad=squad, name="Max Member")
    actor = access.actor_for_user(me)
    given = companies.CompanyInput(
        name=PAYLOAD,
        industry=PAYLOAD,
        owner_id=me.id,
        domains=["acme.example"],
        is_client=True,
        account_manager_id=me.id,
    )
    client = companies.create_company(actor, given)

    def person(first: str, email: str, phone: str):
        given = contacts.ContactInput(
            first_name=first,
            last_name=PAYLOAD,
            title=PAYLOAD,
            owner_id=me.id,
            emails=[email],
            phones=[phone],
            company_links=[contacts.CompanyLinkInput(client.id, PAYLOAD, True)],
            tags=["Friends"],
        )
        return contacts.create_contact(actor, given)

    ada = person(PAYLOAD, "ada@acme.example", "+447911123456")
    bob = person("Bob", "bob@acme.example", "+442079460958")
    former = person("Fay", "fay@acme.example", "+442079460959")
    contacts.archive_contact(actor, former.id)
    people = {"ada": ada, "bob": bob, "former": former}
    return {"me": me, "mate": mate, "squad": squad, "client": client, **people}


def _relationship_side(actor, firm: dict[str, Any]) -> dict[str, Any]:
    ada, today = firm["ada"], calendar.today_in("UTC")
    profile = {name: PAYLOAD for name in profiles.TEXT_LIMITS}
    profile["interests"] = [SCRIPT, BREAKOUT]  # an interest is at most 60 characters
    profile |= {"phone_number": "+447911123456", "twilio_opt_in": True}
    profiles.update_profile(actor, ada.id, profile | {"assistant_email": "pa@acme.example"})
    soon = (today + timedelta(days=3)).isoformat()
    event = {"event_type": "promotion", "title": PAYLOAD, "description": PAYLOAD}
    event = life_events.create_event(actor, ada.id, event | {"event_date": soon})
    action = {"title": PAYLOAD, "description": PAYLOAD, "message_body": PAYLOAD}
    due = {"action_type": "call", "due_date": today.isoformat()}
    action = actions.create_action(actor, ada.id, action | due)
    overdue = {"title": PAYLOAD, "action_type": "card", "due_date": str(today - timedelta(3))}
    actions.create_action(actor, ada.id, overdue)
    interaction = {"kind": "call", "occurred_on": str(today), "summary": PAYLOAD}
    interaction = interactions.log_interaction(actor, ada.id, interaction)
    names = ("partner_company_name", "partner_contact_name", "relationship_type", "notes")
    partner = {name: PAYLOAD for name in names} | {"contact_id": ada.id}
    partner = partners.create_partner(actor, firm["client"].id, partner)
    return {"event": event, "action": action, "interaction": interaction, "partner": partner}


def _people_and_deals(actor, firm: dict[str, Any]) -> dict[str, Any]:
    work = select(RelationshipTypeGroup.id).where(RelationshipTypeGroup.name == "work")
    group = {"relationship_type_group_id": db.session.scalar(work)}
    names = {"name": PAYLOAD, "name_reverse_relationship": PAYLOAD}
    kind = contact_relationships.create_type(actor, names | group)
    edge = {"contact_is": firm["ada"].id, "of_contact": firm["bob"].id}
    edge = contact_relationships.create_relationship(
        actor, edge | {"relationship_type_id": kind.id}
    )
    names = {"name": "ally", "name_reverse_relationship": "ally"}
    spare = contact_relationships.create_type(actor, names | group)
    deal = {"name": PAYLOAD, "account_id": firm["client"].id}
    deal = opportunities.create_opportunity(actor, deal, [actor.user_id])
    opportunities.link_contact(actor, deal.id, firm["ada"].id, {"role": PAYLOAD})
    return {
        "relationship_type": kind,
        "relationship": edge,
        "opportunity": deal,
        "spare_type": spare,
    }


def _messages(actor, firm: dict[str, Any]) -> dict[str, Any]:
    template = message_templates.create_template(actor, {"name": PAYLOAD, "body": PAYLOAD})
    # A message the carrier refused, as the messaging service leaves it.
    outbound = Message(
        contact_id=firm["ada"].id,
        channel="mms",
        direction="outbound",
        body=PAYLOAD,
        status="failed",
        media_urls=[JS_URL],
        from_number="+15005550006",
        to_number="+447911123456",
        sent_by_id=actor.user_id,
        error_code="30007",
        error_message=PAYLOAD,
    )
    db.session.add(outbound)
    to = {"To": "+15005550006", "Body": PAYLOAD}
    inbound_messages.receive({"MessageSid": "SMxss1", "From": "+447911123456", **to})
    media = {"NumMedia": "1", "MediaUrl0": JS_URL}
    unmatched = {"MessageSid": "SMxss2", "From": "+14155550100", **to, **media}
    unmatched = inbound_messages.receive(unmatched)
    db.session.add(SchedulerTick(job="due_actions", status="failed", error=PAYLOAD))
    return {"template": template, "outbound": outbound, "unmatched": unmatched}


def _ran_import(actor):
    """An import that ran: one contact created, one row refused (its email is not one)."""
    rows = [[PAYLOAD, "Ivy", "ivy@initech.example"], [PAYLOAD, "Oz", PAYLOAD]]
    content = csv_bytes(["First name", "Last name", "Email"], rows)
    started = uploads.start_import(actor, f"{PAYLOAD}.csv", content)
    running.queue_import(actor, started.id)
    running.run_pending(calendar.now())
    return db.session.get(Import, started.id)


def _custom_and_settings(actor, firm: dict[str, Any]) -> dict[str, Any]:
    attributes = [
        {"slug": "title", "name": "Title", "value_type": "text"},
        {"slug": "phase", "name": "Phase", "value_type": "select", "options": ["One"]},
    ]
    defined = {"slug": "project", "name": "Project", "description": PAYLOAD}
    defined = custom_objects.define_object(actor, defined | {"attributes": attributes})
    record = records.create_record(actor, "project", {"title": PAYLOAD, "phase": "One"})
    key = api_keys.create_api_key(actor, firm["me"], name=PAYLOAD)
    feed = calendar_feeds.create_feed(actor)
    return {
        "contact_import": _ran_import(actor),
        "custom_object": defined,
        "custom_record_id": record.id,
        "api_key": key.api_key,
        "feed_token": feed.token,
    }


def build_world() -> World:
    """The firm, made through the services with payloads wherever they take free text."""
    firm = _firm()
    actor = access.actor_for_user(firm["me"])
    parts = {**firm, **_relationship_side(actor, firm), **_people_and_deals(actor, firm)}
    parts |= _messages(actor, firm) | _custom_and_settings(actor, firm)
    db.session.commit()
    return World(**parts)


def free_text_columns() -> list[tuple[type, str, Any]]:
    """(model, attribute, column) of every String, Text or JSON column users can write."""
    found = []
    for mapper in db.Model.registry.mappers:
        for column in mapper.columns:
            if not isinstance(column.type, String | Text | JSON):
                continue
            key = mapper.get_property_by_column(column).key
            if f"{mapper.class_.__name__}.{key}" not in NOT_FREE_TEXT:
                found.append((mapper.class_, key, column))
    return sorted(found, key=lambda found: (found[0].__name__, found[1]))


def _payload_for(name: str, column: Any, current: Any, number: int) -> Any:
    if name in JSON_PAYLOADS:
        return JSON_PAYLOADS[name](number)
    if isinstance(column.type, JSON):
        payload = tagged(PAYLOAD, number)
        if isinstance(current, dict):
            return {k: payload if isinstance(v, str) else v for k, v in current.items()}
        return [payload]
    short = column.type.length is not None and column.type.length < len(PAYLOAD) + 4
    return tagged(SHORT_PAYLOAD if short else PAYLOAD, number)


def sweep(world: World) -> dict[str, str]:
    """Overwrite every free-text value of every row with a tagged payload; then compose the
    digest from what is stored. Returns {tag: "Model.column"} for every payload written."""
    written: dict[str, str] = {}
    number = 0
    for model, key, column in free_text_columns():
        name = f"{model.__name__}.{key}"
        for row in db.session.scalars(select(model)):
            number += 1
            setattr(row, key, _payload_for(name, column, getattr(row, key), number))
            written[tag_of(number)] = name
    db.session.commit()
    add_digest(world)
    return written


def add_digest(world: World) -> None:
    """Today's digest of ``world.me``, composed from what is stored now, as the job makes it."""
    day = calendar.today_in(world.me.timezone)
    contents = digests.compose(world.me, day)
    row = {"user_id": world.me.id, "digest_on": day, "contents": contents}
    digests.store_new([row | {"created_at": calendar.now()}])
    db.session.commit()
    world.digest = digests.latest_for(world.me)


# Free-text columns no page or JSON answer shows, and why.
NOT_SHOWN: dict[str, str] = {}
