"""The load generator: a process of its own, driving the server over loopback.

Reads a plan as JSON on stdin and prints what it measured as JSON on stdout. Each of
``concurrency`` clients keeps one HTTP connection (reopened when the server closes it) and sends
requests back to back, chosen by weight from the plan, for ``warmup + duration`` seconds; only the
``duration`` part is counted. An error is any answer whose status the plan does not expect, or no
answer at all.

    {"base": "http://127.0.0.1:8000", "duration": 15, "warmup": 2, "concurrency": 10,
     "requests": [{"name": "contact page", "method": "GET", "paths": ["/contacts/1"],
                   "headers": {"Cookie": "..."}, "bodies": null, "expect": [200], "weight": 1}]}

``bodies``, when given, is a list: each request sends one of them, chosen at random.
"""

from __future__ import annotations

import http.client
import json
import random
import sys
import threading
import time
from collections import defaultdict
from urllib.parse import urlsplit


class Tally:
    """Latencies and errors per request name, shared by the clients."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    def record(self, name: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[name].append(seconds)
            if error:
                self.errors[name].append(error)


def _send(connection: http.client.HTTPConnection, spec: dict, path: str, body: str | None):
    """Send one request; return the status and the start of the answer's body."""
    connection.request(spec["method"], path, body=body, headers=spec.get("headers", {}))
    response = connection.getresponse()
    return response.status, response.read()[:160]


def client(plan: dict, tally: Tally, seed: int, counted_from: float, until: float) -> None:
    """One client: requests back to back until ``until``."""
    rng = random.Random(seed)
    address = urlsplit(plan["base"])
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    specs = plan["requests"]
    weights = [spec.get("weight", 1) for spec in specs]
    while (started := time.perf_counter()) < until:
        spec = rng.choices(specs, weights)[0]
        path = rng.choice(spec["paths"])
        body = rng.choice(spec.get("bodies") or [None])
        try:
            status, answer = _send(connection, spec, path, body)
            error = None
            if status not in spec["expect"]:
                error = f"{status} {spec['method']} {path}: {answer.decode(errors='replace')}"
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            error = f"{type(exc).__name__} {spec['method']} {path}"
        if started >= counted_from:
            tally.record(spec["name"], time.perf_counter() - started, error)
    connection.close()


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def summary(tally: Tally, duration: float) -> dict:
    result = {}
    for name, latencies in tally.latencies.items():
        ordered = sorted(latencies)
        result[name] = {
            "requests": len(ordered),
            "rps": len(ordered) / duration,
            "p50_ms": percentile(ordered, 0.50) * 1000,
            "p99_ms": percentile(ordered, 0.99) * 1000,
            "errors": len(tally.errors[name]),
            "error_samples": sorted(set(tally.errors[name]))[:5],
        }
    return result


def run(plan: dict) -> dict:
    tally = Tally()
    cpu_start = time.process_time()  # this process's CPU, every client thread's together
    start = time.perf_counter()
    counted_from = start + plan.get("warmup", 0)
    until = counted_from + plan["duration"]
    clients = [
        threading.Thread(target=client, args=(plan, tally, seed, counted_from, until))
        for seed in range(plan["concurrency"])
    ]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    # The share of one core the load generator itself used (warm-up included): bench/README.md,
    # "What limits the figures now".
    load_cpu = (time.process_time() - cpu_start) / (time.perf_counter() - start)
    return {
        name: figures | {"load_cpu": load_cpu}
        for name, figures in summary(tally, plan["duration"]).items()
    }


if __name__ == "__main__":
    json.dump(run(json.load(sys.stdin)), sys.stdout)
