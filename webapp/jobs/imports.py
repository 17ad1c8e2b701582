"""The import poller: every few seconds, work on imports waiting to run.

Imports are not a tick of the registry's jobs (those keep a row per run for the Scheduler
page): polling every few seconds would fill that table with empty ticks. What an import did is
kept on the import itself, and ``services.imports.running`` explains how a run survives the
death of its process.
"""

from __future__ import annotations

import logging

from webapp.services import calendar
from webapp.services.imports import running

log = logging.getLogger(__name__)
POLL_SECONDS = 3


def run_pending() -> int:
    """Work on waiting imports for one slice of time; how many were worked on."""
    worked = running.run_pending(calendar.now())
    if worked:
        log.info("imports: worked on %d", worked)
    return worked
