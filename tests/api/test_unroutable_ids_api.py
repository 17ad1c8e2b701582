"""A path id no record can have (0, a leading zero, past the largest id) is a 404 with the JSON
envelope whatever the method: never a 405 because a sibling route takes another method."""

from __future__ import annotations

import pytest

from webapp.services.validation import MAX_ID

WRITES = [
    ("POST", "/api/relationships/companies/{id}/partners"),
    ("DELETE", "/api/relationships/contacts/{id}/life-events/1"),
    ("PATCH", "/api/relationships/relationship-actions/{id}"),
    ("DELETE", "/api/v2/contact/{id}"),
    ("PATCH", "/api/v2/account/{id}"),
    ("POST", "/api/v2/contact/{id}/emails"),
    ("PUT", "/api/v2/contact-relationships/{id}"),
]
IMPOSSIBLE_IDS = ["0", "007", str(MAX_ID + 1), "99999999999"]


@pytest.mark.parametrize("record_id", IMPOSSIBLE_IDS)
@pytest.mark.parametrize(("method", "path"), [pytest.param(*w, id=" ".join(w)) for w in WRITES])
def test_a_write_to_an_id_that_cannot_exist_is_not_found(api_client, method, path, record_id):
    api = api_client()
    response = api.client.open(
        path.format(id=record_id),
        method=method,
        json={},
        headers={"Authorization": f"Bearer {api.secret}"},
    )
    assert response.status_code == 404, response.text
    assert response.get_json()["error"]["code"] == "not_found"


def test_the_largest_id_still_reaches_the_view(api_client):
    """Only impossible ids are cut off: the largest real one is looked up (and not there)."""
    response = api_client().delete(f"/api/v2/contact/{MAX_ID}")
    assert response.status_code == 404, response.text
    assert response.get_json()["error"]["code"] == "record_not_found"
