"""The contact page's People section: links to other people, read from this person's side,
grouped; linking with live search, changing a link's type, removing it; errors and permissions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from tests.web.contact_page_builders import queries_for, section, visible_text
from webapp import access
from webapp.extensions import db as _db
from webapp.models import AuditEvent, ContactRelationship, PermissionOverride, RelationshipType
from webapp.services import contact_relationships

HTMX = {"HX-Request": "true"}


def type_id(name: str) -> int:
    return _db.session.scalar(select(RelationshipType.id).where(RelationshipType.name == name))


def links() -> list[tuple[int, str, int]]:
    _db.session.expire_all()
    stmt = (
        select(
            ContactRelationship.contact_is_id,
            RelationshipType.name,
            ContactRelationship.of_contact_id,
        )
        .join(ContactRelationship.relationship_type)
        .order_by(ContactRelationship.id)
    )
    return [tuple(row) for row in _db.session.execute(stmt)]


def link(user, contact_is, name: str, of_contact) -> ContactRelationship:
    edge = contact_relationships.create_relationship(
        access.actor_for_user(user),
        {
            "contact_is": contact_is.id,
            "relationship_type_id": type_id(name),
            "of_contact": of_contact.id,
        },
    )
    _db.session.commit()
    return edge


def people_text(client, contact) -> str:
    return visible_text(section(client.get(f"/contacts/{contact.id}?open=people").text, "people"))


@pytest.fixture
def family(db, me):
    """Peter Smith (at Analytical Engines), John Smith and Ada Lovelace."""
    engines = factories.CompanyFactory(name="Analytical Engines")
    peter = factories.ContactFactory(
        first_name="Peter", last_name="Smith", title="Engineer", owner=me
    )
    factories.ContactCompanyLinkFactory(contact=peter, company=engines)
    john = factories.ContactFactory(first_name="John", last_name="Smith", owner=me)
    ada = factories.ContactFactory(first_name="Ada", last_name="Lovelace", owner=me)
    _db.session.commit()
    return peter, john, ada


# --- reading -------------------------------------------------------------------------------------


def test_each_page_reads_the_one_link_from_its_own_side(client, me, family):
    peter, john, _ = family
    link(me, peter, "uncle", john)

    assert "Uncle of John Smith" in people_text(client, peter)
    assert "Nephew of Peter Smith" in people_text(client, john)


def test_links_are_grouped_and_phrased_as_their_types_read(client, me, family):
    peter, john, ada = family
    link(me, ada, "assistant of", peter)
    link(me, peter, "uncle", john)

    text = people_text(client, peter)

    assert "People 2" in text
    assert text.index("Family") < text.index("Uncle of John Smith") < text.index("Work")
    assert "Has assistant Ada Lovelace" in text
    assert "Engineer · Analytical Engines" in people_text(client, ada)


def test_nobody_linked_says_so(client, family):
    assert "No links to other people yet" in people_text(client, family[0])


# --- linking -------------------------------------------------------------------------------------


def test_the_live_search_offers_matching_people_but_not_this_one(client, family):
    peter, john, ada = family

    response = client.get(f"/contacts/{peter.id}/people/choices?q=smith", headers=HTMX)

    assert response.status_code == 200
    assert f'value="{john.id}"' in response.text
    assert f'value="{peter.id}"' not in response.text
    assert f'value="{ada.id}"' not in response.text


def test_the_live_search_says_when_nobody_matches(client, family):
    response = client.get(f"/contacts/{family[0].id}/people/choices?q=zzz%25_", headers=HTMX)
    assert "No contacts match “zzz%_”" in visible_text(response.text)


def test_linking_a_person_stores_one_edge_seen_from_both_pages(client, me, family):
    peter, _, ada = family
    form = {"relationship": f"is{type_id('assistant of')}", "other_id": ada.id, "q": "ada"}

    response = client.post(f"/contacts/{peter.id}/people", data=form, headers=HTMX)

    assert response.status_code == 200
    assert "Assistant of Ada Lovelace" in visible_text(response.text)
    assert links() == [(peter.id, "assistant of", ada.id)]
    assert "Has assistant Peter Smith" in people_text(client, ada)
    event = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "contact_relationship")
    ).one()
    assert (event.action, event.user_id) == ("create", me.id)


def test_a_reverse_reading_is_stored_the_other_way_round(client, family):
    """On John's page "nephew of Peter" may be chosen as the uncle type read backwards."""
    peter, john, _ = family
    uncle = _db.session.get(RelationshipType, type_id("uncle"))
    uncle.name_reverse_relationship = "nephew (by marriage)"
    _db.session.commit()

    form = {"relationship": f"of{uncle.id}", "other_id": peter.id}
    response = client.post(f"/contacts/{john.id}/people", data=form, headers=HTMX)

    assert response.status_code == 200
    assert links() == [(peter.id, "uncle", john.id)]
    assert "Nephew (by marriage) of Peter Smith" in people_text(client, john)


def test_a_plain_post_redirects_to_the_section(client, family):
    peter, _, ada = family
    form = {"relationship": f"is{type_id('colleague')}", "other_id": ada.id}

    response = client.post(f"/contacts/{peter.id}/people", data=form)

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/contacts/{peter.id}?open=people#people")


def test_without_javascript_the_search_button_lists_the_matches(client, family):
    peter, john, _ = family

    response = client.post(f"/contacts/{peter.id}/people", data={"q": "John", "search": "1"})

    assert response.status_code == 200
    form = section(response.text, "people")
    assert f'value="{john.id}"' in form and "John Smith" in form
    assert links() == []


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"relationship": "", "other": True}, "Choose how they are related."),
        ({"relationship": "is999999", "other": True}, "Choose how they are related."),
        ({"relationship": "nonsense", "other": True}, "Choose how they are related."),
        ({"relationship": "colleague"}, "Find the person and pick them from the list."),
    ],
    ids=["no type", "unknown type", "garbled", "no person"],
)
def test_a_bad_link_comes_back_with_its_error_and_saves_nothing(client, family, form, message):
    peter, _, ada = family
    data = {"relationship": form["relationship"], "q": "ada"}
    if data["relationship"] == "colleague":
        data["relationship"] = f"is{type_id('colleague')}"
    if form.get("other"):
        data["other_id"] = ada.id

    response = client.post(f"/contacts/{peter.id}/people", data=data, headers=HTMX)

    assert response.status_code == 422
    assert response.headers["X-Rapport-Section"] == "people"
    assert message in visible_text(response.text)
    assert 'value="ada"' in response.text  # the search is kept
    assert links() == []


def test_linking_to_an_archived_person_is_refused(client, family):
    peter, _, ada = family
    ada.archived_at = ada.created_at
    _db.session.commit()
    form = {"relationship": f"is{type_id('colleague')}", "other_id": ada.id}

    response = client.post(f"/contacts/{peter.id}/people", data=form, headers=HTMX)

    assert response.status_code == 422
    assert "Ada Lovelace is archived: restore them first." in visible_text(response.text)
    assert links() == []


def test_the_same_link_twice_is_refused_whichever_page_it_comes_from(client, me, family):
    peter, _, ada = family
    link(me, peter, "colleague", ada)
    form = {"relationship": f"is{type_id('colleague')}", "other_id": peter.id}

    response = client.post(f"/contacts/{ada.id}/people", data=form, headers=HTMX)

    assert response.status_code == 409
    assert "These two people already have this relationship." in visible_text(response.text)
    assert len(links()) == 1


# --- changing and removing -----------------------------------------------------------------------


def test_changing_the_type_changes_both_readings(client, me, family):
    peter, john, _ = family
    edge = link(me, peter, "uncle", john)

    response = client.post(
        f"/contacts/{john.id}/people/{edge.id}/type",
        data={"relationship_type_id": type_id("godparent")},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "Godchild of Peter Smith" in visible_text(response.text)
    assert links() == [(peter.id, "godparent", john.id)]
    assert "Godparent of John Smith" in people_text(client, peter)


def test_the_type_select_names_the_types_from_this_side(client, me, family):
    peter, john, _ = family
    edge = link(me, peter, "uncle", john)
    html = section(client.get(f"/contacts/{john.id}?open=people").text, "people")
    select_html = html[html.index(f'id="person-link-type-{edge.id}"') :]
    selected = select_html[: select_html.index("</select>")]
    assert f'<option value="{type_id("uncle")}" selected>nephew of</option>' in selected


def test_a_bad_type_change_says_why_and_keeps_the_link(client, me, family):
    peter, john, _ = family
    edge = link(me, peter, "uncle", john)

    response = client.post(
        f"/contacts/{john.id}/people/{edge.id}/type",
        data={"relationship_type_id": "x"},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert "Check the relationship type." in visible_text(response.text)
    assert links() == [(peter.id, "uncle", john.id)]


def test_removing_a_link_removes_it_from_both_pages(client, me, family):
    peter, john, _ = family
    edge = link(me, peter, "uncle", john)

    response = client.post(f"/contacts/{john.id}/people/{edge.id}/delete", headers=HTMX)

    assert response.status_code == 200
    assert links() == []
    assert "No links to other people yet" in people_text(client, peter)


def test_a_link_between_two_other_people_is_not_found_from_here(client, me, family):
    peter, john, ada = family
    edge = link(me, peter, "uncle", john)

    assert (
        client.post(f"/contacts/{ada.id}/people/{edge.id}/delete", headers=HTMX).status_code == 404
    )
    changed = client.post(
        f"/contacts/{ada.id}/people/{edge.id}/type",
        data={"relationship_type_id": type_id("cousin")},
        headers=HTMX,
    )
    assert changed.status_code == 404
    assert links() == [(peter.id, "uncle", john.id)]


# --- permissions ---------------------------------------------------------------------------------


def test_a_reader_sees_the_links_but_no_controls(client, me, family):
    peter, john, _ = family
    link(me, peter, "uncle", john)
    _db.session.add(
        PermissionOverride(user=me, permission=access.RELATIONSHIPS_UPDATE, granted=False)
    )
    _db.session.commit()

    html = section(client.get(f"/contacts/{peter.id}?open=people").text, "people")

    assert "Uncle of John Smith" in visible_text(html)
    assert "Link a person" not in html and "/delete" not in html
    form = {"relationship": f"is{type_id('colleague')}", "other_id": john.id}
    assert client.post(f"/contacts/{peter.id}/people", data=form).status_code == 403


def test_an_archived_contact_shows_its_links_without_controls(client, me, family):
    peter, john, _ = family
    link(me, peter, "uncle", john)
    peter.archived_at = peter.created_at
    _db.session.commit()

    html = section(client.get(f"/contacts/{peter.id}?open=people").text, "people")

    assert "Uncle of John Smith" in visible_text(html)
    assert "Link a person" not in html


# --- queries -------------------------------------------------------------------------------------


def test_the_page_costs_the_same_queries_for_one_link_or_twenty(client, count_queries, me, family):
    peter, john, _ = family
    link(me, peter, "uncle", john)
    few = queries_for(client, count_queries, f"/contacts/{peter.id}")
    for n in range(19):
        other = factories.ContactFactory(first_name=f"Friend{n}")
        factories.ContactCompanyLinkFactory(contact=other)
        link(me, peter, "friend", other)

    assert queries_for(client, count_queries, f"/contacts/{peter.id}") == few


# --- the rest of the page follows ----------------------------------------------------------------


def test_a_change_tells_the_map_and_introductions_to_reload(client, me, family):
    peter, _, ada = family
    form = {"relationship": f"is{type_id('colleague')}", "other_id": ada.id}

    linked = client.post(f"/contacts/{peter.id}/people", data=form, headers=HTMX)
    refused = client.post(f"/contacts/{peter.id}/people", data=form, headers=HTMX)
    opened = client.get(f"/contacts/{peter.id}/people/new", headers=HTMX)

    assert linked.headers["HX-Trigger"] == "people-changed"
    assert refused.status_code == 409 and "HX-Trigger" not in refused.headers
    assert "HX-Trigger" not in opened.headers
    page = client.get(f"/contacts/{peter.id}?open=people").text
    assert 'hx-trigger="people-changed from:body"' in section(page, "introductions")
    assert 'id="contact-map-slot"' in page


def test_the_map_card_appears_once_the_person_is_linked(client, me, family):
    peter, john, _ = family
    url = f"/contacts/{peter.id}/people/map"
    assert 'id="relationship-map"' not in client.get(url, headers=HTMX).text

    link(me, peter, "uncle", john)
    card = client.get(url, headers=HTMX).text

    assert 'id="relationship-map"' in card and 'data-map-state="waiting"' in card
    assert "uncle of" in visible_text(card) and "John Smith" in card


def test_the_introductions_card_reloads_on_its_own(client, me, family):
    peter, john, _ = family
    john.last_touch_on = john.created_at.date()
    _db.session.commit()
    link(me, peter, "uncle", john)

    card = client.get(f"/contacts/{peter.id}/people/introductions", headers=HTMX)

    assert card.status_code == 200
    assert "John Smith , nephew of Peter Smith" in visible_text(card.text)


def test_the_cards_redirect_a_plain_request_to_the_page(client, family):
    peter = family[0]
    for part, anchor in (("map", "relationship-map"), ("introductions", "introductions")):
        response = client.get(f"/contacts/{peter.id}/people/{part}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/contacts/{peter.id}?open={anchor}#{anchor}")


def test_recent_history_names_link_changes_on_both_pages(client, me, family):
    peter, john, _ = family
    edge = link(me, peter, "uncle", john)
    client.post(
        f"/contacts/{john.id}/people/{edge.id}/type",
        data={"relationship_type_id": type_id("cousin")},
        headers=HTMX,
    )

    for person in (peter, john):
        page = client.get(f"/contacts/{person.id}?open=people").text
        history = visible_text(page[page.index('id="history-heading"') :])
        assert "Link to a person created by Mia Member" in history
        assert "Link to a person updated by Mia Member" in history
        assert "Changed relationship type" in history
