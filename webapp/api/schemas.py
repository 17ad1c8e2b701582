"""Request and response shapes of the relationships API (reference 002), as strict pydantic models.

They check the JSON types of a body before the services check its meaning, and they are what
``/api/openapi.json`` publishes: one description, used by the code and the document alike.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Id = str | int  # ids are strings in responses; requests may send a string of digits or a number


class Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProfileUpdate(Body):
    """Every field optional; send only what changes. ``null`` or ``""`` clears a text field."""

    communication_preference: (
        Literal["email", "phone", "sms", "whatsapp", "linkedin", "in_person", ""] | None
    ) = None
    communication_notes: str | None = None
    personal_notes: str | None = None
    birthday: str | None = Field(None, description="MM-DD, or YYYY-MM-DD (sets birthday_year)")
    birthday_year: int | None = None
    home_address: str | None = None
    interests: list[str] | None = None
    dietary_requirements: str | None = None
    preferred_name: str | None = None
    assistant_name: str | None = None
    assistant_email: str | None = None
    phone_number: str | None = Field(None, description="Any format; stored in E.164")
    whatsapp_number: str | None = Field(None, description="Any format; stored in E.164")
    twilio_opt_in: bool = None  # type: ignore[assignment]  (may be omitted, never null)


class LifeEventCreate(Body):
    event_type: str = Field(description="birthday, anniversary, work_anniversary, wedding, ...")
    title: str
    event_date: str | None = Field(None, description="YYYY-MM-DD, or MM-DD if the year is unknown")
    recurs_annually: bool = None  # type: ignore[assignment]
    description: str | None = None
    auto_action_enabled: bool = True
    auto_action_days_before: int | None = Field(None, ge=0, le=365)
    company_id: Id | None = None


class LifeEventUpdate(Body):
    event_type: str = None  # type: ignore[assignment]
    event_date: str | None = None
    recurs_annually: bool = None  # type: ignore[assignment]
    title: str = None  # type: ignore[assignment]
    description: str | None = None
    auto_action_enabled: bool = None  # type: ignore[assignment]
    auto_action_days_before: int | None = Field(None, ge=0, le=365)


class ActionCreate(Body):
    title: str
    action_type: Literal[
        "gift", "card", "call", "whatsapp", "sms", "email", "linkedin", "meeting", "other"
    ]
    description: str | None = None
    assigned_to_user_id: Id | None = Field(None, description="Default: the caller")
    due_date: str | None = Field(None, description="YYYY-MM-DD")
    message_body: str | None = None
    company_id: Id | None = Field(None, description="Default: the contact's primary company")


class ActionStatusUpdate(Body):
    # Any other value is a 400 from the service, as reference 002 says; the enum documents it.
    status: Any = Field(json_schema_extra={"enum": ["done", "dismissed"]})


class MessageSend(Body):
    """Checked by the service, so that every bad or missing value is a 400 naming its field."""

    model_config = ConfigDict(json_schema_extra={"required": ["channel", "body"]})

    channel: Any = Field(
        None, json_schema_extra={"type": "string", "enum": ["sms", "whatsapp", "mms"]}
    )
    body: Any = Field(None, json_schema_extra={"type": "string", "minLength": 1, "maxLength": 4096})
    media_url: Any = Field(None, json_schema_extra={"type": "string", "format": "uri"})
    auto_action_id: Any = Field(
        None,
        description="A pending action of this contact; marked done when the message is sent",
        json_schema_extra={"type": ["string", "integer", "null"]},
    )


class PartnerCreate(Body):
    partner_company_name: str
    partner_contact_name: str | None = None
    partner_contact_email: str | None = Field(None, description="A valid email address")
    relationship_type: str | None = Field(None, description="Referral partner, Reseller, ...")
    estimated_deal_size: float | None = Field(
        None, ge=0, description="Non-negative, to the cent; kept exactly (not as a float)"
    )
    notes: str | None = None
    contact_id: Id | None = Field(None, description="An existing contact linked to the partner")


class PartnerUpdate(Body):
    """Every field optional; ``null`` clears any field but ``partner_company_name``."""

    partner_company_name: str = None  # type: ignore[assignment]
    partner_contact_name: str | None = None
    partner_contact_email: str | None = None
    relationship_type: str | None = None
    estimated_deal_size: float | None = Field(None, ge=0)
    notes: str | None = None
    contact_id: Id | None = None


class Profile(Shape):
    id: str
    contact_id: str
    communication_preference: str | None
    communication_notes: str | None
    personal_notes: str | None
    birthday: str | None = Field(description="YYYY-MM-DD if the year is known, else MM-DD")
    birthday_year: int | None
    home_address: str | None
    interests: list[str]
    dietary_requirements: str | None
    preferred_name: str | None
    assistant_name: str | None
    assistant_email: str | None
    phone_number: str | None
    whatsapp_number: str | None
    twilio_opt_in: bool
    created_at: str
    updated_at: str


class LifeEvent(Shape):
    id: str
    contact_id: str
    company_id: str | None
    event_type: str
    title: str
    event_date: str | None = Field(description="YYYY-MM-DD, or MM-DD if the year is unknown")
    recurs_annually: bool
    description: str | None
    auto_action_enabled: bool
    auto_action_days_before: int
    next_occurrence: str | None
    created_at: str
    updated_at: str


class Action(Shape):
    id: str
    contact_id: str
    company_id: str | None
    life_event_id: str | None
    occurrence_date: str | None
    title: str
    action_type: str
    description: str | None
    assigned_to_user_id: str
    due_date: str | None
    overdue: bool
    message_body: str | None
    status: Literal["pending", "done", "dismissed"]
    source: str
    task_id: str | None
    completed_at: str | None
    completed_by_user_id: str | None
    created_at: str
    updated_at: str
    first_name: str
    last_name: str
    contact_email: str | None
    company_name: str | None
    assigned_to_name: str


class Message(Shape):
    id: str
    contact_id: str | None
    channel: Literal["sms", "whatsapp", "mms"]
    direction: Literal["outbound", "inbound"]
    body: str
    media_url: str | None
    media_urls: list[str]
    status: Literal["queued", "sent", "delivered", "read", "undelivered", "failed", "received"]
    from_number: str | None
    to_number: str | None
    twilio_sid: str | None
    error_code: str | None
    error_message: str | None
    sent_by_user_id: str | None
    sent_by_name: str | None
    auto_action_id: str | None
    status_changed_at: str | None
    created_at: str
    updated_at: str


class Partner(Shape):
    id: str
    company_id: str
    partner_company_name: str
    partner_contact_name: str | None
    partner_contact_email: str | None
    relationship_type: str | None
    estimated_deal_size: float | None
    notes: str | None
    contact_id: str | None
    contact_name: str | None
    created_at: str
    updated_at: str


class PartnerList(Shape):
    partners: list[Partner]


class PartnerResponse(Shape):
    partner: Partner


class SummaryContact(Shape):
    id: str
    first_name: str
    last_name: str
    title: str | None
    role: str | None = Field(description="Their role at this company")
    email: str | None
    phone: str | None
    owner_id: str | None
    owner_name: str | None
    last_touch_on: str | None
    communication_preference: str | None
    communication_notes: str | None
    preferred_name: str | None
    phone_number: str | None
    whatsapp_number: str | None
    twilio_opt_in: bool
    assistant_name: str | None
    assistant_email: str | None
    dietary_requirements: str | None
    interests: list[str]


class SummaryEvent(LifeEvent):
    days_until: int
    first_name: str
    last_name: str


class RelationshipSummary(Shape):
    contacts: list[SummaryContact]
    events: list[SummaryEvent] = Field(
        description="Events next happening from today through 90 days ahead, soonest first"
    )
    actions: list[Action] = Field(description="Pending actions within the caller's scope")
    partners: list[Partner]
    messages: list[Message] = Field(description="The 10 most recent, newest first")


class MessageList(Shape):
    messages: list[Message]
    meta: PageMeta
    links: dict[str, str]


class MessageResponse(Shape):
    message: Message


class ProfileResponse(Shape):
    profile: Profile
    twilio_connected: bool


class ProfileUpdateResponse(Shape):
    profile: Profile


class LifeEventList(Shape):
    events: list[LifeEvent]


class LifeEventResponse(Shape):
    event: LifeEvent


class Ok(Shape):
    ok: Literal[True]


class PageMeta(Shape):
    page: int
    per_page: int
    total: int


class ActionList(Shape):
    actions: list[Action]
    meta: PageMeta
    links: dict[str, str]


class ActionResponse(Shape):
    action: Action


class Squad(Shape):
    id: str
    name: str


class User(Shape):
    id: str
    name: str
    email: str
    role: str
    squad: Squad | None
    timezone: str
    active: bool


class ApiKey(Shape):
    id: str
    name: str
    prefix: str
    permissions: list[str]
    created_at: str
    last_used_at: str | None
    revoked_at: str | None


class Me(Shape):
    user: User
    permissions: list[str]
    api_key: ApiKey | None


class MeResponse(Shape):
    data: Me


class UserList(Shape):
    data: list[User]
    meta: PageMeta
    links: dict[str, str]


class ErrorDetail(Shape):
    code: str
    message: str
    details: dict


class ErrorEnvelope(Shape):
    error: ErrorDetail
