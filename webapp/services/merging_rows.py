"""A contact merge's rows: what belongs to the merged people becomes the kept person's.

Emails, phone numbers, companies and tags are added to the kept person's, each once (a value
the kept person has already stays on the merged record, which keeps it read-only). Life events
move, but a person has one birthday: another birthday event is folded into the kept one, and
an action generated for it moves with it, or, where the kept birthday already has the action
for that occurrence, is closed as dismissed and kept. Actions, tasks, messages, interactions
and partners' links move whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from webapp.extensions import db
from webapp.models import (
    Interaction,
    LifeEvent,
    Message,
    Partner,
    RelationshipAction,
    Task,
)
from webapp.services import actions, auto_actions
from webapp.services.audit import record_event
from webapp.services.life_events import BIRTHDAY

if TYPE_CHECKING:
    from webapp.services.merging_common import MergeContext


def emails(context: MergeContext) -> None:
    """The merged people's emails after the kept person's; one in another case stays behind."""
    held = {e.email.casefold() for e in context.kept.emails}
    added = []
    for record in context.merged:
        for email in list(record.emails):
            if email.email.casefold() not in held:
                held.add(email.email.casefold())
                added.append(email)
    _append(context, context.kept.emails, added, "emails")


def phones(context: MergeContext) -> None:
    """The merged people's phone numbers after the kept person's, each once."""
    held = {p.number for p in context.kept.phones}
    added = []
    for record in context.merged:
        for phone in list(record.phones):
            if phone.number not in held:
                held.add(phone.number)
                added.append(phone)
    _append(context, context.kept.phones, added, "phone numbers")


def _append(context: MergeContext, kept_list: list, added: list, noun: str) -> None:
    position = max((item.position for item in kept_list), default=-1) + 1
    for item in added:
        item.contact = context.kept
        item.position = position
        position += 1
    db.session.flush()
    context.moved[noun] += len(added)


def company_links(context: MergeContext) -> None:
    """Companies the kept person is not linked to are linked, never as a second primary; where
    both are linked, the kept link takes the merged one's role if it has none."""
    kept_links = {link.company_id: link for link in context.kept.company_links}
    has_primary = any(link.is_primary for link in context.kept.company_links)
    moved = 0
    for record in context.merged:
        for link in list(record.company_links):
            held = kept_links.get(link.company_id)
            if held is not None:
                held.role = held.role or link.role
                continue
            link.is_primary = link.is_primary and not has_primary
            has_primary = has_primary or link.is_primary
            link.contact = context.kept
            kept_links[link.company_id] = link
            moved += 1
    db.session.flush()
    context.moved["companies"] += moved


def tags(context: MergeContext) -> None:
    """Every tag of the merged people, once, whatever its case."""
    held = {tag.name.casefold() for tag in context.kept.tags}
    moved = 0
    for record in context.merged:
        for tag in list(record.tags):
            if tag.name.casefold() not in held:
                held.add(tag.name.casefold())
                tag.contact = context.kept
                moved += 1
    db.session.flush()
    context.moved["tags"] += moved


def life_events(context: MergeContext) -> None:
    """Move the merged people's life events; fold their birthdays into the kept birthday."""
    kept = context.kept
    stmt = (
        select(LifeEvent)
        .where(LifeEvent.contact_id.in_([kept.id, *context.merged_ids]))
        .order_by(LifeEvent.contact_id != kept.id, LifeEvent.id)
    )
    events = list(db.session.scalars(stmt))
    birthday = next((e for e in events if e.event_type == BIRTHDAY), None)
    folded = False
    for event in events:
        if event.contact_id == kept.id:
            continue
        if event.event_type == BIRTHDAY and birthday is not None and event is not birthday:
            _fold_birthday(context, event, birthday)
            folded = True
            continue
        changes = {"contact_id": {"before": event.contact_id, "after": kept.id}}
        record_event(context.actor, "update", "life_event", event.id, changes)
        event.contact = kept
        context.moved["life events"] += 1
    db.session.flush()
    if folded:
        auto_actions.sync_auto_action(context.actor, birthday)


def _fold_birthday(context: MergeContext, event: LifeEvent, birthday: LifeEvent) -> None:
    """``event`` joins ``birthday``: its actions move to it, its description if it has none."""
    stmt = select(RelationshipAction.occurrence_on).where(
        RelationshipAction.life_event_id == birthday.id
    )
    taken = set(db.session.scalars(stmt))
    for action in db.session.scalars(
        select(RelationshipAction)
        .where(RelationshipAction.life_event_id == event.id)
        .order_by(RelationshipAction.id)
    ):
        _fold_generated_action(context, action, birthday, taken)
    birthday.description = birthday.description or event.description
    changes = {
        "title": {"before": event.title, "after": None},
        "folded_into": {"before": None, "after": birthday.id},
    }
    record_event(context.actor, "delete", "life_event", event.id, changes)
    db.session.delete(event)
    db.session.flush()
    context.moved["birthdays folded"] += 1


def _fold_generated_action(
    context: MergeContext, action: RelationshipAction, birthday: LifeEvent, taken: set[Any]
) -> None:
    if action.occurrence_on in taken:
        # The kept birthday has this occurrence's action already: this one is a duplicate.
        _dismiss_if_pending(context, action)
        after = None
    else:
        taken.add(action.occurrence_on)
        after = birthday.id
    changes = {"life_event_id": {"before": action.life_event_id, "after": after}}
    action.life_event_id = after
    record_event(context.actor, "update", "relationship_action", action.id, changes)
    db.session.flush()


def _dismiss_if_pending(context: MergeContext, action: RelationshipAction) -> None:
    """A duplicate still to do is dismissed; one done or dismissed stays as it was."""
    if action.is_pending:
        actions.close_action(context.actor, action, "dismissed")


def relationship_actions(context: MergeContext) -> None:
    """The merged people's actions (and the tasks mirroring them) become the kept person's.

    A keep-in-touch action for a lapse the kept person has one for already is closed as
    dismissed and keeps no lapse, so the two never clash.
    """
    kept_periods = select(RelationshipAction.cadence_period).where(
        RelationshipAction.contact_id == context.kept.id,
        RelationshipAction.cadence_period.is_not(None),
    )
    taken = set(db.session.scalars(kept_periods))
    for action in db.session.scalars(
        select(RelationshipAction)
        .where(
            RelationshipAction.contact_id.in_(context.merged_ids),
            RelationshipAction.cadence_period.is_not(None),
        )
        .order_by(RelationshipAction.id)
    ):
        if action.cadence_period not in taken:
            taken.add(action.cadence_period)
            continue
        _dismiss_if_pending(context, action)
        changes = {"cadence_period": {"before": action.cadence_period, "after": None}}
        action.cadence_period = None
        record_event(context.actor, "update", "relationship_action", action.id, changes)
    db.session.flush()
    context.moved["actions"] += _repoint(context, RelationshipAction.contact_id)


def tasks(context: MergeContext) -> None:
    """Tasks about the merged people, mirrored or standalone, are about the kept person."""
    _repoint(context, Task.contact_id)


def messages(context: MergeContext) -> None:
    context.moved["messages"] += _repoint(context, Message.contact_id)


def interactions(context: MergeContext) -> None:
    context.moved["interactions"] += _repoint(context, Interaction.contact_id)


def partners(context: MergeContext) -> None:
    """Partners whose contact was a merged person now name the kept person."""
    context.moved["partners"] += _repoint(context, Partner.contact_id)


def import_rows(context: MergeContext) -> None:
    """Left alone on purpose: an import's rows name the contacts it wrote, and undoing it must
    archive what it created (the merged record), never the kept one."""


def _repoint(context: MergeContext, column: Any) -> int:
    """One UPDATE: rows whose ``column`` names a merged record name the kept one."""
    result = db.session.execute(
        update(column.class_)
        .where(column.in_(context.merged_ids))
        .values({column.key: context.kept.id})
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0
