"""Fixtures shared by the relationships API tests; a module wanting another caller overrides api."""

from __future__ import annotations

import pytest

from tests.api.client_helpers import client_company, created_partner
from tests.api.relationship_helpers import client_contact, company
from webapp.extensions import db as _db


@pytest.fixture
def api(api_client):
    """The caller: Mary, a member, with an API key carrying all her permissions."""
    return api_client(role="member", name="Mary Member")


@pytest.fixture
def firm(db):
    return company("Analytical Engines Ltd")


@pytest.fixture
def contact(db, api, firm):
    """Ada, a contact of ``firm`` owned by the module's ``api`` user."""
    person = client_contact(api.user, company=firm)
    _db.session.commit()
    return person


# --- a client company, its partners and its summary ---


@pytest.fixture
def client_firm(db):
    """Analytical Engines Ltd, a client."""
    firm = client_company()
    _db.session.commit()
    return firm


@pytest.fixture
def ada(db, api, client_firm):
    """Ada, at the client ``client_firm``, owned by the module's ``api`` user."""
    person = client_contact(api.user, company=client_firm)
    _db.session.commit()
    return person


@pytest.fixture
def manager(api_client):
    return api_client(role="manager", name="Maggie Manager")


@pytest.fixture
def partner(api, client_firm) -> dict:
    """A partner of ``client_firm`` with an estimated deal size of 1000, as the API returned it."""
    return created_partner(api, client_firm, estimated_deal_size=1000)
