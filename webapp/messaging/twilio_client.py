"""The one place that talks to Twilio's REST API, through the real ``twilio`` client.

In development and tests ``TWILIO_API_BASE_URL`` points the client at the fake Twilio server;
in production it is unset and the client talks to https://api.twilio.com as usual. Only
``gateway.send`` imports this module, on the first send (see its docstring).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from webapp.messaging.gateway import ProviderError

if TYPE_CHECKING:
    from collections.abc import Mapping

TWILIO_API = "https://api.twilio.com"


class BaseUrlHttpClient(TwilioHttpClient):
    """Twilio's own HTTP client, sending what it would send to api.twilio.com to ``base_url``."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if self.base_url and url.startswith(TWILIO_API):
            url = self.base_url + url.removeprefix(TWILIO_API)
        return super().request(method, url, *args, **kwargs)


def client_for(config: Mapping) -> Client:
    http_client = BaseUrlHttpClient(
        config.get("TWILIO_API_BASE_URL") or "", timeout=config["TWILIO_TIMEOUT_SECONDS"]
    )
    return Client(
        config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], http_client=http_client
    )


def create_message(config: Mapping, arguments: dict) -> tuple[str, str | None]:
    """Create the message at Twilio; its sid and first status. Raises ``ProviderError``."""
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
    return created.sid, created.status
