"""gunicorn serving ``bench.serve:app`` on PostgreSQL, in a process group of its own."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """Start with ``with Server(url) as server:``; ``server.base`` is its address."""

    def __init__(self, database_url: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.command = [
            sys.executable, "-m", "gunicorn", "bench.serve:app",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(WORKERS),
            "--worker-class", "sync", "--backlog", "2048", "--log-level", "warning",
            # As the README's production command: a sync worker is stopped after this long on one
            # request, and a whole-book export under the mixed load can take over gunicorn's 30 s.
            "--timeout", "120",
        ]  # fmt: skip
        self.environment = {
            **os.environ,
            "DATABASE_URL": database_url,
            "RAPPORT_ENV": "production",
            "SECRET_KEY": "bench-secret-key",
            # The bench measures the app, not the per-key allowance that protects it.
            "API_RATE_LIMIT": "1000000 per minute",
            "SIGN_IN_RATE_LIMIT": "1000 per minute",
        }
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.environment, start_new_session=True
        )
        self._wait_until_ready()
        return self

    def __exit__(self, *exc_info) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)

    def _wait_until_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn stopped while starting")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not answer /healthz within a minute")

    def worker_peak_memory_mb(self) -> float:
        """The largest peak resident memory (VmHWM) of any worker so far."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        peaks = [_peak_kb(int(pid)) for pid in children.read_text().split()]
        return max(peaks, default=0) / 1024


def _peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0
