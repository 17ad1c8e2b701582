"""The one place that talks to Twilio's REST API, through the real ``twilio`` client.

In development and tests ``TWILIO_API_BASE_URL`` points the client at the fake Twilio server;
in production it is unset and the client talks to https://api.twilio.com as usual.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

TWILIO_API = "https://api.twilio.com"
WHATSAPP_PREFIX = "whatsapp:"


class BaseUrlHttpClient(TwilioHttpClient):
    """Twilio's own HTTP client, sending what it would send to api.twilio.com to ``base_url``."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if self.base_url and url.startswith(TWILIO_API):
            url = self.base_url + url.removeprefix(TWILIO_API)
        return super().request(method, url, *args, **kwargs)


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


def client_for(config: Mapping) -> Client:
    http_client = BaseUrlHttpClient(
        config.get("TWILIO_API_BASE_URL") or "", timeout=config["TWILIO_TIMEOUT_SECONDS"]
    )
    return Client(
        config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], http_client=http_client
    )


def send(config: Mapping, outgoing: Outgoing) -> Accepted:
    """Create the message at Twilio. Raises ``ProviderError`` on any refusal or network failure."""
    arguments = {
        "to": _address(outgoing.channel, outgoing.to_number),
        "from_": _address(outgoing.channel, outgoing.from_number),
        "body": outgoing.body,
    }
    if outgoing.media_urls:
        arguments["media_url"] = list(outgoing.media_urls)
    if outgoing.status_callback:
        arguments["status_callback"] = outgoing.status_callback
    try:
        created = client_for(config).messages.create(**arguments)
    except TwilioRestException as exc:
        code = str(exc.code) if exc.code else f"http_{exc.status}"
        message = (exc.msg or "").removeprefix("Unable to create record: ")
        raise ProviderError(code, message or "Twilio refused the message.") from exc
    except requests.Timeout as exc:
        raise ProviderError("timeout", "Twilio did not answer in time.") from exc
    except requests.RequestException as exc:
        raise ProviderError("connection_error", "Could not reach Twilio.") from exc
    except TwilioException as exc:
        raise ProviderError("provider_error", str(exc) or "Twilio refused the message.") from exc
    return Accepted(sid=created.sid, status=created.status or "queued")
