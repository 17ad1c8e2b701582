"""The relationships API (reference 002) answers a merged contact's id with where it went, as the
records API does: 410 ``record_merged`` with ``merged_into``."""

from __future__ import annotations

from tests import factories
from tests.api.v2.conftest import error_of
from webapp.extensions import db as _db


def test_a_merged_contacts_profile_answers_410_with_where_it_went(api):
    kept = factories.ContactFactory(first_name="John")
    merged = factories.ContactFactory(first_name="Jon", merged_into_id=kept.id)
    _db.session.commit()

    response = api.get(f"/api/relationships/contacts/{merged.id}/relationship")

    error = error_of(response, 410, "record_merged")
    assert error["details"] == {"record_id": str(merged.id), "merged_into": str(kept.id)}
    assert api.get(f"/api/relationships/contacts/{kept.id}/relationship").status_code == 200
