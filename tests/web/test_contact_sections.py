"""The contact page's first screen comes alone; the sections below it load when scrolled into view.

Each lazy section is a placeholder on the page (its heading, a skeleton, a link), htmx fetches it
from its own URL, and without JavaScript its link opens the page with the section in place.
"""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.web.contact_page_builders import HTMX, section, visible_text
from tests.web.conversation_builders import add_message
from webapp.extensions import db as _db
from webapp.web.contact_sections import LAZY

# Words each loaded section shows for a contact with one message and nothing else.
LOADED = {
    "conversation": "Hello from the page test",
    "timeline": "Log interaction",
    "people": "No links to other people yet",
    "introductions": "within three links of",
    "relationship-map": None,  # a contact linked to nobody has no map card at all
}


@pytest.fixture
def ada(db, login_as):
    me = login_as("member")
    contact = factories.ContactFactory(first_name="Ada", last_name="Lovelace", owner=me)
    add_message(contact, "Hello from the page test", sent_by=me)
    _db.session.commit()
    return contact


def _placeholder(html: str, name: str) -> str:
    found = re.search(rf'<section id="{name}" class="[^"]*lazy-section.*?</section>', html, re.S)
    assert found, f"no placeholder for {name}"
    return found.group(0)


def test_the_timeline_and_introductions_placeholders_load_again_after_a_write(client, ada):
    """A write made while one of them loads (marking an action done, logging a touch, linking a
    person) must not leave it showing what came before: its load starts again."""
    page = client.get(f"/contacts/{ada.id}").text
    timeline = _placeholder(page, "timeline")
    assert 'hx-trigger="revealed, touches-changed from:body, actions-changed from:body"' in timeline
    introductions = _placeholder(page, "introductions")
    assert 'hx-trigger="revealed, people-changed from:body"' in introductions


def test_the_page_holds_a_placeholder_for_each_section_below_the_first_screen(client, ada):
    page = client.get(f"/contacts/{ada.id}").text

    for lazy in LAZY:
        placeholder = _placeholder(page, lazy.name)
        assert f'hx-get="/contacts/{ada.id}/sections/{lazy.name}"' in placeholder
        stale_after = "".join(f", {event} from:body" for event in lazy.stale_after)
        assert f'hx-trigger="revealed{stale_after}"' in placeholder
        assert ('hx-sync="this:replace"' in placeholder) == bool(lazy.stale_after)
        assert 'aria-busy="true"' in placeholder
        assert f'aria-labelledby="{lazy.name}-heading"' in placeholder
        assert f'<h2 id="{lazy.name}-heading"' in placeholder and lazy.title in placeholder
        link = f'href="/contacts/{ada.id}?open={lazy.name}#{lazy.name}"'
        assert link in placeholder and lazy.link in placeholder
        if LOADED[lazy.name]:
            assert LOADED[lazy.name] not in page
    assert "Details" in page and "Keep in touch" in page and "Recent history" in page


@pytest.mark.parametrize("lazy", LAZY, ids=lambda lazy: lazy.name)
def test_htmx_gets_the_section_itself(client, ada, lazy):
    answer = client.get(f"/contacts/{ada.id}/sections/{lazy.name}", headers=HTMX)

    assert answer.status_code == 200
    assert "lazy-section" not in answer.text
    assert "<html" not in answer.text
    if LOADED[lazy.name]:
        assert LOADED[lazy.name] in visible_text(answer.text)
        assert f'id="{lazy.name}"' in answer.text
    else:
        assert answer.text.strip() == ""


@pytest.mark.parametrize("lazy", LAZY, ids=lambda lazy: lazy.name)
def test_without_javascript_the_link_opens_the_page_with_the_section_in_place(client, ada, lazy):
    plain = client.get(f"/contacts/{ada.id}/sections/{lazy.name}")
    assert plain.status_code == 303
    assert plain.headers["Location"] == f"/contacts/{ada.id}?open={lazy.name}#{lazy.name}"

    page = client.get(plain.headers["Location"]).text

    assert f'<section id="{lazy.name}" class="card shadow-sm lazy-section' not in page
    if LOADED[lazy.name]:
        assert LOADED[lazy.name] in visible_text(section(page, lazy.name))
    others = [other for other in LAZY if other is not lazy]
    assert all(_placeholder(page, other.name) for other in others)


def test_a_link_to_compose_for_an_action_or_to_older_entries_opens_that_section(client, ada):
    page = client.get(f"/contacts/{ada.id}?timeline_before=1.2.x.4").text
    assert "Log interaction" in visible_text(section(page, "timeline"))
    assert _placeholder(page, "conversation")


def test_an_unknown_section_or_contact_is_a_404(client, ada):
    assert client.get(f"/contacts/{ada.id}/sections/history", headers=HTMX).status_code == 404
    assert client.get("/contacts/999999/sections/timeline", headers=HTMX).status_code == 404
    page = client.get(f"/contacts/{ada.id}?open=history&open=nothing")
    assert page.status_code == 200
    assert all(_placeholder(page.text, lazy.name) for lazy in LAZY)


def test_a_signed_out_visitor_is_sent_to_sign_in(client, ada):
    client.post("/sign-out")
    answer = client.get(f"/contacts/{ada.id}/sections/timeline", headers=HTMX)
    assert answer.status_code in (302, 401)
    assert "Log interaction" not in answer.text
