"""What gunicorn serves in ``make bench``: Rapport itself, plus the yardstick.

``/bench/minimal/<id>`` is the smallest useful endpoint on the same stack (Flask, the app's own
request hooks, SQLAlchemy, the same connection pool, PostgreSQL, gunicorn): one contact row by
primary key, as JSON. Every other figure is read as a ratio to it.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from webapp import create_app
from webapp.extensions import db
from webapp.models import Contact

app = create_app()


@app.get("/bench/minimal/<int:contact_id>")
def minimal(contact_id: int):
    """One row by primary key."""
    stmt = select(Contact.id, Contact.first_name, Contact.last_name).where(Contact.id == contact_id)
    row = db.session.execute(stmt).first()
    if row is None:
        abort(404)
    return {"id": row.id, "first_name": row.first_name, "last_name": row.last_name}
