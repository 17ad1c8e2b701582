"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``."""

import os

from webapp import create_app

app = create_app()

# ``make run`` asks for the scheduler inside the development server; production runs it as
# its own process (``flask --app wsgi scheduler run``) so web workers never run a job twice.
if os.environ.get("RAPPORT_SCHEDULER") == "background":
    from webapp.jobs.scheduler import start_in_background

    start_in_background(app)
