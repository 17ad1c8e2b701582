"""The ``account`` record type: a company, with its client profile carried as fields.

Setting ``is_client`` makes the company a client, so reference 002's relationships API (its
partners, its relationship summary) treats it as one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from webapp import access
from webapp.models import CLIENT_TIERS, ClientProfile, Company, CompanyDomain
from webapp.services import companies
from webapp.services.companies import CompanyInput
from webapp.services.errors import FieldValueInvalid
from webapp.services.records.attributes import api_names
from webapp.services.records.fields import (
    id_field,
    id_string,
    iso,
    reordered,
    same_text,
    timestamp_fields,
)
from webapp.services.records.schema import FieldSpec, RecordStore, RecordType

if TYPE_CHECKING:
    from webapp.access import Actor

API_NAMES = {"owner_id": "owner", "account_manager_id": "account_manager"}
CLIENT_FIELDS = ("client_tier", "client_since", "account_manager")


def _has_domain(value: str):
    return Company.id.in_(select(CompanyDomain.company_id).where(CompanyDomain.domain == value))


def _is_client(value: bool):
    is_client = exists().where(ClientProfile.company_id == Company.id)
    return is_client if value else ~is_client


def _profile(company: Company, name: str) -> Any:
    profile = company.client_profile
    return getattr(profile, name) if profile is not None else None


FIELDS = (
    id_field(Company),
    FieldSpec(
        "name",
        "text",
        read=lambda a: a.name,
        label="Name",
        required=True,
        nullable=False,
        max_length=200,
        where=same_text(Company.name),
        order_by=Company.name,
    ),
    FieldSpec("industry", "text", read=lambda a: a.industry, label="Industry", max_length=120),
    FieldSpec(
        "owner",
        "user",
        read=lambda a: id_string(a.owner_id),
        label="Owner",
        where=lambda value: Company.owner_id == value,
    ),
    FieldSpec(
        "domain_name",
        "domain",
        read=lambda a: a.domains[0].domain if a.domains else None,
        label="Primary web domain",
        unique=True,
        where=_has_domain,
    ),
    FieldSpec(
        "domains",
        "domain",
        read=lambda a: [d.domain for d in a.domains],
        label="Web domains",
        unique=True,
        multiple=True,
        where=_has_domain,
    ),
    FieldSpec(
        "is_client",
        "boolean",
        read=lambda a: a.is_client,
        label="Is a client",
        nullable=False,
        where=_is_client,
    ),
    FieldSpec(
        "client_tier",
        "select",
        read=lambda a: _profile(a, "tier"),
        label="Client tier (null while the account is not a client)",
        nullable=False,  # a client always has one
        reads_null=True,  # other accounts have none
        options=CLIENT_TIERS,
    ),
    FieldSpec(
        "client_since",
        "date",
        read=lambda a: iso(_profile(a, "client_since")),
        label="Client since",
    ),
    FieldSpec(
        "account_manager",
        "user",
        read=lambda a: id_string(_profile(a, "account_manager_id")),
        label="Account manager",
    ),
    *timestamp_fields(Company),
)


def _client_values(values: dict[str, Any], company: Company | None) -> dict[str, Any]:
    """The client profile after the write; client fields need ``is_client`` to be true."""
    profile = company.client_profile if company is not None else None
    is_client = values.get("is_client", profile is not None)
    given = [name for name in CLIENT_FIELDS if values.get(name) is not None]
    if not is_client and given:
        raise FieldValueInvalid(
            "Only a client has a tier, a start date or an account manager.",
            fields={name: ["Set is_client to true as well."] for name in given},
        )
    return {
        "is_client": is_client,
        "client_tier": values.get("client_tier") or (profile.tier if profile else "standard"),
        "client_since": values.get("client_since", profile.client_since if profile else None),
        "account_manager_id": values.get(
            "account_manager", profile.account_manager_id if profile else None
        ),
    }


def _input(values: dict[str, Any], company: Company | None = None) -> CompanyInput:
    """The whole company the service writes: what it is now, with ``values`` laid over it."""
    current_domains = [d.domain for d in company.domains] if company is not None else []
    return CompanyInput(
        name=values.get("name", company.name if company else ""),
        industry=values.get("industry", company.industry if company else None),
        owner_id=values.get("owner", company.owner_id if company else None),
        domains=reordered(current_domains, values, "domains", "domain_name"),
        **_client_values(values, company),
    )


def _create(actor: Actor, values: dict[str, Any]) -> Company:
    with api_names(API_NAMES):
        owned = {"owner": actor.user_id} | values  # the caller, unless another is named
        return companies.create_company(actor, _input(owned), permission=access.CRM_WRITE)


def _update(actor: Actor, company: Company, values: dict[str, Any]) -> Company:
    with api_names(API_NAMES):
        given = _input(values, company)
        return companies.update_company(actor, company.id, given, permission=access.CRM_WRITE)


def _load_options() -> tuple:
    return (selectinload(Company.domains), joinedload(Company.client_profile))


ACCOUNT = RecordType(
    api_name="account",
    label="Account",
    description=(
        "A company. Its client profile is carried as fields: set is_client to make it a client."
    ),
    fields=FIELDS,
    store=RecordStore(
        model=Company,
        load_options=_load_options,
        create=_create,
        update=_update,
        archive=lambda actor, id_: companies.archive_company(actor, id_, access.CRM_WRITE),
        restore=lambda actor, id_: companies.restore_company(actor, id_, access.CRM_WRITE),
        archived_column=Company.archived_at,
    ),
    assertable=True,
    relationship_support="typed_and_generic",
)
