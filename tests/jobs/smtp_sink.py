"""A tiny SMTP server for tests: speaks enough SMTP for ``smtplib`` and keeps what it receives.

220 greeting, EHLO/HELO, MAIL, RCPT, DATA (dot-unstuffed), RSET, NOOP, QUIT; no TLS, no AUTH.
``reject_mail`` makes it answer MAIL FROM with that reply (e.g. "550 No thanks"), to test failures.
"""

from __future__ import annotations

import email
import socketserver
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage


@dataclass
class Received:
    """One message as the sink got it: the envelope and the parsed message."""

    mail_from: str
    rcpt_to: list[str]
    message: EmailMessage


@dataclass
class SmtpSink:
    received: list[Received] = field(default_factory=list)
    reject_mail: str | None = None

    def reset(self) -> None:
        self.received.clear()
        self.reject_mail = None


class _Session(socketserver.StreamRequestHandler):
    sink: SmtpSink

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 sink.test ESMTP test sink")
        mail_from, rcpt_to = "", []
        while line := self.rfile.readline():
            command, _, argument = line.decode("utf-8").rstrip("\r\n").partition(" ")
            verb = command.upper()
            if verb == "EHLO":
                self.reply("250-sink.test")
                self.reply("250 8BITMIME")
            elif verb in ("HELO", "NOOP"):
                self.reply("250 OK")
            elif verb == "MAIL":
                if self.sink.reject_mail:
                    self.reply(self.sink.reject_mail)
                    continue
                mail_from, rcpt_to = _address(argument), []
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpt_to.append(_address(argument))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                message = email.message_from_bytes(self._data(), policy=policy.default)
                self.sink.received.append(Received(mail_from, rcpt_to, message))
                self.reply("250 OK: queued")
            elif verb == "RSET":
                mail_from, rcpt_to = "", []
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def _data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


def _address(argument: str) -> str:
    """``FROM:<a@b>`` or ``TO:<a@b> SIZE=1`` -> ``a@b``."""
    return argument.partition(":")[2].split(">")[0].strip().lstrip("<")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@dataclass
class RunningSink:
    sink: SmtpSink
    host: str
    port: int
    server: _Server

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_sink() -> RunningSink:
    """Start a sink on a free local port, served from a daemon thread."""
    sink = SmtpSink()
    handler = type("SinkSession", (_Session,), {"sink": sink})
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, name="smtp-sink", daemon=True).start()
    host, port = server.server_address[:2]
    return RunningSink(sink, host, port, server)
