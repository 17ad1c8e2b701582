"""Defining custom objects: an admin names a record type and its attributes, once.

The same rules serve ``POST /api/v2/_schema`` and the admin page. A defined object is a record
type of the records API at once (``/api/v2/{slug}``); its records need no migration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from webapp import access
from webapp.extensions import db
from webapp.models.custom_objects import (
    CUSTOM_VALUE_TYPES,
    CustomAttribute,
    CustomObject,
    CustomRecord,
)
from webapp.services import field_rules
from webapp.services.audit import record_event
from webapp.services.errors import BadRequest, Conflict, NotFound, UnknownField, ValidationFailed
from webapp.services.records import registry
from webapp.services.records.custom_kinds import Attribute
from webapp.services.records.listing import RESERVED as QUERY_WORDS
from webapp.services.validation import FieldErrors

if TYPE_CHECKING:
    from webapp.access import Actor

OBJECT_KEYS = ("slug", "name", "description", "attributes")
ATTRIBUTE_KEYS = (
    "slug",
    "name",
    "value_type",
    "required",
    "unique",
    "multiple",
    "options",
    "target_record_type",
)
SLUG = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
# Record types Rapport has or will have, and nouns its API already uses for something else.
RESERVED_SLUGS = frozenset(
    {
        *("contact", "account", "opportunity", "task", "note", "meeting", "activity"),
        *("user", "me", "action", "message", "partner", "profile", "life_event", "squad"),
        *("relationship", "relationship_action", "record", "record_type", "related_record"),
        "interaction",
    }
)
SYSTEM_FIELDS = ("id", "created_at", "updated_at", "archived_at")
MULTIPLE_TYPES = ("select", "relation", "user")
UNIQUE_TYPES = ("text",)
NAME_LENGTH = 120
DESCRIPTION_LENGTH = 1000
MAX_ATTRIBUTES = 50
MAX_OPTIONS = 100
OPTION_LENGTH = 80


@dataclass(frozen=True)
class ObjectSummary:
    """A custom object with how many records it has, live and archived."""

    custom_object: CustomObject
    live: int
    archived: int


def define_object(actor: Actor, body: Any) -> CustomObject:
    """A new custom object from ``body`` (see ``OBJECT_KEYS`` and ``ATTRIBUTE_KEYS``); every
    problem is reported at once, each under its path (``attributes[1].options``)."""
    access.require(actor, access.ADMIN)
    _refuse_unknown_keys(body)
    errors = FieldErrors()
    slug = errors.read("slug", _object_slug, body.get("slug"))
    name = errors.read("name", _name, body.get("name"))
    description = errors.read(
        "description", lambda v: field_rules.text(v, DESCRIPTION_LENGTH), body.get("description")
    )
    attributes = _read_attributes(errors, body.get("attributes"), slug)
    if errors.fields:
        raise ValidationFailed("Some parts of the definition need attention.", fields=errors.fields)
    _refuse_taken(slug)
    custom_object = CustomObject(
        slug=slug, name=name, description=description, created_by_id=actor.user_id
    )
    custom_object.attributes = [_row(position, a) for position, a in enumerate(attributes)]
    try:
        with db.session.begin_nested():
            db.session.add(custom_object)
            db.session.flush()
    except IntegrityError:
        raise _taken(slug) from None
    record_event(actor, "create", "custom_object", custom_object.id, _as_changes(custom_object))
    return custom_object


def object_summaries(actor: Actor) -> list[ObjectSummary]:
    """Every custom object with its record counts, by name."""
    access.require(actor, access.ADMIN)
    stmt = select(CustomObject).options(selectinload(CustomObject.attributes))
    found = list(db.session.scalars(stmt.order_by(CustomObject.name, CustomObject.id)))
    counts = _record_counts([custom_object.id for custom_object in found])
    return [ObjectSummary(o, *counts.get(o.id, (0, 0))) for o in found]


def object_summary(actor: Actor, slug: str) -> ObjectSummary:
    access.require(actor, access.ADMIN)
    stmt = (
        select(CustomObject)
        .where(CustomObject.slug == slug)
        .options(selectinload(CustomObject.attributes))
    )
    custom_object = db.session.scalar(stmt)
    if custom_object is None:
        raise NotFound(f"No custom object called {slug!r}.", details={"slug": slug})
    return ObjectSummary(
        custom_object, *_record_counts([custom_object.id]).get(custom_object.id, (0, 0))
    )


def _record_counts(object_ids: list[int]) -> dict[int, tuple[int, int]]:
    """``{object id: (live, archived)}`` in one query."""
    archived = func.count(CustomRecord.archived_at)
    stmt = (
        select(CustomRecord.object_id, func.count() - archived, archived)
        .where(CustomRecord.object_id.in_(object_ids))
        .group_by(CustomRecord.object_id)
    )
    return {object_id: (live, gone) for object_id, live, gone in db.session.execute(stmt)}


# --- reading the definition ---


def _refuse_unknown_keys(body: Any) -> None:
    if not isinstance(body, dict):
        raise BadRequest("Send the definition as a JSON object.", code="invalid_json")
    unknown = [key for key in body if key not in OBJECT_KEYS]
    attributes = body.get("attributes")
    for index, given in enumerate(attributes if isinstance(attributes, list) else []):
        if isinstance(given, dict):
            unknown += [f"attributes[{index}].{key}" for key in given if key not in ATTRIBUTE_KEYS]
    if unknown:
        raise UnknownField(
            f"Unknown key: {', '.join(unknown)}. An object takes {', '.join(OBJECT_KEYS)}; "
            f"an attribute takes {', '.join(ATTRIBUTE_KEYS)}.",
            fields={key: ["This key is not part of a definition."] for key in unknown},
        )


def _name(value: Any) -> str:
    return field_rules.required_text(value, NAME_LENGTH)


def _slug(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("This is required: 2 to 40 lowercase letters, digits and underscores.")
    if value.startswith("_"):
        raise ValueError("Slugs starting with _ are kept for the API's own paths, like _schema.")
    if not SLUG.match(value):
        raise ValueError("Use 2 to 40 lowercase letters, digits and underscores, starting a-z.")
    return value


def _object_slug(value: Any) -> str:
    slug = _slug(value)
    if slug in registry.BUILT_IN or slug in RESERVED_SLUGS:
        raise ValueError(f"{slug} is a built-in or reserved record type; choose another slug.")
    return slug


def _attribute_slug(value: Any) -> str:
    slug = _slug(value)
    if slug in SYSTEM_FIELDS or slug in QUERY_WORDS:
        raise ValueError(f"{slug} is a field or word the API keeps for itself; choose another.")
    return slug


def _options(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("Send options as a list of text values.")
    options = [" ".join(item.split()) for item in value]
    if any(not option or len(option) > OPTION_LENGTH for option in options):
        raise ValueError(f"Each option is 1 to {OPTION_LENGTH} characters.")
    if len(set(options)) != len(options):
        raise ValueError("Each option appears once.")
    if len(options) > MAX_OPTIONS:
        raise ValueError(f"Give at most {MAX_OPTIONS} options.")
    return tuple(options)


def _read_attributes(errors: FieldErrors, given: Any, object_slug: str | None) -> list[Attribute]:
    if not isinstance(given, list) or not given:
        errors.add("attributes", "Give the object at least one attribute, as a list.")
        return []
    if len(given) > MAX_ATTRIBUTES:
        errors.add("attributes", f"Give at most {MAX_ATTRIBUTES} attributes.")
        return []
    attributes: list[Attribute] = []
    for index, raw in enumerate(given):
        attribute = _read_attribute(errors, f"attributes[{index}]", raw, object_slug)
        if attribute is None:
            continue
        if any(other.slug == attribute.slug for other in attributes):
            errors.add(f"attributes[{index}].slug", "Another attribute already has this slug.")
        attributes.append(attribute)
    return attributes


def _read_attribute(
    errors: FieldErrors, where: str, raw: Any, object_slug: str | None
) -> Attribute | None:
    if not isinstance(raw, dict):
        errors.add(where, "Send each attribute as a JSON object.")
        return None
    before = len(errors.fields)
    value_type = errors.read(
        f"{where}.value_type",
        lambda v: field_rules.choice(v, CUSTOM_VALUE_TYPES, required=True),
        raw.get("value_type"),
    )
    attribute = Attribute(
        slug=errors.read(f"{where}.slug", _attribute_slug, raw.get("slug")),
        name=errors.read(f"{where}.name", _name, raw.get("name")),
        value_type=value_type,
        required=errors.read(f"{where}.required", field_rules.flag, raw.get("required", False)),
        unique=errors.read(f"{where}.unique", field_rules.flag, raw.get("unique", False)),
        multiple=errors.read(f"{where}.multiple", field_rules.flag, raw.get("multiple", False)),
        options=errors.read(f"{where}.options", _options, raw.get("options")) or (),
        target=raw.get("target_record_type"),
    )
    if value_type is not None:
        for name, message in _type_rules(attribute, object_slug):
            errors.add(f"{where}.{name}", message)
    return attribute if len(errors.fields) == before else None


def _type_rules(attribute: Attribute, object_slug: str | None) -> list[tuple[str, str]]:
    """What the attribute's value type allows: (key, message) for each rule it breaks."""
    kind = attribute.value_type
    broken = []
    if kind == "select" and not attribute.options:
        broken.append(("options", "A select attribute needs at least one option."))
    if kind != "select" and attribute.options:
        broken.append(("options", "Only select attributes take options."))
    if kind == "relation":
        problem = _target_problem(attribute.target, object_slug)
        if problem:
            broken.append(("target_record_type", problem))
    elif attribute.target is not None:
        broken.append(("target_record_type", "Only relation attributes take a target."))
    if attribute.unique and kind not in UNIQUE_TYPES:
        broken.append(("unique", "Only text attributes can be unique."))
    if attribute.multiple and kind not in MULTIPLE_TYPES:
        broken.append(("multiple", "Only select, relation and user attributes hold several."))
    return broken


def relation_targets() -> list[str]:
    """The built-in record types a relation may point at. Scoped types (tasks are personal
    work, notes and meetings share one table) are left out: a link would bypass their scope."""
    return [name for name, kind in registry.BUILT_IN.items() if kind.store.scope is None]


def relation_target_choices() -> list[tuple[str, str]]:
    """``(api name, label)`` of every record type a new relation may point at."""
    built_in = [(name, registry.BUILT_IN[name].label) for name in relation_targets()]
    custom = db.session.execute(
        select(CustomObject.slug, CustomObject.name).order_by(CustomObject.name)
    )
    return [*built_in, *((slug, f"{name} (custom)") for slug, name in custom)]


def _target_problem(target: Any, object_slug: str | None) -> str | None:
    """Why ``target`` cannot be a relation's record type; ``None`` if it can."""
    choices = f"{', '.join(relation_targets())} or a custom object's slug"
    if not isinstance(target, str) or not target:
        return f"A relation needs target_record_type: {choices}."
    if target in relation_targets() or target == object_slug:
        return None
    known = db.session.scalar(select(CustomObject.id).where(CustomObject.slug == target))
    if known is None:
        return f"A relation cannot point at {target!r}; choose {choices}."
    return None


def _refuse_taken(slug: str) -> None:
    if db.session.scalar(select(CustomObject.id).where(CustomObject.slug == slug)) is not None:
        raise _taken(slug)


def _taken(slug: str) -> Conflict:
    message = f"There is already a custom object called {slug}."
    return Conflict(message, details={"field": "slug", "fields": {"slug": [message]}})


def _row(position: int, attribute: Attribute) -> CustomAttribute:
    return CustomAttribute(
        slug=attribute.slug,
        name=attribute.name,
        value_type=attribute.value_type,
        required=attribute.required,
        unique=attribute.unique,
        multiple=attribute.multiple,
        options=list(attribute.options),
        target_type=attribute.target,
        position=position,
    )


def _as_changes(custom_object: CustomObject) -> dict[str, Any]:
    described = {
        "slug": custom_object.slug,
        "name": custom_object.name,
        "description": custom_object.description,
        "attributes": [
            {"slug": a.slug, "value_type": a.value_type, "target_record_type": a.target_type}
            for a in custom_object.attributes
        ],
    }
    return {key: {"before": None, "after": value} for key, value in described.items()}
