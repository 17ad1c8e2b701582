"""The domain model; importing this package registers every table with the metadata."""

from webapp.models.api_keys import ApiKey
from webapp.models.audit import AuditEvent
from webapp.models.companies import CLIENT_TIERS, ClientProfile, Company, CompanyDomain
from webapp.models.contacts import (
    CONTACT_STAGES,
    Contact,
    ContactCompanyLink,
    ContactEmail,
    ContactPhone,
)
from webapp.models.people import ROLES, PermissionOverride, Squad, User

__all__ = [
    "CLIENT_TIERS",
    "CONTACT_STAGES",
    "ROLES",
    "ApiKey",
    "AuditEvent",
    "ClientProfile",
    "Company",
    "CompanyDomain",
    "Contact",
    "ContactCompanyLink",
    "ContactEmail",
    "ContactPhone",
    "PermissionOverride",
    "Squad",
    "User",
]
