"""A fake Twilio for development and tests: the Messages resource of Twilio's REST API.

The real ``twilio`` client talks to it (``TWILIO_API_BASE_URL``), so the code under test is the
code in production. It can be told to fail (an error code, or a slow answer that times out), and
it sends status callbacks and inbound messages signed the way Twilio signs them. ``make run``
starts it with automatic delivery and replies, so the demo conversation is alive.

Control it from Python (``FakeTwilio``) or over HTTP under ``/_fake/``.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

import phonenumbers
import requests
from flask import Flask, jsonify, request
from twilio.request_validator import RequestValidator
from werkzeug.serving import WSGIRequestHandler, make_server

log = logging.getLogger(__name__)

API = "/2010-04-01/Accounts/<account_sid>"
WHATSAPP = "whatsapp:"

# Poster(url, form fields, headers) -> HTTP status: how signed webhooks reach the app.
Poster = Callable[[str, dict, dict], int]


def post_over_http(url: str, fields: dict, headers: dict) -> int:
    return requests.post(url, data=fields, headers=headers, timeout=10).status_code


@dataclass
class Failure:
    """What the next create should do instead of succeeding."""

    status: int = 400
    code: int | None = 21211
    message: str = "The 'To' number is not a valid phone number."
    delay: float = 0.0  # seconds to wait before answering: longer than the client's timeout
    still_sends: bool = False  # take the message anyway, as Twilio may when its answer is late


@dataclass
class FakeTwilio:
    """The fake's state and behaviour; ``app()`` wraps it in the HTTP API."""

    account_sid: str
    auth_token: str
    inbound_url: str | None = None
    auto_deliver: bool = False
    auto_reply: str | None = None
    poster: Poster = post_over_http
    callback_delay: float = 0.4
    messages: dict[str, dict] = field(default_factory=dict)
    failures: deque[Failure] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- what tests and the control API ask of it --------------------------------------------

    def fail_next(self, failure: Failure | None = None, times: int = 1) -> None:
        with self._lock:
            self.failures.extend([failure or Failure()] * times)

    def reset(self) -> None:
        with self._lock:
            self.messages.clear()
            self.failures.clear()

    @property
    def sent(self) -> list[dict]:
        with self._lock:
            return list(self.messages.values())

    def sign(self, url: str, fields: dict) -> str:
        return RequestValidator(self.auth_token).compute_signature(url, fields)

    def post_signed(self, url: str, fields: dict) -> int:
        """POST ``fields`` to ``url`` with the X-Twilio-Signature Twilio would send."""
        return self.poster(url, fields, {"X-Twilio-Signature": self.sign(url, fields)})

    def send_status(self, sid: str, status: str, error_code: int | None = None) -> int:
        """Tell the app, through the message's StatusCallback, that its status changed."""
        with self._lock:
            message = self.messages[sid]
            message["status"] = status
            message["error_code"] = error_code
        if not message.get("status_callback"):
            return 0
        fields = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": self.account_sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "From": message["from"],
            "To": message["to"],
            "ApiVersion": "2010-04-01",
        }
        if error_code:
            fields["ErrorCode"] = str(error_code)
        return self.post_signed(message["status_callback"], fields)

    def send_inbound(
        self,
        from_number: str,
        body: str,
        *,
        to_number: str = "+15005550006",
        channel: str = "sms",
        media_urls: tuple[str, ...] = (),
    ) -> tuple[str, int]:
        """A contact writes to us: POST the inbound webhook. Returns (sid, the app's status)."""
        sid = "SM" + secrets.token_hex(16)
        prefix = WHATSAPP if channel == "whatsapp" else ""
        fields = inbound_fields(
            self.account_sid, sid, prefix + from_number, prefix + to_number, body, media_urls
        )
        if not self.inbound_url:
            raise RuntimeError("The fake Twilio has no inbound_url to post to.")
        return sid, self.post_signed(self.inbound_url, fields)

    # --- the Messages resource ----------------------------------------------------------------

    def create(self, fields: dict) -> tuple[dict, int]:
        """Twilio's Messages create: validate, maybe fail as told, else queue the message."""
        with self._lock:
            failure = self.failures.popleft() if self.failures else None
        if failure is not None and failure.still_sends:
            message = self._record(fields)
            time.sleep(failure.delay)
            return message, 201
        if failure is not None:
            time.sleep(failure.delay)
            return _error(failure.status, failure.code, failure.message), failure.status
        problem = _invalid(fields)
        if problem is not None:
            return problem
        message = self._record(fields)
        if self.auto_deliver:
            self._later(self._deliver, message["sid"], message["to"].startswith(WHATSAPP))
        return message, 201

    def _record(self, fields: dict) -> dict:
        now = format_datetime(datetime.now(UTC))
        media = fields.get("MediaUrl") or []
        message = {
            "sid": "SM" + secrets.token_hex(16),
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "to": fields["To"],
            "from": fields["From"],
            "body": fields.get("Body", ""),
            "status": "queued",
            "direction": "outbound-api",
            "num_media": str(len(media)),
            "num_segments": "1",
            "media_urls": list(media),
            "error_code": None,
            "error_message": None,
            "price": None,
            "price_unit": "USD",
            "date_created": now,
            "date_updated": now,
            "date_sent": None,
            "messaging_service_sid": None,
            "status_callback": fields.get("StatusCallback"),
        }
        message["uri"] = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{message['sid']}.json"
        with self._lock:
            self.messages[message["sid"]] = message
        return message

    def _later(self, work: Callable, *args) -> None:
        timer = threading.Timer(self.callback_delay, self._quietly, (work, *args))
        timer.daemon = True
        timer.start()

    @staticmethod
    def _quietly(work: Callable, *args) -> None:
        """Background callbacks log a failure (the app may be stopping) instead of raising it."""
        try:
            work(*args)
        except (requests.RequestException, KeyError) as exc:
            log.warning("The fake Twilio could not call back: %s", exc)

    def _deliver(self, sid: str, whatsapp: bool) -> None:
        """What a handset on a good network does: sent, delivered, (read), then perhaps a reply."""
        for status in ("sent", "delivered", "read") if whatsapp else ("sent", "delivered"):
            self.send_status(sid, status)
            time.sleep(self.callback_delay)
        message = self.messages[sid]
        if self.auto_reply and self.inbound_url:
            channel = "whatsapp" if whatsapp else "sms"
            self.send_inbound(
                message["to"].removeprefix(WHATSAPP),
                self.auto_reply,
                to_number=message["from"].removeprefix(WHATSAPP),
                channel=channel,
            )

    def app(self) -> Flask:
        return _http_api(self)


def inbound_fields(
    account_sid: str,
    sid: str,
    from_address: str,
    to_address: str,
    body: str,
    media_urls: tuple[str, ...] = (),
) -> dict:
    """The form fields of Twilio's inbound message webhook (addresses may be ``whatsapp:+...``)."""
    fields = {
        "MessageSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": account_sid,
        "From": from_address,
        "To": to_address,
        "Body": body,
        "NumMedia": str(len(media_urls)),
        "ApiVersion": "2010-04-01",
    }
    for index, url in enumerate(media_urls):
        fields[f"MediaUrl{index}"] = url
        fields[f"MediaContentType{index}"] = "image/jpeg"
    return fields


def _error(status: int, code: int | None, message: str) -> dict:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _valid_address(address: str) -> bool:
    try:
        number = phonenumbers.parse(address.removeprefix(WHATSAPP), None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(number)


def _invalid(fields: dict) -> tuple[dict, int] | None:
    """Twilio's own refusals for a create it cannot accept."""
    if not fields.get("To"):
        return _error(400, 21604, "A 'To' phone number is required."), 400
    if not _valid_address(fields["To"]):
        return _error(
            400, 21211, f"The 'To' number {fields['To']} is not a valid phone number."
        ), 400
    if not fields.get("From"):
        return _error(400, 21603, "A 'From' phone number is required."), 400
    if not fields.get("Body") and not fields.get("MediaUrl"):
        return _error(400, 21602, "Message body is required."), 400
    return None


def _http_api(fake: FakeTwilio) -> Flask:
    app = Flask("fake_twilio")

    def authorised(account_sid: str) -> bool:
        auth = request.authorization
        return (
            auth is not None
            and account_sid == fake.account_sid
            and auth.username == fake.account_sid
            and auth.password == fake.auth_token
        )

    @app.post(f"{API}/Messages.json")
    def create_message(account_sid: str):
        if not authorised(account_sid):
            return jsonify(_error(401, 20003, "Authentication Error - invalid username")), 401
        fields = request.form.to_dict()
        fields["MediaUrl"] = request.form.getlist("MediaUrl")
        body, status = fake.create(fields)
        return jsonify(body), status

    @app.get(f"{API}/Messages/<sid>.json")
    def fetch_message(account_sid: str, sid: str):
        if not authorised(account_sid):
            return jsonify(_error(401, 20003, "Authentication Error - invalid username")), 401
        message = fake.messages.get(sid)
        if message is None:
            return jsonify(_error(404, 20404, f"The requested resource {sid} was not found")), 404
        return jsonify(message)

    @app.get("/_fake/messages")
    def sent_messages():
        return jsonify({"messages": fake.sent})

    @app.post("/_fake/failures")
    def fail_next():
        wanted = request.get_json(force=True, silent=True) or {}
        times = int(wanted.pop("times", 1))
        fake.fail_next(Failure(**wanted), times=times)
        return jsonify({"queued_failures": len(fake.failures)})

    @app.post("/_fake/messages/<sid>/status")
    def status(sid: str):
        wanted = request.get_json(force=True, silent=True) or {}
        answer = fake.send_status(sid, wanted.get("status", "delivered"), wanted.get("error_code"))
        return jsonify({"callback_status": answer})

    @app.post("/_fake/inbound")
    def inbound():
        wanted = request.get_json(force=True, silent=True) or {}
        sid, answer = fake.send_inbound(
            wanted["from"],
            wanted.get("body", ""),
            channel=wanted.get("channel", "sms"),
            media_urls=tuple(wanted.get("media_urls", ())),
        )
        return jsonify({"sid": sid, "webhook_status": answer})

    @app.post("/_fake/reset")
    def reset():
        fake.reset()
        return jsonify({"ok": True})

    return app


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


@dataclass
class RunningFake:
    fake: FakeTwilio
    url: str
    stop: Callable[[], None]


def start_in_thread(fake: FakeTwilio, host: str = "127.0.0.1", port: int = 0) -> RunningFake:
    """Serve ``fake`` on ``host:port`` (0: any free port) in a daemon thread."""
    server = make_server(host, port, fake.app(), threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="fake-twilio", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()

    return RunningFake(fake, f"http://{host}:{server.server_port}", stop)
