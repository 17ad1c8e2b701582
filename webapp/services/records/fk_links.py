"""Relationships kept by a foreign key on the target (an account's opportunities): readable
here, changed only through the target's own field, so writes answer ``field_not_updatable``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from webapp.extensions import db
from webapp.services.records.schema import LinkStore


def fk_link_store(model: Any, foreign_key: Any, load_options: Callable[[], tuple]) -> LinkStore:
    """The records of ``model`` whose ``foreign_key`` names the parent, oldest first."""

    def links(parent_id: int):
        stmt = select(model).where(foreign_key == parent_id).options(*load_options())
        return stmt.order_by(model.id)

    def find(parent_id: int, target_id: int):
        return db.session.scalar(
            select(model).where(model.id == target_id, foreign_key == parent_id)
        )

    return LinkStore(
        links=links,
        target_of=lambda record: record,
        edge_json=lambda record: None,
        find=find,
        target_archived_column=model.archived_at,
    )


def own_fk_store(target: Any, foreign_key: Any, load_options: Callable[[], tuple]) -> LinkStore:
    """The one ``target`` record the parent's own ``foreign_key`` column names (a task's
    contact): a singleton relationship, changed through the parent's field."""
    parent = foreign_key.class_

    def links(parent_id: int):
        stmt = select(target).join(parent, foreign_key == target.id).where(parent.id == parent_id)
        return stmt.options(*load_options())

    def find(parent_id: int, target_id: int):
        return db.session.scalar(links(parent_id).where(target.id == target_id))

    return LinkStore(
        links=links,
        target_of=lambda record: record,
        edge_json=lambda record: None,
        find=find,
        target_archived_column=target.archived_at,
    )
