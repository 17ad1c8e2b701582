"""A custom object as the records API works with it: its attributes as plain, frozen data.

The store and the field readers keep these, not the ORM rows they were read from, so a record
type built in one request never holds on to that request's session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from webapp.models.custom_objects import LINKED_VALUE_TYPES
from webapp.services.records.fields import amount_json

if TYPE_CHECKING:
    from webapp.models.custom_objects import CustomObject

UNIQUE_TEXT_LENGTH = 200  # a unique value is held in an index, so it stays short
TEXT_LENGTH = 2000


@dataclass(frozen=True)
class Attribute:
    slug: str
    name: str
    value_type: str
    required: bool = False
    unique: bool = False
    multiple: bool = False
    options: tuple[str, ...] = ()
    target: str | None = None  # a relation's record type

    @property
    def linked(self) -> bool:
        """Kept as link rows (relation and user values), not in the record's ``values``."""
        return self.value_type in LINKED_VALUE_TYPES


@dataclass(frozen=True)
class CustomKind:
    object_id: int
    slug: str
    name: str
    description: str
    attributes: tuple[Attribute, ...]

    def attribute(self, slug: str) -> Attribute | None:
        return next((a for a in self.attributes if a.slug == slug), None)

    @property
    def audit_type(self) -> str:
        """The audit trail's object type for this object's records."""
        return f"custom_record:{self.slug}"


def kind_of(custom_object: CustomObject) -> CustomKind:
    return CustomKind(
        object_id=custom_object.id,
        slug=custom_object.slug,
        name=custom_object.name,
        description=custom_object.description or "",
        attributes=tuple(
            Attribute(
                slug=row.slug,
                name=row.name,
                value_type=row.value_type,
                required=row.required,
                unique=row.unique,
                multiple=row.multiple,
                options=tuple(row.options or ()),
                target=row.target_type,
            )
            for row in custom_object.attributes
        ),
    )


def stored(value: Any) -> Any:
    """A checked scalar as the JSON column keeps it: numbers exact (an integer when whole, else
    a float of at most fifteen digits, which reads back the same), dates in ISO form."""
    if isinstance(value, Decimal):
        return amount_json(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def unique_key(value: Any) -> str:
    """A unique attribute's value as the unique index compares it: text ignores case."""
    return str(value).casefold()
