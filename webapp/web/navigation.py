"""The main navigation: an entry shows only if its page exists and the user may use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app, request

from webapp import access
from webapp.web.links import fixed_url

if TYPE_CHECKING:
    from collections.abc import Callable

    from webapp.access import Actor


@dataclass(frozen=True)
class NavEntry:
    label: str
    endpoint: str
    permission: str | None
    url_args: tuple[tuple[str, str], ...] = ()
    shown_to: Callable[[Actor], bool] | None = None  # a rule beyond the permission


MAIN_NAVIGATION = (
    NavEntry("Today", "today.index", None),
    NavEntry("Contacts", "contacts.index", access.RELATIONSHIPS_VIEW),
    NavEntry("Clients", "clients.index", access.RELATIONSHIPS_VIEW),
    NavEntry("Actions", "actions.index", access.RELATIONSHIPS_VIEW),
    NavEntry("Team", "team.index", access.RELATIONSHIPS_VIEW, shown_to=access.may_view_team),
)


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


def navigation_for(actor: Actor) -> list[NavLink]:
    """The entries this actor may use, with the one for the current page marked."""
    links = []
    current_area = (request.endpoint or "").split(".")[0]
    for entry in MAIN_NAVIGATION:
        if entry.endpoint not in current_app.view_functions:
            continue
        if entry.permission and not access.can(actor, entry.permission):
            continue
        if entry.shown_to is not None and not entry.shown_to(actor):
            continue
        url = fixed_url(entry.endpoint, **dict(entry.url_args))
        links.append(NavLink(entry.label, url, entry.endpoint.split(".")[0] == current_area))
    return links
