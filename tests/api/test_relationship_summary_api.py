"""The client relationship summary (reference 002): its people and how each likes to be
contacted, pending actions in the caller's scope, partners, the latest messages, who may ask,
and a fixed number of queries however big the client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.api.client_helpers import (
    bulk_people,
    client_company,
    created_partner,
    life_event,
    link,
    message,
    partners_path,
    summary_path,
)
from tests.api.relationship_helpers import (
    action_for,
    client_contact,
    company,
    error_of,
    freeze_today,
    ids,
    snapshot,
)
from tests.factories import SquadFactory
from webapp import access
from webapp.api import schemas
from webapp.extensions import db as _db
from webapp.models import RelationshipAction, RelationshipProfile
from webapp.services import actions as action_service
from webapp.services.api_keys import revoke_api_key

TODAY = date(2025, 6, 1)
KEYS = {"contacts", "events", "actions", "partners", "messages"}


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze_today(monkeypatch, TODAY)


def summary_of(caller, firm) -> dict:
    response = caller.get(summary_path(firm.id))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == KEYS
    schemas.RelationshipSummary.model_validate(body)
    return body


def profile(contact, **fields) -> RelationshipProfile:
    row = RelationshipProfile(contact_id=contact.id, **fields)
    _db.session.add(row)
    _db.session.flush()
    return row


def filed_nowhere(action: RelationshipAction) -> RelationshipAction:
    """The action without a company of its own: it is filed under its contact's primary one."""
    action.company_id = None
    _db.session.flush()
    return action


# The whole summary


def test_the_summary_has_the_reference_keys_and_documented_shapes(db, api, client_firm, ada):
    profile(ada, communication_preference="whatsapp", twilio_opt_in=True, interests=["chess"])
    life_event(ada, "Birthday", "1815-06-20", recurs=True)
    action_for(api.user, ada, due_date="2025-06-10")
    created_partner(api, client_firm, estimated_deal_size=12.5, contact_id=ada.id)
    message(ada, "Hello Ada", datetime(2025, 5, 30, 9, tzinfo=UTC))
    _db.session.commit()
    body = summary_of(api, client_firm)
    assert [len(body[key]) for key in sorted(KEYS)] == [1, 1, 1, 1, 1]


def test_a_client_with_nothing_yet_has_an_empty_summary(api, client_firm):
    assert summary_of(api, client_firm) == {key: [] for key in KEYS}


# Contacts, with how each likes to be contacted


def test_contacts_are_the_live_people_linked_to_the_client_by_last_name(api, client_firm, ada):
    elsewhere = company("Difference Engines plc")
    babbage = client_contact(api.user, "Charles", "Babbage", email="cb@engines.example")
    link(babbage, elsewhere, primary=True)
    link(babbage, client_firm, role="Adviser")  # a second link counts too
    zuse = client_contact(api.user, "Konrad", "Zuse", email="kz@z3.example", company=client_firm)
    gone = client_contact(api.user, "Gone", "Away", email="gone@away.example", company=client_firm)
    gone.archived_at = datetime(2025, 1, 1, tzinfo=UTC)
    client_contact(api.user, "Grace", "Hopper", email="grace@navy.example", company=elsewhere)
    _db.session.commit()
    contacts = summary_of(api, client_firm)["contacts"]
    assert ids(contacts) == [str(babbage.id), str(ada.id), str(zuse.id)]
    assert contacts[0]["role"] == "Adviser"
    assert contacts[1]["role"] == "Buyer"


def test_each_contact_comes_with_their_communication_preferences(api, client_firm, ada):
    profile(
        ada,
        communication_preference="whatsapp",
        communication_notes="Mornings only",
        preferred_name="Countess",
        phone_number="+447911123456",
        whatsapp_number="+447911654321",
        twilio_opt_in=True,
        assistant_name="Mary",
        assistant_email="mary@analytical.example",
        dietary_requirements="Vegetarian",
        interests=["poetry", "horses"],
    )
    _db.session.commit()
    (contact,) = summary_of(api, client_firm)["contacts"]
    assert contact == contact | {
        "id": str(ada.id),
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@analytical.example",
        "owner_id": str(api.user.id),
        "owner_name": "Mary Member",
        "communication_preference": "whatsapp",
        "communication_notes": "Mornings only",
        "preferred_name": "Countess",
        "phone_number": "+447911123456",
        "whatsapp_number": "+447911654321",
        "twilio_opt_in": True,
        "assistant_name": "Mary",
        "assistant_email": "mary@analytical.example",
        "dietary_requirements": "Vegetarian",
        "interests": ["poetry", "horses"],
    }


def test_a_contact_without_a_profile_has_empty_preferences_and_none_is_created(
    db, api, client_firm, ada
):
    before = snapshot(db)
    (contact,) = summary_of(api, client_firm)["contacts"]
    assert contact["communication_preference"] is None and contact["preferred_name"] is None
    assert contact["twilio_opt_in"] is False and contact["interests"] == []
    assert snapshot(db) == before  # reading the summary writes nothing


# Actions: pending, filed under the client


def test_only_pending_actions_are_listed_soonest_due_first(api, client_firm, ada):
    actor = access.actor_for_user(api.user)
    later = action_for(api.user, ada, title="Later", due_date="2025-06-20")
    sooner = action_for(api.user, ada, title="Sooner", due_date="2025-06-03")
    undated = action_for(api.user, ada, title="Some day")
    done = action_for(api.user, ada, title="Done", due_date="2025-06-02")
    dismissed = action_for(api.user, ada, title="Dismissed", due_date="2025-06-02")
    action_service.set_status(actor, done.id, "done")
    action_service.set_status(actor, dismissed.id, "dismissed")
    _db.session.commit()
    actions = summary_of(api, client_firm)["actions"]
    assert ids(actions) == [str(sooner.id), str(later.id), str(undated.id)]
    assert all(a["status"] == "pending" for a in actions)
    assert actions[0]["company_name"] == "Analytical Engines Ltd"


def test_actions_are_those_filed_under_the_client(api, client_firm, ada):
    elsewhere = client_company("Difference Engines plc")
    grace = client_contact(api.user, "Grace", "Hopper", email="grace@navy.example")
    link(grace, elsewhere, primary=True)
    link(grace, client_firm)  # works with the client too, not primarily
    outsider = client_contact(api.user, "Nobody", "Atall", email="no@where.example")
    filed = {
        "ada, by her primary company": filed_nowhere(action_for(api.user, ada)),
        "ada, for the client": action_for(api.user, ada, company_id=client_firm.id),
        "an outsider, for the client": action_for(api.user, outsider, company_id=client_firm.id),
    }
    not_filed = {
        "ada, for another company": action_for(api.user, ada, company_id=elsewhere.id),
        "grace, by her primary company": filed_nowhere(action_for(api.user, grace)),
        "an outsider, for no company": filed_nowhere(action_for(api.user, outsider)),
    }
    _db.session.commit()
    listed = set(ids(summary_of(api, client_firm)["actions"]))
    assert listed == {str(a.id) for a in filed.values()}
    elsewhere_listed = set(ids(summary_of(api, elsewhere)["actions"]))
    assert elsewhere_listed == {str(not_filed[k].id) for k in list(not_filed)[:2]}


# Actions: within the caller's scope

PEOPLE = {
    "north manager": ("manager", "North"),
    "north member one": ("member", "North"),
    "north member two": ("member", "North"),
    "south manager": ("manager", "South"),
    "south member": ("member", "South"),
    "squadless manager": ("manager", None),
    "head": ("head", None),
    "executive": ("executive", None),
}


@dataclass
class Member:
    api: object
    action: RelationshipAction

    @property
    def user(self):
        return self.api.user


@pytest.fixture
def firm_of_people(db, api_client, client_firm) -> dict[str, Member]:
    """Each person of two squads and the leadership has one action on a contact of the client
    (and one on another client, which no summary of this client may show)."""
    squads = {name: SquadFactory(name=name) for name in ("North", "South")}
    elsewhere = client_company("Difference Engines plc")
    people = {}
    for index, (name, (role, squad)) in enumerate(PEOPLE.items()):
        caller = api_client(role=role, squad=squads.get(squad), name=name.title())
        person = client_contact(
            caller.user,
            f"Client{index}",
            "Person",
            email=f"c{index}@s.example",
            company=client_firm,
        )
        other = client_contact(
            caller.user, f"Other{index}", "Person", email=f"o{index}@s.example", company=elsewhere
        )
        action = action_for(caller.user, person, title=f"Secret plan {index}")
        action_for(caller.user, other, title=f"Elsewhere {index}")
        people[name] = Member(caller, action)
    _db.session.commit()
    return people


def test_the_firm_exercises_every_kind_of_scope(firm_of_people):
    """Guards the matrix: own only, own and squad, and everyone all occur."""
    sizes = {name: len(seen_by(firm_of_people, p)) for name, p in firm_of_people.items()}
    assert sizes["north member one"] == sizes["squadless manager"] == 1
    assert sizes["north manager"] == 3 and sizes["south manager"] == 2
    assert sizes["head"] == sizes["executive"] == len(PEOPLE)


def seen_by(people: dict[str, Member], viewer: Member) -> set[str]:
    """The action ids the access policy says ``viewer`` sees."""
    actor = access.actor_for_user(viewer.user)
    return {str(p.action.id) for p in people.values() if access.sees_actions_of(actor, p.user)}


@pytest.mark.parametrize("viewer", list(PEOPLE))
def test_the_summary_lists_only_the_actions_in_the_callers_scope(
    firm_of_people, client_firm, viewer
):
    person = firm_of_people[viewer]
    response = person.api.get(summary_path(client_firm.id))
    assert set(ids(response.get_json()["actions"])) == seen_by(firm_of_people, person)
    text = response.get_data(as_text=True)
    assert "Elsewhere" not in text
    for other in firm_of_people.values():
        if str(other.action.id) not in seen_by(firm_of_people, person):
            assert other.action.title not in text


@pytest.mark.parametrize("viewer", list(PEOPLE))
def test_everyone_sees_every_contact_whatever_their_scope(firm_of_people, client_firm, viewer):
    contacts = summary_of(firm_of_people[viewer].api, client_firm)["contacts"]
    assert len(contacts) == len(PEOPLE)


# Partners and messages


def test_partners_are_listed_as_the_partner_list_lists_them(api, client_firm, ada):
    created_partner(api, client_firm, partner_company_name="Small", estimated_deal_size=0.1)
    created_partner(api, client_firm, partner_company_name="Large", estimated_deal_size=9e6)
    created_partner(api, client_firm, partner_company_name="Linked", contact_id=ada.id)
    other = client_company("Difference Engines plc")
    _db.session.commit()
    created_partner(api, other, partner_company_name="Theirs")
    listed = api.get(partners_path(client_firm.id)).get_json()["partners"]
    assert summary_of(api, client_firm)["partners"] == listed
    assert [p["partner_company_name"] for p in listed] == ["Large", "Small", "Linked"]


def test_the_ten_latest_messages_with_the_clients_people_newest_first(api, client_firm, ada):
    grace = client_contact(api.user, "Grace", "Hopper", email="grace@navy.example")
    link(grace, client_firm)
    outsider = client_contact(api.user, "Nobody", "Atall", email="no@where.example")
    start = datetime(2025, 5, 1, 9, tzinfo=UTC)
    sent = [
        message([ada, grace][i % 2], f"Message {i}", start + timedelta(hours=i)) for i in range(12)
    ]
    message(outsider, "Not the client's", start + timedelta(days=20))
    _db.session.commit()
    messages = summary_of(api, client_firm)["messages"]
    assert ids(messages) == [str(m.id) for m in reversed(sent[2:])]
    assert [m["body"] for m in messages[:2]] == ["Message 11", "Message 10"]


def test_messages_of_an_archived_contact_are_left_out(api, client_firm, ada):
    gone = client_contact(api.user, "Gone", "Away", email="gone@away.example", company=client_firm)
    message(gone, "Goodbye", datetime(2025, 5, 30, tzinfo=UTC))
    kept = message(ada, "Hello", datetime(2025, 5, 1, tzinfo=UTC))
    gone.archived_at = datetime(2025, 5, 31, tzinfo=UTC)
    _db.session.commit()
    assert ids(summary_of(api, client_firm)["messages"]) == [str(kept.id)]


# Which company, and who may ask


def test_an_unknown_company_is_record_not_found(api):
    error_of(api.get(summary_path(999_999)), 404, "record_not_found")


def test_a_company_that_is_not_a_client_is_not_a_client(db, api):
    prospect = company("Prospect Widgets plc")
    _db.session.commit()
    error = error_of(api.get(summary_path(prospect.id)), 404, "not_a_client")
    assert error["details"] == {"company_id": str(prospect.id)}


def test_without_a_key_or_with_a_revoked_one_the_summary_is_401(client, api, client_firm):
    error_of(client.get(summary_path(client_firm.id)), 401, "unauthenticated")
    revoke_api_key(access.actor_for_user(api.user), api.api_key.id)
    _db.session.commit()
    error_of(api.get(summary_path(client_firm.id)), 401, "unauthenticated")


def test_the_summary_needs_relationships_view(api_client, client_firm):
    others = [p for p in access.ROLE_DEFAULTS["executive"] if p != access.RELATIONSHIPS_VIEW]
    lacking = api_client(permissions=others, role="executive")
    for company_id in (client_firm.id, 999_999):
        error = error_of(lacking.get(summary_path(company_id)), 403, "forbidden")
        assert error["details"] == {"permission": access.RELATIONSHIPS_VIEW}
    holding = api_client(permissions=[access.RELATIONSHIPS_VIEW])
    assert holding.get(summary_path(client_firm.id)).status_code == 200


def test_the_summary_is_documented(client):
    document = client.get("/api/openapi.json").get_json()
    path = "/api/relationships/clients/{company_id}/relationship-summary"
    operation = document["paths"][path]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/RelationshipSummary"
    assert {"401", "403", "404"} <= set(operation["responses"])
    assert access.RELATIONSHIPS_VIEW in operation["description"]
    shape = document["components"]["schemas"]["RelationshipSummary"]
    assert set(shape["properties"]) == KEYS


# The same few queries for a client of five people or five hundred


def test_the_summary_costs_the_same_queries_for_5_or_600_contacts(
    db, api_client, make_user, count_queries
):
    manager = api_client(role="manager", squad=SquadFactory(name="North"))
    owner = make_user("member", squad=manager.user.squad)
    small, big = client_company("Five People Ltd"), client_company("Six Hundred People plc")
    _db.session.commit()
    bulk_people(db, small, owner, 5, TODAY)
    bulk_people(db, big, owner, 600, TODAY)
    for firm in (small, big):
        created_partner(manager, firm, contact_id=None)
    manager.get(summary_path(small.id))  # warm up
    counts = {}
    for firm, size in ((small, 5), (big, 600)):
        with count_queries() as statements:
            body = summary_of(manager, firm)
        assert [len(body[k]) for k in ("contacts", "events", "actions")] == [size] * 3
        assert len(body["messages"]) == min(2 * size, 10) and len(body["partners"]) == 1
        counts[size] = len(statements)
    assert counts[600] == counts[5]
