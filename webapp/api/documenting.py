"""How a v1 API view describes itself for the OpenAPI document: ``@documented``.

Kept apart from ``openapi`` (which builds the document from every route, records API included)
so that any API module can import it without importing the builder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from pydantic import BaseModel


@dataclass(frozen=True)
class QueryParam:
    name: str
    schema: dict
    description: str
    # The view reads an empty value (``?due_before=``) as not given: OpenAPI's allowEmptyValue.
    allow_empty: bool = False


@dataclass(frozen=True)
class Operation:
    summary: str
    response: type[BaseModel]
    status: int = 200
    body: type[BaseModel] | None = None
    query: tuple[QueryParam, ...] = field(default=())
    errors: dict[int, str] = field(default_factory=dict)
    # The body's media type: JSON, or ``multipart/form-data`` for an upload.
    body_media: str = "application/json"


def documented(
    summary: str,
    response: type[BaseModel],
    *,
    status: int = 200,
    body: type[BaseModel] | None = None,
    query: tuple[QueryParam, ...] = (),
    errors: dict[int, str] | None = None,
    body_media: str = "application/json",
) -> Callable:
    """Describe a view for the OpenAPI document; ``errors`` adds statuses of its own."""

    def decorator(view: Callable) -> Callable:
        view.openapi = Operation(summary, response, status, body, query, errors or {}, body_media)
        return view

    return decorator
