"""Whether Twilio can be used: credentials configured, and sending switched on."""

from __future__ import annotations

from collections.abc import Mapping


def twilio_configured(config: Mapping) -> bool:
    return bool(config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_AUTH_TOKEN"))


def twilio_enabled(config: Mapping) -> bool:
    return bool(config.get("TWILIO_ENABLED"))


def twilio_connected(config: Mapping) -> bool:
    """Credentials are configured and sending is enabled (reference 002's ``twilio_connected``)."""
    return twilio_configured(config) and twilio_enabled(config)
