"""Sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from webapp.extensions import limiter
from webapp.services import users
from webapp.web.forms.auth import SignInForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow ``next`` to a path on this site."""
    if not target:
        return url_for("today.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("today.index")
    if "\\" in target:  # browsers read "/\\host" as "//host": another site
        return url_for("today.index")
    return target


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"], deduct_when=lambda r: r.status_code == 401)
def sign_in():
    """The sign-in form; failed attempts are limited per address (``SIGN_IN_RATE_LIMIT``)."""
    if current_user.is_authenticated:
        return redirect(url_for("today.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = users.authenticate(form.email.data, form.password.data)
        if user is not None:
            # A session that existed before sign-in (perhaps planted by someone else) ends
            # here: the signed-in one starts empty, with a new CSRF token.
            session.clear()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("That email and password do not match an active account.")
        return render_template("auth/sign_in.html", form=form), 401
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    """End the session: nothing of it is left for whoever uses the browser next."""
    logout_user()
    remember = session.get("_remember")  # Flask-Login's note to delete the remember cookie
    session.clear()
    if remember:
        session["_remember"] = remember
    flash("You are signed out.", "info")
    return redirect(url_for("auth.sign_in"))
