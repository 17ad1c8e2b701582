"""The Contacts page's Export buttons follow the filters as live search changes them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, sign_in

pytestmark = pytest.mark.browser


def test_export_buttons_follow_a_live_search(page: Page, live_server: LiveServer):
    last_name = live_server.seeded.target_last_name
    page.goto("/sign-in")
    sign_in(page, live_server.seeded.manager.email)
    page.goto("/contacts")
    export_csv = page.get_by_role("link", name="Export CSV")
    expect(export_csv).to_have_attribute("href", "/contacts/export.csv")

    page.get_by_role("searchbox", name="Search contacts by name, email or company").fill(last_name)

    expect(page.locator("#contacts-count")).to_contain_text(last_name)
    expect(export_csv).to_have_attribute("href", re.compile(rf"\?q={re.escape(last_name)}(&|$)"))
    with page.expect_download() as download:
        export_csv.click()
    assert download.value.suggested_filename.startswith("rapport-contacts-")
    rows = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 2 and last_name in rows[1], rows
