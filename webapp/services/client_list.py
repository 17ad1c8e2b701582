"""Finding clients: the search, filters and sort orders behind the Clients list.

One query returns a page of rows, each a client company with what the list shows: live contacts,
the viewer's open and overdue actions filed under it, its last touch and its partners' total
estimated deal size. Action counts go through ``access.scope_actions``, so every viewer counts
only the actions they may see.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, case, exists, func, select
from sqlalchemy.orm import contains_eager, selectinload

from webapp import access
from webapp.extensions import db
from webapp.models import (
    CLIENT_TIERS,
    ClientProfile,
    Company,
    Contact,
    ContactCompanyLink,
    Partner,
    User,
)
from webapp.services.action_queries import pending_filed_in
from webapp.services.company_search import company_rank, contact_count_column, matches_company
from webapp.services.paging import paginate_fetched

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy import Select

    from webapp.access import Actor

SORTS = {
    "best": "Best match",  # with a search: whole name, then its start, then the rest
    "name": "Name A–Z",
    "tier": "Tier (strategic first)",
    "last_touch": "Last touch (oldest first)",
    "open": "Most open actions",
    "overdue": "Most overdue actions",
}
DEFAULT_SORT = "best"  # without a search, the same as "name"
COUNT_SORTS = {"open", "overdue"}  # the sorts that read every client's action counts


@dataclass(frozen=True)
class ClientFilters:
    """What narrows the Clients list; the defaults mean every client, by name."""

    q: str = ""
    tier: str = ""  # one of CLIENT_TIERS, or "" for any
    account_manager_id: int | None = None
    mine: bool = False  # the viewer is the account manager
    overdue_only: bool = False  # clients with at least one overdue action the viewer sees
    sort: str = DEFAULT_SORT


def _action_counts(scope: access.ActionScope, today: date):
    """Per company: the viewer's pending actions filed under it, and how many are overdue."""
    filed = pending_filed_in(scope)
    overdue = case((filed.c.due_on < today, 1), else_=0)
    return (
        select(
            filed.c.company_id,
            func.count().label("open_count"),
            func.sum(overdue).label("overdue_count"),
        )
        .group_by(filed.c.company_id)
        .subquery("client_actions")
    )


@functools.cache
def _last_touch_column():
    """The latest touch of any of the company's live contacts."""
    return (
        select(func.max(Contact.last_touch_on))
        .join(ContactCompanyLink, ContactCompanyLink.contact_id == Contact.id)
        .where(ContactCompanyLink.company_id == Company.id, Contact.archived_at.is_(None))
        .correlate(Company)
        .scalar_subquery()
    )


@functools.cache
def _deal_size_column():
    """The sum of the company's partners' estimated deal sizes (``None`` if none has one)."""
    return (
        select(func.sum(Partner.estimated_deal_size))
        .where(Partner.company_id == Company.id)
        .correlate(Company)
        .scalar_subquery()
    )


@functools.lru_cache(maxsize=512)
def _row_counts(scope: access.ActionScope, today: date):
    """(open, overdue) of one listed company, as correlated subqueries over the same filing
    rule: PostgreSQL computes them after the sort and limit, for the page's rows alone. Built
    once per viewer's scope and day, as the list's other columns are built once: building them
    was a twentieth of the list's time (docs/performance.md, "Expressions built once")."""
    filed = pending_filed_in(scope)
    mine = select(func.count()).select_from(filed).where(filed.c.company_id == Company.id)
    overdue = mine.where(filed.c.due_on < today)
    return tuple(q.correlate(Company).scalar_subquery() for q in (mine, overdue))


def _sorted_counts(scope: access.ActionScope, today: date, stmt: Select):
    """(open, overdue) for every client at once, joined to ``stmt``: for the sorts and the
    filter that read the counts of every client."""
    counts = _action_counts(scope, today)
    stmt = stmt.outerjoin(counts, counts.c.company_id == Company.id)
    return stmt, func.coalesce(counts.c.open_count, 0), func.coalesce(counts.c.overdue_count, 0)


def clients_query(actor: Actor, filters: ClientFilters, today: date) -> Select:
    """Rows of ``(Company, contact_count, open_actions, overdue_actions, last_touch_on,
    deal_size)`` for the filters and sort, with the client profile, account manager and
    domains loaded. ``today`` is the viewer's day: an action due before it is overdue."""
    return _statements_of(actor, filters, today).rows


def client_page(actor: Actor, filters: ClientFilters, today: date, page: int, per_page: int):
    """One page of ``clients_query``'s rows (a ``Pagination``), counted only when the page
    cannot tell its total, through statements kept for the viewer's scope, filters and day."""
    kept = _statements_of(actor, filters, today)

    def fetch(limit: int, offset: int) -> list:
        window = {"page_limit": limit, "page_offset": offset}
        return list(db.session.execute(kept.page, window).all())

    return paginate_fetched(fetch, lambda: db.session.scalar(kept.count) or 0, page, per_page)


def _statements_of(actor: Actor, filters: ClientFilters, today: date) -> _Statements:
    """The list's statements for the viewer: their action scope, and the account manager the
    filters narrow to (the viewer for "mine")."""
    manager_id = actor.user_id if filters.mine else filters.account_manager_id
    return _statements_for(access.action_scope(actor), manager_id, filters, today)


@dataclass(frozen=True)
class _Statements:
    rows: Select  # every row, in order
    page: Select  # a window of them: ``page_limit`` and ``page_offset`` bound
    count: Select  # how many rows


def _statements_for(
    scope: access.ActionScope, manager_id: int | None, filters: ClientFilters, today: date
) -> _Statements:
    """The list's statements, kept for a scope, filters and day: building the list's statement,
    and the key SQLAlchemy caches its compiled form under, was a tenth of the page
    (docs/performance.md, "Expressions built once"). A search's are built afresh: each text
    typed is asked for once or twice, and keeping them would only hold memory."""
    if filters.q.strip():
        return _statements(scope, manager_id, filters, today)
    return _kept(scope, manager_id, filters, today)


def _statements(
    scope: access.ActionScope, manager_id: int | None, filters: ClientFilters, today: date
) -> _Statements:
    rows = _clients_statement(scope, manager_id, filters, today)
    window = rows.limit(bindparam("page_limit")).offset(bindparam("page_offset"))
    count = select(func.count()).select_from(rows.order_by(None).subquery())
    return _Statements(rows=rows, page=window, count=count)


_kept = functools.lru_cache(maxsize=64)(_statements)


def _clients_statement(
    scope: access.ActionScope, manager_id: int | None, filters: ClientFilters, today: date
) -> Select:
    stmt = select(Company).join(ClientProfile, ClientProfile.company_id == Company.id)
    if filters.overdue_only or filters.sort in COUNT_SORTS:
        stmt, open_actions, overdue_actions = _sorted_counts(scope, today, stmt)
    else:
        open_actions, overdue_actions = _row_counts(scope, today)
    last_touch = _last_touch_column().label("last_touch_on")
    stmt = stmt.add_columns(
        contact_count_column(),
        open_actions.label("open_actions"),
        overdue_actions.label("overdue_actions"),
        last_touch,
        _deal_size_column().label("deal_size"),
    ).options(
        contains_eager(Company.client_profile).joinedload(ClientProfile.account_manager),
        selectinload(Company.domains),
    )
    stmt = _filtered(stmt, manager_id, filters)
    if filters.overdue_only:
        stmt = stmt.where(overdue_actions > 0)
    by_name = (Company.name, Company.id)
    tier_rank = case(
        {tier: rank for rank, tier in enumerate(CLIENT_TIERS)}, value=ClientProfile.tier
    )
    best = (company_rank(filters.q.strip()), *by_name) if filters.q.strip() else by_name
    orders = {
        "best": best,
        "tier": (tier_rank, *by_name),
        "last_touch": (last_touch.is_not(None), last_touch, *by_name),
        "open": (open_actions.desc(), overdue_actions.desc(), *by_name),
        "overdue": (overdue_actions.desc(), open_actions.desc(), *by_name),
    }
    return stmt.order_by(*orders.get(filters.sort, by_name))


def _filtered(stmt: Select, manager_id: int | None, filters: ClientFilters) -> Select:
    stmt = stmt.where(Company.archived_at.is_(None))
    if filters.q.strip():
        stmt = stmt.where(matches_company(filters.q.strip()))
    if filters.tier in CLIENT_TIERS:
        stmt = stmt.where(ClientProfile.tier == filters.tier)
    if manager_id is not None:
        stmt = stmt.where(ClientProfile.account_manager_id == manager_id)
    return stmt


def account_manager_options() -> list[tuple[int, str]]:
    """Users who manage at least one client, as (id, name), in one query."""
    stmt = (
        select(User.id, User.name)
        .where(exists().where(ClientProfile.account_manager_id == User.id))
        .order_by(User.name, User.id)
    )
    return [(row.id, row.name) for row in db.session.execute(stmt)]


def client_count() -> int:
    """How many companies are clients (whatever the filters)."""
    return db.session.scalar(select(func.count(ClientProfile.id))) or 0
