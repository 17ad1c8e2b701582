"""Fixtures shared by several page test modules (a module's own fixture of the same name wins)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories
from tests.api.message_helpers import opted_in_contact
from tests.web.action_builders import TODAY, add_action
from tests.web.conversation_builders import CONTACT_NUMBER
from webapp.extensions import db as _db

# --- the Actions page -----------------------------------------------------------------------------


@pytest.fixture
def squads(db):
    return factories.SquadFactory(name="North"), factories.SquadFactory(name="South")


@pytest.fixture
def manager(login_as, squads):
    return login_as("manager", name="Maya Manager", squad=squads[0])


@pytest.fixture
def mixed(client, login_as):
    """A member's actions: every status, two types, due dates around today."""
    me = login_as("member", name="Mo Member")
    engines = factories.CompanyFactory(name="Analytical Engines")
    acts = {
        "overdue": add_action(me, due_on=TODAY - timedelta(days=2), action_type="card"),
        "today": add_action(me, due_on=TODAY),
        "week": add_action(me, due_on=TODAY + timedelta(days=6), company_id=engines.id),
        "month": add_action(me, due_on=TODAY + timedelta(days=29)),
        "later": add_action(me, due_on=TODAY + timedelta(days=30)),
        "undated": add_action(me),
        "done": add_action(me, due_on=TODAY, status="done"),
        "dismissed": add_action(me, due_on=TODAY, status="dismissed"),
    }
    _db.session.commit()
    return {"me": me, "engines": engines, **acts}


# --- the contact page's relationship sections -----------------------------------------------------


@pytest.fixture
def me(login_as):
    return login_as("member", name="Mia Member")


@pytest.fixture
def ada(db, me):
    """Ada Lovelace, opted in, with a mobile number (SMS, WhatsApp and MMS reach her)."""
    return opted_in_contact(me, phone=CONTACT_NUMBER)


@pytest.fixture
def robert(db, me):
    """Robert Smith, owned by the signed-in member, with a phone number."""
    contact = factories.ContactFactory(first_name="Robert", last_name="Smith", owner=me)
    factories.ContactPhoneFactory(contact=contact, number="+442079460958")
    _db.session.commit()
    return contact
