"""Life event types and what each asks of us: the one place their defaults are configured."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_DAYS_BEFORE = 7


@dataclass(frozen=True)
class LifeEventType:
    """How Rapport treats one kind of life event."""

    label: str
    action_type: str  # the relationship action its auto-action asks for
    recurs_annually: bool  # the default when the event does not say
    days_before: int = DEFAULT_DAYS_BEFORE  # lead time of the auto-action
    verb: str = "Call"  # how the auto-action's title begins


LIFE_EVENT_TYPES: dict[str, LifeEventType] = {
    "birthday": LifeEventType("Birthday", "card", True, verb="Send a card to"),
    "anniversary": LifeEventType("Anniversary", "gift", True, verb="Send a gift to"),
    "work_anniversary": LifeEventType("Work anniversary", "call", True),
    "wedding": LifeEventType("Wedding", "gift", False, verb="Send a gift to"),
    "new_baby": LifeEventType("New baby", "gift", False, verb="Send a gift to"),
    "promotion": LifeEventType("Promotion", "call", False),
    "new_job": LifeEventType("New job", "call", False),
    "graduation": LifeEventType("Graduation", "card", False, verb="Send a card to"),
    "retirement": LifeEventType("Retirement", "gift", False, verb="Send a gift to"),
    "relocation": LifeEventType("Relocation", "call", False),
    "other": LifeEventType("Other", "call", False),
}


def life_event_type(name: str) -> LifeEventType:
    """The rules for ``name``; unknown names are treated as ``other``."""
    return LIFE_EVENT_TYPES.get(name, LIFE_EVENT_TYPES["other"])
