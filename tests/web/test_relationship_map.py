"""The relationship map: its JSON for a client and for a contact, and the list on both pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from tests.web.contact_page_builders import queries_for, section, visible_text
from webapp.extensions import db as _db
from webapp.models import (
    Contact,
    ContactCompanyLink,
    ContactRelationship,
    PermissionOverride,
    RelationshipType,
)
from webapp.models.base import utcnow
from webapp.services import relationship_map
from webapp.services.relationship_map_graph import NO_COMPANY_COLOUR, OWNER_COLOUR, PALETTE

JSON = {"Accept": "application/json"}


def kind_id(name: str) -> int:
    return _db.session.scalar(select(RelationshipType.id).where(RelationshipType.name == name))


def link(one: Contact, name: str, other: Contact) -> ContactRelationship:
    """Store "``one`` is <name> of ``other``"."""
    edge = ContactRelationship(
        contact_is_id=one.id, relationship_type_id=kind_id(name), of_contact_id=other.id
    )
    _db.session.add(edge)
    _db.session.flush()
    return edge


def person(first, last, company=None, owner=None, **fields) -> Contact:
    contact = factories.ContactFactory(first_name=first, last_name=last, owner=owner, **fields)
    if company is not None:
        factories.ContactCompanyLinkFactory(contact=contact, company=company, role="Buyer")
    return contact


def make_client(name: str):
    company = factories.CompanyFactory(name=name)
    factories.ClientProfileFactory(company=company)
    return company


@pytest.fixture
def world(db, login_as, make_user):
    """Acme (a client): Ann and Bob. Cleo and Fay at Globex, Dan at no company, Gus further out.

    Ann is assistant of Bob; Cleo is friend of Ann; Dan is parent of Bob; Fay is colleague of
    Cleo; Gus is boss of Fay. Eve (archived, at Acme) is colleague of Ann and boss of Zed.
    """
    viewer = login_as("member", name="Vic Viewer")
    olive, mo = make_user(name="Olive Owner"), make_user(name="Mo Manager")
    acme = make_client("Acme Ltd")
    globex = factories.CompanyFactory(name="Globex")
    people = {
        "ann": person("Ann", "Able", acme, olive),
        "bob": person("Bob", "Smith", acme, mo),
        "cleo": person("Cleo", "Cross", globex, olive),
        "dan": person("Dan", "Free"),
        "fay": person("Fay", "Far", globex),
        "gus": person("Gus", "Gone"),
        "eve": person("Eve", "Ended", acme, mo, archived_at=utcnow()),
        "zed": person("Zed", "Hidden"),
    }
    p = people
    edges = {
        "assistant": link(p["ann"], "assistant of", p["bob"]),
        "friend": link(p["cleo"], "friend", p["ann"]),
        "parent": link(p["dan"], "parent", p["bob"]),
        "colleague": link(p["fay"], "colleague", p["cleo"]),
        "boss": link(p["gus"], "boss", p["fay"]),
        "archived": link(p["eve"], "colleague", p["ann"]),
        "behind_archived": link(p["eve"], "boss", p["zed"]),
    }
    _db.session.commit()
    return {"viewer": viewer, "olive": olive, "mo": mo, "acme": acme, "globex": globex,
            **people, "edges": edges}  # fmt: skip


def client_json(client, company, **kwargs):
    response = client.get(f"/clients/{company.id}/relationship-map.json", headers=JSON, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def contact_json(client, contact):
    response = client.get(f"/contacts/{contact.id}/relationship-map.json", headers=JSON)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def nodes_by_label(graph) -> dict[str, dict]:
    return {node["label"]: node for node in graph["nodes"]}


def relationship_edges(graph) -> set[tuple[str, str, str, str]]:
    """(source label, edge label, target label, group) of each relationship edge."""
    names = {node["id"]: node["label"] for node in graph["nodes"]}
    return {
        (names[e["source"]], e["label"], names[e["target"]], e["group"])
        for e in graph["edges"]
        if e["kind"] == "relationship"
    }


def owner_edges(graph) -> set[tuple[str, str]]:
    names = {node["id"]: node["label"] for node in graph["nodes"]}
    return {
        (names[e["source"]], names[e["target"]]) for e in graph["edges"] if e["kind"] == "owner"
    }


# --- the client's map -----------------------------------------------------------------------------


def test_the_client_map_shows_its_people_their_links_and_the_people_at_the_other_end(client, world):
    graph = client_json(client, world["acme"])

    people = {n["label"] for n in graph["nodes"] if n["kind"] == "contact"}
    assert people == {"Ann Able", "Bob Smith", "Cleo Cross", "Dan Free"}
    assert relationship_edges(graph) == {
        ("Ann Able", "assistant of", "Bob Smith", "work"),
        ("Cleo Cross", "friend", "Ann Able", "friend"),
        ("Dan Free", "parent", "Bob Smith", "family"),
    }
    assert graph["focus"] is None and graph["capped"] is False


def test_a_client_map_node_says_who_the_person_is_and_where_their_page_is(client, world):
    ann = nodes_by_label(client_json(client, world["acme"]))["Ann Able"]

    assert ann == {
        "id": f"contact-{world['ann'].id}",
        "kind": "contact",
        "label": "Ann Able",
        "title": "Buyer",
        "company": {"id": world["acme"].id, "name": "Acme Ltd"},
        "colour": PALETTE[0],
        "url": f"/contacts/{world['ann'].id}",
        "owner": f"user-{world['olive'].id}",
        "focus": False,
    }


def test_an_edge_carries_its_name_one_way_and_the_reverse_name_the_other(client, world):
    graph = client_json(client, world["acme"])
    edge = next(
        e for e in graph["edges"] if e["id"] == f"relationship-{world['edges']['assistant'].id}"
    )

    assert edge["source"] == f"contact-{world['ann'].id}"
    assert edge["target"] == f"contact-{world['bob'].id}"
    assert (edge["label"], edge["reverse_label"], edge["symmetric"]) == (
        "assistant of",
        "has assistant",
        False,
    )


def test_companies_are_coloured_the_client_first_and_people_at_no_company_neutral(client, world):
    graph = client_json(client, world["acme"])
    nodes = nodes_by_label(graph)

    assert graph["companies"] == [
        {"id": world["acme"].id, "name": "Acme Ltd", "colour": PALETTE[0], "client": True},
        {"id": world["globex"].id, "name": "Globex", "colour": PALETTE[1], "client": False},
    ]
    assert nodes["Bob Smith"]["colour"] == PALETTE[0]
    assert nodes["Cleo Cross"]["colour"] == PALETTE[1]
    assert nodes["Dan Free"]["colour"] == NO_COMPANY_COLOUR
    assert nodes["Dan Free"]["company"] is None


def test_account_managers_are_nodes_with_an_edge_to_each_person_they_own(client, world):
    graph = client_json(client, world["acme"])
    olive = nodes_by_label(graph)["Olive Owner"]

    assert (olive["kind"], olive["colour"], olive["url"]) == ("owner", OWNER_COLOUR, None)
    assert owner_edges(graph) == {
        ("Olive Owner", "Ann Able"),
        ("Olive Owner", "Cleo Cross"),
        ("Mo Manager", "Bob Smith"),
    }
    edge_ids = {e["id"] for e in graph["edges"] if e["kind"] == "owner"}
    assert f"owner-{world['olive'].id}-{world['ann'].id}" in edge_ids


def test_archived_contacts_and_their_links_are_left_off_the_client_map(client, world):
    graph = client_json(client, world["acme"])

    labels = {node["label"] for node in graph["nodes"]}
    assert not labels & {"Eve Ended", "Zed Hidden", "Fay Far", "Gus Gone"}
    assert f"relationship-{world['edges']['archived'].id}" not in {e["id"] for e in graph["edges"]}
    # Mo still owns Bob, who is shown: Eve's ownership is not.
    assert ("Mo Manager", "Eve Ended") not in owner_edges(graph)


def test_a_client_with_no_one_linked_has_people_but_no_relationships(client, world):
    quiet = make_client("Quiet Co")
    person("Quinn", "Alone", quiet)
    _db.session.commit()

    graph = client_json(client, quiet)

    assert [n["label"] for n in graph["nodes"]] == ["Quinn Alone"]
    assert graph["edges"] == []


# --- the contact's map ----------------------------------------------------------------------------


def test_the_contact_map_reaches_two_relationships_out_and_no_further(client, world):
    graph = contact_json(client, world["ann"])

    people = {n["label"] for n in graph["nodes"] if n["kind"] == "contact"}
    assert people == {"Ann Able", "Bob Smith", "Cleo Cross", "Dan Free", "Fay Far"}
    assert graph["focus"] == f"contact-{world['ann'].id}"
    assert nodes_by_label(graph)["Ann Able"]["focus"] is True
    assert ("Fay Far", "colleague", "Cleo Cross", "work") in relationship_edges(graph)
    assert not any("Gus Gone" in edge for edge in relationship_edges(graph))


def test_nobody_is_reached_through_an_archived_contact(client, world):
    graph = contact_json(client, world["ann"])

    labels = {node["label"] for node in graph["nodes"]}
    assert "Eve Ended" not in labels
    assert "Zed Hidden" not in labels


def test_the_contact_map_colours_the_contacts_own_company_first(client, world):
    graph = contact_json(client, world["cleo"])

    assert [c["name"] for c in graph["companies"]] == ["Globex", "Acme Ltd"]
    assert nodes_by_label(graph)["Cleo Cross"]["colour"] == PALETTE[0]
    assert nodes_by_label(graph)["Ann Able"]["colour"] == PALETTE[1]


def test_a_large_neighbourhood_is_capped_nearest_first_and_says_so(client, world, monkeypatch):
    monkeypatch.setattr(relationship_map, "CONTACT_CAP", 3)

    graph = contact_json(client, world["ann"])

    people = [n["label"] for n in graph["nodes"] if n["kind"] == "contact"]
    assert people == ["Ann Able", "Cleo Cross", "Bob Smith"]  # Ann, then one step out, by name
    assert graph["capped"] is True and graph["cap"] == 3
    assert all(e["source"] in {n["id"] for n in graph["nodes"]} for e in graph["edges"])


# --- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [JSON, {}], ids=["asking-for-json", "asking-for-anything"])
def test_a_company_that_is_not_a_client_answers_a_json_404(client, world, headers):
    response = client.get(f"/clients/{world['globex'].id}/relationship-map.json", headers=headers)

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_a_client"


@pytest.mark.parametrize(
    "path",
    [
        "/clients/999999/relationship-map.json",
        "/contacts/999999/relationship-map.json",
    ],
)
def test_unknown_clients_and_contacts_answer_a_json_404(client, world, path):
    response = client.get(path, headers=JSON)

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "record_not_found"


def test_an_archived_contact_has_no_map(client, world):
    response = client.get(f"/contacts/{world['eve'].id}/relationship-map.json", headers=JSON)

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "record_not_found"


def test_a_user_without_relationships_view_is_refused(client, world):
    world["viewer"].permission_overrides = [
        PermissionOverride(permission="relationships:view", granted=False)
    ]
    _db.session.commit()

    for path in (
        f"/clients/{world['acme'].id}/relationship-map.json",
        f"/contacts/{world['ann'].id}/relationship-map.json",
    ):
        response = client.get(path, headers=JSON)
        assert response.status_code == 403, path
        assert response.get_json()["error"]["code"] == "forbidden"


def test_signed_out_the_map_asks_for_sign_in(app, db, world):
    stranger = app.test_client()
    path = f"/clients/{world['acme'].id}/relationship-map.json"

    assert stranger.get(path, headers=JSON).status_code == 401
    page_request = stranger.get(path)
    assert page_request.status_code == 302
    assert page_request.headers["Location"].startswith("/sign-in")


# --- the list on the pages ------------------------------------------------------------------------


def map_card(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return section(response.get_data(as_text=True), "relationship-map")


def person_item(card: str, contact: Contact) -> str:
    """What the list says about one person: name, role, relationships, account manager."""
    start = card.index(">", card.index(f'id="relationship-map-person-{contact.id}"')) + 1
    end = card.index("</div>", card.index("Account manager:", start))
    return visible_text(card[start:end])


def test_the_client_page_lists_the_map_as_people_by_company_without_javascript(client, world):
    card = map_card(client, f"/clients/{world['acme'].id}?open=relationship-map")
    text = visible_text(card)

    assert f'data-map-url="/clients/{world["acme"].id}/relationship-map.json"' in card
    assert '<details id="relationship-map-list"' in card
    assert text.index("Acme Ltd Client 2") < text.index("Globex 1") < text.index("No company 1")
    assert person_item(card, world["ann"]) == (
        "Ann Able · Buyer assistant of Bob Smith friend of Cleo Cross Account manager: Olive Owner"
    )
    bob = person_item(card, world["bob"])
    assert "has assistant Ann Able" in bob and "child of Dan Free" in bob  # read from Bob's side
    assert "Account manager: nobody yet" in person_item(card, world["dan"])
    assert f'href="/contacts/{world["cleo"].id}"' in card
    assert "Eve Ended" not in card


def test_the_contact_page_lists_the_contacts_map_with_them_first(client, world):
    card = map_card(client, f"/contacts/{world['cleo'].id}?open=relationship-map")
    text = visible_text(card)

    assert f'data-map-url="/contacts/{world["cleo"].id}/relationship-map.json"' in card
    assert text.index("Cleo Cross") < text.index("Fay Far")  # the focus leads its company
    assert (
        person_item(card, world["fay"])
        == "Fay Far · Buyer colleague of Cleo Cross subordinate of Gus Gone"
        " Account manager: nobody yet"
    )
    assert "Gus Gone" in card  # two steps from Cleo, through Fay
    assert "Eve Ended" not in card


def test_a_map_with_no_relationships_says_so_and_draws_nothing(client, world):
    quiet = make_client("Quiet Co")
    person("Quinn", "Alone", quiet)
    _db.session.commit()

    card = map_card(client, f"/clients/{quiet.id}?open=relationship-map")

    assert "No one at Quiet Co is linked to anyone yet" in visible_text(card)
    assert "data-map-url" not in card


def test_a_contact_linked_to_nobody_has_no_map_card(client, world):
    loner = person("Lou", "Loner", world["acme"])
    _db.session.commit()

    html = client.get(f"/contacts/{loner.id}?open=relationship-map").get_data(as_text=True)

    assert "Lou Loner" in html
    assert 'id="relationship-map"' not in html


def test_an_archived_contacts_page_has_no_map(client, world):
    html = client.get(f"/contacts/{world['eve'].id}?open=relationship-map").get_data(as_text=True)

    assert "This contact was archived" in html
    assert 'id="relationship-map"' not in html


# --- queries --------------------------------------------------------------------------------------


def add_client_people(company, count: int, owners, others) -> list[Contact]:
    """``count`` people at ``company``, each owned by one of ``owners`` and linked to the next;
    half as many again at ``others`` (companies), each linked to one of them: built in bulk."""
    kinds = [kind_id(name) for name in ("colleague", "assistant of", "friend", "parent")]
    staff = [
        Contact(first_name=f"P{n}", last_name="Staff", owner=owners[n % len(owners)])
        for n in range(count)
    ]
    outside = [
        Contact(first_name=f"O{n}", last_name="Outside", owner=owners[-1 - n % len(owners)])
        for n in range(count // 2 + 1)
    ]
    _db.session.add_all(staff + outside)
    _db.session.flush()
    links = [
        ContactCompanyLink(contact_id=c.id, company_id=company.id, is_primary=True) for c in staff
    ]
    links += [
        ContactCompanyLink(contact_id=c.id, company_id=others[n % len(others)].id, is_primary=True)
        for n, c in enumerate(outside)
    ]
    edges = [
        ContactRelationship(
            contact_is_id=a.id, relationship_type_id=kinds[n % 4], of_contact_id=b.id
        )
        for n, (a, b) in enumerate(zip(staff, staff[1:] + outside, strict=False))
    ]
    edges += [
        ContactRelationship(contact_is_id=o.id, relationship_type_id=kinds[0], of_contact_id=s.id)
        for s, o in zip(staff, outside, strict=False)
    ]
    _db.session.add_all(links + edges)
    _db.session.commit()
    return staff


@pytest.fixture
def small_and_large(db, world, make_user):
    """A client of 3 people and one of 300, each person linked within and without."""
    owners = [make_user(name=f"Owner {n}") for n in range(12)]
    others = [factories.CompanyFactory(name=f"Other {n}") for n in range(15)]
    small, large = make_client("Small Co"), make_client("Large Co")
    small_people = add_client_people(small, 3, owners[:2], others[:2])
    large_people = add_client_people(large, 300, owners, others)
    return {
        "small": small,
        "large": large,
        "small_people": small_people,
        "large_people": large_people,
    }


def test_the_client_map_runs_the_same_queries_for_3_and_for_300_people(
    client, count_queries, small_and_large
):
    small, large = small_and_large["small"], small_and_large["large"]

    with_3 = queries_for(
        client, count_queries, f"/clients/{small.id}/relationship-map.json", headers=JSON
    )
    with_300 = queries_for(
        client, count_queries, f"/clients/{large.id}/relationship-map.json", headers=JSON
    )

    assert with_300 == with_3, f"{with_3} queries for 3 people, {with_300} for 300"
    graph = client_json(client, large)
    assert sum(n["kind"] == "contact" for n in graph["nodes"]) == 300 + 151
    assert len(graph["edges"]) == 300 + 151 + 451  # within, without, and an owner each


def test_the_contact_map_runs_the_same_queries_for_a_small_and_a_large_neighbourhood(
    client, count_queries, small_and_large
):
    few, many = small_and_large["small_people"][1], small_and_large["large_people"][1]

    with_few = queries_for(
        client, count_queries, f"/contacts/{few.id}/relationship-map.json", headers=JSON
    )
    with_many = queries_for(
        client, count_queries, f"/contacts/{many.id}/relationship-map.json", headers=JSON
    )

    assert with_many == with_few, f"{with_few} queries for a few people, {with_many} for many"


def test_the_client_page_with_its_map_runs_the_same_queries_for_3_and_for_300_people(
    client, count_queries, small_and_large
):
    small, large = small_and_large["small"], small_and_large["large"]

    with_3 = queries_for(client, count_queries, f"/clients/{small.id}?open=relationship-map")
    with_300 = queries_for(client, count_queries, f"/clients/{large.id}?open=relationship-map")

    assert with_300 == with_3, f"{with_3} queries for 3 people, {with_300} for 300"
    assert "P299 Staff" in map_card(client, f"/clients/{large.id}?open=relationship-map")
