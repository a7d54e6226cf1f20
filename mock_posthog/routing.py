"""The route table's shape and the one pipeline every emulated request goes through:
authenticate, resolve the organization or project, check key scopes and membership, run the
handler in a store transaction, render the reply. The body is parsed when first read."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import orjson
from flask import Flask, Request, Response, current_app, g, request

from . import auth, payload, schemas
from .errors import MethodNotAllowed
from .store import Record

if TYPE_CHECKING:  # the world holds the journal and faults, whose hooks need this module
    from .world import World

log = logging.getLogger("mock_posthog")

Handler = Callable[["Call"], Any]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
JSON = "application/json"
ROUTES_BY_ENDPOINT = "mock_posthog.routes"  # app.extensions key: Flask endpoint -> its routes


@dataclass(frozen=True)
class QueryParam:
    """A query parameter a route reads, for the OpenAPI document."""

    name: str
    schema: dict[str, Any]
    description: str
    repeatable: bool = False


@dataclass(frozen=True)
class Route:
    """One documented operation. The table of these drives Flask, the OpenAPI document and
    the README's coverage table."""

    operation_id: str
    method: str
    path: str  # OpenAPI style, with the trailing slash: /api/projects/{project_id}/...
    action: str  # DRF's action name: list, create, retrieve, update, partial_update, destroy...
    handler: Handler
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

    @property
    def parent(self) -> str:
        return "project" if self.path.startswith("/api/projects/") else "organization"

    def flask_rules(self) -> list[str]:
        rule = re.sub(r"\{(\w+)\}", r"<\1>", self.path)
        return [rule, rule.rstrip("/")]


@dataclass(frozen=True)
class Reply:
    """A response that is not a plain JSON body with the route's status."""

    body: Any = None
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    encoded: bytes | None = None  # the body's JSON, when made beforehand (the same bytes)


@dataclass
class Call:
    """What a handler gets: the request, already authenticated and resolved."""

    route: Route
    world: World
    args: dict[str, str]
    query: Any  # werkzeug MultiDict: `get` gives the first value, `getlist` all
    body: payload.RequestBody  # parsed when first read, as PostHog's views read it
    caller: auth.Caller
    organization: Record
    project: Record | None
    request: Request

    @property
    def url(self) -> str:
        """The request's whole URL, for paging links (made only when a handler asks)."""
        return self.request.url

    @property
    def store(self) -> Any:
        return self.world.store

    @property
    def data(self) -> Any:
        return self.body.data

    def note(self, text: str) -> None:
        note(text)


def note(text: str) -> None:
    """Say something about this request in the log and the journal (a quirk that applied,
    the reason for a 500): the user reading a failing test learns why."""
    if "notes" not in g:
        g.notes = []
    g.notes.append(text)
    log.info("note: %s", text)


def register(app: Flask, routes: Iterable[Route]) -> None:
    by_path: dict[str, dict[str, Route]] = {}
    for route in routes:
        by_path.setdefault(route.path, {})[route.method] = route
    by_endpoint = app.extensions.setdefault(ROUTES_BY_ENDPOINT, {})
    for path_routes in by_path.values():
        first = next(iter(path_routes.values()))
        view = partial(dispatch, path_routes)
        for index, rule in enumerate(first.flask_rules()):
            by_endpoint[f"{first.operation_id}.{index}"] = path_routes
            app.add_url_rule(
                rule,
                endpoint=f"{first.operation_id}.{index}",
                view_func=view,
                methods=METHODS,
                provide_automatic_options=False,
                merge_slashes=False,  # Django matches `plugins//` to nothing: no redirect
            )


def current_route() -> Route | None:
    """The route this request is for, before or after dispatch; None when there is none."""
    found = g.get(_ROUTE, _UNKNOWN)
    if found is _UNKNOWN:
        path_routes = current_app.extensions.get(ROUTES_BY_ENDPOINT, {}).get(request.endpoint)
        method = "GET" if request.method == "HEAD" else request.method
        found = path_routes.get(method) if path_routes else None
        setattr(g, _ROUTE, found)
    return found


_ROUTE = "mock_posthog_route"  # on `g`: the request's route, once looked up
_UNKNOWN = object()
REQUEST_BODY = "mock_posthog_body"  # on `g`: the body as dispatch parsed it, for the journal


def app_routes(app: Flask) -> list[Route]:
    by_endpoint = app.extensions.get(ROUTES_BY_ENDPOINT, {})
    unique = {id(route): route for routes in by_endpoint.values() for route in routes.values()}
    return list(unique.values())


def dispatch(path_routes: dict[str, Route], **args: str) -> Response:
    world: World = current_app.extensions["mock_posthog"]
    this: Request = request._get_current_object()  # type: ignore[attr-defined]
    state = g._get_current_object()  # type: ignore[attr-defined]
    body = payload.RequestBody(this)
    setattr(state, REQUEST_BODY, body)
    query = this.args
    caller = auth.authenticate(world.store, this.headers, lambda: body.data, query)
    method = "GET" if this.method == "HEAD" else this.method
    any_route = next(iter(path_routes.values()))
    with world.store.transaction():
        organization, project = _resolve_parent(world, caller, any_route, args)
        route = path_routes.get(method)
        setattr(state, _ROUTE, route)
        # PostHog checks a key's scopes before membership, and both before the method.
        auth.check_key_scopes(caller, route.action if route else None, organization, project)
        auth.check_membership(caller, organization["id"])
        world.rate_limit.check(caller.key["value"])  # DRF throttles after the permissions
        if route is None:
            raise MethodNotAllowed(this.method, list(path_routes))
        call = Call(route, world, args, query, body, caller, organization, project, this)
        result = route.handler(call)
    return render(route, result, world.settings.validate_responses)


def _resolve_parent(
    world: World, caller: auth.Caller, route: Route, args: dict[str, str]
) -> tuple[Record, Record | None]:
    if route.parent == "project":
        project = auth.resolve_project(world.store, caller, args["project_id"])
        organization = auth.resolve_organization(world.store, caller, project["organization_id"])
    else:
        project = None
        organization = auth.resolve_organization(world.store, caller, args["organization_id"])
    return organization, project


def render(route: Route, result: Any, validate: bool) -> Response:
    if result is not None and not isinstance(result, Reply):  # the usual: JSON, route's status
        if validate and route.response_schema and route.status < 300:
            schemas.check_response(route.response_schema, result)
        return Response(orjson.dumps(result), status=route.status, content_type=JSON)
    reply = result if isinstance(result, Reply) else Reply(status=route.status)
    if reply.content_type != "application/json":
        content = reply.body or ""
    elif reply.body is None:
        content = b""
    else:
        if validate and route.response_schema and reply.status < 300:
            schemas.check_response(route.response_schema, reply.body)
        content = reply.encoded if reply.encoded is not None else orjson.dumps(reply.body)
    if content or reply.content_type != "application/json":
        return Response(
            content, status=reply.status, headers=reply.headers, content_type=reply.content_type
        )
    response = Response(content, status=reply.status, headers=reply.headers)
    # DRF drops the content type of an empty JSON body; a Django HttpResponse keeps its own.
    del response.headers["Content-Type"]
    return response
