"""Warm introductions on the contact page: the shortest chains, up to three links, from people the
firm has touched lately to this person."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.web.contact_page_builders import section, visible_text
from webapp import access
from webapp.extensions import db as _db
from webapp.models import RelationshipType
from webapp.services import contact_relationships, introductions

TODAY = date.today()


def person(first: str, touched_days_ago: int | None = None, owner=None):
    contact = factories.ContactFactory(first_name=first, last_name="Test", title=None, owner=owner)
    if touched_days_ago is not None:
        contact.last_touch_on = TODAY - timedelta(days=touched_days_ago)
    return contact


def link(user, contact_is, name: str, of_contact) -> None:
    kind = _db.session.scalar(select(RelationshipType.id).where(RelationshipType.name == name))
    contact_relationships.create_relationship(
        access.actor_for_user(user),
        {"contact_is": contact_is.id, "relationship_type_id": kind, "of_contact": of_contact.id},
    )
    _db.session.commit()


def card(client, contact) -> str:
    return visible_text(
        section(client.get(f"/contacts/{contact.id}?open=introductions").text, "introductions")
    )


def chains(me, contact) -> list[list[str]]:
    found = introductions.warm_introductions(access.actor_for_user(me), contact.id, TODAY)
    return [[step.person.first_name for step in chain.steps] for chain in found.chains]


@pytest.fixture
def target(db, me):
    contact = person("Target", owner=me)
    _db.session.commit()
    return contact


def test_a_chain_reads_from_the_person_we_know_to_the_target(client, me, target):
    ada, bob = person("Ada", touched_days_ago=3, owner=me), person("Bob")
    _db.session.commit()
    link(me, ada, "colleague", bob)
    link(me, bob, "assistant of", target)

    text = card(client, target)

    assert "Ada Test , colleague of Bob Test , assistant of Target Test" in text
    assert "2 links away" in text and "account manager Mia Member" in text


def test_the_reverse_reading_is_used_along_the_chain(client, me, target):
    ada = person("Ada", touched_days_ago=3)
    _db.session.commit()
    link(me, target, "assistant of", ada)

    assert "Ada Test , has assistant Target Test" in card(client, target)


def test_shortest_chains_come_first_then_the_most_recent_touch(me, target):
    far, near_old, near_new, mid = (
        person("Far", 1),
        person("NearOld", 40),
        person("NearNew", 2),
        person("Mid"),
    )
    _db.session.commit()
    link(me, far, "friend", mid)
    link(me, mid, "friend", target)
    link(me, near_old, "friend", target)
    link(me, near_new, "colleague", target)

    assert chains(me, target) == [
        ["NearNew", "Target"],
        ["NearOld", "Target"],
        ["Far", "Mid", "Target"],
    ]


def test_nobody_further_than_three_links_is_offered(me, target):
    a, b, c, d = person("A", 1), person("B"), person("C"), person("D")
    _db.session.commit()
    link(me, a, "friend", b)
    link(me, b, "friend", c)
    link(me, c, "friend", d)
    link(me, d, "friend", target)

    assert chains(me, target) == []
    link(me, b, "colleague", d)
    assert chains(me, target) == [["A", "B", "D", "Target"]]


def test_people_not_touched_lately_are_not_starting_points(client, me, target):
    stale = person("Stale", introductions.KNOWN_WELL_DAYS + 1)
    _db.session.commit()
    link(me, stale, "friend", target)

    assert chains(me, target) == []
    assert "Nobody we have been in touch with in the last 90 days" in card(client, target)


def test_an_archived_person_breaks_the_chain(me, target):
    ada, bob = person("Ada", 3), person("Bob")
    _db.session.commit()
    link(me, ada, "friend", bob)
    link(me, bob, "friend", target)
    bob.archived_at = bob.created_at
    _db.session.commit()

    assert chains(me, target) == []


def test_at_most_five_chains_are_offered(me, target):
    for n in range(8):
        friend = person(f"F{n}", n + 1)
        _db.session.commit()
        link(me, friend, "friend", target)

    assert [chain[0] for chain in chains(me, target)] == ["F0", "F1", "F2", "F3", "F4"]


def test_a_person_we_know_already_says_so(client, me, target):
    target.last_touch_on = TODAY - timedelta(days=5)
    _db.session.commit()

    assert "You are in touch with Target already" in card(client, target)


def test_the_card_costs_the_same_queries_however_wide_the_web(client, count_queries, me, target):
    def page_queries() -> int:
        client.get(f"/contacts/{target.id}?open=introductions")
        with count_queries() as statements:
            client.get(f"/contacts/{target.id}?open=introductions")
        return len(statements)

    hub, mid, far = person("Hub", 1), person("Mid", 2), person("Far", 3)
    _db.session.commit()
    link(me, hub, "friend", target)
    link(me, mid, "friend", hub)
    link(me, far, "friend", mid)
    few = page_queries()
    for n in range(10):
        for known in (hub, mid, far):
            friend = person(f"F{n}", n + 4)
            _db.session.commit()
            link(me, friend, "colleague", known)

    assert page_queries() == few
