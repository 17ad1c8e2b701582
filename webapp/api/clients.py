"""Reference 002: a client company's partners and its relationship summary."""

from __future__ import annotations

from flask import jsonify

from webapp import access
from webapp.api import api, schemas
from webapp.api.documenting import documented
from webapp.api.inputs import json_body
from webapp.api.serializers import partner_json, summary_json
from webapp.guards import permission_required, signed_in_actor
from webapp.services import partners, summaries

PARTNERS = "/relationships/companies/<int:company_id>/partners"
PARTNER = "/relationships/companies/<int:company_id>/partners/<int:partner_id>"
SUMMARY = "/relationships/clients/<int:company_id>/relationship-summary"
NOT_A_CLIENT = {404: "No such company (record_not_found), or it is not a client (not_a_client)"}


@api.get(PARTNERS)
@permission_required(access.RELATIONSHIPS_VIEW)
@documented(
    "The client's partners, largest estimated deal first",
    schemas.PartnerList,
    errors=NOT_A_CLIENT,
)
def list_partners(company_id: int):
    found = partners.list_partners(signed_in_actor(), company_id)
    return jsonify({"partners": [partner_json(partner) for partner in found]})


@api.post(PARTNERS)
@permission_required(access.RELATIONSHIPS_UPDATE)
@documented(
    "Add a partner to a client company",
    schemas.PartnerResponse,
    status=201,
    body=schemas.PartnerCreate,
    errors=NOT_A_CLIENT,
)
def create_partner(company_id: int):
    values = json_body(schemas.PartnerCreate)
    partner = partners.create_partner(signed_in_actor(), company_id, values)
    return jsonify({"partner": partner_json(partner)}), 201


@api.patch(PARTNER)
@permission_required(access.RELATIONSHIPS_UPDATE)
@documented(
    "Change a partner; send only the fields that change",
    schemas.PartnerResponse,
    body=schemas.PartnerUpdate,
    errors=NOT_A_CLIENT,
)
def update_partner(company_id: int, partner_id: int):
    values = json_body(schemas.PartnerUpdate)
    partner = partners.update_partner(signed_in_actor(), company_id, partner_id, values)
    return jsonify({"partner": partner_json(partner)})


@api.delete(PARTNER)
@permission_required(access.RELATIONSHIPS_MANAGE)
@documented("Remove a partner", schemas.Ok, errors=NOT_A_CLIENT)
def delete_partner(company_id: int, partner_id: int):
    partners.delete_partner(signed_in_actor(), company_id, partner_id)
    return jsonify({"ok": True})


@api.get(SUMMARY)
@permission_required(access.RELATIONSHIPS_VIEW)
@documented(
    "The client's relationship summary: its people and how each likes to be contacted, events "
    "in the next 90 days (recurring ones by their next occurrence), pending actions in the "
    "caller's scope, partners, and the 10 latest messages",
    schemas.RelationshipSummary,
    errors=NOT_A_CLIENT,
)
def relationship_summary(company_id: int):
    summary = summaries.client_summary(signed_in_actor(), company_id)
    return jsonify(summary_json(summary))
