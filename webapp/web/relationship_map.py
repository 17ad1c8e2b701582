"""The relationship map: the people around a client or a contact, drawn as a graph.

The pages render the card (and its list of people, readable without JavaScript) with the map
their views build (the client page's in ``client_page``, the contact page's through
``contact_map_for_page``); ``static/relationship_map.js`` draws the graph from the JSON routes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, jsonify, url_for

from webapp import access
from webapp.api.errors import error_response
from webapp.guards import permission_required, signed_in_actor
from webapp.services import relationship_map
from webapp.services.errors import DomainError
from webapp.services.relationship_map_graph import NO_COMPANY_COLOUR, OWNER_COLOUR
from webapp.web.contact_sections import builds

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from webapp.access import Actor
    from webapp.models import Contact
    from webapp.services.relationship_map_graph import MapPerson, RelationshipMap

bp = Blueprint("relationship_map", __name__)


@bp.errorhandler(DomainError)
def _as_json(error: DomainError) -> Response:
    """The map's routes are JSON whatever the request accepts: errors too."""
    return error_response(error.status, error.code, error.message, error.details)


@bp.get("/clients/<int:company_id>/relationship-map.json")
@permission_required(access.RELATIONSHIPS_VIEW)
def client_map_json(company_id: int) -> Response:
    """The client's map: its people, who they are linked to, and who owns them."""
    return jsonify(map_json(relationship_map.client_map(signed_in_actor(), company_id)))


@bp.get("/contacts/<int:contact_id>/relationship-map.json")
@permission_required(access.RELATIONSHIPS_VIEW)
def contact_map_json(contact_id: int) -> Response:
    """The contact's map: the people within two relationships of them, and who owns them."""
    return jsonify(map_json(relationship_map.contact_map(signed_in_actor(), contact_id)))


@builds("relationship-map")
def contact_map_for_page(actor: Actor, contact: Contact, args) -> dict[str, Any]:
    """The contact page's map card (its list of people is rendered with it); none for an
    archived contact, who has no map."""
    rmap = None if contact.is_archived else relationship_map.contact_map(actor, contact.id)
    return {"contact": contact, "rmap": rmap}


# --- the JSON -------------------------------------------------------------------------------------


def map_json(graph: RelationshipMap) -> dict[str, Any]:
    """The map as ``relationship_map.js`` draws it: nodes, edges, the companies' colours."""
    focus = f"contact-{graph.focus.id}" if graph.focus is not None else None
    nodes = [_person_node(person, focus) for person in graph.people]
    nodes += [_owner_node(owner) for owner in graph.owners]
    edges = [_relationship_edge(relationship) for relationship in graph.relationships]
    edges += [_owner_edge(person.contact) for person in graph.people if person.contact.owner_id]
    return {
        "nodes": nodes,
        "edges": edges,
        "companies": [
            {
                "id": entry.company.id,
                "name": entry.company.name,
                "colour": entry.colour,
                "client": entry.is_client,
            }
            for entry in graph.companies
        ],
        "colours": {"no_company": NO_COMPANY_COLOUR, "owner": OWNER_COLOUR},
        "focus": focus,
        "capped": graph.capped,
        "cap": graph.cap,
    }


def _person_node(person: MapPerson, focus: str | None) -> dict[str, Any]:
    contact, company = person.contact, person.company
    node_id = f"contact-{contact.id}"
    return {
        "id": node_id,
        "kind": "contact",
        "label": contact.full_name,
        "title": person.role,
        "company": {"id": company.id, "name": company.name} if company else None,
        "colour": person.colour,
        "url": url_for("contacts.show", contact_id=contact.id),
        "owner": f"user-{contact.owner_id}" if contact.owner_id else None,
        "focus": node_id == focus,
    }


def _owner_node(owner) -> dict[str, Any]:
    return {
        "id": f"user-{owner.id}",
        "kind": "owner",
        "label": owner.name,
        "title": "Account manager",
        "company": None,
        "colour": OWNER_COLOUR,
        "url": None,
        "owner": None,
        "focus": False,
    }


def _relationship_edge(relationship) -> dict[str, Any]:
    kind = relationship.relationship_type
    return {
        "id": f"relationship-{relationship.id}",
        "kind": "relationship",
        "source": f"contact-{relationship.contact_is_id}",
        "target": f"contact-{relationship.of_contact_id}",
        "label": kind.name,
        "reverse_label": kind.name_reverse_relationship,
        "symmetric": kind.name == kind.name_reverse_relationship,
        "group": kind.group.name,
    }


def _owner_edge(contact: Contact) -> dict[str, Any]:
    return {
        "id": f"owner-{contact.owner_id}-{contact.id}",
        "kind": "owner",
        "source": f"user-{contact.owner_id}",
        "target": f"contact-{contact.id}",
        "label": "account manager",
        "reverse_label": "managed by",
        "symmetric": False,
        "group": None,
    }
