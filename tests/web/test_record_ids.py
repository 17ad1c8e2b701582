"""Ids in URLs: anything no record can have is a 404, never a database error."""

from __future__ import annotations

import pytest

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", f"/contacts/{HUGE}"),
        ("POST", f"/contacts/{HUGE}/archive"),
        ("GET", f"/companies/{HUGE}"),
        ("GET", f"/companies/{HUGE}/edit"),
        ("GET", f"/admin/users/{HUGE}"),
        ("POST", f"/settings/api-keys/{HUGE}/revoke"),
        ("GET", "/companies/0"),
    ],
)
def test_ids_no_record_can_have_are_not_found(client, login_as, method, url):
    login_as("executive", is_admin=True)
    assert client.open(url, method=method).status_code == 404
