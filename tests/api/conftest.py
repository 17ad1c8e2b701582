"""Fixtures shared by the relationships API tests (each module brings its own ``api`` client)."""

from __future__ import annotations

import pytest

from tests.api.relationship_helpers import client_contact, company
from webapp.extensions import db as _db


@pytest.fixture
def firm(db):
    return company("Analytical Engines Ltd")


@pytest.fixture
def contact(db, api, firm):
    """Ada, a contact of ``firm`` owned by the module's ``api`` user."""
    person = client_contact(api.user, company=firm)
    _db.session.commit()
    return person
