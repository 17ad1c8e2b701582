"""gunicorn's settings for Rapport, read from the working directory whenever gunicorn starts there
(``gunicorn wsgi:app`` in the README; ``make bench`` serves ``bench.serve:app`` the same way)."""


def post_worker_init(worker) -> None:
    """Each worker, once its app is loaded and before its first request: compile the templates
    and freeze the start-up objects out of the garbage collector's reach (``prepare_to_serve``)."""
    from flask import Flask

    from webapp.boot import prepare_to_serve

    if isinstance(worker.wsgi, Flask):  # not gunicorn's stand-in for an app that failed to load
        prepare_to_serve(worker.wsgi)
