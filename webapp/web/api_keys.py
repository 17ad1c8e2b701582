"""Settings: a user's API keys. Create one (the secret is shown once), see them, revoke one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, flash, redirect, render_template, url_for

from webapp import access
from webapp.guards import permission_required, signed_in_actor
from webapp.services import api_keys
from webapp.services.errors import ValidationFailed
from webapp.web.forms.api_keys import ApiKeyForm
from webapp.web.formtools import show_service_errors

if TYPE_CHECKING:
    from webapp.access import Actor
    from webapp.services.api_keys import NewApiKey

bp = Blueprint("api_keys", __name__, url_prefix="/settings/api-keys")


def _render(actor: Actor, form: ApiKeyForm, *, created: NewApiKey | None = None, status: int = 200):
    """The page: the create form, any secret just made, and the user's keys."""
    response = render_template(
        "settings/api_keys.html",
        form=form,
        keys=api_keys.keys_of(actor.user),
        created=created,
        labels=access.PERMISSION_LABELS,
        first_call_url=url_for("api.me", _external=True),
    )
    headers = {"Cache-Control": "no-store"} if created else {}
    return response, status, headers


def _blank_form(actor: Actor) -> ApiKeyForm:
    """An empty create form with every permission the actor holds ticked."""
    form = ApiKeyForm(formdata=None)
    form.offer(actor)
    form.permissions.data = list(access.grantable_permissions(actor))
    return form


@bp.get("")
@permission_required()
def index():
    """The user's keys and the form to create one."""
    actor = signed_in_actor()
    return _render(actor, _blank_form(actor))


@bp.post("")
@permission_required()
def create():
    """Create a key and show its secret, once; the next load of the page no longer has it."""
    actor = signed_in_actor()
    form = ApiKeyForm()
    form.offer(actor)
    try:
        created = api_keys.create_api_key(
            actor, actor.user, name=form.name.data or "", permissions=form.permissions.data or []
        )
    except ValidationFailed as error:
        show_service_errors(form, error)
        return _render(actor, form, status=422)
    return _render(actor, _blank_form(actor), created=created, status=201)


@bp.post("/<int:key_id>/revoke")
@permission_required()
def revoke(key_id: int):
    """Revoke a key (the page asks to confirm first); it stops working at once.

    CSRF is checked for every POST by ``CSRFProtect``; whose key it is, by the service.
    """
    api_key = api_keys.revoke_api_key(signed_in_actor(), key_id)
    flash(f"Revoked the key {api_key.name} ({api_key.prefix}…). It no longer works.", "success")
    return redirect(url_for("api_keys.index"), 303)
