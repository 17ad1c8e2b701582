"""Scheduled work: the jobs APScheduler runs, and the runner that records each tick."""
