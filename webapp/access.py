"""THE access policy: roles, permissions, per-user overrides, API-key limits and action scoping.

Every access question, from a page, the API, a job or the CLI, is answered here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.models import ApiKey, User
from webapp.services.errors import NotFound, PermissionDenied, RecordMerged

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Select
    from sqlalchemy.orm import InstrumentedAttribute

    # Whose actions a query covers: a select of user ids, a list of them, or None for everyone.
    Assignees = Select | list[int] | None

RELATIONSHIPS_VIEW = "relationships:view"
RELATIONSHIPS_UPDATE = "relationships:update"
RELATIONSHIPS_MANAGE = "relationships:manage"
CRM_READ = "crm:read"
CRM_WRITE = "crm:write"
ADMIN = "admin"

PERMISSIONS: tuple[str, ...] = (
    RELATIONSHIPS_VIEW,
    RELATIONSHIPS_UPDATE,
    RELATIONSHIPS_MANAGE,
    CRM_READ,
    CRM_WRITE,
    ADMIN,
)

PERMISSION_LABELS = {
    RELATIONSHIPS_VIEW: "See contacts, companies, profiles and life events",
    RELATIONSHIPS_UPDATE: "Edit contacts, companies, profiles and life events",
    RELATIONSHIPS_MANAGE: "Delete life events and partners",
    CRM_READ: "Read CRM records through the API",
    CRM_WRITE: "Write CRM records through the API",
    ADMIN: "Administer users, squads and settings",
}

_MEMBER = frozenset({RELATIONSHIPS_VIEW, RELATIONSHIPS_UPDATE, CRM_READ, CRM_WRITE})
ROLE_DEFAULTS: dict[str, frozenset[str]] = {
    "member": _MEMBER,
    "manager": _MEMBER | {RELATIONSHIPS_MANAGE},
    "head": _MEMBER | {RELATIONSHIPS_MANAGE},
    "executive": _MEMBER | {RELATIONSHIPS_MANAGE},
}

# Who sees whose relationship actions and queues.
SEES_ALL_ACTIONS = frozenset({"executive", "head"})
SEES_SQUAD_ACTIONS = frozenset({"manager"})
# Who opens the Team view: managers (their squad), heads and executives (everyone).
LEADS_TEAMS = SEES_ALL_ACTIONS | SEES_SQUAD_ACTIONS

Model = TypeVar("Model")


def default_permissions(user: User) -> frozenset[str]:
    """What the user's role (and admin flag) grants before any per-user override."""
    granted = set(ROLE_DEFAULTS.get(user.role, frozenset()))
    if user.is_admin:
        granted.add(ADMIN)
    return frozenset(granted)


def user_permissions(user: User) -> frozenset[str]:
    """Role defaults, then the user's own grants and withdrawals; nothing for an inactive user."""
    if not user.active:
        return frozenset()
    return configured_permissions(user)


# Every request runs one of these two, so each is built once with its value bound: building a
# statement with eager loads, and its cache key, was about a quarter of the query's time
# (docs/performance.md, "Who is acting, in one query").
_USER_WITH_OVERRIDES = (
    select(User)
    .where(User.id == bindparam("user_id"))
    .options(joinedload(User.permission_overrides))
)
_API_KEY_WITH_OWNER = (
    select(ApiKey)
    .where(ApiKey.secret_hash == bindparam("secret_hash"))
    .options(joinedload(ApiKey.user).joinedload(User.permission_overrides))
)


def user_with_permissions(user_id: int) -> User | None:
    """The user with what ``user_permissions`` reads (their overrides) in one query: every
    signed-in request resolves its actor this way (docs/performance.md)."""
    found = db.session.execute(_USER_WITH_OVERRIDES, {"user_id": user_id})
    return found.unique().scalar_one_or_none()


def api_key_with_permissions(secret_hash: str) -> ApiKey | None:
    """The API key with this hash, its owner and the owner's overrides, in one query: every
    API request resolves its actor this way."""
    found = db.session.execute(_API_KEY_WITH_OWNER, {"secret_hash": secret_hash})
    return found.unique().scalar_one_or_none()


def configured_permissions(user: User) -> frozenset[str]:
    """What the user holds while active: role defaults, then their grants and withdrawals."""
    granted = set(default_permissions(user))
    for override in user.permission_overrides:
        if override.granted:
            granted.add(override.permission)
        else:
            granted.discard(override.permission)
    return frozenset(granted)


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, or a user through one of their API keys."""

    user: User
    api_key: ApiKey | None = None
    permissions: frozenset[str] = field(default_factory=frozenset)
    # Set while the actor's import runs: every audit event it writes names the import.
    import_id: int | None = None

    @property
    def user_id(self) -> int:
        return self.user.id


def actor_for_user(user: User) -> Actor:
    return Actor(user=user, permissions=user_permissions(user))


def actor_for_api_key(api_key: ApiKey) -> Actor:
    """A key carries at most its owner's permissions, whatever it was created with."""
    allowed = user_permissions(api_key.user) & frozenset(api_key.permissions)
    return Actor(user=api_key.user, api_key=api_key, permissions=allowed)


def can(actor: Actor, permission: str) -> bool:
    return permission in actor.permissions


def require(actor: Actor, permission: str) -> None:
    """Raise ``PermissionDenied`` unless the actor holds ``permission``."""
    if permission not in actor.permissions:
        raise PermissionDenied(
            f"This needs the {permission} permission.", details={"permission": permission}
        )


def grantable_permissions(actor: Actor) -> tuple[str, ...]:
    """Permissions the actor may put on an API key: at most their own, in canonical order."""
    return tuple(p for p in PERMISSIONS if p in actor.permissions)


@dataclass(frozen=True)
class ActionScope:
    """Whose relationship actions an actor sees, as a value: everyone's, a squad's (with their
    own), or their own. Hashable, so a query built for one scope can be kept and run again for
    every actor who has it (``contact_history``)."""

    user_id: int
    everyone: bool = False
    squad_id: int | None = None


def action_scope(actor: Actor) -> ActionScope:
    """The actor's scope. Executive and head: everyone's; manager: their squad's and their own;
    everyone else: their own."""
    user = actor.user
    if user.role in SEES_ALL_ACTIONS:
        return ActionScope(user.id, everyone=True)
    if user.role in SEES_SQUAD_ACTIONS and user.squad_id is not None:
        return ActionScope(user.id, squad_id=user.squad_id)
    return ActionScope(user.id)


def assignees_in(scope: ActionScope) -> Assignees:
    """The users whose actions ``scope`` covers: ``None`` means everyone's."""
    if scope.everyone:
        return None
    if scope.squad_id is not None:
        return select(User.id).where((User.squad_id == scope.squad_id) | (User.id == scope.user_id))
    return [scope.user_id]  # as ``own_assignee_ids`` says why


def visible_assignee_ids(actor: Actor) -> Assignees:
    """Users whose relationship actions the actor sees: ``None`` means everyone's."""
    return assignees_in(action_scope(actor))


def own_assignee_ids(actor: Actor) -> list[int]:
    """The actor alone, as the list of their id: ``assigned_to_id IN (id)``, which the database
    answers from the assignee indexes, where a subquery of users would read the queue in order
    and filter it."""
    return [actor.user_id]


def scope_actions(actor: Actor, stmt: Select, assignee_column: InstrumentedAttribute) -> Select:
    """Restrict a query of actions (or queues) to those the actor may see.

    Executive and head: all; manager: their own and their squad's; everyone else: their own.
    Every list of relationship actions goes through this one function.
    """
    return scope_to(action_scope(actor), stmt, assignee_column)


def scope_to(scope: ActionScope, stmt: Select, assignee_column: InstrumentedAttribute) -> Select:
    """``scope_actions`` for a scope rather than an actor."""
    assignees = assignees_in(scope)
    if assignees is None:
        return stmt
    return stmt.where(assignee_column.in_(assignees))


def may_view_team(actor: Actor) -> bool:
    """Whether the actor may open the Team view: a manager, head or executive who can view."""
    return actor.user.role in LEADS_TEAMS and can(actor, RELATIONSHIPS_VIEW)


def team_member_ids(actor: Actor) -> Assignees:
    """Whose work the Team view shows (see ``Assignees``); ``None`` means everyone's.

    The same people whose actions the actor sees; anyone who leads no team is refused.
    """
    if not may_view_team(actor):
        raise PermissionDenied("The Team view is for managers, heads and executives.")
    return visible_assignee_ids(actor)


def sees_actions_of(actor: Actor, user: User) -> bool:
    """Whether the actor sees ``user``'s relationship actions (the rule above, in Python)."""
    me = actor.user
    if me.role in SEES_ALL_ACTIONS or user.id == me.id:
        return True
    return (
        me.role in SEES_SQUAD_ACTIONS and me.squad_id is not None and user.squad_id == me.squad_id
    )


def may_give_contacts_to(actor: Actor, user: User) -> bool:
    """Whether the actor may make ``user`` the owner of contacts they bring in (an import).

    Themselves always; a manager anyone in their squad; heads and executives anyone active.
    """
    if user.id == actor.user.id:
        return True
    return user.active and sees_actions_of(actor, user)


def may_change_logged_entry(
    actor: Actor, created_by_id: int | None, permission: str = RELATIONSHIPS_UPDATE
) -> bool:
    """Whether the actor may edit or delete an entry someone logged (an interaction, say).

    Whoever logged it may, while they hold ``permission`` (the pages' ``relationships:update``,
    the records API's ``crm:write``); others need ``relationships:manage``.
    """
    if can(actor, RELATIONSHIPS_MANAGE):
        return True
    return can(actor, permission) and created_by_id == actor.user_id


def may_merge(actor: Actor, owner_ids: list[int | None], permission: str) -> bool:
    """Whether the actor may merge records owned by ``owner_ids`` into one, or mark them "not a
    duplicate": managers, heads and executives any records; anyone else only records they own,
    every one of them. Always with ``permission`` (the pages' ``relationships:update``, the
    records API's ``crm:write``)."""
    if not can(actor, permission):
        return False
    if actor.user.role in LEADS_TEAMS:
        return True
    return bool(owner_ids) and all(owner == actor.user_id for owner in owner_ids)


def require_merge(actor: Actor, owner_ids: list[int | None], permission: str) -> None:
    """Raise ``PermissionDenied`` unless ``may_merge`` lets the actor merge these records."""
    require(actor, permission)
    if not may_merge(actor, owner_ids, permission):
        raise PermissionDenied(
            "Only managers, heads and executives, or the owner of every record, may merge "
            "records or mark them as not duplicates.",
            details={"reason": "not_owner_of_every_record"},
        )


def get_scoped_or_404(
    actor: Actor, model: type[Model], object_id: int, permission: str, assignee_column
) -> Model:
    """Fetch one scoped record (an action, a task); out of the actor's scope is ``NotFound``.

    Someone who may not see a record learns nothing about it, not even that it exists.
    """
    require(actor, permission)
    stmt = scope_actions(actor, select(model).where(model.id == object_id), assignee_column)
    record = db.session.scalar(stmt)
    if record is None:
        raise NotFound(f"No {_label(model)} with id {object_id}.")
    return record


def _label(model: type) -> str:
    return "".join(f" {c.lower()}" if c.isupper() else c for c in model.__name__).strip()


def get_or_404(
    actor: Actor, model: type[Model], object_id: int, permission: str, options: Sequence = ()
) -> Model:
    """Fetch one record the actor may see with ``permission``, or raise ``NotFound``; loader
    ``options`` read what the caller needs of it in the same query."""
    require(actor, permission)
    record = db.session.get(model, object_id, options=list(options))
    if record is None:
        raise NotFound(f"No {_label(model)} with id {object_id}.")
    if getattr(record, "merged_into_id", None) is not None:
        # Merges are flattened, so this is where the record went in the end (docs/duplicates.md).
        raise RecordMerged(
            f"This {_label(model)} was merged into another.",
            details={"record_id": str(record.id), "merged_into": str(record.merged_into_id)},
        )
    return record
