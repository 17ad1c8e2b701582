"""Undo within seven days: what the import created is archived, what it changed is restored,
and anything edited since is kept and listed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.import_files import google_csv, google_row
from tests.unit.imports.runs import actor_of, contact_named, imported
from webapp.models import Company, LifeEvent
from webapp.services import contacts, profiles
from webapp.services.contacts import ContactInput
from webapp.services.errors import ImportStateConflict, NotFound
from webapp.services.imports import undo


@pytest.fixture
def me(make_user):
    return make_user("member")


@pytest.fixture
def known(db):
    """Someone Rapport had before the import, with no title and no birthday."""
    person = factories.ContactFactory(first_name="Grace", last_name="Hopper", title=None)
    factories.ContactEmailFactory(contact=person, email="grace@navy.example")
    return person


ROWS = [
    google_row("Ada", "Lovelace", company="Engines Ltd", email="ada@engines.example"),
    google_row("Grace", "Hopper", title="Admiral", email="grace@navy.example",
               birthday="1906-12-09", labels="Navy"),
]  # fmt: skip


def test_undo_archives_what_the_import_created_and_restores_what_it_changed(db, me, known):
    record = imported(actor_of(me), google_csv(ROWS))
    assert profiles.find_profile(known.id).birthday_month == 12

    record = undo.undo_import(actor_of(me), record.id)

    assert record.status == "undone" and record.undo_kept == []
    assert contact_named("Ada").is_archived
    assert db.session.scalars(select(Company)).one().is_archived
    db.session.refresh(known)
    assert not known.is_archived
    assert (known.title, known.tag_names) == (None, [])
    assert profiles.find_profile(known.id).birthday_month is None
    # One fact, one home: the birthday's life event went with it.
    events = db.session.scalars(select(LifeEvent).where(LifeEvent.contact_id == known.id))
    assert list(events) == []


def test_undo_keeps_and_lists_a_contact_someone_edited_after_the_import(db, me, known):
    record = imported(actor_of(me), google_csv(ROWS))
    ada = contact_named("Ada")
    edited = ContactInput.of(ada)
    edited.title = "Countess"
    contacts.update_contact(actor_of(me), ada.id, edited)

    record = undo.undo_import(actor_of(me), record.id)

    assert not contact_named("Ada").is_archived
    assert record.undo_kept == [
        {"type": "contact", "id": ada.id, "name": "Ada Lovelace", "fields": ["edited since"]}
    ]


def test_undo_is_refused_after_seven_days(db, me, known):
    record = imported(actor_of(me), google_csv(ROWS))
    record.finished_at -= timedelta(days=7, minutes=1)
    db.session.commit()

    with pytest.raises(ImportStateConflict) as refused:
        undo.undo_import(actor_of(me), record.id)

    assert refused.value.code == "undo_not_possible"
    assert "seven days" in refused.value.message
    assert not contact_named("Ada").is_archived


def test_an_import_is_undone_once(db, me, known):
    record = imported(actor_of(me), google_csv(ROWS))
    undo.undo_import(actor_of(me), record.id)

    with pytest.raises(ImportStateConflict, match="already been undone"):
        undo.undo_import(actor_of(me), record.id)


def test_someone_elses_import_is_not_found_by_a_member(db, me, known, make_user):
    record = imported(actor_of(me), google_csv(ROWS))
    stranger = make_user("member")

    with pytest.raises(NotFound):
        undo.undo_import(actor_of(stranger), record.id)
