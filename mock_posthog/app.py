"""The Flask app factory: wires the world, the routes, the control plane and the error
handlers. It holds no business rules."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from . import faults, journal, openapi, routing
from .api import ROUTES
from .control import control
from .errors import (
    ApiError,
    MethodNotAllowed,
    NotFound,
    ParseError,
    RequestTooLarge,
    ServerError,
)
from .schemas import SchemaMismatch
from .settings import Settings
from .store import StoreWriteError
from .world import World

log = logging.getLogger("mock_posthog")


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    settings = settings or Settings.from_env(**overrides)
    app = Flask("mock_posthog")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["mock_posthog"] = World(settings)
    routing.register(app, ROUTES)
    app.add_url_rule("/api/schema/", "openapi", _openapi_document)
    app.add_url_rule("/api/schema", "openapi_no_slash", _openapi_document)
    app.register_blueprint(control)
    journal.install(app)  # first: its clock starts before any fault's latency
    faults.install(app)
    app.register_error_handler(ApiError, render_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def _openapi_document() -> Response:
    body = openapi.document(ROUTES)
    body["servers"] = [{"url": request.host_url.rstrip("/")}]
    return Response(orjson.dumps(body), content_type="application/json")


def world_of(app: Flask) -> World:
    return app.extensions["mock_posthog"]


def render_error(error: ApiError) -> Response:
    if isinstance(error, ServerError):
        routing.note(f"500 because {error.cause}")
        log.error("answering 500: %s", error.cause)
    response = Response(orjson.dumps(error.body()), status=error.status, headers=error.headers)
    response.content_type = "application/json"
    return response


def _http_error(error: HTTPException) -> Response:
    """Werkzeug's own refusals (no route, a body over the limit, a broken form) in the envelope."""
    if error.code == 404:
        endpoint_missing = request.path.startswith("/api/")
        return render_error(NotFound("Endpoint not found." if endpoint_missing else "Not found."))
    if error.code == 413:
        return render_error(RequestTooLarge(request.max_content_length or 0))
    if error.code == 400:
        return render_error(ParseError(f"Malformed request: {error.description}"))
    if error.code == 405:
        return _method_not_allowed(error)
    return render_error(ServerError(f"unexpected HTTP error {error.code}: {error.description}"))


def _method_not_allowed(error: HTTPException) -> Response:
    """A method no rule names (TRACE, QUERY). Django hands any method to PostHog's view, which
    authenticates and checks permissions before DRF answers 405, so an API route's own pipeline
    answers; anywhere else it is a plain 405."""
    endpoint, args = current_app.url_map.bind_to_environ(request.environ).match(method="OPTIONS")
    if endpoint in current_app.extensions.get(routing.ROUTES_BY_ENDPOINT, {}):
        try:
            return current_app.view_functions[endpoint](**args)
        except ApiError as refusal:
            return render_error(refusal)
    return render_error(MethodNotAllowed(request.method, list(getattr(error, "valid_methods", []))))


def _unexpected_error(error: Exception) -> Response:
    if isinstance(error, StoreWriteError):
        cause = str(error)
    elif isinstance(error, SchemaMismatch):
        cause = f"the response does not match its schema: {error}"
    else:
        cause = f"{type(error).__name__}: {error}"
        log.exception("unexpected error in %s %s", request.method, request.path)
    g.setdefault("notes", [])
    return render_error(ServerError(cause))
