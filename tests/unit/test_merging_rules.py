"""Merging's rules: who may merge, what is refused with which code, all or nothing, and that
every table referring to a contact or a company is handled by a merge."""

from __future__ import annotations

import pytest

from tests import factories
from tests.unit.merging_builders import count, everything_about, firm, person, rows
from webapp import access
from webapp.extensions import db as _db
from webapp.models import Contact, ContactEmail, Message
from webapp.services import company_merging, merging
from webapp.services.errors import (
    FieldValueInvalid,
    MergeRefused,
    NotFound,
    PermissionDenied,
    RecordMerged,
    UnknownField,
)
from webapp.services.merging import merge_contacts
from webapp.services.merging_common import MAX_MERGED


@pytest.fixture
def member(db):
    return factories.UserFactory(role="member")


def _two(owner, other_owner=None):
    kept = person(owner, "John", "Smith", emails=("john@acme.example",))
    other = person(other_owner or owner, "Jon", "Smith", emails=("jon@acme.example",))
    return kept, other


# --- who may merge ---


def test_a_member_who_owns_both_contacts_may_merge_them(member):
    kept, other = _two(member)

    merge_contacts(access.actor_for_user(member), kept.id, [other.id])

    assert rows(Contact, id=other.id)[0].merged_into_id == kept.id


def test_a_member_who_owns_only_one_of_them_may_not(member):
    kept, other = _two(member, factories.UserFactory(role="member"))

    with pytest.raises(PermissionDenied):
        merge_contacts(access.actor_for_user(member), kept.id, [other.id])

    assert rows(Contact, id=other.id)[0].merged_into_id is None


@pytest.mark.parametrize("role", ["manager", "head", "executive"])
def test_managers_and_above_may_merge_anyones(member, role):
    kept, other = _two(member, factories.UserFactory(role="member"))
    lead = factories.UserFactory(role=role)

    merge_contacts(access.actor_for_user(lead), kept.id, [other.id])

    assert rows(Contact, id=other.id)[0].merged_into_id == kept.id


def test_merging_needs_the_channels_permission(member):
    kept, other = _two(member)
    reader = access.Actor(user=member, permissions=frozenset({access.RELATIONSHIPS_VIEW}))

    with pytest.raises(PermissionDenied):
        merge_contacts(reader, kept.id, [other.id])


# --- refused, each with its code ---


def _code(member, kept_id, merged_ids, values=None) -> str:
    with pytest.raises(Exception) as caught:
        merge_contacts(access.actor_for_user(member), kept_id, merged_ids, values)
    return caught.value.code


def test_a_contact_cannot_be_merged_into_itself(member):
    kept, _other = _two(member)
    assert _code(member, kept.id, [kept.id]) == "merge_into_itself"


def test_at_most_ten_at_once(member):
    kept, _other = _two(member)
    many = [person(member, "Jon", f"Smith{n}").id for n in range(MAX_MERGED + 1)]
    with pytest.raises(MergeRefused) as caught:
        merge_contacts(access.actor_for_user(member), kept.id, many)
    assert caught.value.code == "too_many_records"


def test_an_unknown_id_is_record_not_found(member):
    kept, _other = _two(member)
    with pytest.raises(NotFound) as caught:
        merge_contacts(access.actor_for_user(member), kept.id, [987654])
    assert caught.value.details == {"record_id": "987654"}


def test_a_contact_merged_already_answers_where_it_went(member):
    kept, other = _two(member)
    actor = access.actor_for_user(member)
    merge_contacts(actor, kept.id, [other.id])
    third = person(member, "Johnny", "Smith")

    with pytest.raises(RecordMerged) as caught:
        merge_contacts(actor, third.id, [other.id])

    assert caught.value.status == 410
    assert caught.value.details["merged_into"] == str(kept.id)


def test_values_naming_an_unknown_field_are_refused(member):
    kept, other = _two(member)
    with pytest.raises(UnknownField) as caught:
        merge_contacts(access.actor_for_user(member), kept.id, [other.id], {"shoe_size": "9"})
    assert set(caught.value.fields) == {"shoe_size"}


def test_a_value_that_is_not_one_of_the_records_is_refused(member):
    kept, other = _two(member)
    with pytest.raises(FieldValueInvalid) as caught:
        merge_contacts(access.actor_for_user(member), kept.id, [other.id], {"first_name": "Bob"})
    assert set(caught.value.fields) == {"first_name"}


def test_the_kept_contact_must_not_be_archived(member):
    kept, other = _two(member)
    kept.archived_at = other.created_at
    assert _code(member, kept.id, [other.id]) == "record_archived"


# --- all or nothing ---


def test_a_failure_half_way_leaves_nothing_changed(member, monkeypatch):
    acme = firm("Acme")
    kept, other = _two(member)
    everything_about(other, member, acme)
    _db.session.commit()

    def broken(context):
        raise RuntimeError("the disk is full")

    movers = dict(merging.CONTACT_MOVERS)
    movers[("interactions", "contact_id")] = broken  # after emails, actions and messages
    monkeypatch.setattr(merging, "CONTACT_MOVERS", movers)

    with pytest.raises(RuntimeError):
        merge_contacts(access.actor_for_user(member), kept.id, [other.id])

    assert count(ContactEmail, contact_id=other.id) == 1
    assert count(Message, contact_id=other.id) == 1
    merged = rows(Contact, id=other.id)[0]
    assert (merged.merged_into_id, merged.archived_at) == (None, None)


# --- nothing forgotten ---


def _referring(table_name: str) -> set[tuple[str, str]]:
    return {
        (fk.parent.table.name, fk.parent.name)
        for table in _db.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name == table_name
    }


def test_every_column_referring_to_a_contact_is_handled_by_a_merge():
    handled = set(merging.CONTACT_MOVERS) - {("custom_record_links", "target_id")}
    assert _referring("contacts") == handled


def test_every_column_referring_to_a_company_is_handled_by_a_merge():
    handled = set(company_merging.COMPANY_MOVERS) - {("custom_record_links", "target_id")}
    assert _referring("companies") == handled
