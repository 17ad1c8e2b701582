"""``GET /healthz``: 200 when the database answers, 503 otherwise; and the scheduler's pulse.

The scheduler runs in its own process, so its health is read from the ticks it records: the
time each job last finished without an error, and whether that is older than it should be.
"""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from webapp.extensions import db, limiter
from webapp.jobs import runner

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("Health check: the database did not answer")
        db.session.rollback()
        return jsonify({"status": "unavailable", "database": "down"}), 503
    return jsonify({"status": "ok", "database": "ok", "scheduler": scheduler_health()})


def scheduler_health() -> dict[str, dict]:
    """Per job: the last successful tick (ISO time or null) and whether it is overdue."""
    return {
        name: {
            "last_success_at": pulse.last_success_at.isoformat() if pulse.last_success_at else None,
            "stale": pulse.stale,
        }
        for name, pulse in runner.pulse().items()
    }
