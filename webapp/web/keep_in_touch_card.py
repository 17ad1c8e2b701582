"""The contact page's Keep-in-touch card: where the contact stands against their cadence, and the
form to change it. Built here, apart from the routes that change it (``contact_interactions``),
so that the page itself (``contacts.contact_page``) can build it without importing them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from webapp import access
from webapp.services import keep_in_touch
from webapp.services.calendar import today_in
from webapp.web.forms.interactions import CadenceForm

if TYPE_CHECKING:
    from webapp.access import Actor
    from webapp.models import Contact, RelationshipProfile
    from webapp.services.keep_in_touch import KeepInTouch


@dataclass(frozen=True)
class KeepInTouchCard:
    """The card: where the contact stands, and the cadence form for those who may change it."""

    contact: Contact
    standing: KeepInTouch
    form: CadenceForm | None
    alert: str | None = None
    focus: str | None = None


def may_write(actor: Actor, contact: Contact) -> bool:
    """Whether the viewer may log touches and change the cadence on this contact's page."""
    return not contact.is_archived and access.can(actor, access.RELATIONSHIPS_UPDATE)


def build_card(
    actor: Actor,
    contact: Contact,
    profile: RelationshipProfile | None,
    form: CadenceForm | None = None,
    **shown: Any,
) -> KeepInTouchCard:
    """The card for ``contact``; the form is offered to those who may change the cadence."""
    standing = keep_in_touch.standing(contact, profile, today_in(actor.user.timezone))
    if may_write(actor, contact):
        form = form or CadenceForm.for_profile(standing.chosen_days)
        form.offer(standing.tier_days, standing.chosen_days)
    else:
        form = None
    return KeepInTouchCard(contact, standing, form, **shown)
