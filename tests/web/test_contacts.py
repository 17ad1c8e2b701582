"""The contacts list (search, filters, sorting, pages, htmx fragment) and the contact page."""

from __future__ import annotations

import re

import pytest

from tests import factories
from webapp import access
from webapp.extensions import db as _db
from webapp.models import PermissionOverride
from webapp.models.base import utcnow
from webapp.services import contacts as contact_service
from webapp.services.contacts import CompanyLinkInput, ContactInput


def add_contact(first, last, *, email=None, company=None, owner=None, archived=False, **fields):
    """A contact with an optional email and primary company, flushed to the test transaction."""
    contact = factories.ContactFactory(first_name=first, last_name=last, owner=owner, **fields)
    if email:
        factories.ContactEmailFactory(contact=contact, email=email)
    if company:
        factories.ContactCompanyLinkFactory(contact=contact, company=company, is_primary=True)
    if archived:
        contact.archived_at = utcnow()
    _db.session.flush()
    return contact


def visible_text(html: str) -> str:
    """The page's text with tags dropped and whitespace collapsed, as a reader sees it."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def names_in(html: str) -> list[str]:
    """Contact names in the order the results table lists them."""
    return re.findall(r'<a class="fw-medium[^"]*" href="/contacts/\d+">([^<]+)</a>', html)


@pytest.fixture
def firm(db, make_user):
    """Two owners, two companies, three current contacts and one archived."""
    alice, bob = make_user(name="Alice Owner"), make_user(name="Bob Owner")
    engines = factories.CompanyFactory(name="Analytical Engines")
    navy = factories.CompanyFactory(name="Naval Computing")
    people = {
        "ada": add_contact(
            "Ada", "Lovelace", email="ada@engines.example", company=engines, owner=alice
        ),
        "grace": add_contact(
            "Grace", "Hopper", email="grace@navy.example", company=navy, owner=bob
        ),
        "alan": add_contact("Alan", "Turing", email="alan@bletchley.example", owner=alice),
        "old": add_contact("Charles", "Babbage", company=engines, owner=alice, archived=True),
    }
    return {"alice": alice, "bob": bob, "engines": engines, "navy": navy, **people}


# --- the list ------------------------------------------------------------------------------------


def test_list_shows_each_contact_with_company_email_phone_owner_and_stage(client, login_as, firm):
    login_as("member")
    factories.ContactPhoneFactory(contact=firm["ada"], number="+442079460958")
    _db.session.commit()
    response = client.get("/contacts")
    assert response.status_code == 200
    html = response.text
    assert names_in(html) == ["Grace Hopper", "Ada Lovelace", "Alan Turing"]
    assert f'href="/contacts/{firm["ada"].id}"' in html
    for shown in ("Analytical Engines", "ada@engines.example", "+44 20 7946 0958", "Alice Owner"):
        assert shown in html
    assert 'class="badge badge-soft stage">working<' in html
    assert "3 contacts" in html


@pytest.mark.parametrize(
    "q",
    ["Ada", "lovelace", "Ada Lovelace", "ADA@ENGINES", "analytical eng"],
    ids=["first name", "last name", "full name", "email", "company name"],
)
def test_search_finds_a_contact_by_name_email_or_company(client, login_as, firm, q):
    login_as("member")
    response = client.get("/contacts", query_string={"q": q})
    assert response.status_code == 200
    assert names_in(response.text) == ["Ada Lovelace"]
    assert "1 contact" in response.text
    assert "matching" in response.text


def test_search_treats_percent_and_underscore_as_plain_text(client, login_as, firm):
    login_as("member")
    response = client.get("/contacts", query_string={"q": "%"})
    assert names_in(response.text) == []
    assert "No contacts match “%”" in response.text


def test_search_without_a_match_says_so_and_offers_to_clear_filters(client, login_as, firm):
    login_as("member")
    response = client.get("/contacts?q=Zebedee")
    assert response.status_code == 200
    assert "No contacts match “Zebedee”." in response.text
    assert '<a href="/contacts">Clear filters</a>' in response.text


def test_filter_by_owner_lists_only_their_contacts(client, login_as, firm):
    login_as("member")
    response = client.get(f"/contacts?owner={firm['alice'].id}")
    assert names_in(response.text) == ["Ada Lovelace", "Alan Turing"]
    assert f'<option value="{firm["alice"].id}" selected>Alice Owner</option>' in response.text


def test_filter_by_company_lists_only_its_contacts(client, login_as, firm):
    login_as("member")
    response = client.get(f"/contacts?company={firm['navy'].id}")
    assert names_in(response.text) == ["Grace Hopper"]
    assert f'name="company" value="{firm["navy"].id}" data-combobox-value' in response.text
    assert 'name="company_name" value="Naval Computing"' in response.text


def test_filters_and_search_combine(client, login_as, firm):
    login_as("member")
    response = client.get(f"/contacts?owner={firm['alice'].id}&q=turing")
    assert names_in(response.text) == ["Alan Turing"]
    response = client.get(f"/contacts?owner={firm['bob'].id}&q=turing")
    assert names_in(response.text) == []
    assert "No contacts match “turing” with these filters." in response.text


def test_sort_orders_change_the_list(client, login_as, firm):
    login_as("member")
    assert names_in(client.get("/contacts?sort=-name").text) == [
        "Alan Turing",
        "Ada Lovelace",
        "Grace Hopper",
    ]
    ordered_by_title = client.get("/contacts?sort=title")
    assert ordered_by_title.status_code == 200
    assert '<option value="title" selected>Title</option>' in ordered_by_title.text


def test_a_search_counts_no_further_than_its_cap(client, login_as, app, monkeypatch):
    """A search matching more than the cap says "more than" and still pages; one within the cap,
    and the list without a search, say exactly how many."""
    monkeypatch.setattr("webapp.web.contacts.COUNT_CAP", 3)
    monkeypatch.setitem(app.config, "CONTACTS_PER_PAGE", 2)
    me = login_as("member")
    for n in range(5):
        add_contact("Ann", f"Smith{n}", owner=me)
    add_contact("Bob", "Jones", owner=me)
    _db.session.commit()

    many = client.get("/contacts?q=an").text
    last = client.get("/contacts?q=an&page=3").text
    few = client.get("/contacts?q=jo").text
    everyone = client.get("/contacts").text

    assert "More than 3 contacts" in many and "matching “an”" in many
    assert "Page 1 · more than 3: search for more of the name to narrow them" in many
    assert 'href="/contacts?q=an&amp;page=2"' in many
    assert names_in(last) == ["Ann Smith4"]  # the cap limits the count, not the results
    assert re.search(r"1 contact\s+matching “jo”", few)
    assert re.search(r">\s*6 contacts\s", everyone) and "Page 1 of 3 · 6 in all" in everyone


def test_a_search_whose_first_page_is_not_full_is_totalled_without_a_count(
    client, login_as, app, monkeypatch, count_queries
):
    """Every match is on the first page, so the page says how many without counting them again;
    a full first page still counts, and both totals are exact."""
    monkeypatch.setitem(app.config, "CONTACTS_PER_PAGE", 3)
    me = login_as("member")
    for n in range(4):
        add_contact("Ann", f"Smith{n}", owner=me)
    add_contact("Bob", "Jones", owner=me)
    add_contact("Bo", "Jonas", owner=me)
    _db.session.commit()

    with count_queries() as few_sql:
        few = client.get("/contacts?q=jon").text
    with count_queries() as many_sql:
        many = client.get("/contacts?q=smith").text

    assert re.search(r"2 contacts\s+matching “jon”", few)
    assert re.search(r"4 contacts\s+matching “smith”", many) and "Page 1 of 2" in many

    def counts_of_contacts(statements: list[str]) -> list[str]:
        return [s for s in statements if "count(" in s.lower() and "FROM contacts" in s]

    assert counts_of_contacts(few_sql) == []
    assert counts_of_contacts(many_sql)


def test_one_and_two_character_searches_match_anywhere_in_names_emails_and_companies(
    client, login_as
):
    me = login_as("member")
    engines = factories.CompanyFactory(name="Qx Engines")
    add_contact("Ada", "Lovelace", email="ada@zq.example", owner=me)
    add_contact("Grace", "Hopper", company=engines, owner=me)
    add_contact("Alan", "Turing", owner=me)
    _db.session.commit()

    def found(q: str) -> list[str]:
        return sorted(names_in(client.get("/contacts", query_string={"q": q}).text))

    assert found("zq") == ["Ada Lovelace"]  # in an email only
    assert found("qx") == ["Grace Hopper"]  # in a company's name only
    assert found("ri") == ["Alan Turing"]  # inside a name
    assert found("a") == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]


def test_pagination_shows_the_rest_on_page_two_with_the_total(
    client, login_as, firm, app, monkeypatch
):
    monkeypatch.setitem(app.config, "CONTACTS_PER_PAGE", 2)
    login_as("member")
    first = client.get("/contacts")
    assert names_in(first.text) == ["Grace Hopper", "Ada Lovelace"]
    assert "Page 1 of 2 · 3 in all" in first.text
    assert 'href="/contacts?page=2"' in first.text
    second = client.get("/contacts?page=2")
    assert names_in(second.text) == ["Alan Turing"]
    assert "3 contacts" in second.text


def test_pagination_links_keep_the_filters(client, login_as, firm, app, monkeypatch):
    monkeypatch.setitem(app.config, "CONTACTS_PER_PAGE", 1)
    login_as("member")
    response = client.get(f"/contacts?owner={firm['alice'].id}&sort=-name")
    assert f'href="/contacts?owner={firm["alice"].id}&amp;sort=-name&amp;page=2"' in response.text


def test_a_page_past_the_end_says_so_instead_of_claiming_no_match(client, login_as, firm):
    login_as("member")
    response = client.get("/contacts?page=40")
    assert response.status_code == 200
    assert "There is no page 40" in response.text
    assert "No contacts match" not in response.text


def test_archived_contacts_are_hidden_unless_asked_for(client, login_as, firm):
    login_as("member")
    assert "Charles Babbage" not in names_in(client.get("/contacts").text)
    archived = client.get("/contacts?archived=1")
    assert names_in(archived.text) == ["Charles Babbage"]
    assert "1 archived contact" in archived.text


def test_htmx_request_gets_only_the_results_fragment(client, login_as, firm):
    login_as("member")
    response = client.get("/contacts?q=grace", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="contact-filters"' not in response.text
    assert names_in(response.text) == ["Grace Hopper"]
    assert "HX-Request" in response.vary


def test_full_page_also_varies_on_hx_request_so_caches_keep_them_apart(client, login_as, firm):
    login_as("member")
    response = client.get("/contacts?q=grace")
    assert "<html" in response.text
    assert "HX-Request" in response.vary


def test_htmx_history_restore_gets_the_whole_page(client, login_as, firm):
    login_as("member")
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = client.get("/contacts?q=grace", headers=headers)
    assert "<html" in response.text


def test_live_search_markup_keeps_the_query_in_the_url(client, login_as, firm):
    login_as("member")
    html = client.get("/contacts?q=ada").text
    assert 'role="search"' in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert 'hx-push-url="true"' in html
    assert 'aria-live="polite"' in html
    assert 'value="ada"' in html


@pytest.mark.parametrize(
    "query",
    [
        "owner=abc",
        "owner=-1",
        "owner=99999999999999999999",
        "owner=999999",
        "company=x",
        "company=1.5",
        "company=99999999999999999999",
        "sort=drop%20table",
        "page=0",
        "page=-2",
        "page=abc",
        "page=99999999999999999999",
        "archived=yes",
        "q=%00",
        "q=" + "x" * 5000,
        "owner=%EF%BC%91",
    ],
)
def test_bad_query_values_are_ignored_not_an_error(client, login_as, firm, query):
    login_as("member")
    response = client.get(f"/contacts?{query}")
    assert response.status_code == 200


def test_unknown_owner_counts_as_no_owner_filter(client, login_as, firm):
    login_as("member")
    assert len(names_in(client.get("/contacts?owner=999999").text)) == 3


def test_new_contact_button_shows_for_users_who_may_create(client, login_as, firm):
    login_as("member")
    assert 'href="/contacts/new"' in client.get("/contacts").text


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    for path in ("/contacts", "/contacts/1", "/contacts/new", "/contacts/1/edit"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/sign-in"), path


def test_user_without_view_permission_gets_403(client, login_as, firm):
    user = login_as("member")
    _db.session.add(
        PermissionOverride(user=user, permission=access.RELATIONSHIPS_VIEW, granted=False)
    )
    _db.session.commit()
    assert client.get("/contacts").status_code == 403
    assert client.get(f"/contacts/{firm['ada'].id}").status_code == 403


# --- the contact page ----------------------------------------------------------------------------


def test_contact_page_shows_every_field_and_company_link(client, login_as, firm):
    login_as("member")
    ada = firm["ada"]
    ada.title = "Chief Analyst"
    factories.ContactEmailFactory(contact=ada, email="ada.home@example.org", position=1)
    factories.ContactPhoneFactory(contact=ada, number="+14155550100")
    factories.ContactCompanyLinkFactory(
        contact=ada, company=firm["navy"], role="Adviser", is_primary=False
    )
    _db.session.commit()
    response = client.get(f"/contacts/{ada.id}")
    assert response.status_code == 200
    html = response.text
    assert ">Ada Lovelace</h1>" in html
    assert "Chief Analyst" in html
    assert 'href="mailto:ada@engines.example"' in html
    assert 'href="mailto:ada.home@example.org"' in html
    assert "+1 415-555-0100" in html
    assert 'href="tel:+14155550100"' in html
    assert "Alice Owner" in html
    assert 'class="stage">working<' in html
    engines = f'<a class="fw-medium" href="/companies/{firm["engines"].id}">Analytical Engines</a>'
    navy = f'<a class="fw-medium" href="/companies/{firm["navy"].id}">Naval Computing</a>'
    assert engines in html and navy in html
    assert html.index(engines) < html.index(navy), "the primary company comes first"
    assert "Adviser" in html
    assert html.count('<span class="badge badge-soft">Primary</span>') == 1


def test_contact_page_for_unknown_id_is_404(client, login_as, db):
    login_as("member")
    assert client.get("/contacts/999999").status_code == 404
    assert client.get("/contacts/99999999999999999999").status_code == 404


def test_contact_page_offers_edit_and_archive_to_users_who_may(client, login_as, firm):
    login_as("member")
    html = client.get(f"/contacts/{firm['ada'].id}").text
    assert f'href="/contacts/{firm["ada"].id}/edit"' in html
    assert f'action="/contacts/{firm["ada"].id}/archive"' in html
    assert 'data-confirm="Archive this contact?' in html


def test_archived_contact_page_has_a_banner_and_restore_button(client, login_as, firm):
    login_as("member")
    html = client.get(f"/contacts/{firm['old'].id}").text
    assert "This contact was archived on" in html
    assert f'action="/contacts/{firm["old"].id}/restore"' in html
    assert f'action="/contacts/{firm["old"].id}/archive"' not in html


def test_contact_page_lists_recent_history_with_who_and_what_changed(client, login_as, make_user):
    login_as("member")
    editor = make_user(name="Edith Editor")
    actor = access.actor_for_user(editor)
    contact = contact_service.create_contact(actor, ContactInput(first_name="Mary", stage="new"))
    contact_service.update_contact(
        actor, contact.id, ContactInput(first_name="Mary", title="Director", stage="working")
    )
    _db.session.commit()
    text = visible_text(client.get(f"/contacts/{contact.id}").text)
    assert "Created by Edith Editor" in text
    assert "Updated by Edith Editor" in text
    assert re.search(r"Changed (stage, job title|job title, stage) \d", text), text


def test_history_shows_only_the_last_ten_events(client, login_as, make_user):
    login_as("member")
    actor = access.actor_for_user(make_user())
    company = factories.CompanyFactory()
    contact = contact_service.create_contact(actor, ContactInput(first_name="Ten"))
    for n in range(12):
        links = [CompanyLinkInput(company.id, role=f"Role {n}")]
        contact_service.update_contact(
            actor, contact.id, ContactInput(first_name="Ten", company_links=links)
        )
    _db.session.commit()
    text = visible_text(client.get(f"/contacts/{contact.id}").text)
    assert text.count("Updated by") == 10
    assert "Created by" not in text


def test_member_without_update_permission_sees_no_write_buttons(client, login_as, firm):
    user = login_as("member")
    _db.session.add(
        PermissionOverride(user=user, permission=access.RELATIONSHIPS_UPDATE, granted=False)
    )
    _db.session.commit()
    listing = client.get("/contacts")
    assert listing.status_code == 200
    assert 'href="/contacts/new"' not in listing.text
    page = client.get(f"/contacts/{firm['ada'].id}")
    assert page.status_code == 200
    assert f"/contacts/{firm['ada'].id}/edit" not in page.text
    assert f"/contacts/{firm['ada'].id}/archive" not in page.text
    archived = client.get(f"/contacts/{firm['old'].id}")
    assert f"/contacts/{firm['old'].id}/restore" not in archived.text
