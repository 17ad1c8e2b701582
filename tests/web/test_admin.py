"""Admin pages: users, their permissions, and squads. Only admins get in."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import SquadFactory
from webapp import access
from webapp.models import AuditEvent, PermissionOverride, Squad, User
from webapp.services import users as users_service

ADMIN_PAGES = [
    ("GET", "/admin/users"),
    ("GET", "/admin/users?role=member"),
    ("GET", "/admin/users/new"),
    ("POST", "/admin/users/new"),
    ("GET", "/admin/users/{target}"),
    ("POST", "/admin/users/{target}"),
    ("POST", "/admin/users/{target}/permissions"),
    ("GET", "/admin/squads"),
    ("POST", "/admin/squads"),
]


@pytest.fixture
def admin(login_as):
    return login_as("executive", name="Ada Admin", is_admin=True)


def audit_events(db, action: str, object_type: str, object_id: int) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(
        AuditEvent.action == action,
        AuditEvent.object_type == object_type,
        AuditEvent.object_id == object_id,
    )
    return list(db.session.scalars(stmt))


def user_count(db) -> int:
    return db.session.scalar(select(func.count(User.id)))


def reload(db, model, object_id):
    db.session.expire_all()
    return db.session.get(model, object_id)


# --- who gets in ---------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
@pytest.mark.parametrize("role", ["member", "manager", "executive"])
def test_people_without_admin_get_403_on_every_admin_page(
    client, db, login_as, make_user, method, url, role
):
    login_as(role)
    target = make_user("member", name="Target Person")
    db.session.commit()
    before = user_count(db)

    form = {"name": "Sneaky", "email": "sneaky@rapport.example", "password": "long enough pw"}
    response = client.open(url.format(target=target.id), method=method, data=form)

    assert response.status_code == 403
    assert user_count(db) == before
    target = reload(db, User, target.id)
    assert (target.name, target.permission_overrides) == ("Target Person", [])
    assert db.session.scalar(select(func.count(Squad.id))) == 0


def test_a_withdrawn_admin_permission_locks_out_even_an_admin(client, db, login_as):
    login_as("executive", is_admin=True, permission_overrides=[withdraw(access.ADMIN)])

    assert client.get("/admin/users").status_code == 403


def test_admins_see_admin_links_in_the_account_menu(client, db, admin):
    page = client.get("/admin/users").get_data(as_text=True)

    assert 'href="/admin/users"' in page and 'href="/admin/squads"' in page


# --- the users list ------------------------------------------------------------------------


def test_users_list_shows_active_and_inactive_people_with_role_squad_and_flags(
    client, db, admin, make_user
):
    squad = SquadFactory(name="Northern Lights")
    make_user("manager", name="Mona Manager", squad=squad, email="mona@rapport.test")
    make_user("member", name="Ian Inactive", active=False)
    db.session.commit()

    page = client.get("/admin/users").get_data(as_text=True)

    assert "Mona Manager" in page and "mona@rapport.test" in page and "Northern Lights" in page
    assert "Ian Inactive" in page and "Inactive" in page
    assert "Ada Admin" in page and "Admin</span>" in page
    assert "Never" in page  # nobody here has signed in through the form


def test_users_list_filters_by_role_and_squad(client, db, admin, make_user):
    squad = SquadFactory(name="Blue")
    make_user("manager", name="Blue Manager", squad=squad)
    make_user("member", name="Blue Member", squad=squad)
    make_user("member", name="Loose Member")
    db.session.commit()

    by_squad = client.get(f"/admin/users?squad={squad.id}").get_data(as_text=True)
    by_role = client.get(f"/admin/users?role=member&squad={squad.id}").get_data(as_text=True)

    assert "Blue Manager" in by_squad and "Blue Member" in by_squad
    assert "Loose Member" not in by_squad
    assert "Blue Member" in by_role and "Blue Manager" not in by_role


@pytest.mark.parametrize("query", ["role=wizard", "squad=abc", "squad=-1", "role=%00"])
def test_users_list_survives_odd_filters(client, db, admin, query):
    assert client.get(f"/admin/users?{query}").status_code == 200


# --- creating users --------------------------------------------------------------------------


def new_user_form(**fields) -> dict:
    return {
        "name": "Nina New",
        "email": "Nina.New@Rapport.example",
        "role": "manager",
        "squad_id": "",
        "timezone": "Europe/London",
        "password": "a long enough password",
        **fields,
    }


def test_admin_creates_a_user_who_can_then_sign_in(client, db, admin):
    squad = SquadFactory(name="Harbour")
    db.session.commit()

    response = client.post(
        "/admin/users/new", data=new_user_form(squad_id=str(squad.id), is_admin="y")
    )

    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "nina.new@rapport.example"))
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert (user.name, user.role, user.squad_id, user.timezone) == (
        "Nina New",
        "manager",
        squad.id,
        "Europe/London",
    )
    assert user.is_admin and user.active
    assert users_service.authenticate("nina.new@rapport.example", "a long enough password") == user
    [event] = audit_events(db, "create", "user", user.id)
    assert event.user_id == admin.id


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "taken@rapport.example"}, "taken@rapport.example already has an account."),
        ({"email": "TAKEN@rapport.example"}, "taken@rapport.example already has an account."),
        ({"password": "short"}, "Use at least 10 characters."),
        ({"email": "not-an-email"}, "not-an-email is not a valid email address."),
        ({"name": " "}, "Give the person&#39;s name."),
        ({"role": "wizard"}, "Choose one of: executive, head, manager, member."),
        ({"timezone": "Mars/Olympus"}, "Mars/Olympus is not a known time zone."),
        ({"squad_id": "999999"}, "Choose an existing squad."),
        ({"squad_id": "abc"}, "Choose an existing squad."),
    ],
)
def test_bad_new_user_input_is_refused_with_its_message_and_nothing_saved(
    client, db, admin, make_user, fields, message
):
    make_user("member", email="taken@rapport.example")
    db.session.commit()
    before = user_count(db)

    response = client.post("/admin/users/new", data=new_user_form(**fields))

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert user_count(db) == before
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


# --- editing users ---------------------------------------------------------------------------


def profile_form(user: User, **fields) -> dict:
    values = {
        "name": user.name,
        "role": user.role,
        "squad_id": str(user.squad_id or ""),
        "timezone": user.timezone,
        "active": "y" if user.active else None,
        "is_admin": "y" if user.is_admin else None,
        **fields,
    }
    return {k: v for k, v in values.items() if v is not None}


def test_admin_changes_role_squad_and_active(client, db, admin, make_user):
    squad = SquadFactory(name="Red")
    target = make_user("member", name="Tom Target")
    db.session.commit()

    response = client.post(
        f"/admin/users/{target.id}",
        data=profile_form(target, role="manager", squad_id=str(squad.id), active=None),
    )

    assert response.status_code == 303
    target = reload(db, User, target.id)
    assert (target.role, target.squad_id, target.active) == ("manager", squad.id, False)
    [event] = audit_events(db, "update", "user", target.id)
    assert event.changes["role"] == {"before": "member", "after": "manager"}
    assert event.changes["active"] == {"before": True, "after": False}
    assert "Tom Target&#39;s profile was saved." in client.get(response.headers["Location"]).text


def test_edit_page_shows_the_stored_profile(client, db, admin, make_user):
    squad = SquadFactory(name="Green")
    target = make_user("head", name="Hana Head", squad=squad, timezone="Asia/Tokyo")
    db.session.commit()

    page = client.get(f"/admin/users/{target.id}").get_data(as_text=True)

    assert 'value="Hana Head"' in page
    assert '<option selected value="head">' in page
    assert f'<option selected value="{squad.id}">Green</option>' in page
    assert '<option selected value="Asia/Tokyo">' in page


def test_admin_cannot_deactivate_themselves(client, db, admin):
    response = client.post(f"/admin/users/{admin.id}", data=profile_form(admin, active=None))

    assert response.status_code == 422
    assert "You cannot deactivate yourself or remove your own admin rights." in response.text
    assert reload(db, User, admin.id).active is True


def test_admin_cannot_remove_their_own_admin_flag(client, db, admin):
    response = client.post(f"/admin/users/{admin.id}", data=profile_form(admin, is_admin=None))

    assert response.status_code == 422
    assert reload(db, User, admin.id).is_admin is True


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Give the person&#39;s name."),
        ({"role": "emperor"}, "Choose one of: executive, head, manager, member."),
        ({"timezone": "Nowhere/Special"}, "Nowhere/Special is not a known time zone."),
        ({"squad_id": "424242"}, "Choose an existing squad."),
    ],
)
def test_bad_profile_input_is_refused_and_nothing_changes(
    client, db, admin, make_user, fields, message
):
    target = make_user("member", name="Steady Sam")
    db.session.commit()

    response = client.post(f"/admin/users/{target.id}", data=profile_form(target, **fields))

    assert response.status_code == 422
    assert message in response.text
    target = reload(db, User, target.id)
    assert (target.name, target.role, target.squad_id) == ("Steady Sam", "member", None)
    assert audit_events(db, "update", "user", target.id) == []


def test_unknown_user_is_404(client, db, admin):
    assert client.get("/admin/users/987654").status_code == 404


# --- permissions -----------------------------------------------------------------------------


def withdraw(permission: str) -> PermissionOverride:
    return PermissionOverride(permission=permission, granted=False)


def test_user_page_ticks_the_permissions_the_user_holds(client, db, admin, make_user):
    target = make_user("member", permission_overrides=[withdraw(access.CRM_WRITE)])
    db.session.commit()

    page = client.get(f"/admin/users/{target.id}").get_data(as_text=True)

    def box(permission: str) -> str:
        start = page.index(f'value="{permission}"')
        return page[start : page.index(">", start)]

    assert "checked" in box(access.RELATIONSHIPS_VIEW)
    assert "checked" not in box(access.CRM_WRITE)
    assert "checked" not in box(access.RELATIONSHIPS_MANAGE)
    assert "Withdrawn" in page and "Role default" in page


def test_admin_grants_an_extra_permission_and_withdraws_a_default(client, db, admin, make_user):
    target = make_user("member")
    db.session.commit()
    wanted = {
        access.RELATIONSHIPS_VIEW,
        access.RELATIONSHIPS_MANAGE,  # not a member default: granted
        access.CRM_READ,
        access.CRM_WRITE,
    }  # relationships:update left out: withdrawn

    response = client.post(
        f"/admin/users/{target.id}/permissions", data={"permissions": sorted(wanted)}
    )

    assert response.status_code == 303
    overrides = db.session.scalars(
        select(PermissionOverride).where(PermissionOverride.user_id == target.id)
    )
    assert {(o.permission, o.granted) for o in overrides} == {
        (access.RELATIONSHIPS_MANAGE, True),
        (access.RELATIONSHIPS_UPDATE, False),
    }
    assert access.user_permissions(reload(db, User, target.id)) == wanted
    [event] = audit_events(db, "update_permissions", "user", target.id)
    assert event.user_id == admin.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Granted" in page and "Withdrawn" in page


def test_unticking_everything_withdraws_every_default(client, db, admin, make_user):
    target = make_user("member")
    db.session.commit()

    response = client.post(f"/admin/users/{target.id}/permissions", data={"permissions": []})

    assert response.status_code == 303
    assert access.user_permissions(reload(db, User, target.id)) == frozenset()


def test_admin_cannot_withdraw_their_own_admin_permission(client, db, admin):
    held = sorted(access.user_permissions(admin) - {access.ADMIN})

    response = client.post(f"/admin/users/{admin.id}/permissions", data={"permissions": held})

    assert response.status_code == 422
    assert "You cannot withdraw your own admin permission." in response.text
    assert reload(db, User, admin.id).permission_overrides == []


def test_unknown_permission_is_refused(client, db, admin, make_user):
    target = make_user("member")
    db.session.commit()

    response = client.post(
        f"/admin/users/{target.id}/permissions", data={"permissions": ["root:everything"]}
    )

    assert response.status_code == 422
    assert "Unknown permissions: root:everything." in response.text
    assert reload(db, User, target.id).permission_overrides == []


def test_inactive_user_page_ticks_what_they_will_hold_when_reactivated(
    client, db, admin, make_user
):
    target = make_user("member", active=False)
    db.session.commit()

    page = client.get(f"/admin/users/{target.id}").get_data(as_text=True)

    start = page.index(f'value="{access.RELATIONSHIPS_UPDATE}"')
    assert "checked" in page[start : page.index(">", start)]
    assert "is inactive and holds no permissions" in page


# --- squads ----------------------------------------------------------------------------------


def test_squads_page_lists_each_squad_with_its_members(client, db, admin, make_user):
    squad = SquadFactory(name="Falcons")
    make_user("manager", name="Fay Falcon", squad=squad)
    make_user("member", name="Fred Falcon", squad=squad)
    SquadFactory(name="Empty Nest")
    db.session.commit()

    page = client.get("/admin/squads").get_data(as_text=True)

    assert "Falcons" in page and "Fay Falcon" in page and "Fred Falcon" in page
    assert "2 members" in page
    assert "Empty Nest" in page and "Nobody yet" in page


def test_admin_creates_a_squad(client, db, admin):
    response = client.post("/admin/squads", data={"name": "  Night Owls "})

    assert response.status_code == 303
    squad = db.session.scalar(select(Squad).where(Squad.name == "Night Owls"))
    assert squad is not None
    [event] = audit_events(db, "create", "squad", squad.id)
    assert event.user_id == admin.id
    assert "Squad Night Owls was created." in client.get("/admin/squads").text


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("night owls", "A squad called night owls already exists."),
        ("", "Give the squad a name."),
        ("x" * 121, "Keep this under 120 characters."),
    ],
)
def test_bad_squad_name_is_refused_next_to_the_field(client, db, admin, name, message):
    SquadFactory(name="Night Owls")
    db.session.commit()

    response = client.post("/admin/squads", data={"name": name})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'<div id="name-error" class="invalid-feedback">{message}</div>' in page
    assert db.session.scalar(select(func.count(Squad.id))) == 1
