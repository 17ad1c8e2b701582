"""Whether Twilio can be used: credentials configured, senders set, sending switched on."""

from __future__ import annotations

from collections.abc import Mapping

STATUS_CALLBACK_PATH = "/webhooks/twilio/status"
INBOUND_PATH = "/webhooks/twilio/inbound"

# Which sender number each channel sends from (MMS goes out from the SMS number).
SENDER_SETTINGS = {
    "sms": "TWILIO_SMS_FROM",
    "mms": "TWILIO_SMS_FROM",
    "whatsapp": "TWILIO_WHATSAPP_FROM",
}


def twilio_configured(config: Mapping) -> bool:
    return bool(config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_AUTH_TOKEN"))


def twilio_enabled(config: Mapping) -> bool:
    return bool(config.get("TWILIO_ENABLED"))


def twilio_connected(config: Mapping) -> bool:
    """Credentials are configured and sending is enabled (reference 002's ``twilio_connected``)."""
    return twilio_configured(config) and twilio_enabled(config)


def sender_number(config: Mapping, channel: str) -> str | None:
    """The number ``channel`` sends from, or ``None`` if none is configured."""
    return config.get(SENDER_SETTINGS[channel]) or None


def configured_channels(config: Mapping) -> tuple[str, ...]:
    """Channels Rapport could send on now: Twilio connected and a sender number set."""
    if not twilio_connected(config):
        return ()
    return tuple(channel for channel in SENDER_SETTINGS if sender_number(config, channel))


def public_url(config: Mapping, path: str) -> str:
    """The address Twilio uses to reach ``path`` on this app (and signs its requests with)."""
    return f"{config.get('PUBLIC_BASE_URL', '').rstrip('/')}{path}"
