"""Each API key's allowance (``API_RATE_LIMIT``): over it, 429 in the JSON envelope.

The records API (``/api/v2``) and the relationships API (``/api/relationships``) each keep their
own count, so a sync job busy on one does not starve the other.
"""

from __future__ import annotations

from flask import current_app

from webapp.guards import current_actor


def rate_limit_key() -> str:
    """Each API key has its own allowance; a signed-in browser session is counted per user."""
    actor = current_actor()
    if actor is None:
        return "anonymous"
    if actor.api_key is not None:
        return f"api-key:{actor.api_key.id}"
    return f"user:{actor.user_id}"


def rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]
