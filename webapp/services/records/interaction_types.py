"""The ``note``, ``meeting`` and ``activity`` record types: three views of the interactions logged
on contacts (calls, meetings, emails, notes).

``activity`` is every interaction, with its ``kind``; ``note`` and ``meeting`` are the interactions
of one kind, which their store fixes: records of another kind are not found through them. All
three write through ``services.interactions``, so the pages' rules hold (a day not in the future;
only whoever logged it, or someone with ``relationships:manage``, changes or archives it) and the
contact's last touch follows every write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from webapp import access
from webapp.models import INTERACTION_KINDS, Contact, Interaction
from webapp.services import interactions
from webapp.services.errors import FieldValueInvalid, NotFound
from webapp.services.records import contact_type
from webapp.services.records.attributes import api_names
from webapp.services.records.fields import id_field, id_string, iso, timestamp_fields
from webapp.services.records.fk_links import own_fk_store
from webapp.services.records.schema import FieldSpec, RecordStore, RecordType, RelationshipSpec

if TYPE_CHECKING:
    from webapp.access import Actor

# The service's field names, by api name; its errors come back under the api names.
SERVICE_NAME_OF = {"user": "user_id"}
API_NAME_OF = {"user_id": "user"}

CONTACT = FieldSpec(
    "contact",
    "relation",
    read=lambda i: id_string(i.contact_id),
    label="The contact it was with (fixed once logged)",
    required=True,
    nullable=False,
    updatable=False,
    target="contact",
    where=lambda value: Interaction.contact_id == value,
)
KIND = FieldSpec(
    "kind",
    "select",
    read=lambda i: i.kind,
    label="Call, meeting, email or note",
    required=True,
    nullable=False,
    options=INTERACTION_KINDS,
    where=lambda value: Interaction.kind == value,
)
DETAILS = (
    FieldSpec(
        "occurred_on",
        "date",
        read=lambda i: iso(i.occurred_on),
        label="The day it happened (not in the future)",
        required=True,
        nullable=False,
    ),
    FieldSpec(
        "summary",
        "text",
        read=lambda i: i.summary,
        label="What was said",
        required=True,
        nullable=False,
        max_length=interactions.MAX_SUMMARY,
    ),
    FieldSpec(
        "user",
        "user",
        read=lambda i: id_string(i.user_id),
        label="Who at the firm had it (the caller by default)",
        nullable=False,
    ),
    FieldSpec(
        "logged_by",
        "user",
        read=lambda i: id_string(i.created_by_id),
        label="Who logged it",
        creatable=False,
        updatable=False,
    ),
)


def _service_values(values: dict[str, Any]) -> dict[str, Any]:
    """Checked attributes as the service reads them (days as ISO text, as the pages send)."""
    named = {SERVICE_NAME_OF.get(name, name): value for name, value in values.items()}
    if named.get("occurred_on") is not None:
        named["occurred_on"] = named["occurred_on"].isoformat()
    named.pop("contact", None)
    return named


def _create(kind: str | None):
    """Log an interaction on the ``contact`` attribute; ``kind`` fixed unless ``None``."""

    def create(actor: Actor, values: dict[str, Any]) -> Interaction:
        fixed = {"kind": kind} if kind is not None else {}
        try:
            with api_names(API_NAME_OF):
                return interactions.log_interaction(
                    actor,
                    values["contact"],
                    _service_values(values) | fixed,
                    permission=access.CRM_WRITE,
                )
        except NotFound:
            contact_id = values["contact"]
            raise FieldValueInvalid(
                f"There is no contact with id {contact_id}.",
                fields={"contact": [f"There is no contact with id {contact_id}."]},
            ) from None

    return create


def _update(actor: Actor, interaction: Interaction, values: dict[str, Any]) -> Interaction:
    with api_names(API_NAME_OF):
        return interactions.update_interaction(
            actor, interaction.id, _service_values(values), permission=access.CRM_WRITE
        )


def _archive(actor: Actor, interaction_id: int) -> Interaction:
    return interactions.archive_interaction(actor, interaction_id, permission=access.CRM_WRITE)


def _restore(actor: Actor, interaction_id: int) -> Interaction:
    return interactions.restore_interaction(actor, interaction_id, permission=access.CRM_WRITE)


def _of_kind(kind: str):
    """The type's scope: only interactions of ``kind`` are found through it."""
    return lambda actor, stmt: stmt.where(Interaction.kind == kind)


def _store(kind: str | None) -> RecordStore:
    return RecordStore(
        model=Interaction,
        load_options=lambda: (),
        create=_create(kind),
        update=_update,
        archive=_archive,
        restore=_restore,
        archived_column=Interaction.archived_at,
        scope=_of_kind(kind) if kind is not None else None,
    )


def _fields(*own: FieldSpec) -> tuple[FieldSpec, ...]:
    return (id_field(Interaction), CONTACT, *own, *DETAILS, *timestamp_fields(Interaction))


NOTE = RecordType(
    api_name="note",
    label="Note",
    description="A note logged on a contact. It counts as a touch while it is not archived.",
    fields=_fields(),
    store=_store("note"),
)
MEETING = RecordType(
    api_name="meeting",
    label="Meeting",
    description=(
        "A meeting logged on a contact. It counts as a touch while it is not archived; its "
        "relationships are read-only."
    ),
    fields=_fields(),
    store=_store("meeting"),
    relationship_support="read_only",
)
ACTIVITY = RecordType(
    api_name="activity",
    label="Activity",
    description=(
        "The timeline: every call, meeting, email and note logged on a contact, with its kind. "
        "No relationship endpoints."
    ),
    fields=_fields(KIND),
    store=_store(None),
    relationship_support="none",
)

# The contact an interaction was logged on: kept by its own field, which never changes.
CONTACT_OF_INTERACTION = RelationshipSpec(
    "contact",
    "contact",
    "many_to_one",
    own_fk_store(Contact, Interaction.contact_id, contact_type.CONTACT.store.load_options),
    writable=False,
    label="The contact it was with",
    read_only_reason=(
        "An interaction stays with the contact it was logged on: log a new one on the other "
        "contact instead."
    ),
)
