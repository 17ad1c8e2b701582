"""Finding contacts: the search, filters and sort orders behind the contacts list."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import (
    Select,
    and_,
    exists,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from webapp.extensions import db
from webapp.models import (
    Company,
    Contact,
    ContactCompanyLink,
    ContactEmail,
    ContactPhone,
    ContactTag,
    RelationshipProfile,
    User,
    full_name_of,
)
from webapp.services.contact_columns import (
    first_company_name,
    first_email,
    first_phone,
    name_and_title,
)
from webapp.services.search import found_in, like_pattern, name_rank
from webapp.services.touches import join_cadence, touch_due_column

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy import Row

SORTS = {
    "best": ("Best match", ()),  # with a search: whole name, then its start, then the rest
    "name": ("Name A–Z", (Contact.last_name, Contact.first_name, Contact.id)),
    "-name": ("Name Z–A", (Contact.last_name.desc(), Contact.first_name.desc(), Contact.id.desc())),
    "-created": ("Newest first", (Contact.created_at.desc(), Contact.id.desc())),
    "-updated": ("Recently updated", (Contact.updated_at.desc(), Contact.id.desc())),
    "title": ("Title", (Contact.title, Contact.last_name, Contact.id)),
    "touch_due": ("Touch due", ()),  # most overdue first, ordered in ``contacts_query``
}
DEFAULT_SORT = "best"  # without a search, the same as "name"
# The keep-in-touch filter: contacts whose touch was due before today, or is due within two weeks.
TOUCH_FILTERS = {"overdue": ("Overdue", -1), "soon": ("Due within 2 weeks", 14)}
# A search written like a phone number, and how many digits it needs to be looked up as one.
PHONE_LIKE = re.compile(r"\+?[\d\s().-]+")
MIN_PHONE_DIGITS = 4
# A search shorter than this has no trigram in it, so no index can answer it (docs/search.md).
MIN_INDEXED_LENGTH = 3
# A search's count stops here: the list says "more than 1,000" rather than count the whole firm.
COUNT_CAP = 1000
# Misspelt names (PostgreSQL): words of letters only, at least three, the first four of them.
MIN_FUZZY_LETTERS = 3
MAX_FUZZY_WORDS = 4


@dataclass(frozen=True)
class ContactFilters:
    q: str = ""
    owner_id: int | None = None
    company_id: int | None = None
    sort: str = DEFAULT_SORT
    archived: bool = False
    touch: str = ""  # a key of TOUCH_FILTERS, or "" for everyone
    tag: str = ""  # a tag's name, or "" for any


@functools.cache
def full_name():
    """A contact's "First Last", written as the trigram index ``ix_contacts_full_name_trgm`` is
    built on (migration 0011), so PostgreSQL answers a substring search from the index. Built
    once, as the contact columns are."""
    return Contact.first_name + literal_column("' '") + Contact.last_name


def _matches_text(q: str):
    """SQL: the contact's name, one of their emails, phone numbers or companies' names contains
    ``q``, or (PostgreSQL) their name sounds like it. Look-ups of ids, not an OR of subqueries
    run for every contact of the firm; except for a search too short for the indexes."""
    pattern = like_pattern(q)
    named = full_name().ilike(pattern, escape="\\")
    by_email = select(ContactEmail.contact_id).where(
        ContactEmail.email.ilike(pattern, escape="\\"),
        *found_in("contact_emails_fts", ContactEmail.id, q),
    )
    by_company = (
        select(ContactCompanyLink.contact_id)
        .join(Company, Company.id == ContactCompanyLink.company_id)
        .where(Company.name.ilike(pattern, escape="\\"), *found_in("companies_fts", Company.id, q))
    )
    if len(q) < MIN_INDEXED_LENGTH:
        # One or two characters (too few for a phone number or a misspelling) match most of the
        # firm, and no index helps. A test of each contact lets the capped count stop at its cap,
        # where the look-ups built the set of every match first: "a" at 100,000 contacts, count
        # 320 ms to 1 ms; the page, which sorts every match by best match, 262 to under 200 ms.
        return or_(named, Contact.id.in_(by_email), Contact.id.in_(by_company))
    by_name = select(Contact.id).where(
        named, *found_in("contact_names_fts", Contact.id, q, by_word=True)
    )
    lookups = [by_name, by_email, by_company]
    digits = phone_digits(q)
    if digits:
        lookups.append(
            select(ContactPhone.contact_id).where(ContactPhone.number.like(f"%{digits}%"))
        )
    sounding = sounds_like(q)
    if sounding is not None:
        lookups.append(select(Contact.id).where(sounding))
    return Contact.id.in_(union_all(*lookups))


def capped_count(stmt: Select, cap: int) -> int:
    """How many rows ``stmt`` selects, counting no further than ``cap + 1``: a result over
    ``cap`` is "more than ``cap``", and the count reads no more rows than that."""
    found = stmt.order_by(None).limit(cap + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(found)) or 0


def phone_digits(q: str) -> str:
    """The digits to find in stored (E.164) numbers when ``q`` is written like a phone number
    ("020 7946 0018", "+44 20 7946"), national leading zeros dropped; "" when it is not one."""
    if not PHONE_LIKE.fullmatch(q):
        return ""
    digits = re.sub(r"\D", "", q).lstrip("0")
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


def sounds_like(q: str):
    """SQL (PostgreSQL only, else None): every word of ``q`` sounds like the contact's first or
    last name (the same ``soundex``, indexed by migration 0011) and is a few typing slips from
    it, so "Jhon Smtih" finds John Smith but "Jon" does not find Jane."""
    words = [
        word.lower() for word in q.split() if word.isalpha() and len(word) >= MIN_FUZZY_LETTERS
    ]
    if not words or db.session.get_bind().dialect.name != "postgresql":
        return None
    return and_(*(_sounds_like_word(word) for word in words[:MAX_FUZZY_WORDS]))


def _sounds_like_word(word: str):
    slips = 1 if len(word) < 4 else 2  # "Jhon" is two slips from "John"
    return or_(
        *(
            and_(
                func.soundex(name) == func.soundex(word),
                func.levenshtein(func.lower(name), word) <= slips,
            )
            for name in (Contact.first_name, Contact.last_name)
        )
    )


def match_rank(q: str):
    """SQL: how well a matching contact's name matches ``q``: 0 the whole name, 1 the start of
    it or of the last name, 2 anywhere in it, 3 only an email, phone, company or sound-alike."""
    return name_rank(full_name(), q, Contact.last_name)


def tag_names() -> list[str]:
    """Every tag in use, for the list's filter: one query."""
    stmt = select(ContactTag.name).distinct().order_by(ContactTag.name)
    return list(db.session.scalars(stmt))


@dataclass(frozen=True, slots=True)
class ListedContact:
    """A row of the contacts list: what it shows of a contact, as plain columns (a page of 25
    read as objects with their emails, phones, tags and companies took most of the page's time;
    docs/performance.md). ``touch_due`` is ``touches.next_touch_due``, worked out in SQL."""

    id: int
    first_name: str
    last_name: str
    title: str | None
    stage: str
    archived_at: datetime | None
    last_touch_on: date | None
    touch_due: date | None
    owner_name: str | None
    email: str | None
    phone: str | None
    company_name: str | None
    tag_names: list[str]

    @property
    def full_name(self) -> str:
        return full_name_of(self.first_name, self.last_name)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


def contacts_query(filters: ContactFilters, today: date | None = None) -> Select:
    """A ``select`` of contacts for the filters, with everything the list shows loaded eagerly.

    ``today`` is the viewer's day, which the keep-in-touch filter needs.
    """
    stmt = (
        select(Contact)
        .outerjoin(RelationshipProfile, RelationshipProfile.contact_id == Contact.id)
        .options(
            contains_eager(Contact.relationship_profile),
            joinedload(Contact.owner),
            selectinload(Contact.emails),
            selectinload(Contact.phones),
            selectinload(Contact.tags),
            selectinload(Contact.company_links)
            .joinedload(ContactCompanyLink.company)
            .joinedload(Company.client_profile),
        )
    )
    if filters.touch in TOUCH_FILTERS or filters.sort == "touch_due":
        stmt = join_cadence(stmt)
    return _narrowed(stmt, filters, today)


def listed_contacts_query(filters: ContactFilters, today: date | None = None) -> Select:
    """The contacts of ``contacts_query`` in the same order, as ``ListedContact`` columns (its
    ``tag_names`` come from ``with_tags``)."""
    stmt = join_cadence(
        select(
            *name_and_title(),
            Contact.stage,
            Contact.archived_at,
            Contact.last_touch_on,
            touch_due_column().label("touch_due"),
            User.name.label("owner_name"),
            first_email().label("email"),
            first_phone().label("phone"),
            first_company_name().label("company_name"),
        )
        .outerjoin(RelationshipProfile, RelationshipProfile.contact_id == Contact.id)
        .outerjoin(User, User.id == Contact.owner_id)
    )
    return _narrowed(stmt, filters, today)


def matching_ids_query(filters: ContactFilters, today: date | None = None) -> Select:
    """The ids of the contacts of ``contacts_query``, to count: counting the listed columns
    would work each of them out for every contact of the firm."""
    stmt = select(Contact.id).outerjoin(
        RelationshipProfile, RelationshipProfile.contact_id == Contact.id
    )
    if filters.touch in TOUCH_FILTERS or filters.sort == "touch_due":
        stmt = join_cadence(stmt)
    return _narrowed(stmt, filters, today).order_by(None)


def with_tags(rows: Iterable[Row]) -> list[ListedContact]:
    """``ListedContact`` of each row of a ``listed_contacts_query``, with its tags (one query)."""
    rows = list(rows)
    tags = _tag_names([row.id for row in rows])
    return [ListedContact(**row._mapping, tag_names=tags.get(row.id, [])) for row in rows]


def _tag_names(contact_ids: list[int]) -> dict[int, list[str]]:
    """Each contact's tags in alphabetical order, whatever the case (``Contact.tag_names``)."""
    if not contact_ids:
        return {}
    stmt = (
        select(ContactTag.contact_id, ContactTag.name)
        .where(ContactTag.contact_id.in_(contact_ids))
        .order_by(ContactTag.contact_id, ContactTag.name)  # as ``Contact.tags``
    )
    tags: dict[int, list[str]] = {}
    for contact_id, name in db.session.execute(stmt):
        tags.setdefault(contact_id, []).append(name)
    return {contact_id: sorted(names, key=str.casefold) for contact_id, names in tags.items()}


def _narrowed(stmt: Select, filters: ContactFilters, today: date | None) -> Select:
    """``stmt`` over ``Contact`` (with the profile joined, and ``join_cadence`` when a touch
    filter or sort needs it) narrowed by the filters, in the list's order."""
    archived = Contact.archived_at.is_not(None)
    stmt = stmt.where(archived if filters.archived else ~archived)
    if filters.q.strip():
        stmt = stmt.where(_matches_text(filters.q.strip()))
    if filters.owner_id is not None:
        stmt = stmt.where(Contact.owner_id == filters.owner_id)
    if filters.company_id is not None:
        stmt = stmt.where(
            exists().where(
                ContactCompanyLink.contact_id == Contact.id,
                ContactCompanyLink.company_id == filters.company_id,
            )
        )
    if filters.tag:
        stmt = stmt.where(
            exists().where(ContactTag.contact_id == Contact.id, ContactTag.name == filters.tag)
        )
    due = touch_due_column()
    if filters.touch in TOUCH_FILTERS and today is not None:
        _, days_ahead = TOUCH_FILTERS[filters.touch]
        stmt = stmt.where(due <= today + timedelta(days=days_ahead))
    if filters.sort == "touch_due":
        return stmt.order_by(due.is_(None), due, Contact.last_name, Contact.id)
    if filters.sort in SORTS and filters.sort != "best":
        return stmt.order_by(*SORTS[filters.sort][1])
    by_name = SORTS["name"][1]
    if filters.q.strip():
        return stmt.order_by(match_rank(filters.q.strip()), *by_name)
    return stmt.order_by(*by_name)
