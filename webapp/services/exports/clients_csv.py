"""The Clients list as a CSV file: one row per client, with the columns the list shows.

Action counts are the viewer's own, as on the page (``client_list.clients_query`` scopes them).
UTF-8 with a byte-order mark and CRLF line ends, like the contacts export.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from webapp.extensions import db
from webapp.models import Company
from webapp.services.client_list import clients_query
from webapp.services.exports.chunks import in_chunks
from webapp.services.exports.csv_format import LIST_SEPARATOR, csv_pieces, guard_cell

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import date
    from decimal import Decimal

    from sqlalchemy import Row

    from webapp.access import Actor
    from webapp.services.client_list import ClientFilters

HEADER = (
    "Name",
    "Domains",
    "Tier",
    "Client since",
    "Account manager",
    "Account manager email",
    "Industry",
    "Contacts",
    "Open actions",
    "Overdue actions",
    "Last touch",
    "Est. deal size",
)


def _amount(amount: Decimal | None) -> str:
    """Money as a spreadsheet reads a number: ``1250000`` or ``1250000.50``; no currency."""
    if amount is None:
        return ""
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


def client_row(row: Row) -> list[str]:
    """One row of ``clients_query`` as the file's cells, in the order of ``HEADER``."""
    company, contacts, open_actions, overdue_actions, last_touch_on, deal_size = row
    profile = company.client_profile
    manager = profile.account_manager
    texts = [
        company.name,
        LIST_SEPARATOR.join(domain.domain for domain in company.domains),
        profile.tier,
    ]
    return [
        *(guard_cell(text) for text in texts),
        profile.client_since.isoformat() if profile.client_since else "",
        guard_cell(manager.name) if manager else "",
        guard_cell(manager.email) if manager else "",
        guard_cell(company.industry or ""),
        str(contacts),
        str(open_actions),
        str(overdue_actions),
        last_touch_on.isoformat() if last_touch_on else "",
        _amount(deal_size),
    ]


def _company_id(row: Row) -> int:
    return row[0].id


def clients_csv(actor: Actor, filters: ClientFilters, today: date) -> Iterator[str]:
    """The file, piece by piece: the BOM and header, then one piece per chunk of clients."""
    matching = clients_query(actor, filters, today)
    chunks = in_chunks(matching, Company.id, db.session.execute, _company_id)
    return csv_pieces(HEADER, ([client_row(row) for row in chunk] for chunk in chunks))
