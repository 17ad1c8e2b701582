"""Today: the first page after sign-in, the user's own clients and recently touched contacts."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from webapp.extensions import db
from webapp.guards import permission_required, signed_in_actor
from webapp.models import ClientProfile, Company, Contact, ContactCompanyLink

bp = Blueprint("today", __name__)

RECENT_CONTACTS = 8


def _my_clients(user_id: int) -> list[Company]:
    stmt = (
        select(Company)
        .join(ClientProfile)
        .where(ClientProfile.account_manager_id == user_id)
        .options(joinedload(Company.client_profile))
        .order_by(Company.name)
    )
    return list(db.session.scalars(stmt))


def _my_recent_contacts(user_id: int) -> list[Contact]:
    stmt = (
        select(Contact)
        .where(Contact.owner_id == user_id, Contact.archived_at.is_(None))
        .options(
            selectinload(Contact.emails),
            selectinload(Contact.company_links).joinedload(ContactCompanyLink.company),
        )
        .order_by(Contact.updated_at.desc(), Contact.id.desc())
        .limit(RECENT_CONTACTS)
    )
    return list(db.session.scalars(stmt))


def _my_contact_count(user_id: int) -> int:
    stmt = select(func.count(Contact.id)).where(
        Contact.owner_id == user_id, Contact.archived_at.is_(None)
    )
    return db.session.scalar(stmt) or 0


@bp.get("/")
@permission_required()
def index():
    user = signed_in_actor().user
    return render_template(
        "today/index.html",
        clients=_my_clients(user.id),
        recent_contacts=_my_recent_contacts(user.id),
        contact_count=_my_contact_count(user.id),
    )
