"""Fixtures shared by the relationships API tests; a module wanting another caller overrides api."""

from __future__ import annotations

import pytest

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
