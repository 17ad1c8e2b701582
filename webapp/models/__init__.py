"""The domain model; importing this package registers every table with the metadata."""

from webapp.models import custom_objects  # noqa: F401  (registers the custom-object tables)
from webapp.models.actions import (
    ACTION_SOURCES,
    ACTION_STATUSES,
    ACTION_TYPES,
    CLOSED_STATUSES,
    RelationshipAction,
    Task,
)
from webapp.models.api_keys import ApiKey
from webapp.models.audit import AuditEvent
from webapp.models.cache import CacheGeneration
from webapp.models.companies import CLIENT_TIERS, ClientProfile, Company, CompanyDomain
from webapp.models.contact_relationships import (
    RELATIONSHIP_GROUPS,
    ContactRelationship,
    RelationshipType,
    RelationshipTypeGroup,
)
from webapp.models.contacts import (
    CONTACT_STAGES,
    Contact,
    ContactCompanyLink,
    ContactEmail,
    ContactPhone,
    ContactTag,
    full_name_of,
    primary_link_first,
)
from webapp.models.duplicates import DUPLICATE_KINDS, NotDuplicatePair
from webapp.models.imports import IMPORT_STATUSES, ROW_OUTCOMES, Import, ImportRow
from webapp.models.messages import (
    MESSAGE_CHANNELS,
    MESSAGE_DIRECTIONS,
    MESSAGE_STATUSES,
    STATUS_RANKS,
    Message,
    MessageTemplate,
)
from webapp.models.opportunities import (
    OPPORTUNITY_STAGES,
    Opportunity,
    OpportunityContact,
    OpportunityOwner,
)
from webapp.models.partners import Partner
from webapp.models.people import ROLES, PermissionOverride, Squad, User
from webapp.models.relationships import COMMUNICATION_CHANNELS, LifeEvent, RelationshipProfile
from webapp.models.scheduled import (
    INTERACTION_KINDS,
    CalendarFeed,
    Digest,
    Interaction,
    SchedulerTick,
)

__all__ = [
    "INTERACTION_KINDS",
    "CalendarFeed",
    "Digest",
    "Interaction",
    "SchedulerTick",
    "ACTION_SOURCES",
    "ACTION_STATUSES",
    "ACTION_TYPES",
    "CLOSED_STATUSES",
    "COMMUNICATION_CHANNELS",
    "LifeEvent",
    "MESSAGE_CHANNELS",
    "MESSAGE_DIRECTIONS",
    "MESSAGE_STATUSES",
    "STATUS_RANKS",
    "Message",
    "MessageTemplate",
    "RelationshipAction",
    "RelationshipProfile",
    "Task",
    "CLIENT_TIERS",
    "CONTACT_STAGES",
    "ROLES",
    "ApiKey",
    "AuditEvent",
    "CacheGeneration",
    "ClientProfile",
    "Company",
    "CompanyDomain",
    "Contact",
    "ContactRelationship",
    "RELATIONSHIP_GROUPS",
    "RelationshipType",
    "RelationshipTypeGroup",
    "ContactCompanyLink",
    "full_name_of",
    "primary_link_first",
    "ContactEmail",
    "ContactPhone",
    "ContactTag",
    "DUPLICATE_KINDS",
    "IMPORT_STATUSES",
    "Import",
    "ImportRow",
    "NotDuplicatePair",
    "ROW_OUTCOMES",
    "OPPORTUNITY_STAGES",
    "Opportunity",
    "OpportunityContact",
    "OpportunityOwner",
    "Partner",
    "PermissionOverride",
    "Squad",
    "User",
]
