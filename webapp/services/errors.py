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


class RecordMerged(DomainError):
    """The record was merged into another; ``details['merged_into']`` says which (the end of
    the chain, if that one was merged too)."""

    code = "record_merged"
    status = 410


class MergeRefused(DomainError):
    """A merge that cannot be done as asked; ``code`` says why (``merge_into_itself``,
    ``too_many_records``, ``record_archived``)."""

    code = "merge_refused"
    status = 422


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


class RecordFieldError(ValidationFailed):
    """A records-API attribute broke a schema rule; ``details.fields`` names each one.

    The codes and statuses are reference 001's, one subclass per code.
    """

    def __init__(self, message: str, *, fields: dict | None = None):
        super().__init__(message, fields=fields)


class UnknownField(RecordFieldError):
    code = "unknown_field"
    status = 400


class FieldNotCreatable(RecordFieldError):
    code = "field_not_creatable"
    status = 400


class FieldNotUpdatable(RecordFieldError):
    code = "field_not_updatable"
    status = 400


class FieldRequiredMissing(RecordFieldError):
    code = "field_required_missing"
    status = 422


class FieldValueInvalid(RecordFieldError):
    code = "field_value_invalid"
    status = 422


class AmbiguousMatch(DomainError):
    """A match by unique fields found more than one record."""

    code = "ambiguous_match"
    status = 409


class InvalidMatchingField(RecordFieldError):
    """A match named a field that is not unique on the record type."""

    code = "invalid_matching_field"
    status = 400


class UnknownRecordType(DomainError):
    code = "unknown_record_type"
    status = 404


class UnknownRelationship(DomainError):
    code = "unknown_relationship"
    status = 404


class TargetRecordNotFound(DomainError):
    """A relationship's target id or match did not resolve (or is not linked, on delete)."""

    code = "target_record_not_found"
    status = 404


class OperationNotSupported(DomainError):
    """The record type does not offer this operation (``_assert`` on a task, say)."""

    code = "operation_not_supported"
    status = 405


class ImportFileRejected(DomainError):
    """An uploaded file Rapport cannot import: empty, binary, too large, too many rows or
    unreadable. ``code`` says which (``empty_file``, ``binary_file``, ``too_large``, ...)."""

    code = "unreadable_file"
    status = 400


class ImportStateConflict(DomainError):
    """The import is not in a state that allows this (running one not previewed, undoing one
    that is still running or past its undo window)."""

    code = "import_state_conflict"
    status = 409
