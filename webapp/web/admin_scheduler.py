"""Admin: the scheduler's health, each job's last good tick and the recent ticks. Admins only."""

from __future__ import annotations

from flask import Blueprint, render_template

from webapp import access
from webapp.guards import permission_required
from webapp.jobs import runner
from webapp.jobs.registry import JOBS

bp = Blueprint("admin_scheduler", __name__, url_prefix="/admin")
RECENT_TICKS = 100


@bp.get("/scheduler")
@permission_required(access.ADMIN)
def ticks():
    """Each job's pulse, then the last hundred ticks with their counts and errors."""
    return render_template(
        "admin/scheduler.html",
        jobs=JOBS,
        health=runner.pulse(),
        ticks=runner.recent_ticks(RECENT_TICKS),
    )
