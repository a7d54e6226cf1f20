"""The Flask app factory: wires the emulated instance, the API, the control plane and the error
handlers. It holds no business rules."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from mock_posthog.contract import openapi
from mock_posthog.contract.errors import ApiError
from mock_posthog.control import control
from mock_posthog.http import routing
from mock_posthog.http.api_app import ApiApp
from mock_posthog.http.error_responses import (
    error_response,
    http_error_response,
    unexpected_error_response,
)
from mock_posthog.http.instance import Instance
from mock_posthog.http.namespaces import NAMESPACES, Namespaces
from mock_posthog.posthog.api import ROUTES
from mock_posthog.settings import Settings


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    settings = settings or Settings.from_env(**overrides)
    app = Flask("mock_posthog")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    instance = app.extensions["mock_posthog"] = Instance(settings)
    app.add_url_rule("/api/schema/", "openapi", _openapi_document)
    app.add_url_rule("/api/schema", "openapi_no_slash", _openapi_document)
    app.register_blueprint(control)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    table = app.extensions[routing.ROUTE_TABLE] = routing.RouteTable(ROUTES)
    namespaces = app.extensions[NAMESPACES] = Namespaces(instance, settings)
    app.wsgi_app = ApiApp(app, namespaces, table)  # type: ignore[method-assign]
    return app


def _openapi_document() -> Response:
    body = openapi.document(ROUTES)
    body["servers"] = [{"url": request.host_url.rstrip("/")}]
    return Response(orjson.dumps(body), content_type="application/json")


# Flask's error handlers, for what Flask serves: the control plane, the OpenAPI document, a
# path no route has.


def _api_error(error: ApiError) -> Response:
    return error_response(error).response()


def _http_error(error: HTTPException) -> Response:
    refusal = http_error_response(error, request.method, request.path, request.max_content_length)
    return refusal.response()


def _unexpected_error(error: Exception) -> Response:
    return unexpected_error_response(error, request.method, request.path).response()
