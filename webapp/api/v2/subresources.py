"""Sub-resources (reference 001): a contact's emails and phone numbers, an account's domains.

``GET`` lists the items, primary first; ``POST`` adds one (``is_primary`` moves it first);
``DELETE .../<value>`` removes one. The parent ``PATCH`` still replaces a whole list.
"""

from __future__ import annotations

from flask import Response, jsonify

from webapp import access
from webapp.api.v2 import v2
from webapp.api.v2.bodies import json_object
from webapp.api.v2.openapi_v2 import documented_v2
from webapp.guards import permission_required, signed_in_actor
from webapp.services.records import subresources
from webapp.services.records.subresources import (
    ACCOUNT_DOMAINS,
    CONTACT_EMAILS,
    CONTACT_PHONE_NUMBERS,
    SubResource,
)

CONTACT = "/contact/<int:record_id>"
ACCOUNT = "/account/<int:record_id>"


def items_json(sub: SubResource, items: list[str]) -> dict:
    """A sub-resource's list: each item with ``is_primary`` (the first one is)."""
    return {
        "data": [
            {sub.item_field: item, "is_primary": position == 0}
            for position, item in enumerate(items)
        ],
        "meta": {"total": len(items)},
    }


def _listed(sub: SubResource, record_id: int) -> Response:
    return jsonify(items_json(sub, subresources.list_items(signed_in_actor(), sub, record_id)))


def _added(sub: SubResource, record_id: int) -> tuple[Response, int]:
    """201 when the item is new; 200 when it was already there (moved first or not)."""
    body = json_object((sub.item_field, "is_primary"), required=(sub.item_field,))
    added = subresources.add_item(
        signed_in_actor(), sub, record_id, body[sub.item_field], body.get("is_primary", False)
    )
    return jsonify(items_json(sub, added.items)), 201 if added.created else 200


def _removed(sub: SubResource, record_id: int, value: str) -> tuple[str, int]:
    subresources.remove_item(signed_in_actor(), sub, record_id, value)
    return "", 204


@v2.get(f"{CONTACT}/emails")
@documented_v2("subresource_list", subresource=CONTACT_EMAILS)
@permission_required(access.CRM_READ)
def contact_emails(record_id: int):
    return _listed(CONTACT_EMAILS, record_id)


@v2.post(f"{CONTACT}/emails")
@documented_v2("subresource_add", subresource=CONTACT_EMAILS)
@permission_required(access.CRM_WRITE)
def add_contact_email(record_id: int):
    return _added(CONTACT_EMAILS, record_id)


@v2.delete(f"{CONTACT}/emails/<value>")
@documented_v2("subresource_remove", subresource=CONTACT_EMAILS)
@permission_required(access.CRM_WRITE)
def remove_contact_email(record_id: int, value: str):
    return _removed(CONTACT_EMAILS, record_id, value)


@v2.get(f"{CONTACT}/phone_numbers")
@documented_v2("subresource_list", subresource=CONTACT_PHONE_NUMBERS)
@permission_required(access.CRM_READ)
def contact_phone_numbers(record_id: int):
    return _listed(CONTACT_PHONE_NUMBERS, record_id)


@v2.post(f"{CONTACT}/phone_numbers")
@documented_v2("subresource_add", subresource=CONTACT_PHONE_NUMBERS)
@permission_required(access.CRM_WRITE)
def add_contact_phone_number(record_id: int):
    return _added(CONTACT_PHONE_NUMBERS, record_id)


@v2.delete(f"{CONTACT}/phone_numbers/<value>")
@documented_v2("subresource_remove", subresource=CONTACT_PHONE_NUMBERS)
@permission_required(access.CRM_WRITE)
def remove_contact_phone_number(record_id: int, value: str):
    return _removed(CONTACT_PHONE_NUMBERS, record_id, value)


@v2.get(f"{ACCOUNT}/domains")
@documented_v2("subresource_list", subresource=ACCOUNT_DOMAINS)
@permission_required(access.CRM_READ)
def account_domains(record_id: int):
    return _listed(ACCOUNT_DOMAINS, record_id)


@v2.post(f"{ACCOUNT}/domains")
@documented_v2("subresource_add", subresource=ACCOUNT_DOMAINS)
@permission_required(access.CRM_WRITE)
def add_account_domain(record_id: int):
    return _added(ACCOUNT_DOMAINS, record_id)


@v2.delete(f"{ACCOUNT}/domains/<value>")
@documented_v2("subresource_remove", subresource=ACCOUNT_DOMAINS)
@permission_required(access.CRM_WRITE)
def remove_account_domain(record_id: int, value: str):
    return _removed(ACCOUNT_DOMAINS, record_id, value)
