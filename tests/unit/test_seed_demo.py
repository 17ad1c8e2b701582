"""``flask seed-demo``: the demo firm a new user meets on ``make run``."""

from __future__ import annotations

from sqlalchemy import func, select

from webapp import access
from webapp.demo import DEMO_PASSWORD
from webapp.models import (
    ClientProfile,
    Company,
    Contact,
    ContactCompanyLink,
    ContactRelationship,
    LifeEvent,
    Message,
    MessageTemplate,
    RelationshipAction,
    RelationshipProfile,
    Task,
    User,
)
from webapp.services import duplicates
from webapp.services.users import authenticate


def count(db, column) -> int:
    return db.session.scalar(select(func.count(column)))


def test_seed_demo_builds_the_firm_then_leaves_it_alone_until_forced(app, db):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Seeded the demo firm" in first.output
    assert "maya@rapport.demo" in first.output and DEMO_PASSWORD in first.output

    roles = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    assert roles == {"executive": 1, "head": 1, "manager": 2, "member": 7}
    managers = db.session.scalars(select(User).where(User.role == "manager")).all()
    assert all(len(m.squad.members) == 4 for m in managers)  # the manager and three members
    assert access.ADMIN in access.user_permissions(
        authenticate("priya@rapport.demo", DEMO_PASSWORD)
    )
    assert count(db, ClientProfile.id) == 40
    assert count(db, Company.id) == 60
    assert count(db, Contact.id) == 400
    assert count(db, ContactCompanyLink.id) == 400
    unlinked = select(func.count(Contact.id)).where(~Contact.emails.any() | ~Contact.phones.any())
    assert db.session.scalar(unlinked) == 0
    assert count(db, RelationshipProfile.id) > 200
    assert count(db, LifeEvent.id) > 150
    assert count(db, ContactRelationship.id) > 300  # colleagues at each client, and beyond
    generated = select(func.count(RelationshipAction.id)).where(
        RelationshipAction.source == "life_event"
    )
    assert db.session.scalar(generated) > 100
    assert count(db, Task.id) == count(db, RelationshipAction.id)  # every action has its task
    conversations = select(func.count(func.distinct(Message.contact_id)))
    assert db.session.scalar(conversations) >= 8  # opted-in contacts with a conversation
    assert db.session.scalar(select(func.count()).where(Message.status == "failed")) == 1
    assert db.session.scalar(select(func.count()).where(Message.contact_id.is_(None))) == 1
    assert count(db, MessageTemplate.id) == 4
    # No two demo people share an email, phone or name at a company: Duplicates starts empty.
    assert duplicates.contact_pairs() == [] and duplicates.company_pairs() == []

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    assert "nothing seeded" in again.output
    assert count(db, Contact.id) == 400

    forced = runner.invoke(args=["seed-demo", "--force"])
    assert forced.exit_code == 0, forced.output
    assert "Seeded the demo firm" in forced.output
    assert count(db, User.id) == 11
    assert count(db, Contact.id) == 400
