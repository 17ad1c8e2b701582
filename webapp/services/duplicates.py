"""Likely duplicates: pairs of contacts, or of companies, that may be one, each with its reasons,
strongest first; and the pairs someone marked "not a duplicate", which stay hidden.

Candidates come from SQL: a value held by more than one live record (an email in another case,
a phone number, a LinkedIn address, a web domain) is found by one scan per kind of value that
counts its holders, so the work grows with the number of rows, never with the number of pairs.
Names are compared only between the people of one company (close names with rapidfuzz, inside
blocks of people whose last names start alike), and companies' names by a normalised form.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process, utils
from sqlalchemy import String, case, func, literal_column, select
from sqlalchemy.exc import IntegrityError

from webapp import access
from webapp.extensions import db
from webapp.models import (
    DUPLICATE_KINDS,
    Company,
    CompanyDomain,
    Contact,
    ContactCompanyLink,
    ContactEmail,
    ContactPhone,
    NotDuplicatePair,
)
from webapp.services.audit import record_event
from webapp.services.errors import BadRequest, NotFound
from webapp.services.validation import format_phone

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy import ColumnElement

    from webapp.access import Actor

# How strong each reason is; a pair with several reasons is stronger still.
STRENGTH = {
    "same_email": 100,
    "same_linkedin": 95,
    "same_domain": 95,
    "same_phone": 80,
    "same_name_same_company": 70,
    "same_name": 70,
    "close_name_same_company": 50,
}
EXTRA_REASON_BONUS = 5
# A value shared by more people than this is a switchboard or a team inbox, not a sign that
# they are one person: it makes no pairs.
MAX_SHARED = 10
# rapidfuzz's token-sort ratio of two full names, from 0 to 100: "Jon Smith" and "John Smith"
# score 95; "Bob Smith" and "Rob Smith" 89, so 90 keeps them apart.
CLOSE_NAME_SCORE = 90
COMPANY_SUFFIXES = frozenset(
    "ltd limited inc incorporated llc llp plc corp corporation co company gmbh ag sa sas sarl "
    "bv nv pty oy ab as spa srl kk".split()
)
WORDS = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Reason:
    """Why two records look like one: a stable ``code`` and a sentence for people."""

    code: str
    message: str


@dataclass
class Pair:
    """Two records that may be one, the lower id first."""

    low_id: int
    high_id: int
    reasons: list[Reason] = field(default_factory=list)

    @property
    def ids(self) -> tuple[int, int]:
        return (self.low_id, self.high_id)

    @property
    def score(self) -> int:
        strengths = sorted((STRENGTH[r.code] for r in self.reasons), reverse=True)
        return strengths[0] + EXTRA_REASON_BONUS * (len(strengths) - 1) if strengths else 0


class PairBook:
    """Pairs as they are found, each once, with every reason that found it."""

    def __init__(self) -> None:
        self.pairs: dict[tuple[int, int], Pair] = {}

    def add(self, first: int, second: int, reason: Reason) -> None:
        low, high = sorted((first, second))
        if low == high:
            return
        pair = self.pairs.setdefault((low, high), Pair(low, high))
        if all(known.code != reason.code for known in pair.reasons):
            pair.reasons.append(reason)

    def add_group(self, ids: Iterable[int], reason: Reason) -> None:
        members = sorted(set(ids))
        if len(members) > MAX_SHARED:
            return
        for first, second in combinations(members, 2):
            self.add(first, second, reason)

    def ranked(self, hidden: set[tuple[int, int]]) -> list[Pair]:
        """Strongest first; then by ids, so pages neither skip nor repeat a pair."""
        shown = [pair for key, pair in self.pairs.items() if key not in hidden]
        return sorted(shown, key=lambda pair: (-pair.score, pair.low_id, pair.high_id))


def crowded_rows(columns: dict[str, Any], partition: list[Any], where: Any, join: Any):
    """The rows whose ``partition`` values more than one row shares, as plain rows.

    One scan: a window counts each partition, so no row is read twice and no join is planned
    on guesses (a GROUP BY joined back took PostgreSQL minutes on a table not yet analysed).
    """
    crowd = func.count().over(partition_by=[_bytewise(c) for c in partition]).label("crowd")
    inner = (
        select(*(column.label(name) for name, column in columns.items()), crowd)
        .select_from(join)
        .where(where)
        .subquery()
    )
    stmt = select(*(inner.c[name] for name in columns)).where(inner.c.crowd > 1)
    return db.session.connection().execute(stmt)


def _bytewise(column: Any) -> Any:
    """Text compared byte by byte on PostgreSQL: sorting by the locale's rules is much slower,
    and equality is all a partition needs."""
    if db.session.get_bind().dialect.name == "postgresql" and isinstance(column.type, String):
        return column.collate("C")
    return column


def shared_values(
    owner: ColumnElement[int], key: ColumnElement[str], live: ColumnElement[bool], join: Any
) -> dict[str, list[int]]:
    """Each value of ``key`` held by more than one live record, with the records' ids."""
    found: dict[str, list[int]] = defaultdict(list)
    rows = crowded_rows({"value": key, "holder": owner}, [key], live & key.is_not(None), join)
    for value, holder in rows:
        found[value].append(holder)
    return found


def live_contact() -> ColumnElement[bool]:
    return Contact.archived_at.is_(None) & Contact.merged_into_id.is_(None)


def _live_company() -> ColumnElement[bool]:
    return Company.archived_at.is_(None) & Company.merged_into_id.is_(None)


def _hidden(kind: str) -> set[tuple[int, int]]:
    stmt = select(NotDuplicatePair.low_id, NotDuplicatePair.high_id).where(
        NotDuplicatePair.kind == kind
    )
    return {(low, high) for low, high in db.session.execute(stmt)}


# --- contacts ---


def contact_pairs() -> list[Pair]:
    """Every likely pair of live contacts not marked "not a duplicate", strongest first."""
    book = PairBook()
    live = live_contact()
    emails = ContactEmail.__table__.join(Contact.__table__)
    for email, ids in shared_values(
        ContactEmail.contact_id, func.lower(ContactEmail.email, type_=String), live, emails
    ).items():
        book.add_group(ids, Reason("same_email", f"Same email: {email}"))
    phones = ContactPhone.__table__.join(Contact.__table__)
    for number, ids in shared_values(
        ContactPhone.contact_id, ContactPhone.number, live, phones
    ).items():
        book.add_group(ids, Reason("same_phone", f"Same phone number: {format_phone(number)}"))
    linkedin = func.lower(Contact.linkedin_url, type_=String)
    for url, ids in shared_values(Contact.id, linkedin, live, Contact.__table__).items():
        book.add_group(ids, Reason("same_linkedin", f"Same LinkedIn profile: {url}"))
    _names_at_companies(book)
    return book.ranked(_hidden("contact"))


def name_key(*parts: str | None) -> str:
    """A name as compared: case, accents, punctuation and spacing set aside."""
    text = " ".join(part for part in parts if part)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode() or text
    return utils.default_process(text)


def _name_block() -> ColumnElement[str]:
    """The block a person's name is compared in: the first two letters of the last name.
    (Constants written inline: PostgreSQL must see the same expression in SELECT and GROUP BY.)"""
    last_name = func.coalesce(Contact.last_name, literal_column("''"))
    prefix = func.substr(last_name, literal_column("1"), literal_column("2"))
    return func.lower(prefix, type_=String)


def _names_at_companies(book: PairBook) -> None:
    """Same and close names among the live people of each company. Only people who share a
    company and the first two letters of their last name with someone are read: most people
    share that with nobody, and are never loaded."""
    columns = {
        "company_id": ContactCompanyLink.company_id,
        "prefix": _name_block(),
        "contact_id": Contact.id,
        "first_name": Contact.first_name,
        "last_name": Contact.last_name,
    }
    people = ContactCompanyLink.__table__.join(Contact.__table__)
    partition = [ContactCompanyLink.company_id, _name_block()]
    blocks: dict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)
    for company_id, prefix, contact_id, first, last in crowded_rows(
        columns, partition, live_contact(), people
    ):
        key = name_key(first, last)
        if key:
            blocks[(company_id, prefix)].append((contact_id, key))
    names = _company_names({company_id for company_id, _prefix in blocks})
    for (company_id, _prefix), people_here in blocks.items():
        _compare_block(book, names[company_id], people_here)


def _company_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    stmt = select(Company.id, Company.name).where(Company.id.in_(ids))
    return dict(db.session.connection().execute(stmt).all())


def _compare_block(book: PairBook, company: str, people: list[tuple[int, str]]) -> None:
    by_name: dict[str, list[int]] = defaultdict(list)
    for contact_id, key in people:
        by_name[key].append(contact_id)
    same = Reason("same_name_same_company", f"Same name at {company}")
    for ids in by_name.values():
        if len(ids) > 1:
            book.add_group(ids, same)
    names = list(by_name)
    for index, name in enumerate(names[:-1]):
        close = process.extract(
            name,
            names[index + 1 :],
            scorer=fuzz.token_sort_ratio,
            processor=None,
            score_cutoff=CLOSE_NAME_SCORE,
            limit=None,
        )
        for other, _score, _position in close:
            reason = Reason("close_name_same_company", f"Close names at {company}")
            for first in by_name[name]:
                for second in by_name[other]:
                    book.add(first, second, reason)


# --- companies ---


def _bare_domain() -> ColumnElement[str]:
    lowered = func.lower(CompanyDomain.domain, type_=String)
    www = lowered.like(literal_column("'www.%'"))
    return case((www, func.substr(lowered, literal_column("5"))), else_=lowered)


def company_name_key(name: str) -> str:
    """A company's name with case, accents, punctuation and legal suffixes set aside:
    "Acme Ltd", "ACME Limited" and "Acme, Inc." are all "acme"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = WORDS.findall(plain or name.lower())
    while len(words) > 1 and words[-1] in COMPANY_SUFFIXES:
        words.pop()
    return " ".join(words)


def company_pairs() -> list[Pair]:
    """Every likely pair of live companies not marked "not a duplicate", strongest first."""
    book = PairBook()
    domains = CompanyDomain.__table__.join(Company.__table__)
    for domain, ids in shared_values(
        CompanyDomain.company_id, _bare_domain(), _live_company(), domains
    ).items():
        book.add_group(ids, Reason("same_domain", f"Same web domain: {domain}"))
    by_name: dict[str, list[int]] = defaultdict(list)
    for company_id, name in db.session.execute(
        select(Company.id, Company.name).where(_live_company())
    ):
        key = company_name_key(name)
        if key:
            by_name[key].append(company_id)
    same_name = Reason(
        "same_name", "Same name, once case, punctuation and Ltd or Inc are set aside"
    )
    for ids in by_name.values():
        book.add_group(ids, same_name)
    return book.ranked(_hidden("company"))


def pairs_of(kind: str) -> list[Pair]:
    """The likely pairs of ``kind`` ("contact" or "company")."""
    return contact_pairs() if kind == "contact" else company_pairs()


# --- "not a duplicate" ---

MODELS = {"contact": Contact, "company": Company}


def _two_records(kind: str, ids: Iterable[Any]) -> list[Any]:
    model = MODELS[kind]
    wanted = sorted({int(i) for i in ids})
    if len(wanted) != 2:
        raise BadRequest(
            "Name two different records.",
            fields={"ids": ["Give the ids of two different records."]},
            code="invalid_json",
        )
    found = {r.id: r for r in db.session.scalars(select(model).where(model.id.in_(wanted)))}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFound(f"No {kind} with id {missing[0]}.", details={"record_id": str(missing[0])})
    return [found[i] for i in wanted]


def _pair_to_mark(actor: Actor, kind: str, ids: Iterable[Any], permission: str) -> list[Any]:
    """The two records, in id order, once ``actor`` may mark them (as they may merge them)."""
    if kind not in DUPLICATE_KINDS:
        raise NotFound(f"No duplicates of {kind}.")
    access.require(actor, permission)
    low, high = _two_records(kind, ids)
    access.require_merge(actor, [low.owner_id, high.owner_id], permission)
    return [low, high]


def mark_not_duplicate(
    actor: Actor, kind: str, ids: Iterable[Any], permission: str = access.RELATIONSHIPS_UPDATE
) -> tuple[NotDuplicatePair, bool]:
    """Mark two records "not a duplicate", so they are never suggested as a pair again;
    ``(mark, created)``. Marking twice is harmless. The same people may as may merge them."""
    low, high = _pair_to_mark(actor, kind, ids, permission)
    existing = _existing_mark(kind, low.id, high.id)
    if existing is not None:
        return existing, False
    mark = NotDuplicatePair(kind=kind, low_id=low.id, high_id=high.id, marked_by_id=actor.user_id)
    try:
        with db.session.begin_nested():
            db.session.add(mark)
    except IntegrityError:  # someone marked the same pair a moment ago
        return _existing_mark(kind, low.id, high.id), False
    given = {"kind": kind, "low_id": low.id, "high_id": high.id}
    changes = {name: {"before": None, "after": value} for name, value in given.items()}
    record_event(actor, "create", "not_duplicate_pair", mark.id, changes)
    return mark, True


def unmark_not_duplicate(
    actor: Actor, kind: str, ids: Iterable[Any], permission: str = access.RELATIONSHIPS_UPDATE
) -> NotDuplicatePair:
    """Take a "not a duplicate" mark back, so the pair is suggested again if it still looks
    like one; the mark taken back. The same people may as may mark it."""
    low, high = _pair_to_mark(actor, kind, ids, permission)
    mark = _existing_mark(kind, low.id, high.id)
    if mark is None:
        raise NotFound("These two are not marked as not a duplicate.")
    given = {"kind": kind, "low_id": low.id, "high_id": high.id}
    changes = {name: {"before": value, "after": None} for name, value in given.items()}
    record_event(actor, "delete", "not_duplicate_pair", mark.id, changes)
    db.session.delete(mark)
    db.session.flush()
    return mark


MARKS_SHOWN = 50


def marked_pairs(kind: str) -> tuple[list[NotDuplicatePair], int]:
    """The latest pairs marked "not a duplicate" (at most ``MARKS_SHOWN``), and how many in all."""
    stmt = select(NotDuplicatePair).where(NotDuplicatePair.kind == kind)
    latest = stmt.order_by(NotDuplicatePair.id.desc()).limit(MARKS_SHOWN)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    return list(db.session.scalars(latest)), total or 0


def _existing_mark(kind: str, low_id: int, high_id: int) -> NotDuplicatePair | None:
    return db.session.scalar(
        select(NotDuplicatePair).where(
            NotDuplicatePair.kind == kind,
            NotDuplicatePair.low_id == low_id,
            NotDuplicatePair.high_id == high_id,
        )
    )
