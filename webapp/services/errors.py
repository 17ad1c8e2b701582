"""The one error family: every failure a service can report, each with a stable code."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every expected failure. ``code`` is stable; the API and the pages both use it."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str, *, details: dict | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}
        if code:
            self.code = code


class Unauthenticated(DomainError):
    code = "unauthenticated"
    status = 401


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403


class NotFound(DomainError):
    code = "record_not_found"
    status = 404


class ValidationFailed(DomainError):
    """Input broke a rule. ``details['fields']`` maps a field name to its list of messages."""

    code = "validation_failed"
    status = 422

    def __init__(self, message: str = "Some fields need attention.", *, fields: dict | None = None):
        super().__init__(message, details={"fields": fields or {}})

    @property
    def fields(self) -> dict[str, list[str]]:
        return self.details["fields"]


class BadRequest(ValidationFailed):
    """The request itself is malformed: an unknown field, a value the endpoint never takes."""

    code = "bad_request"
    status = 400

    def __init__(self, message: str, *, fields: dict | None = None, code: str | None = None):
        super().__init__(message, fields=fields)
        if code:
            self.code = code


class NotAClient(DomainError):
    """The company exists but has no client profile, and the operation is for clients only."""

    code = "not_a_client"
    status = 404


class Conflict(DomainError):
    """The write would break a uniqueness rule (an email already used, a domain already taken)."""

    code = "conflict"
    status = 409


class NotOptedIn(DomainError):
    """The contact has not agreed to receive messages (``twilio_opt_in`` is false)."""

    code = "not_opted_in"
    status = 403


class NoPhoneNumber(DomainError):
    """No usable number on the contact's profile for the chosen channel."""

    code = "no_phone_number"
    status = 400


class TwilioNotConfigured(DomainError):
    """No Twilio credentials (or no sender number for the channel): an operator must set them."""

    code = "twilio_not_configured"
    status = 500


class TwilioDisabled(DomainError):
    """Sending is switched off (``TWILIO_ENABLED=false``) while the credentials stay in place."""

    code = "twilio_disabled"
    status = 503


class ProviderFailed(DomainError):
    """Twilio refused the message or could not be reached; the message is kept as failed."""

    code = "twilio_error"
    status = 502
