"""How a path finds its routes, and the one pipeline every emulated
request goes through: authenticate, resolve the organization or project, check key scopes and
membership, run the handler in a store transaction, render the reply. The body is parsed when
first read."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from flask import Flask
from werkzeug.wrappers import Request

from mock_posthog.contract import schemas
from mock_posthog.contract.errors import MethodNotAllowed, allow
from mock_posthog.contract.operations import Route
from mock_posthog.http.answer import JSON, SECURITY_HEADERS, Answer
from mock_posthog.http.exchange import Exchange
from mock_posthog.http.instance import Instance
from mock_posthog.posthog import auth, metadata
from mock_posthog.posthog.call import Call, Reply
from mock_posthog.posthog.parsers import RequestBody
from mock_posthog.world.layout import dumps
from mock_posthog.world.store import Record
from mock_posthog.world.world import World

MATCHES_KEPT = 4096  # paths whose match is kept
Headers = tuple[tuple[str, str], ...]


class RouteTable:
    """Finds the routes of a request's path. At each segment a fixed word wins over a
    placeholder (`plugins/repository/` is not plugin "repository"), as Django's URL patterns
    are ordered; a placeholder is one non-empty segment, so `plugins//` matches nothing; the
    trailing slash is optional, as PostHog's router makes it."""

    def __init__(self, routes: Iterable[Route]) -> None:
        by_path: dict[str, dict[str, Route]] = {}
        for route in routes:
            by_path.setdefault(route.path, {})[route.method] = route
        ordered = sorted(by_path, key=_specificity)
        self._patterns = [
            (_path_pattern(path), by_path[path], view_headers(by_path[path])) for path in ordered
        ]
        # A client asks for the same few paths again and again: each is matched once.
        self._matched = functools.lru_cache(maxsize=MATCHES_KEPT)(self._match)

    def match(self, path: str) -> tuple[dict[str, Route], dict[str, str], Headers] | None:
        """The routes of `path` by method, the values of its placeholders, and the headers
        its views add to every answer (`view_headers`)."""
        found = self._matched(path)
        return None if found is None else (found[0], dict(found[1]), found[2])

    def _match(self, path: str) -> tuple[dict[str, Route], dict[str, str], Headers] | None:
        for pattern, path_routes, headers in self._patterns:
            found = pattern.fullmatch(path)
            if found:
                return path_routes, found.groupdict(), headers
        return None

    def routes(self) -> list[Route]:
        return [route for _, path_routes, _ in self._patterns for route in path_routes.values()]


def view_headers(path_routes: dict[str, Route]) -> Headers:
    """What every answer of a path's views gets: DRF's finalize_response gives it the Allow
    header of the path's methods; Django's middleware adds its security headers."""
    return (("Allow", allow(list(path_routes))), *SECURITY_HEADERS)


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/")


def _specificity(path: str) -> list[int]:
    return [1 if segment.startswith("{") else 0 for segment in _segments(path)]


def _path_pattern(path: str) -> re.Pattern[str]:
    parts = [
        f"(?P<{segment[1:-1]}>[^/]+)" if segment.startswith("{") else re.escape(segment)
        for segment in _segments(path)
    ]
    return re.compile("/" + "/".join(parts) + "/?")


ROUTE_TABLE = "mock_posthog.routes"  # app.extensions key: the app's RouteTable


def app_routes(app: Flask) -> list[Route]:
    return app.extensions[ROUTE_TABLE].routes()


def dispatch(
    exchange: Exchange, instance: Instance, path_routes: dict[str, Route], args: dict[str, str]
) -> Answer:
    world = instance.world
    this = exchange.request
    body = exchange.body = RequestBody(this)
    query = this.args
    caller = auth.authenticate(world.store, this.headers, lambda: body.data, query)
    any_route = next(iter(path_routes.values()))
    with world.store.transaction():
        from_token = _project_from_token(world, this, body)
        organization, project = _resolve_parent(world, caller, any_route, args, from_token)
        route = exchange.route
        # DRF runs the permission classes in order (scopes, membership, access level) before
        # the throttles and the method.
        action = "metadata" if this.method == "OPTIONS" else route.action if route else None
        auth.check_key_scopes(caller, action, organization, project)
        auth.check_membership(caller, organization["id"])
        if any_route.parent == "organization":  # PluginViewSet's PluginsAccessLevelPermission
            auth.check_plugins_access(organization, this.method)
        # DRF throttles after every permission class, and only then looks for the method.
        instance.rate_limit.check(caller.key["value"])

        def call_for(route: Route) -> Call:
            return Call(route, world, args, query, body, caller, organization, project, this)

        if this.method == "OPTIONS":  # APIView.options: SimpleMetadata, on every route
            options = metadata.metadata(path_routes, call_for)
            return Answer.of(200, dumps(options), headers={"Allow": allow(list(path_routes))})
        if route is None:
            raise MethodNotAllowed(this.method, list(path_routes))
        result = route.handler(call_for(route))
    return render(route, result, world.settings.validate_responses)


def route_for(path_routes: dict[str, Route], method: str) -> Route | None:
    """The route that answers `method`: a HEAD is answered as its GET."""
    return path_routes.get("GET" if method == "HEAD" else method)


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _project_from_token(world: World, this: Request, body: RequestBody) -> Record | None:
    """PostHog's routing reads a project API token from the request before its parents (a
    GET's `token` or `api_key`, a form's): a wrong one is a 401, a right one replaces the
    path's project. Only a form body is read for it, as DRF's `request.POST` is."""
    # Only a body with a content type can be a form: most requests skip werkzeug's parsing.
    is_form = "CONTENT_TYPE" in this.environ and this.mimetype in _FORM_TYPES
    form = body.data if is_form else None
    token = auth.project_token(this.method, this.args, form)
    return auth.project_of_token(world.store, token)


def _resolve_parent(
    world: World,
    caller: auth.Caller,
    route: Route,
    args: dict[str, str],
    from_token: Record | None,
) -> tuple[Record, Record | None]:
    if route.parent == "current project":
        project = from_token or auth.legacy_project(world.store, caller)
        organization = auth.organization_of_project(world.store, project)
    elif route.parent == "project":
        raw = args["project_id"]
        project = (
            from_token
            if from_token is not None and raw != auth.CURRENT
            else auth.resolve_project(world.store, caller, raw)
        )
        organization = auth.organization_of_project(world.store, project)
    else:
        project = None
        organization = auth.resolve_organization(world.store, caller, args["organization_id"])
    return organization, project


def render(route: Route, result: Any, validate: bool) -> Answer:
    if result is not None and not isinstance(result, Reply):  # the usual: JSON, route's status
        if validate and route.response_schema and route.status < 300:
            schemas.check_response(route.response_schema, result)
        return Answer.of(route.status, dumps(result))
    reply = result if isinstance(result, Reply) else Reply(status=route.status)
    if reply.content_type != JSON:  # a Django HttpResponse keeps its own type
        return Answer.of(reply.status, reply.body or "", reply.content_type, reply.headers)
    if reply.body is None:  # DRF drops the content type of an empty JSON body
        return Answer.of(reply.status, b"", None, reply.headers)
    if validate and route.response_schema and reply.status < 300:
        schemas.check_response(route.response_schema, reply.body)
    content = reply.encoded if reply.encoded is not None else dumps(reply.body)
    return Answer.of(reply.status, content, JSON, reply.headers)
