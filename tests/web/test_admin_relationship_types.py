"""Admin page for relationship types: the 27 built-in types by group, the firm's own types added
through a form (the service's rules and messages, beside the fields) and deleted while unused."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from sqlalchemy import select

from tests import factories
from webapp import access
from webapp.extensions import db as _db
from webapp.models import AuditEvent, RelationshipType, RelationshipTypeGroup
from webapp.services import contact_relationships

PAGE = "/admin/relationship-types"
GROUP = "relationship_type_group_id"
BUILT_IN = {
    "love": ["partner", "spouse", "date", "ex-partner"],
    "family": [
        "parent",
        "child",
        "sibling",
        "grandparent",
        "grandchild",
        "uncle",
        "nephew",
        "aunt",
        "niece",
        "cousin",
        "godparent",
        "godchild",
    ],  # fmt: skip
    "friend": ["friend", "best friend"],
    "work": [
        "colleague",
        "boss",
        "subordinate",
        "manager of",
        "assistant of",
        "former colleague",
        "introduced by",
        "board member with",
        "mentor",
    ],  # fmt: skip
}


def group_id(name: str) -> int:
    return _db.session.scalar(
        select(RelationshipTypeGroup.id).where(RelationshipTypeGroup.name == name)
    )


def type_named(name: str, group: str = "family") -> RelationshipType | None:
    stmt = select(RelationshipType).where(
        RelationshipType.name == name, RelationshipType.group_id == group_id(group)
    )
    return _db.session.scalar(stmt)


def stored_names() -> list[str]:
    return list(_db.session.scalars(select(RelationshipType.name).order_by(RelationshipType.id)))


def new_type(**changes) -> dict:
    return {
        "relationship_type_group_id": str(group_id("family")),
        "name": "Cousin-in-law",
        "name_reverse_relationship": "cousin-in-law",
        **changes,
    }


def section(html: str, group: str) -> str:
    """The part of the page that lists ``group``'s types; fails if there is none."""
    found = re.search(rf'<section [^>]*id="group-{group}".*?</section>', html, re.S)
    assert found, f"no section for the {group} group"
    return found.group(0)


def rows(html: str) -> list[tuple[str, str]]:
    """(name, reverse name) of each type row, in page order."""
    pattern = (
        r'<span class="type-name">([^<]*)</span>.*?<td class="hide-sm type-reverse">([^<]*)</td>'
    )
    return [
        (html_lib.unescape(a), html_lib.unescape(b)) for a, b in re.findall(pattern, html, re.S)
    ]


def row_of(html: str, type_id: int) -> str:
    found = re.search(rf'<tr id="type-{type_id}">.*?</tr>', html, re.S)
    assert found, f"no row for type {type_id}"
    return found.group(0)


def error_beside(html: str, field_id: str) -> str:
    """The error shown under the form field ``field_id``; fails if there is none."""
    found = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>([^<]*)<', html)
    assert found, f"no error shown for {field_id}"
    return html_lib.unescape(found.group(1))


@pytest.fixture
def admin(login_as):
    return login_as("executive", name="Ada Admin", is_admin=True)


@pytest.fixture
def own_type(db):
    """A family type another admin added; nobody is linked by it."""
    owner = factories.UserFactory(role="executive", is_admin=True)
    kind = contact_relationships.create_type(
        access.actor_for_user(owner),
        {
            "name": "step-parent",
            "name_reverse_relationship": "step-child",
            "relationship_type_group_id": group_id("family"),
        },
    )
    _db.session.commit()
    return kind


def link(kind_id: int, pairs: int = 1) -> None:
    """``pairs`` pairs of people linked by the type ``kind_id``."""
    owner = factories.UserFactory(role="executive", is_admin=True)
    actor = access.actor_for_user(owner)
    for _ in range(pairs):
        one, other = factories.ContactFactory(owner=owner), factories.ContactFactory(owner=owner)
        _db.session.flush()
        contact_relationships.create_relationship(
            actor,
            {"contact_is": one.id, "relationship_type_id": kind_id, "of_contact": other.id},
        )
    _db.session.commit()


# --- who gets in ----------------------------------------------------------------------------


def _requests(type_id: int) -> list[tuple[str, str]]:
    return [("GET", PAGE), ("POST", PAGE), ("POST", f"{PAGE}/{type_id}/delete")]


@pytest.mark.parametrize("role", ["member", "manager", "executive"])
def test_people_without_admin_get_403_and_change_nothing(client, login_as, own_type, role):
    login_as(role)
    before = stored_names()

    for method, url in _requests(own_type.id):
        response = client.open(url, method=method, data=new_type())
        assert response.status_code == 403, (method, url)

    assert stored_names() == before


def test_signed_out_visitors_are_sent_to_sign_in(client, own_type):
    before = stored_names()

    for method, url in _requests(own_type.id):
        response = client.open(url, method=method, data=new_type())
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")

    assert stored_names() == before


def test_the_admin_tabs_and_menu_lead_to_the_page(client, admin):
    html = client.get("/admin/users").text

    assert html.count(f'href="{PAGE}"') == 2  # the admin tab and the account menu's item
    assert 'aria-current="page">Relationship types' in client.get(PAGE).text


# --- the list ---------------------------------------------------------------------------------


def test_the_page_lists_the_27_built_in_types_by_group(client, admin):
    response = client.get(PAGE)

    assert response.status_code == 200
    html = response.text
    for group, names in BUILT_IN.items():
        assert [name for name, _ in rows(section(html, group))] == names
    assert sum(len(names) for names in BUILT_IN.values()) == 27
    assert ("uncle", "nephew") in rows(section(html, "family"))
    assert ("manager of", "managed by") in rows(section(html, "work"))
    assert html.count('<span class="badge badge-muted">Built in</span>') == 27
    assert "btn-outline-danger" not in html  # nothing built in can be deleted
    assert 'data-links="0"' in html and 'data-links="1"' not in html


def test_each_type_shows_how_many_links_use_it(client, admin, own_type):
    link(own_type.id, pairs=2)
    link(type_named("sibling").id)

    html = client.get(PAGE).text

    assert 'data-links="2">2<' in row_of(html, own_type.id)
    assert 'data-links="1">1<' in row_of(html, type_named("sibling").id)
    assert 'data-links="0">0<' in row_of(html, type_named("uncle").id)


def test_an_own_type_has_a_delete_button_that_asks_first(client, admin, own_type):
    html = row_of(client.get(PAGE).text, own_type.id)

    assert "Built in" not in html
    assert f'action="{PAGE}/{own_type.id}/delete"' in html
    assert 'hx-confirm="Delete the type “step-parent” from the family group?"' in html
    assert "onsubmit" not in html  # no inline script: the page's CSP will forbid it


def test_the_form_offers_the_four_groups_and_explains_symmetric_types(client, admin):
    html = client.get(PAGE).text

    for group in ("Love", "Family", "Friend", "Work"):
        assert f">{group}</option>" in html
    assert "give the same name twice" in html and "sibling" in html


# --- adding a type ----------------------------------------------------------------------------


def test_an_admin_adds_a_type_and_it_shows_on_the_page(client, admin):
    response = client.post(PAGE, data=new_type())

    assert response.status_code == 303
    assert response.headers["Location"].endswith(PAGE)
    added = type_named("cousin-in-law")
    assert added is not None
    assert (added.name_reverse_relationship, added.delible) == ("cousin-in-law", True)
    [event] = _db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type == "relationship_type", AuditEvent.object_id == added.id
        )
    ).all()
    assert (event.action, event.user_id) == ("create", admin.id)
    html = client.get(PAGE).text
    assert "Added “cousin-in-law”" in html
    assert ("cousin-in-law", "cousin-in-law") in rows(section(html, "family"))
    assert 'data-links="0"' in row_of(html, added.id) and "Delete" in row_of(html, added.id)


def test_an_added_type_is_served_by_the_api(client, admin):
    client.post(PAGE, data=new_type(name="in-law", name_reverse_relationship="in-law"))

    response = client.get("/api/v2/relationship-types?per_page=100")

    assert response.status_code == 200, response.text
    names = [kind["name"] for kind in response.get_json()["data"]]
    assert len(names) == 28 and "in-law" in names


def test_the_same_name_may_be_used_in_another_group(client, admin):
    response = client.post(
        PAGE, data=new_type(relationship_type_group_id=group_id("work"), name="Uncle")
    )

    assert response.status_code == 303
    assert type_named("uncle", "work") is not None


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"name": "   "}, "name", "This is required."),
        ({"name_reverse_relationship": ""}, "name_reverse_relationship", "This is required."),
        ({"name": "x" * 81}, "name", "Keep this under 80 characters."),
        ({"name": "UNCLE"}, "name", "The family group already has a type called uncle."),
        ({GROUP: "9999"}, GROUP, "Choose one of the groups."),
        ({GROUP: ""}, GROUP, "Choose one of the groups."),
        ({GROUP: "love"}, GROUP, "Choose one of the groups."),
    ],
)  # fmt: skip
def test_errors_show_beside_their_field_and_nothing_is_saved(
    client, admin, changes, field_id, message
):
    before = stored_names()

    response = client.post(PAGE, data=new_type(**changes))

    assert response.status_code == 422
    html = response.text
    assert error_beside(html, field_id) == message
    assert "Some fields need attention" in html
    assert stored_names() == before
    assert len(rows(html)) == 27  # the list is still there beside the form


def test_what_was_typed_stays_after_an_error(client, admin):
    response = client.post(
        PAGE, data=new_type(name="x" * 81, name_reverse_relationship="my reverse")
    )

    html = response.text
    assert f'value="{"x" * 81}"' in html
    assert 'value="my reverse"' in html
    assert f'<option selected value="{group_id("family")}">Family</option>' in html


# --- deleting a type --------------------------------------------------------------------------


def test_an_admin_deletes_an_own_unused_type(client, admin, own_type):
    kind_id = own_type.id

    response = client.post(f"{PAGE}/{kind_id}/delete")

    assert response.status_code == 303
    assert response.headers["Location"].endswith(PAGE)
    assert _db.session.get(RelationshipType, kind_id) is None
    event = _db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.object_type == "relationship_type", AuditEvent.action == "delete"
        )
    )
    assert (event.object_id, event.user_id) == (kind_id, admin.id)
    html = client.get(PAGE).text
    assert "The relationship type “step-parent” was deleted." in html
    assert f'id="type-{kind_id}"' not in html


def test_a_delete_asked_by_htmx_sends_the_browser_back_to_the_page(client, admin, own_type):
    response = client.post(f"{PAGE}/{own_type.id}/delete", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == PAGE
    assert type_named("step-parent") is None
    assert "was deleted" in client.get(PAGE).text


def test_a_built_in_type_is_not_deleted_and_the_page_says_why(client, admin):
    uncle = type_named("uncle")

    response = client.post(f"{PAGE}/{uncle.id}/delete")

    assert response.status_code == 303
    assert type_named("uncle") is not None
    html = client.get(PAGE).text
    assert "Not deleted: uncle is built in and cannot be deleted." in html


def test_a_type_in_use_is_not_deleted_and_the_page_says_why(client, admin, own_type):
    link(own_type.id)

    response = client.post(f"{PAGE}/{own_type.id}/delete", headers={"HX-Request": "true"})

    assert response.headers["HX-Redirect"] == PAGE
    assert type_named("step-parent") is not None
    html = client.get(PAGE).text
    assert "Not deleted: Some people are linked as step-parent: change those links first." in html


def test_deleting_an_unknown_type_says_so(client, admin):
    response = client.post(f"{PAGE}/999999/delete")

    assert response.status_code == 303
    assert "Not deleted: No relationship type with id 999999." in client.get(PAGE).text
    assert len(stored_names()) == 27


# --- cost -------------------------------------------------------------------------------------


def test_the_page_costs_the_same_queries_with_few_or_many_types(client, admin, count_queries):
    actor = access.actor_for_user(admin)
    family = group_id("family")

    def add_types(first: int, last: int) -> None:
        for number in range(first, last):
            contact_relationships.create_type(
                actor,
                {"name": f"kin {number}", "name_reverse_relationship": f"nik {number}",
                 "relationship_type_group_id": family},
            )  # fmt: skip
        _db.session.commit()

    add_types(0, 1)
    link(type_named("kin 0").id)
    with count_queries() as few:
        assert client.get(PAGE).status_code == 200
    add_types(1, 40)
    link(type_named("kin 7").id, pairs=3)
    with count_queries() as many:
        html = client.get(PAGE).text

    assert len(rows(html)) == 27 + 40
    assert len(many) == len(few), many
