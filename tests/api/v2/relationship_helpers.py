"""Builders for the records API relationship tests: paths, records made through the API, links
made in bulk, and reading back the contact-account edges as stored.

No asserts here: a builder that fails raises with the response, and the tests do the checking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from tests.factories import CompanyFactory, ContactCompanyLinkFactory, ContactFactory
from webapp.models import ContactCompanyLink
from webapp.services.records import registry

if TYPE_CHECKING:
    from webapp.services.records.schema import RecordType

# A value for each kind of required field, so any record type can be made with its minimum.
REQUIRED_VALUES = {
    "text": "Sample",
    "email": "sample@required.example",
    "domain": "required.example",
    "number": 1,
    "date": "2024-01-15",
    "datetime": "2024-01-15T09:30:00+00:00",
    "boolean": True,
}


def related_path(record_type: str, record_id: Any, api_name: str) -> str:
    return f"/api/v2/{record_type}/{record_id}/relationship/{api_name}"


def edge_path(record_type: str, record_id: Any, api_name: str, target_id: Any) -> str:
    return f"{related_path(record_type, record_id, api_name)}/{target_id}"


def accounts_of(contact_id: Any) -> str:
    return related_path("contact", contact_id, "accounts")


def contacts_of(account_id: Any) -> str:
    return related_path("account", account_id, "contacts")


def _created(response) -> dict:
    if response.status_code != 201:
        raise AssertionError(f"expected 201, got {response.status_code}: {response.text}")
    return response.get_json()["data"]


def new_contact(api, first_name: str = "Sarah", *emails: str, **attributes: Any) -> str:
    """A contact made through the API; its id."""
    body = {"first_name": first_name, **attributes}
    if emails:
        body["contact_emails"] = list(emails)
    return _created(api.post("/api/v2/contact", json={"attributes": body}))["id"]


def new_account(api, name: str = "Acme", domain: str | None = None) -> str:
    """An account made through the API; its id."""
    body: dict[str, Any] = {"name": name}
    if domain is not None:
        body["domain_name"] = domain
    return _created(api.post("/api/v2/account", json={"attributes": body}))["id"]


def minimal_record(api, record_kind: RecordType) -> str:
    """A record of any type, with only its required fields; its id."""
    attributes = {}
    for spec in record_kind.fields:
        if not spec.required:
            continue
        if spec.value_type == "select":
            value: Any = spec.options[0]
        elif spec.value_type in REQUIRED_VALUES:
            value = REQUIRED_VALUES[spec.value_type]
        elif spec.value_type == "relation":
            value = minimal_record(api, registry.record_type(spec.target))
        else:
            raise NotImplementedError(f"Add a required {spec.value_type} value for these tests.")
        attributes[spec.api_name] = [value] if spec.multiple else value
    response = api.post(f"/api/v2/{record_kind.api_name}", json={"attributes": attributes})
    return _created(response)["id"]


def link(api, path: str, target_id: str, **edge: Any) -> dict:
    """POST a link by id; the response JSON (201 or 200)."""
    response = api.post(path, json={"related_record_id": target_id, **edge})
    if response.status_code not in (200, 201):
        raise AssertionError(f"linking failed with {response.status_code}: {response.text}")
    return response.get_json()


def contact_with_accounts(how_many: int):
    """A contact linked to ``how_many`` new accounts (the first primary), made directly."""
    contact = ContactFactory()
    for n in range(how_many):
        ContactCompanyLinkFactory(
            contact=contact, company=CompanyFactory(), role=f"Role {n}", is_primary=n == 0
        )
    return contact


def account_with_contacts(how_many: int):
    """An account linked to ``how_many`` new contacts (each its only, primary, account)."""
    account = CompanyFactory()
    for n in range(how_many):
        ContactCompanyLinkFactory(contact=ContactFactory(), company=account, role=f"Role {n}")
    return account


def stored_edges(db, contact_id: Any) -> dict[str, dict[str, Any]]:
    """The contact's links as the database has them: account id -> {role, is_primary}."""
    db.session.expire_all()
    stmt = select(ContactCompanyLink).where(ContactCompanyLink.contact_id == int(contact_id))
    return {
        str(link.company_id): {"role": link.role, "is_primary": link.is_primary}
        for link in db.session.scalars(stmt)
    }


def edges_listed(response) -> list[tuple[str, dict]]:
    """``(id, edge)`` of each item of a relationship list, in order."""
    if response.status_code != 200:
        raise AssertionError(f"expected 200, got {response.status_code}: {response.text}")
    return [(item["id"], item["edge"]) for item in response.get_json()["data"]]


def walk(api, first_page: str) -> list[dict]:
    """Every page's JSON, following ``links.next`` from ``first_page`` (at most 50 pages)."""
    pages, path = [], first_page
    while path is not None and len(pages) < 50:
        response = api.get(path)
        if response.status_code != 200:
            raise AssertionError(f"{path} answered {response.status_code}: {response.text}")
        pages.append(response.get_json())
        path = pages[-1]["links"].get("next")
    return pages
