"""The contact page's sections below its first screen, loaded when they are scrolled into view.

The page renders its first screen at once (details, keep in touch, profile, actions, life events,
companies, history). Each section in ``LAZY`` is a placeholder there instead: a heading, a
skeleton and a plain link. htmx fetches the section from its own URL when the placeholder
scrolls into view; without JavaScript the link opens the page with that section in place
(``?open=<name>``). docs/performance.md, "The contact page", says why.

The modules that own the sections (conversation, timeline, people, map, introductions) register
their builders here with ``@builds``: they import the page (``contacts.contact_page``), so the page
cannot import them, and it builds a section it opens in place through this registry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Blueprint, redirect, render_template, request, url_for

from webapp import access
from webapp.guards import permission_required, signed_in_actor
from webapp.models import Contact
from webapp.services.errors import NotFound
from webapp.web.listing import section_fragment, wants_fragment

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from webapp.access import Actor

# The page events a write's response raises (its HX-Trigger header), so that what shows the
# thing written reloads itself.
ACTIONS_CHANGED = "actions-changed"
TOUCHES_CHANGED = "touches-changed"  # a touch came or went: the timeline and keep-in-touch card
PEOPLE_CHANGED = "people-changed"  # a link came or went: the map and the introductions

# What a builder gets: the viewer, the contact, the request's query (``compose_for`` and the
# like); what it gives: the section template's variables.
Builder = Callable[["Actor", Contact, Mapping[str, str]], dict[str, Any]]


@dataclass(frozen=True)
class Section:
    name: str  # its id on the page, its anchor and the last part of its URL
    title: str  # the placeholder's heading, as the section's own
    link: str  # the placeholder's link to the page with the section in place
    template: str
    # The template variable a view hands the built section over in, to show it in place with a
    # form's errors (no JavaScript); none for the cards that have no form.
    variable: str | None = None
    # The page events (HX-Trigger) after which the section's content is stale. Its placeholder
    # loads on them too and drops a load already under way, so a write made while the section
    # was loading never leaves the section showing what came before it.
    stale_after: tuple[str, ...] = ()


# In page order.
LAZY = (
    Section(
        "conversation",
        "Conversation",
        "Show the conversation",
        "contacts/_conversation.html",
        "conversation",
    ),
    Section(
        "timeline",
        "Timeline",
        "Show the timeline",
        "contacts/_timeline.html",
        "timeline",
        stale_after=(TOUCHES_CHANGED, ACTIONS_CHANGED),
    ),
    Section("people", "People", "Show the people linked", "contacts/_people.html", "people"),
    Section(
        "introductions",
        "Who can introduce you?",
        "Show who can introduce you",
        "contacts/_introductions.html",
        stale_after=(PEOPLE_CHANGED,),
    ),
    Section(
        "relationship-map",
        "Relationship map",
        "Show the relationship map",
        "relationship_map/_contact_map.html",  # its slot on the page reloads on PEOPLE_CHANGED
    ),
)
SECTIONS = {section.name: section for section in LAZY}
# A query argument that belongs to a section opens it in place: a link to compose a message for
# an action, or to the timeline's older entries.
OPENED_BY = {"compose_for": "conversation", "timeline_before": "timeline"}

_builders: dict[str, Builder] = {}

bp = Blueprint("contact_sections", __name__)


def builds(name: str) -> Callable[[Builder], Builder]:
    """Register the function that builds section ``name``'s template variables."""
    if name not in SECTIONS:
        raise ValueError(f"{name} is not a section of the contact page")

    def register(builder: Builder) -> Builder:
        _builders[name] = builder
        return builder

    return register


def build(name: str, actor: Actor, contact: Contact, args: Mapping[str, str]) -> dict[str, Any]:
    """Section ``name``'s template variables for ``contact`` as ``actor`` sees it."""
    return _builders[name](actor, contact, args)


def render(name: str, actor: Actor, contact: Contact) -> str:
    """Section ``name`` as it stands, for the request's query: what htmx swaps in."""
    return render_template(SECTIONS[name].template, **build(name, actor, contact, request.args))


def opened(args, given: Mapping[str, Any]) -> set[str]:
    """The sections the page shows in place: asked for with ``open``, implied by a query
    argument, or handed over by a view (a section showing a form's errors, without htmx)."""
    names = {name for name in args.getlist("open") if name in SECTIONS}
    names |= {section for arg, section in OPENED_BY.items() if args.get(arg)}
    handed = {s.name for s in LAZY if s.variable and given.get(s.variable) is not None}
    return names | handed


def page_url(contact_id: int, name: str, **args: Any) -> str:
    """The contact page with section ``name`` in place, scrolled to it: where a plain request
    (no JavaScript) for the section, or after a write in it, goes."""
    return url_for("contacts.show", contact_id=contact_id, open=name, _anchor=name, **args)


@bp.get("/contacts/<int:contact_id>/sections/<section_name>")
@permission_required(access.RELATIONSHIPS_VIEW)
def lazy_section(contact_id: int, section_name: str) -> Response:
    """One section, as htmx fetches it into its placeholder; a plain request gets the page with
    the section in place."""
    name = section_name
    if name not in SECTIONS:
        raise NotFound(f"The contact page has no section {name!r}.")
    if not wants_fragment():
        return redirect(page_url(contact_id, name), 303)
    actor = signed_in_actor()
    contact = access.get_or_404(actor, Contact, contact_id, access.RELATIONSHIPS_VIEW)
    return section_fragment(render(name, actor, contact), 200, name)
