"""Finding what a row of an import already is in Rapport: its contact and its company.

A contact is matched by email, then LinkedIn URL, then phone (E.164), then, for a row with none
of those, by the same name at the same company. A company is matched by the domain of the row's
email (not a free-mail domain), then by name. Each look-up is one query for a whole batch of rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import (
    Company,
    CompanyDomain,
    Contact,
    ContactCompanyLink,
    ContactEmail,
    ContactPhone,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from webapp.services.imports.cleaning import CleanRow

# Addresses at these domains say nothing about a person's employer.
FREE_MAIL_DOMAINS = frozenset(
    {
        "aol.com", "btinternet.com", "gmail.com", "gmx.com", "gmx.de", "googlemail.com",
        "hotmail.co.uk", "hotmail.com", "hotmail.fr", "icloud.com", "live.com", "mac.com",
        "mail.com", "mail.ru", "me.com", "msn.com", "outlook.com", "proton.me",
        "protonmail.com", "qq.com", "web.de", "yahoo.co.uk", "yahoo.com", "yahoo.fr",
        "yandex.ru", "zoho.com",
    }
)  # fmt: skip
CHUNK = 500  # values per IN (...), well inside every database's limit


def work_domain(email: str) -> str | None:
    """The employer's domain an address suggests, or ``None`` for a free-mail address."""
    domain = email.rpartition("@")[2]
    return None if not domain or domain in FREE_MAIL_DOMAINS else domain


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _pairs(key_column, id_column, values: Iterable[str], *where) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for chunk in _chunks(values):
        stmt = select(key_column, id_column).where(key_column.in_(chunk), *where)
        found.extend(tuple(row) for row in db.session.execute(stmt))
    return found


def name_key(first_name: str, last_name: str) -> str:
    return " ".join(f"{first_name} {last_name}".casefold().split())


@dataclass
class Matcher:
    """What a batch of rows matches in the database, loaded once for the batch."""

    by_email: dict[str, int] = field(default_factory=dict)
    by_linkedin: dict[str, int] = field(default_factory=dict)
    by_phone: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_name: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    company_by_domain: dict[str, int] = field(default_factory=dict)
    company_by_name: dict[str, int] = field(default_factory=dict)
    taken_domains: set[str] = field(default_factory=set)  # held by any company, even archived

    @classmethod
    def load(cls, rows: list[CleanRow]) -> Matcher:
        matcher = cls()
        matcher.by_email = dict(
            _pairs(ContactEmail.email, ContactEmail.contact_id, (e for r in rows for e in r.emails))
        )
        matcher.by_linkedin = dict(
            _pairs(
                Contact.linkedin_url, Contact.id, (r.linkedin_url for r in rows if r.linkedin_url)
            )
        )
        phones = (p for r in rows for p in r.phones)
        for number, contact_id in _pairs(ContactPhone.number, ContactPhone.contact_id, phones):
            matcher.by_phone[number].add(contact_id)
        matcher._load_companies(rows)
        matcher._load_names(rows)
        return matcher

    def _load_companies(self, rows: list[CleanRow]) -> None:
        """Live companies by domain and by name; an archived one keeps its domain (domains are
        unique) but is never matched: a row naming it gets a new company."""
        domains = {d for r in rows for e in r.emails if (d := work_domain(e))}
        live = Company.archived_at.is_(None)
        for domain, company_id, archived_at in self._domain_holders(domains):
            self.taken_domains.add(domain)
            if archived_at is None:
                self.company_by_domain[domain] = company_id
        names = {r.company.casefold() for r in rows if r.company}
        lowered = func.lower(Company.name)
        for name, company_id in sorted(
            _pairs(lowered, Company.id, names, live),
            key=lambda pair: -pair[1],  # the oldest company of a name wins
        ):
            self.company_by_name[name] = company_id

    @staticmethod
    def _domain_holders(domains: set[str]) -> list[tuple[str, int, object]]:
        found = []
        for chunk in _chunks(domains):
            stmt = (
                select(CompanyDomain.domain, Company.id, Company.archived_at)
                .join(Company, Company.id == CompanyDomain.company_id)
                .where(CompanyDomain.domain.in_(chunk))
            )
            found.extend(tuple(row) for row in db.session.execute(stmt))
        return found

    def _load_names(self, rows: list[CleanRow]) -> None:
        """Contacts with a row's exact name (for rows with no email, LinkedIn or phone)."""
        keyless = [r for r in rows if not (r.emails or r.linkedin_url or r.phones)]
        first_names = {r.first_name.casefold() for r in keyless}
        if not first_names:
            return
        company = (
            select(func.lower(Company.name))
            .join(ContactCompanyLink, ContactCompanyLink.company_id == Company.id)
            .where(ContactCompanyLink.contact_id == Contact.id, ContactCompanyLink.is_primary)
            .scalar_subquery()
        )
        stmt = select(Contact.id, Contact.first_name, Contact.last_name, company).where(
            Contact.merged_into_id.is_(None)
        )
        for chunk in _chunks(first_names):
            found = db.session.execute(stmt.where(func.lower(Contact.first_name).in_(chunk)))
            for contact_id, first, last, company_name in found:
                self.by_name[(name_key(first, last), company_name or "")].add(contact_id)

    def contact_for(self, row: CleanRow) -> tuple[int | None, str | None]:
        """(the matched contact's id, None), or (None, a reason it cannot be told)."""
        by_email = {self.by_email[e] for e in row.emails if e in self.by_email}
        if len(by_email) > 1:
            return None, "Its emails belong to different contacts: merge them first."
        if by_email:
            return by_email.pop(), None
        if row.linkedin_url and row.linkedin_url in self.by_linkedin:
            return self.by_linkedin[row.linkedin_url], None
        by_phone = set().union(*(self.by_phone.get(p, set()) for p in row.phones))
        if len(by_phone) == 1:
            return by_phone.pop(), None
        if not (row.emails or row.linkedin_url or row.phones):
            named = self.by_name.get(
                (name_key(row.first_name, row.last_name), row.company.casefold()), set()
            )
            if len(named) == 1:
                return next(iter(named)), None
        return None, None

    def company_for(self, row: CleanRow) -> int | None:
        """The existing company the row belongs to: by its email's domain, then by name."""
        for email in row.emails:
            domain = work_domain(email)
            if domain and domain in self.company_by_domain:
                return self.company_by_domain[domain]
        if row.company:
            return self.company_by_name.get(row.company.casefold())
        return None
