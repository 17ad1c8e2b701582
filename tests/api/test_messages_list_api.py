"""``GET /api/relationships/contacts/:id/messages`` (reference 002): newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.message_helpers import (
    ADA_MOBILE,
    SMS_FROM,
    US_MOBILE,
    messages_path,
    opted_in_contact,
    post_inbound,
    sent_message,
)
from tests.api.relationship_helpers import action_for, error_fields, error_of, ids
from webapp import access
from webapp.api import schemas
from webapp.extensions import db as _db
from webapp.models import Message

START = datetime(2025, 6, 1, 9, tzinfo=UTC)


@pytest.fixture
def ada(db, api):
    return opted_in_contact(api.user)


def listed(api, contact, **query) -> dict:
    response = api.get(messages_path(contact.id), query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def add_messages(contact, how_many: int, senders=(), actions=(), after: int = 0) -> list[Message]:
    """``how_many`` stored messages, alternating outbound and inbound, a minute apart.

    The outbound ones take their senders and linked actions in turn from ``senders``/``actions``.
    """
    rows = []
    for i in range(how_many):
        outbound, turn = i % 2 == 0, i // 2
        rows.append(
            Message(
                contact_id=contact.id,
                channel="sms",
                direction="outbound" if outbound else "inbound",
                body=f"Message {after + i}",
                status="delivered" if outbound else "received",
                from_number=SMS_FROM if outbound else ADA_MOBILE,
                to_number=ADA_MOBILE if outbound else SMS_FROM,
                sent_by_id=senders[turn % len(senders)].id if outbound and senders else None,
                relationship_action_id=(
                    actions[turn % len(actions)].id if outbound and actions else None
                ),
                created_at=START + timedelta(minutes=after + i),
            )
        )
    _db.session.add_all(rows)
    _db.session.commit()
    return rows


def test_the_conversation_is_listed_most_recent_first_inbound_and_outbound(
    db, api, ada, client, fake_twilio
):
    first = sent_message(api, ada, body="Happy birthday!")
    post_inbound(client, ADA_MOBILE, "Thank you!")
    last = sent_message(api, ada, body="Lunch next week?")
    payload = listed(api, ada)
    schemas.MessageList.model_validate(payload)
    messages = payload["messages"]
    assert [m["body"] for m in messages] == ["Lunch next week?", "Thank you!", "Happy birthday!"]
    assert [m["direction"] for m in messages] == ["outbound", "inbound", "outbound"]
    assert (messages[0]["id"], messages[2]["id"]) == (last["id"], first["id"])
    assert messages[1]["status"] == "received" and messages[1]["sent_by_user_id"] is None
    assert messages[0]["sent_by_name"] == "Mary Member"


def test_a_contact_without_messages_has_an_empty_list(db, api, ada):
    payload = listed(api, ada)
    assert payload["messages"] == []
    assert payload["meta"] == {"page": 1, "per_page": 100, "total": 0}


def test_only_the_contacts_own_messages_are_listed(db, api, ada, client, fake_twilio):
    grace = opted_in_contact(api.user, "Grace", "Hopper", phone=US_MOBILE)
    mine = sent_message(api, ada)
    sent_message(api, grace)
    post_inbound(client, "+447911654321", "Who is this?")  # nobody's number: unmatched
    assert ids(listed(api, ada)["messages"]) == [mine["id"]]
    assert listed(api, ada)["meta"]["total"] == 1


def test_every_colleague_with_relationships_view_sees_the_conversation(
    db, api, api_client, ada, fake_twilio
):
    message = sent_message(api, ada)
    reader = api_client(permissions=[access.RELATIONSHIPS_VIEW])
    assert ids(listed(reader, ada)["messages"]) == [message["id"]]


def test_the_linked_action_is_named_on_its_message(db, api, ada, fake_twilio):
    action = action_for(api.user, ada, action_type="sms")
    _db.session.commit()
    sent_message(api, ada, auto_action_id=action.id)
    [message] = listed(api, ada)["messages"]
    assert message["auto_action_id"] == str(action.id)


# Pages


def test_pages_follow_each_other_with_meta_and_links(db, api, ada):
    stored = add_messages(ada, 5)
    newest_first = [str(m.id) for m in reversed(stored)]
    first = listed(api, ada, per_page=2)
    assert first["meta"] == {"page": 1, "per_page": 2, "total": 5}
    assert ids(first["messages"]) == newest_first[:2]
    assert set(first["links"]) == {"self", "next"}
    second = api.get(first["links"]["next"]).get_json()
    assert ids(second["messages"]) == newest_first[2:4]
    assert set(second["links"]) == {"self", "next", "prev"}
    last = api.get(second["links"]["next"]).get_json()
    assert ids(last["messages"]) == newest_first[4:]
    assert set(last["links"]) == {"self", "prev"}
    assert last["links"]["self"].endswith(f"/contacts/{ada.id}/messages?page=3&per_page=2")


def test_a_page_past_the_end_is_empty(db, api, ada):
    add_messages(ada, 2)
    payload = listed(api, ada, page=5, per_page=2)
    assert payload["messages"] == [] and payload["meta"]["total"] == 2


def test_five_hundred_per_page_is_the_most(db, api, ada):
    add_messages(ada, 3)
    assert listed(api, ada, per_page=500)["meta"]["per_page"] == 500


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"per_page": 0}, "per_page"),
        ({"per_page": 501}, "per_page"),
        ({"per_page": "ten"}, "per_page"),
        ({"per_page": -1}, "per_page"),
        ({"page": 0}, "page"),
        ({"page": "last"}, "page"),
    ],
)
def test_bad_paging_is_422_naming_the_parameter(db, api, ada, query, field):
    response = api.get(messages_path(ada.id), query_string=query)
    assert error_fields(response, 422, "validation_failed") == {field}


def test_the_number_of_queries_does_not_grow_with_the_messages(
    db, api, ada, count_queries, make_user
):
    """Each message names its sender and action: they are loaded with it, not one by one."""
    senders = [make_user("member", name=f"Sender {i}") for i in range(20)]
    actions = [action_for(api.user, ada, title=f"SMS {i}", action_type="sms") for i in range(20)]
    add_messages(ada, 4, senders[:2], actions[:2])
    with count_queries() as few:
        assert listed(api, ada)["meta"]["total"] == 4
    add_messages(ada, 40, senders, actions, after=4)
    with count_queries() as many:
        payload = listed(api, ada)
    assert payload["meta"]["total"] == 44
    outbound = [m for m in payload["messages"] if m["direction"] == "outbound"]
    assert {m["sent_by_name"] for m in outbound} == {s.name for s in senders}
    assert {m["auto_action_id"] for m in outbound} == {str(a.id) for a in actions}
    assert len(many) == len(few)


# Who may read


def test_listing_needs_relationships_view(db, api_client, ada):
    writer = api_client(permissions=[access.CRM_READ])
    error = error_of(writer.get(messages_path(ada.id)), 403, "forbidden")
    assert error["details"] == {"permission": access.RELATIONSHIPS_VIEW}


def test_listing_without_a_key_is_401(db, client, ada):
    error_of(client.get(messages_path(ada.id)), 401, "unauthenticated")


def test_listing_an_unknown_contact_is_404(db, api):
    error_of(api.get(messages_path(987654)), 404, "record_not_found")
