"""How the Flask app answers `/api/`: the route table's pipeline runs straight from the WSGI
call, with the faults before it and the journal after it; the rest (the control plane, the
OpenAPI document, paths no route serves) goes through Flask's own dispatch.

Why not Flask's dispatch for the API too: an API request is the mock's hot path, and Flask's
per-request context (binding and matching the URL map, pushing and popping the contexts,
signals, sessions) cost about 75 µs of the ~200 µs the mock spent on a GET (bench/README.md).
The pipeline takes the request explicitly instead, so nothing on it needs that context.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException

from mock_posthog.contract.errors import ApiError
from mock_posthog.http import faults, namespace_selectors, recording, routing, unrouted
from mock_posthog.http.answer import SECURITY_HEADERS, Answer, WSGIApp
from mock_posthog.http.error_responses import (
    error_response,
    http_error_response,
    unexpected_error_response,
)
from mock_posthog.http.exchange import Exchange
from mock_posthog.http.instance import Instance
from mock_posthog.http.namespaces import Namespaces
from mock_posthog.http.payload import ApiRequest
from mock_posthog.posthog.notes import collecting


class ApiApp:
    """The WSGI app of a Flask app, answering `/api/` before Flask's dispatch."""

    def __init__(self, app: Flask, namespaces: Namespaces, table: routing.RouteTable) -> None:
        self.flask_dispatch: WSGIApp = app.wsgi_app
        self.limits = (
            app.config["MAX_CONTENT_LENGTH"],
            app.config["MAX_FORM_MEMORY_SIZE"],
            app.config["MAX_FORM_PARTS"],
        )
        self.namespaces, self.table = namespaces, table

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        instance = self.namespaces.default
        if namespace_selectors.may_select(environ):
            try:
                name = namespace_selectors.take(environ)
                if name is not None:
                    instance = self.namespaces.instance(name)
            except ApiError as error:
                return error_response(error)(environ, start_response)
            environ[namespace_selectors.INSTANCE] = instance  # for the control plane
        if not environ.get("PATH_INFO", "").startswith("/api/"):
            return self.flask_dispatch(environ, start_response)
        began, moment = time.perf_counter(), instance.world.clock.now()
        exchange = Exchange(self._request(environ), began, moment)
        with collecting(exchange.notes):  # what the emulated PostHog notes goes to it
            answer, added = self._answer(exchange, instance)
        answer = answer.with_headers(added)
        instance.journal.record(recording.recorded(instance.world.store, exchange, answer))
        if exchange.dropped:
            faults.drop_connection(environ)
        return answer(environ, start_response)

    def _request(self, environ: dict[str, Any]) -> ApiRequest:
        # Not kept in the environ: a request and its environ in a cycle would wait for the
        # garbage collector, where reference counting frees them as the call returns.
        request = ApiRequest(environ)
        limits = self.limits
        request.max_content_length, request.max_form_memory_size, request.max_form_parts = limits
        return request

    def _answer(self, exchange: Exchange, instance: Instance) -> tuple[Answer, routing.Headers]:
        """The answer, and the headers it gets where it has none of their name: a view's
        answer its path's `view_headers`, any other (a fault's, a path no route has, a
        failure outside DRF) Django's security headers alone."""
        this = exchange.request
        matched = self.table.match(this.path)
        added: routing.Headers = SECURITY_HEADERS
        if matched is not None:
            exchange.route = routing.route_for(matched[0], this.method)
            added = matched[2]
        try:
            refused = faults.inject(instance.faults, exchange)
            if refused is not None:
                return refused, SECURITY_HEADERS
            if matched is None:  # Flask's 404 in the envelope, or the OpenAPI document
                answered = unrouted.answered(self.flask_dispatch, self.table, this.environ)
                return answered, SECURITY_HEADERS
            return routing.dispatch(exchange, instance, matched[0], matched[1]), added
        except ApiError as error:
            return error_response(error), added
        except HTTPException as error:
            refusal = http_error_response(error, this.method, this.path, this.max_content_length)
            return refusal, SECURITY_HEADERS
        except Exception as error:  # any failure is a 500 with its cause
            return unexpected_error_response(error, this.method, this.path), SECURITY_HEADERS
