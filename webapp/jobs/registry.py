"""The scheduled jobs, in the order a tick runs them, and how often the scheduler runs each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from webapp.jobs import cadence, digests, due_actions, stuck_messages
from webapp.jobs.base import Clock, JobResult


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    run: Callable[[Clock], JobResult]
    every_minutes: int


# Hourly: each user's day (and morning) starts at their own midnight, somewhere every hour.
# Due actions and check-ins come before the digests, so a morning digest includes them.
JOBS: tuple[Job, ...] = (
    Job("due_actions", "Life-event actions", due_actions.run, 60),
    Job("cadence", "Keep-in-touch check-ins", cadence.run, 60),
    Job("digests", "Morning digests", digests.run, 60),
    Job("stuck_messages", "Messages stuck before Twilio answered", stuck_messages.run, 15),
)


def job_named(name: str) -> Job:
    return next(job for job in JOBS if job.name == name)
