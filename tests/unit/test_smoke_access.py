from sqlalchemy import select

from webapp import access
from webapp.models import User


def test_manager_sees_own_and_squad_actions_only(db, make_user):
    from tests.factories import SquadFactory

    squad, other = SquadFactory(), SquadFactory()
    manager = make_user("manager", squad=squad)
    member = make_user("member", squad=squad)
    outsider = make_user("member", squad=other)
    stmt = access.scope_actions(access.actor_for_user(manager), select(User.id), User.id)
    visible = set(db.session.scalars(stmt))
    assert {manager.id, member.id} <= visible
    assert outsider.id not in visible
