"""What Rapport sends through Twilio, and the one door to it: ``send``.

The ``twilio`` client itself (and ``requests`` under it) lives in ``twilio_client`` and is
loaded on the first send, not in every web worker that never sends: 5 MiB each
(docs/performance.md, "Memory").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

WHATSAPP_PREFIX = "whatsapp:"


@dataclass(frozen=True)
class Outgoing:
    """What to send: addresses in E.164 (the WhatsApp prefix is added here), text, media."""

    channel: str
    to_number: str
    from_number: str
    body: str
    media_urls: tuple[str, ...] = ()
    status_callback: str | None = None


@dataclass(frozen=True)
class Accepted:
    """Twilio took the message: its sid and first status."""

    sid: str
    status: str


class ProviderError(Exception):
    """Twilio refused the message, or could not be reached: the code and message to record."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _address(channel: str, number: str) -> str:
    return f"{WHATSAPP_PREFIX}{number}" if channel == "whatsapp" else number


def send(config: Mapping, outgoing: Outgoing) -> Accepted:
    """Create the message at Twilio. Raises ``ProviderError`` on any refusal or network failure."""
    from webapp.messaging import twilio_client  # loaded on the first send (module docstring)

    arguments = {
        "to": _address(outgoing.channel, outgoing.to_number),
        "from_": _address(outgoing.channel, outgoing.from_number),
        "body": outgoing.body,
    }
    if outgoing.media_urls:
        arguments["media_url"] = list(outgoing.media_urls)
    if outgoing.status_callback:
        arguments["status_callback"] = outgoing.status_callback
    sid, status = twilio_client.create_message(config, arguments)
    return Accepted(sid=sid, status=status or "queued")
