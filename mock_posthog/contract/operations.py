"""The route table's shape: each operation the emulated API documents, with its method, path,
schemas and the statuses PostHog answers on it. The pipeline dispatches on these, and the
OpenAPI document and the README are written from them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]  # what a route may be for
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")  # the methods whose body PostHog reads
# PostHog's flat legacy router: plugin configs of the caller's current project.
LEGACY_BASE = "/api/plugin_config/"


@dataclass(frozen=True)
class QueryParam:
    """A query parameter a route reads, for the OpenAPI document."""

    name: str
    schema: dict[str, Any]
    description: str
    repeatable: bool = False


@dataclass(frozen=True)
class Route:
    """One documented operation. The table of these drives the matching of `/api/` paths, the
    OpenAPI document and the README's coverage table."""

    operation_id: str
    method: str
    path: str  # OpenAPI style, with the trailing slash: /api/projects/{project_id}/...
    action: str  # DRF's action name: list, create, retrieve, update, partial_update, destroy...
    handler: Callable[..., Any]  # takes a posthog.call.Call
    summary: str
    status: int = 200
    request_schema: str | None = None
    response_schema: str | None = None
    behaviours: tuple[str, ...] = ()
    query: tuple[QueryParam, ...] = ()
    media_type: str = "application/json"  # of the success response
    # Why PostHog answers 500 on this route, where it does; the mock answers the same.
    server_errors: tuple[str, ...] = ()
    # Why PostHog answers 400 on this route, beyond a body it cannot parse or validate.
    bad_requests: tuple[str, ...] = ()
    # Error statuses PostHog answers on this route with no body at all (DRF's bare Response).
    bare_errors: tuple[int, ...] = ()
    # The legacy form of a project route (LEGACY_BASE): no project in the path, the caller's
    # current project instead; kept out of PostHog's docs, deprecated in the mock's.
    legacy: bool = False
    # What the path names the route's parent by: `project` (an id or `@current`), `current
    # project` (the legacy router, which names none) or `organization`. Worked out once: every
    # request reads it.
    parent: str = field(init=False)

    def __post_init__(self) -> None:
        if self.legacy:
            parent = "current project"
        else:
            parent = "project" if self.path.startswith("/api/projects/") else "organization"
        object.__setattr__(self, "parent", parent)  # a frozen dataclass's own field
