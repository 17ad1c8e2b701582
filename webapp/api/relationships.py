"""Reference 002: relationship profiles and life events, at the reference's own paths."""

from __future__ import annotations

from flask import current_app, jsonify

from webapp import access
from webapp.api import api, schemas
from webapp.api.documenting import documented
from webapp.api.inputs import json_body
from webapp.api.serializers import life_event_json, profile_json
from webapp.guards import permission_required, signed_in_actor
from webapp.messaging.settings import twilio_connected
from webapp.services import life_events, profiles
from webapp.services.calendar import today_in

PROFILE = "/relationships/contacts/<int:contact_id>/relationship"
EVENTS = "/relationships/contacts/<int:contact_id>/life-events"
EVENT = "/relationships/contacts/<int:contact_id>/life-events/<int:event_id>"


def _today():
    return today_in(signed_in_actor().user.timezone)


@api.get(PROFILE)
@permission_required(access.RELATIONSHIPS_VIEW)
@documented("The contact's relationship profile (created on first read)", schemas.ProfileResponse)
def get_profile(contact_id: int):
    profile = profiles.profile_for(signed_in_actor(), contact_id)
    return jsonify(
        {"profile": profile_json(profile), "twilio_connected": twilio_connected(current_app.config)}
    )


@api.patch(PROFILE)
@permission_required(access.RELATIONSHIPS_UPDATE)
@documented(
    "Update (or create) the profile; every field optional",
    schemas.ProfileUpdateResponse,
    body=schemas.ProfileUpdate,
)
def update_profile(contact_id: int):
    values = json_body(schemas.ProfileUpdate)
    profile = profiles.update_profile(signed_in_actor(), contact_id, values)
    return jsonify({"profile": profile_json(profile)})


@api.get(EVENTS)
@permission_required(access.RELATIONSHIPS_VIEW)
@documented("The contact's life events, latest date first", schemas.LifeEventList)
def list_life_events(contact_id: int):
    events = life_events.list_events(signed_in_actor(), contact_id)
    today = _today()
    return jsonify({"events": [life_event_json(event, today) for event in events]})


@api.post(EVENTS)
@permission_required(access.RELATIONSHIPS_UPDATE)
@documented(
    "Add a life event; its auto-action is created unless auto_action_enabled is false",
    schemas.LifeEventResponse,
    status=201,
    body=schemas.LifeEventCreate,
)
def create_life_event(contact_id: int):
    values = json_body(schemas.LifeEventCreate)
    event = life_events.create_event(signed_in_actor(), contact_id, values)
    return jsonify({"event": life_event_json(event, _today())}), 201


@api.patch(EVENT)
@permission_required(access.RELATIONSHIPS_UPDATE)
@documented(
    "Change a life event; a new date or lead time moves its pending auto-action",
    schemas.LifeEventResponse,
    body=schemas.LifeEventUpdate,
)
def update_life_event(contact_id: int, event_id: int):
    values = json_body(schemas.LifeEventUpdate)
    event = life_events.update_event(signed_in_actor(), contact_id, event_id, values)
    return jsonify({"event": life_event_json(event, _today())})


@api.delete(EVENT)
@permission_required(access.RELATIONSHIPS_MANAGE)
@documented("Delete a life event; its pending auto-action is dismissed", schemas.Ok)
def delete_life_event(contact_id: int, event_id: int):
    life_events.delete_event(signed_in_actor(), contact_id, event_id)
    return jsonify({"ok": True})
