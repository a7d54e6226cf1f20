"""Every failure as the response PostHog gives: an ApiError in its envelope, werkzeug's own
refusals (no route, a body over the limit, a broken form) and anything unexpected as a 500
whose cause is noted and logged."""

from __future__ import annotations

import logging

import orjson
from werkzeug.exceptions import HTTPException

from mock_posthog.contract.errors import (
    ApiError,
    MethodNotAllowed,
    NotFound,
    ParseError,
    RequestTooLarge,
    ServerError,
)
from mock_posthog.contract.schemas import SchemaMismatch
from mock_posthog.http.answer import Answer
from mock_posthog.posthog.notes import note
from mock_posthog.world.layout import StoreWriteError

log = logging.getLogger("mock_posthog")


def error_response(error: ApiError) -> Answer:
    if isinstance(error, ServerError):
        note(f"500 because {error.cause}")
        log.error("answering 500: %s", error.cause)
    return Answer.of(error.status, orjson.dumps(error.body()), headers=error.headers)


def http_error_response(
    error: HTTPException, method: str, path: str, max_content_length: int | None
) -> Answer:
    if error.code == 404:
        return error_response(
            NotFound("Endpoint not found." if path.startswith("/api/") else "Not found.")
        )
    if error.code == 413:
        return error_response(RequestTooLarge(max_content_length or 0))
    if error.code == 400:
        return error_response(ParseError(f"Malformed request: {error.description}"))
    if error.code == 405:
        return error_response(MethodNotAllowed(method, list(getattr(error, "valid_methods", []))))
    return error_response(ServerError(f"unexpected HTTP error {error.code}: {error.description}"))


def unexpected_error_response(error: Exception, method: str, path: str) -> Answer:
    if isinstance(error, StoreWriteError):
        cause = str(error)
    elif isinstance(error, SchemaMismatch):
        cause = f"the response does not match its schema: {error}"
    else:
        cause = f"{type(error).__name__}: {error}"
        log.exception("unexpected error in %s %s", method, path)
    return error_response(ServerError(cause))
