"""Signing in through the real form, with CSRF protection on."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, shoot, sign_in

pytestmark = pytest.mark.browser


def test_wrong_password_keeps_the_person_out_with_the_reason_next_to_the_field(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server.seeded.manager.email, "not the password")

    password = page.get_by_label("Password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(re.compile("do not match an active account"))
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    shoot(page, "sign-in-wrong-password")


def test_a_form_posted_without_its_csrf_token_is_refused(
    page: Page, live_server: LiveServer
) -> None:
    response = page.request.post(
        "/sign-in",
        form={"email": live_server.seeded.manager.email, "password": "browser-test-password"},
        max_redirects=0,
    )

    assert response.status == 400
    assert "Form expired" in response.text()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
