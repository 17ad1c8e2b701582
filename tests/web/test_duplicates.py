"""The Duplicates page, "Not a duplicate", the merge page, and where a merged record leads."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests import factories
from tests.unit.merging_builders import everything_about, firm, person, rows
from webapp import access
from webapp.extensions import db as _db
from webapp.models import AuditEvent, Contact, Message, NotDuplicatePair
from webapp.services import profiles
from webapp.services.merging import merge_contacts

HTMX = {"HX-Request": "true"}


@pytest.fixture
def me(login_as):
    return login_as("member", name="Mia Member")


@pytest.fixture
def acme(db):
    return firm("Acme Ltd", "acme.example")


@pytest.fixture
def pair(me, acme):
    """John Smith and Jon Smith at Acme, both Mia's."""
    john = person(me, "John", "Smith", emails=("john@acme.example",), company=acme)
    jon = person(me, "Jon", "Smith", emails=("jon@home.example",), company=acme)
    _db.session.commit()
    return john, jon


def test_the_duplicates_page_shows_each_pair_side_by_side_with_its_reasons(client, pair):
    john, jon = pair

    page = client.get("/duplicates").text

    row = re.search(rf'<li id="pair-{john.id}-{jon.id}".*?</li>\s*</ol>', page, re.S).group(0)
    assert "John Smith" in row and "Jon Smith" in row
    assert "john@acme.example" in row and "jon@home.example" in row
    assert "Close names at Acme Ltd" in row
    assert f"/contacts/{john.id}/merge?other={jon.id}" in row
    assert "Not a duplicate" in row


def test_contacts_and_companies_link_to_their_duplicates(client, me):
    assert 'href="/duplicates"' in client.get("/contacts").text
    assert 'href="/duplicates/companies"' in client.get("/companies").text


def test_not_a_duplicate_over_htmx_removes_the_row_and_says_so(client, pair):
    john, jon = pair

    response = client.post(
        "/duplicates/not-duplicate",
        data={"kind": "contact", "ids": [john.id, jon.id]},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "<li" not in response.text  # the pair is swapped for nothing
    assert 'id="duplicates-status"' in response.text and "hx-swap-oob" in response.text
    assert f'id="pair-{john.id}-{jon.id}"' not in client.get("/duplicates").text


def test_not_a_duplicate_without_javascript_goes_back_to_the_list(client, pair):
    john, jon = pair

    response = client.post(
        "/duplicates/not-duplicate", data={"kind": "contact", "ids": [john.id, jon.id]}
    )

    assert response.status_code == 303 and response.location.endswith("/duplicates")
    assert len(rows(NotDuplicatePair)) == 1


def test_a_member_sees_no_merge_buttons_on_a_pair_they_do_not_own_both_of(client, me, acme):
    person(me, "John", "Smith", company=acme)
    person(factories.UserFactory(role="member"), "Jon", "Smith", company=acme)
    _db.session.commit()

    page = client.get("/duplicates").text

    assert "Close names at Acme Ltd" in page
    assert "Merge…" not in page and "Not a duplicate</" not in page


def test_a_member_who_owns_one_of_them_cannot_mark_or_merge_them(client, me, acme):
    mine = person(me, "John", "Smith", company=acme)
    theirs = person(factories.UserFactory(role="member"), "Jon", "Smith", company=acme)
    _db.session.commit()

    marked = client.post("/duplicates/not-duplicate", data={"ids": [mine.id, theirs.id]})
    merged = client.post(f"/contacts/{mine.id}/merge", data={"other": theirs.id})

    assert (marked.status_code, merged.status_code) == (403, 403)
    assert rows(Contact, id=theirs.id)[0].merged_into_id is None


def test_the_duplicate_companies_page_lists_companies_with_the_same_name(client, me, acme):
    again = firm("ACME Limited")
    _db.session.commit()

    page = client.get("/duplicates/companies").text

    assert f'<li id="pair-{acme.id}-{again.id}"' in page
    assert "Same name" in page


# --- the merge page ---


def test_the_merge_page_offers_a_radio_for_each_field_that_differs(client, me, pair, acme):
    john, jon = pair
    everything_about(jon, me, acme)
    _db.session.commit()

    page = client.get(f"/contacts/{john.id}/merge?other={jon.id}").text

    radios = re.findall(r'type="radio" name="(field-[a-z_]+)" id="[^"]+" value="(\d+)"', page)
    assert ("field-first_name", str(john.id)) in radios
    assert ("field-first_name", str(jon.id)) in radios
    assert not any(name == "field-last_name" for name, _ in radios)  # both Smith
    checked = re.search(r'name="field-first_name" id="[^"]+" value="(\d+)"\s+checked', page)
    assert checked.group(1) == str(john.id)  # the kept record's value by default
    assert "1 action, 1 task, 1 message, 1 interaction, 1 opportunity and 1 partner" in page
    assert "Keep this one instead" in page


def test_merging_from_the_page_lands_on_the_kept_contact_with_what_was_merged(
    client, me, pair, acme
):
    john, jon = pair
    everything_about(jon, me, acme)
    _db.session.commit()

    response = client.post(
        f"/contacts/{john.id}/merge",
        data={"other": jon.id, "field-first_name": jon.id},
        follow_redirects=True,
    )

    assert response.request.path == f"/contacts/{john.id}"
    assert "Merged Jon Smith into John Smith" in response.text  # named as they were
    assert "1 message" in response.text
    kept = rows(Contact, id=john.id)[0]
    assert kept.first_name == "Jon"
    assert rows(Message)[0].contact_id == john.id


def test_a_merged_contacts_page_redirects_to_the_kept_one(client, me, pair):
    john, jon = pair
    merge_contacts(access.actor_for_user(me), john.id, [jon.id])
    _db.session.commit()

    response = client.get(f"/contacts/{jon.id}")

    assert response.status_code == 302
    assert response.location.endswith(f"/contacts/{john.id}")
    assert "merged into this one" in client.get(response.location).text


def test_the_kept_contacts_history_includes_the_merged_contacts(client, me, pair):
    john, jon = pair
    profiles.update_profile(access.actor_for_user(me), jon.id, {"preferred_name": "Jonny"})
    merge_contacts(access.actor_for_user(me), john.id, [jon.id])
    _db.session.commit()

    page = client.get(f"/contacts/{john.id}").text

    history = page.split('id="history-heading"', 1)[1]
    assert f"Contact #{jon.id} merged into this one" in history
    assert f"Contact #{jon.id} merged into contact #{john.id}" in history


def test_a_merged_company_page_redirects_to_the_kept_one(client, me, acme):
    again = firm("ACME Limited", owner=me)
    acme.owner = me
    _db.session.commit()

    merged = client.post(f"/companies/{acme.id}/merge", data={"other": again.id})
    response = client.get(f"/companies/{again.id}")

    assert merged.status_code == 303
    assert response.status_code == 302 and response.location.endswith(f"/companies/{acme.id}")


def test_creating_a_contact_whose_email_exists_links_to_that_contact(client, me, pair):
    john, _jon = pair

    response = client.post(
        "/contacts/new",
        data={"first_name": "Johnny", "stage": "new", "emails": "john@acme.example"},
    )

    assert response.status_code == 422
    assert f'href="/contacts/{john.id}"' in response.text
    assert "Open John Smith" in response.text


def test_restoring_a_merged_contact_leads_to_the_kept_one_and_leaves_it_merged(client, me, pair):
    john, jon = pair
    merge_contacts(access.actor_for_user(me), john.id, [jon.id])
    _db.session.commit()

    response = client.post(f"/contacts/{jon.id}/restore")

    assert response.status_code == 302 and response.location.endswith(f"/contacts/{john.id}")
    merged = rows(Contact, id=jon.id)[0]
    assert merged.archived_at is not None and merged.merged_into_id == john.id


def test_the_company_merge_page_offers_the_names_to_choose_from(client, me, acme):
    again = firm("ACME Limited", "acme.co.uk", owner=me)
    acme.owner = me
    _db.session.commit()

    page = client.get(f"/companies/{acme.id}/merge?other={again.id}").text

    assert 'name="field-name"' in page and "ACME Limited" in page
    assert "acme.example" in page and "acme.co.uk" in page
    assert "Merge into Acme Ltd" in page


def test_the_merge_page_of_a_contact_merged_already_opens_where_it_went(client, me, pair, acme):
    john, jon = pair
    johnny = person(me, "Johnny", "Smith", company=acme)
    merge_contacts(access.actor_for_user(me), john.id, [jon.id])
    _db.session.commit()

    response = client.get(f"/contacts/{johnny.id}/merge?other={jon.id}", follow_redirects=True)

    assert response.request.path == f"/contacts/{john.id}"
    assert f"was merged into contact {john.id}" in response.text


def test_marking_over_htmx_offers_undo_and_brings_the_count_up_to_date(client, pair, me, acme):
    john, jon = pair
    person(me, "Ann", "Lee", emails=("ann@acme.example",), company=acme)
    person(me, "Anne", "Lee", emails=("ANN@acme.example",), company=acme)
    _db.session.commit()
    assert "2 likely pairs" in client.get("/duplicates").text

    response = client.post(
        "/duplicates/not-duplicate",
        data={"kind": "contact", "ids": [john.id, jon.id]},
        headers=HTMX,
    )

    assert re.search(r'id="duplicates-count" hx-swap-oob="true">1 likely pair<', response.text)
    undo = re.search(r'<form method="post" action="/duplicates/suggest-again".*?</form>',
                     response.text, re.S).group(0)  # fmt: skip
    assert f'value="{john.id}"' in undo and f'value="{jon.id}"' in undo and ">Undo<" in undo


def test_suggest_again_takes_the_mark_back_and_the_pair_returns(client, pair):
    john, jon = pair
    client.post("/duplicates/not-duplicate", data={"kind": "contact", "ids": [john.id, jon.id]})
    page = client.get("/duplicates").text
    marked = re.search(r'<details class="mt-4" id="marked-pairs">.*?</details>', page, re.S)
    assert "John Smith" in marked.group(0) and "Suggest again" in marked.group(0)

    answer = client.post(
        "/duplicates/suggest-again",
        data={"kind": "contact", "ids": [jon.id, john.id]},
        follow_redirects=True,
    )

    assert "No longer marked: the pair is suggested again" in answer.text
    assert f'id="pair-{john.id}-{jon.id}"' in answer.text
    assert 'id="marked-pairs"' not in answer.text
    assert rows(NotDuplicatePair) == []
    event = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "not_duplicate_pair")
        .order_by(AuditEvent.id.desc())
    ).first()  # fmt: skip
    assert event.action == "delete"


def test_suggest_again_for_a_pair_not_marked_or_not_theirs_is_refused(client, me, acme, pair):
    john, jon = pair
    theirs = person(factories.UserFactory(role="member"), "Jon", "Smyth", company=acme)
    _db.session.commit()

    assert (
        client.post(
            "/duplicates/suggest-again", data={"kind": "contact", "ids": [john.id, jon.id]}
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/duplicates/suggest-again", data={"kind": "contact", "ids": [john.id, theirs.id]}
        ).status_code
        == 403
    )
